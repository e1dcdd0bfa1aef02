"""Evidence of a séance: the SHA-256 manifest that seals it, its verification, and the last
pass that keeps secrets out of every file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

from recette.secrets import MASQUE

MANIFESTE = "manifeste.sha256"
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


def lire_manifeste(dossier: Path) -> dict[str, str]:
    entrees: dict[str, str] = {}
    for ligne in (dossier / MANIFESTE).read_text(encoding="utf-8").splitlines():
        if ligne.strip():
            empreinte, chemin = ligne.split("  ", 1)
            entrees[chemin] = empreinte
    return entrees


@dataclass(frozen=True)
class Ecarts:
    modifies: tuple[str, ...]
    manquants: tuple[str, ...]
    ajoutes: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not (self.modifies or self.manquants or self.ajoutes)


def verifier_manifeste(dossier: Path) -> Ecarts:
    attendu = lire_manifeste(dossier)
    present = {p.relative_to(dossier).as_posix(): p for p in fichiers_de(dossier)}
    modifies = tuple(
        sorted(c for c, h in attendu.items() if c in present and sha256_fichier(present[c]) != h)
    )
    manquants = tuple(sorted(c for c in attendu if c not in present))
    ajoutes = tuple(sorted(c for c in present if c not in attendu))
    return Ecarts(modifies, manquants, ajoutes)


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
