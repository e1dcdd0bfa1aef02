"""Reading ZIP archives the bench did not write itself (a reproduction pack sent back by a
vendor, a vendor's full export, a customer's XLSX grid): the one place that bounds them.

A small archive may declare, or hide, a huge content (a « zip bomb »). Nothing here trusts the
sizes an archive declares: every entry is read in chunks and its bytes are counted while they
are read, so reading stops at the limit whatever the headers say. Entry names are checked
before anything is read (no absolute path, no `..`, no drive letter, no link), so that an
archive can never name a file outside the folder it is read into.

The limits are the bench's own safety limits, not contract values: they bound what one
command may read into memory or onto disk. A caller with a legitimately larger archive passes
its own `Limites`. Error messages name the archive and the entry (bounded in length), never
the content.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from recette.erreurs import RecetteErreur

# A reproduction pack is about 1 MB (README, « Mesures »); a full export of a few thousand
# patients a few tens of MB. These bounds leave room for both and stop a bomb early.
ENTREES_MAX = 2_000
TOTAL_MAX = 512 * 1024 * 1024  # bytes, all entries uncompressed together
ENTREE_MAX = 256 * 1024 * 1024  # bytes, one entry uncompressed
# Text and traces compress 10 to 30 times; a run of zeros compresses 1000 times.
TAUX_MAX = 200
# Below this size an entry's ratio is not checked: tiny files compress oddly well.
TAUX_SEUIL = 1024 * 1024
BLOC = 64 * 1024
NOM_AFFICHE_MAX = 80


class ArchiveRefusee(RecetteErreur):
    """An archive is unreadable, unsafe or beyond the bench's reading limits."""


class ArchiveIllisible(ArchiveRefusee):
    """Not a ZIP archive, or a damaged one (as opposed to one refused by the limits)."""


@dataclass(frozen=True)
class Limites:
    entrees: int = ENTREES_MAX
    total: int = TOTAL_MAX
    entree: int = ENTREE_MAX
    taux: float = TAUX_MAX
    taux_seuil: int = TAUX_SEUIL


LIMITES = Limites()


def nom_affichable(texte: object, longueur: int = NOM_AFFICHE_MAX) -> str:
    """A name from outside, fit for a message: printable characters only, bounded length."""
    propre = "".join(c if c.isprintable() else "?" for c in str(texte))
    return propre if len(propre) <= longueur else propre[: longueur - 1] + "…"


def _mo(octets: int) -> str:
    if octets < 1024 * 1024:
        return f"{octets // 1024} Kio"
    return f"{octets / (1024 * 1024):.0f} Mio"


def nom_sur(nom: str) -> bool:
    """An entry name that stays inside the folder it is read into."""
    if not nom or "\\" in nom or "\x00" in nom or nom.startswith("/"):
        return False
    chemin = PurePosixPath(nom)
    if any(partie in ("", ".", "..") for partie in nom.rstrip("/").split("/")):
        return False
    premiere = chemin.parts[0]
    return not (len(premiere) >= 2 and premiere[1] == ":")  # C:, a drive letter


def _est_lien(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


class ArchiveSure:
    """``with ArchiveSure(source, "le paquet X") as archive: archive.lire("paquet.json")``.

    `source` is a path or the bytes of the archive; `libelle` names it in messages."""

    def __init__(self, source: Path | bytes, libelle: str, limites: Limites = LIMITES):
        self.libelle = libelle
        self.limites = limites
        self._lus = 0
        try:
            flux = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
            self._zip = zipfile.ZipFile(flux)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise ArchiveIllisible(f"{libelle} n'est pas une archive ZIP lisible.") from None
        try:
            self._infos = self._verifier_entrees()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> ArchiveSure:
        return self

    def __exit__(self, *exc) -> None:
        self.fermer()

    def fermer(self) -> None:
        self._zip.close()

    def _refus(self, motif: str) -> ArchiveRefusee:
        return ArchiveRefusee(f"{self.libelle} est refusé : {motif}.")

    def _verifier_entrees(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limites.entrees:
            raise self._refus(
                f"{len(infos)} entrées (au plus {self.limites.entrees} lues par le banc)"
            )
        declare = 0
        retenues: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            nom = info.filename
            if not nom_sur(nom):
                raise self._refus(
                    f"l'entrée « {nom_affichable(nom)} » sortirait du dossier de lecture "
                    "(chemin absolu, « .. » ou lecteur)"
                )
            if _est_lien(info):
                raise self._refus(f"l'entrée « {nom_affichable(nom)} » est un lien symbolique")
            if nom in retenues:
                raise self._refus(f"l'entrée « {nom_affichable(nom)} » figure deux fois")
            # Declared sizes are only a first filter: reading counts the real bytes.
            declare += info.file_size
            self._verifier_taille(nom, info.file_size, info.compress_size)
            retenues[nom] = info
        if declare > self.limites.total:
            raise self._refus(
                f"son contenu déclaré fait {_mo(declare)} (au plus {_mo(self.limites.total)})"
            )
        return retenues

    def _verifier_taille(self, nom: str, taille: int, compressee: int) -> None:
        if taille > self.limites.entree:
            raise self._refus(
                f"l'entrée « {nom_affichable(nom)} » dépasse {_mo(self.limites.entree)} "
                "une fois décompressée"
            )
        if taille > self.limites.taux_seuil and taille > self.limites.taux * max(compressee, 1):
            raise self._refus(
                f"l'entrée « {nom_affichable(nom)} » se décompresse plus de "
                f"{self.limites.taux:g} fois (archive piégée ?)"
            )

    def noms(self) -> list[str]:
        """Names of the files (not folders), in archive order."""
        return [n for n in self._infos if not n.endswith("/")]

    def contient(self, nom: str) -> bool:
        return nom in self._infos

    def _morceaux(self, nom: str, maximum: int | None = None) -> Iterator[bytes]:
        info = self._infos.get(nom)
        if info is None:
            raise self._refus(f"l'entrée « {nom_affichable(nom)} » est absente")
        lus = 0
        try:
            with self._zip.open(info) as flux:
                while morceau := flux.read(BLOC):
                    lus += len(morceau)
                    self._lus += len(morceau)
                    self._verifier_taille(nom, lus, info.compress_size)
                    if maximum is not None and lus > maximum:
                        raise self._refus(
                            f"l'entrée « {nom_affichable(nom)} » dépasse {maximum // 1024} Kio"
                        )
                    if self._lus > self.limites.total:
                        raise self._refus(
                            f"son contenu dépasse {_mo(self.limites.total)} une fois décompressé"
                        )
                    yield morceau
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise ArchiveIllisible(
                f"{self.libelle} est refusé : l'entrée « {nom_affichable(nom)} » est illisible "
                f"({exc.__class__.__name__})."
            ) from None

    def lire(self, nom: str, maximum: int | None = None) -> bytes:
        """The bytes of one entry, read within the limits (and `maximum` bytes, if given)."""
        return b"".join(self._morceaux(nom, maximum))

    def extraire(self, nom: str, destination: Path) -> Path:
        """Writes one entry to `destination` (a file path), within the limits; a refused
        entry leaves no file."""
        temporaire = destination.with_name(destination.name + ".partiel")
        try:
            with open(temporaire, "wb") as sortie:
                for morceau in self._morceaux(nom):
                    sortie.write(morceau)
            temporaire.replace(destination)
        finally:
            temporaire.unlink(missing_ok=True)
        return destination


def verifier_archive(source: Path | bytes, libelle: str, limites: Limites = LIMITES) -> None:
    """Reads every entry of an archive within the limits, keeping nothing: for an archive
    handed afterwards to a library (openpyxl) that would read it without limits."""
    with ArchiveSure(source, libelle, limites) as archive:
        for nom in archive.noms():
            for _ in archive._morceaux(nom):
                pass
