"""Evidence of a séance: the SHA-256 manifest that seals it, its verification, and the last
pass that keeps secrets out of every file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import quote, quote_plus

from recette.erreurs import SeanceInvalide
from recette.secrets import MASQUE

MANIFESTE = "manifeste.sha256"
SCELLEMENT = "scellement.json"
# Every file of a sealed séance: read-only for everyone.
MODE_SCELLE = 0o444
# Pixels and video frames hold no text; a random byte run there is not a leaked secret.
SUFFIXES_MEDIA = {".png", ".jpg", ".jpeg", ".webm", ".mp4"}
_BLOC = 1 << 20


def sha256_fichier(chemin: Path) -> str:
    empreinte = hashlib.sha256()
    with chemin.open("rb") as flux:
        while bloc := flux.read(_BLOC):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def fichiers_de(dossier: Path) -> list[Path]:
    """Every file of the folder but the manifest itself, in a stable order."""
    return sorted(
        p
        for p in dossier.rglob("*")
        if p.is_file() and p.relative_to(dossier).as_posix() != MANIFESTE
    )


def ecrire_manifeste(dossier: Path) -> Path:
    """`sha256sum` format, so that anyone can check it without the bench: `sha256sum -c`."""
    lignes = [
        f"{sha256_fichier(p)}  {p.relative_to(dossier).as_posix()}\n" for p in fichiers_de(dossier)
    ]
    cible = dossier / MANIFESTE
    temporaire = cible.with_suffix(".tmp")
    temporaire.write_text("".join(lignes), encoding="utf-8")
    os.replace(temporaire, cible)
    return cible


# A manifest line as `sha256sum` writes it: digest, a space, a space (text) or * (binary), path.
_LIGNE_MANIFESTE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def _chemin_relatif_sur(chemin: str) -> bool:
    """A path inside the séance: relative, no `..`, no empty or `.` part."""
    parties = chemin.split("/")
    return not chemin.startswith("/") and all(p not in ("", ".", "..") for p in parties)


def analyser_manifeste(dossier: Path) -> tuple[dict[str, str], tuple[int, ...]]:
    """The manifest's entries, and the numbers of the lines that are not entries (garbage,
    a path leaving the folder, a path listed twice): those are tampering, never a crash."""
    entrees: dict[str, str] = {}
    illisibles: list[int] = []
    texte = (dossier / MANIFESTE).read_bytes().decode("utf-8", errors="replace")
    for numero, ligne in enumerate(texte.splitlines(), 1):
        if not ligne.strip():
            continue
        correspondance = _LIGNE_MANIFESTE.match(ligne)
        if (
            not correspondance
            or not _chemin_relatif_sur(correspondance[2])
            or correspondance[2] in entrees
        ):
            illisibles.append(numero)
            continue
        entrees[correspondance[2]] = correspondance[1]
    return entrees, tuple(illisibles)


def lire_manifeste(dossier: Path) -> dict[str, str]:
    entrees, illisibles = analyser_manifeste(dossier)
    if illisibles:
        raise SeanceInvalide(
            f"{dossier / MANIFESTE}, ligne {illisibles[0]} : ligne illisible ; la séance a été "
            f"altérée (recette verifier {dossier.name})."
        )
    return entrees


@dataclass(frozen=True)
class Ecarts:
    modifies: tuple[str, ...]
    manquants: tuple[str, ...]
    ajoutes: tuple[str, ...]
    dossiers_ajoutes: tuple[str, ...] = ()
    dossiers_manquants: tuple[str, ...] = ()
    liens: tuple[str, ...] = ()  # symbolic links (or other non-regular files), never sealed
    droits: tuple[str, ...] = ()  # « chemin : attendu 444, trouvé 644 »
    lignes_illisibles: tuple[int, ...] = ()  # of the manifest

    @property
    def intact(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


def verifier_manifeste(dossier: Path) -> Ecarts:
    attendu = lire_manifeste(dossier)
    present = {p.relative_to(dossier).as_posix(): p for p in fichiers_de(dossier)}
    modifies = tuple(
        sorted(c for c, h in attendu.items() if c in present and sha256_fichier(present[c]) != h)
    )
    manquants = tuple(sorted(c for c in attendu if c not in present))
    ajoutes = tuple(sorted(c for c in present if c not in attendu))
    return Ecarts(modifies, manquants, ajoutes)


def ecrire_scellement(dossier: Path) -> Path:
    """The shape the sealing gives the folder, beside the hashes: every folder with its mode,
    and the mode every file gets (read-only). Itself listed in the manifest, so the manifest
    stays checkable with `sha256sum -c` and an added empty folder or a mode change shows."""
    dossiers = {".": _mode(dossier)}
    for chemin in sorted(p for p in dossier.rglob("*") if p.is_dir() and not p.is_symlink()):
        dossiers[chemin.relative_to(dossier).as_posix()] = _mode(chemin)
    contenu = {"mode_fichiers": f"{MODE_SCELLE:o}", "dossiers": dossiers}
    cible = dossier / SCELLEMENT
    temporaire = cible.with_suffix(".tmp")
    temporaire.write_text(json.dumps(contenu, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(temporaire, cible)
    return cible


def _mode(chemin: Path) -> str:
    return f"{stat.S_IMODE(chemin.lstat().st_mode):o}"


def verifier_scellement(dossier: Path) -> Ecarts:
    """Everything that makes a sealed séance what it was: the manifest (readable, every file
    with its hash, nothing more, nothing less), no symbolic link anywhere, the folders of the
    sealing (none added or removed) and the read-only modes it set."""
    attendu: dict[str, str] | None = None
    illisibles: tuple[int, ...] = ()
    manquants: list[str] = []
    manifeste = dossier / MANIFESTE
    if manifeste.is_file() and not manifeste.is_symlink():
        attendu, illisibles = analyser_manifeste(dossier)
    elif not manifeste.is_symlink():
        manquants.append(MANIFESTE)
    fichiers: dict[str, os.stat_result] = {}
    dossiers: dict[str, str] = {".": _mode(dossier)}
    liens: list[str] = []
    for racine, sous_dossiers, noms in os.walk(dossier):  # never follows a link
        for nom in sous_dossiers + noms:
            chemin = Path(racine) / nom
            relatif = chemin.relative_to(dossier).as_posix()
            etat = chemin.lstat()
            if stat.S_ISDIR(etat.st_mode):
                dossiers[relatif] = f"{stat.S_IMODE(etat.st_mode):o}"
            elif stat.S_ISREG(etat.st_mode):
                fichiers[relatif] = etat
            else:
                liens.append(relatif)
    scelles = _dossiers_scelles(dossier, attendu, fichiers)
    droits = [
        f"{c} : attendu {MODE_SCELLE:o}, trouvé {stat.S_IMODE(e.st_mode):o}"
        for c, e in sorted(fichiers.items())
        if stat.S_IMODE(e.st_mode) != MODE_SCELLE
    ]
    modifies: list[str] = []
    ajoutes: list[str] = []
    if attendu is not None:
        for relatif in sorted(fichiers):
            if relatif == MANIFESTE:
                continue
            if relatif not in attendu:
                ajoutes.append(relatif)
            elif sha256_fichier(dossier / relatif) != attendu[relatif]:
                modifies.append(relatif)
        manquants += [c for c in sorted(attendu) if c not in fichiers and c not in liens]
    if isinstance(scelles, dict):
        droits += [
            f"{c}/ : attendu {m}, trouvé {dossiers[c]}"
            for c, m in sorted(scelles.items())
            if c in dossiers and dossiers[c] != m
        ]
    return Ecarts(
        modifies=tuple(modifies),
        manquants=tuple(manquants),
        ajoutes=tuple(ajoutes),
        dossiers_ajoutes=tuple(sorted(c for c in dossiers if c not in scelles)),
        dossiers_manquants=tuple(sorted(c for c in scelles if c not in dossiers)),
        liens=tuple(sorted(liens)),
        droits=tuple(droits),
        lignes_illisibles=illisibles,
    )


def _dossiers_scelles(
    dossier: Path, attendu: dict[str, str] | None, fichiers: dict
) -> dict[str, str] | set[str]:
    """The folders of the sealing with their modes (from its record), or for a séance sealed
    before the record existed, the folders holding its files."""
    if attendu is not None and SCELLEMENT in attendu and SCELLEMENT in fichiers:
        try:
            contenu = json.loads((dossier / SCELLEMENT).read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in contenu["dossiers"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a tampered record already shows as a modified file
    chemins = attendu if attendu is not None else fichiers
    scelles = {"."}
    for chemin in chemins:
        parties = chemin.split("/")[:-1]
        scelles |= {"/".join(parties[: n + 1]) for n in range(len(parties))}
    return scelles


def empreinte_manifeste(dossier: Path) -> str:
    return sha256_fichier(dossier / MANIFESTE)


def formes_du_secret(valeur: str) -> set[bytes]:
    """How a secret can be written into a file: as is, URL-encoded (forms), JSON-escaped."""
    formes = {valeur, quote(valeur, safe=""), quote_plus(valeur), json.dumps(valeur)[1:-1]}
    return {f.encode("utf-8") for f in formes if f}


def _motif(formes: set[bytes]) -> re.Pattern[bytes]:
    """A secret counts only as a whole token: a 4-digit PIN inside a timestamp is not it."""
    alternatives = b"|".join(re.escape(f) for f in sorted(formes, key=len, reverse=True))
    return re.compile(rb"(?<![0-9A-Za-z])(?:" + alternatives + rb")(?![0-9A-Za-z])")


def _remplacer(contenu: bytes, motif: re.Pattern[bytes]) -> bytes:
    return motif.sub(MASQUE.encode("utf-8"), contenu)


def fuites(dossier: Path, secrets: set[str]) -> list[str]:
    """Files (and zip entries) in which a secret appears; names only, never the value."""
    formes = set().union(*(formes_du_secret(s) for s in secrets)) if secrets else set()
    trouves: list[str] = []
    if not formes:
        return trouves
    motif = _motif(formes)
    for chemin in sorted(p for p in dossier.rglob("*") if p.is_file()):
        relatif = chemin.relative_to(dossier).as_posix()
        if motif.search(relatif.encode("utf-8")):
            trouves.append(relatif)
            continue
        if chemin.suffix.lower() in SUFFIXES_MEDIA:
            continue
        if zipfile.is_zipfile(chemin):
            with zipfile.ZipFile(chemin) as archive:
                for entree in archive.namelist():
                    if Path(entree).suffix.lower() in SUFFIXES_MEDIA:
                        continue
                    if motif.search(archive.read(entree)):
                        trouves.append(f"{relatif}!{entree}")
            continue
        if motif.search(chemin.read_bytes()):
            trouves.append(relatif)
    return trouves


def masquer_fichier(chemin: Path, secrets: set[str]) -> bool:
    """Masks the secrets in one file (each entry of a zip); True when something was masked."""
    if not secrets or chemin.suffix.lower() in SUFFIXES_MEDIA:
        return False
    motif = _motif(set().union(*(formes_du_secret(s) for s in secrets)))
    if zipfile.is_zipfile(chemin):
        with zipfile.ZipFile(chemin) as source:
            touche = any(
                motif.search(source.read(i))
                for i in source.infolist()
                if Path(i.filename).suffix.lower() not in SUFFIXES_MEDIA
            )
            if not touche:
                return False
            temporaire = chemin.with_name(chemin.name + ".masque")
            with zipfile.ZipFile(temporaire, "w", zipfile.ZIP_DEFLATED) as cible:
                for info in source.infolist():
                    contenu = source.read(info)
                    if Path(info.filename).suffix.lower() not in SUFFIXES_MEDIA:
                        contenu = _remplacer(contenu, motif)
                    cible.writestr(info, contenu)
        os.replace(temporaire, chemin)
        return True
    contenu = chemin.read_bytes()
    if not motif.search(contenu):
        return False
    chemin.write_bytes(_remplacer(contenu, motif))
    return True


def masquer_dossier(dossier: Path, secrets: set[str]) -> list[str]:
    """The last pass before sealing: masks every file where a secret still appears (a safety
    net behind the masking done while capturing). Returns what was masked."""
    touches = fuites(dossier, secrets)
    for nom in sorted({t.split("!", 1)[0] for t in touches}):
        masquer_fichier(dossier / nom, secrets)
    return touches
