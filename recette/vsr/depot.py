"""Where the probe puts its samples and heartbeats, and how they are read back.

For now an append-only JSON Lines file per poste and per UTC day,
``reports/vsr/<profil>/<poste>/echantillons-AAAA-MM-JJ.jsonl``: one record a line, flushed and
fsynced before the probe goes on, so that a crash loses at most the line being written (the
reader skips a torn last line). The probe only knows the ``Depot`` interface (``ajouter``,
``battement``): the data layer's model replaces ``DepotFichiers`` behind it without touching
the probe.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from recette.erreurs import RecetteErreur
from recette.vsr.echantillons import Echantillon, Etape

# A poste's name becomes a folder name: nothing that could climb out of it or hide in it.
_POSTE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class PosteInvalide(RecetteErreur):
    pass


def verifier_poste(poste: str) -> str:
    if not _POSTE.match(poste or "") or ".." in poste:
        raise PosteInvalide(
            f"Nom de poste « {poste} » refusé : lettres, chiffres, « . », « _ » et « - » "
            "seulement (64 caractères au plus), par exemple « accueil-1 »."
        )
    return poste


class Depot(Protocol):
    def ajouter(self, echantillon: Echantillon) -> None: ...

    def battement(self, instant: datetime, controle: dict | None = None) -> None: ...


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def dossier_du_poste(rapports: Path, profil: str, poste: str) -> Path:
    return rapports / "vsr" / verifier_poste(profil) / verifier_poste(poste)


@dataclass
class DepotFichiers:
    """The JSON Lines files of one poste (``dossier`` = reports/vsr/<profil>/<poste>)."""

    dossier: Path

    def _ecrire(self, instant: datetime, enregistrement: dict) -> None:
        self.dossier.mkdir(parents=True, exist_ok=True)
        jour = instant.astimezone(UTC).date().isoformat()
        ligne = json.dumps(enregistrement, ensure_ascii=False, separators=(",", ":")) + "\n"
        with open(self.dossier / f"echantillons-{jour}.jsonl", "a", encoding="utf-8") as f:
            f.write(ligne)
            f.flush()
            os.fsync(f.fileno())

    def ajouter(self, echantillon: Echantillon) -> None:
        self._ecrire(
            echantillon.instant,
            {
                "type": "echantillon",
                "poste": echantillon.poste,
                "instant": _iso(echantillon.instant),
                "reussi": echantillon.reussi,
                "etapes": [
                    {"nom": e.nom, "ligne": e.ligne, "secondes": round(e.secondes, 4)}
                    for e in echantillon.etapes
                ],
                "erreur": echantillon.erreur,
            },
        )

    def battement(self, instant: datetime, controle: dict | None = None) -> None:
        enregistrement = {"type": "battement", "instant": _iso(instant)}
        if controle is not None:
            enregistrement["controle_http"] = controle
        self._ecrire(instant, enregistrement)


@dataclass(frozen=True)
class Lecture:
    echantillons: tuple[Echantillon, ...]
    battements: tuple[datetime, ...]
    controles: tuple[dict, ...]
    lignes_illisibles: int


def lire(dossier: Path) -> Lecture:
    """Every record of a poste's files, in time order. A line that does not parse (the one a
    crash cut) is counted, not fatal."""
    echantillons: list[Echantillon] = []
    battements: list[datetime] = []
    controles: list[dict] = []
    illisibles = 0
    for fichier in sorted(dossier.glob("echantillons-*.jsonl")):
        for ligne in fichier.read_text(encoding="utf-8").splitlines():
            if not ligne.strip():
                continue
            try:
                brut = json.loads(ligne)
                instant = datetime.fromisoformat(brut["instant"])
                if brut["type"] == "echantillon":
                    echantillons.append(
                        Echantillon(
                            poste=brut["poste"],
                            instant=instant,
                            reussi=bool(brut["reussi"]),
                            etapes=tuple(
                                Etape(e["nom"], e["ligne"], float(e["secondes"]))
                                for e in brut["etapes"]
                            ),
                            erreur=brut.get("erreur", ""),
                        )
                    )
                elif brut["type"] == "battement":
                    battements.append(instant)
                    if "controle_http" in brut:
                        controles.append({"instant": instant, **brut["controle_http"]})
            except (ValueError, KeyError, TypeError):
                illisibles += 1
    echantillons.sort(key=lambda e: e.instant)
    battements.sort()
    return Lecture(tuple(echantillons), tuple(battements), tuple(controles), illisibles)
