"""Reading a séance's Allure results into plain facts: one `Resultat` per scenario run."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

STATUTS_ECHEC = {"failed", "broken"}


@dataclass(frozen=True)
class Resultat:
    uuid: str
    nom: str
    nom_complet: str
    statut: str  # passed, failed, broken, skipped
    exigences: tuple[str, ...]
    domaine: str | None
    priorite: int | None
    tags: tuple[str, ...]
    message: str
    etape_en_echec: str | None
    debut: int | None
    fin: int | None
    parametres: tuple[tuple[str, str], ...]

    @property
    def echec(self) -> bool:
        return self.statut in STATUTS_ECHEC

    @property
    def non_ecrit(self) -> bool:
        return self.statut == "skipped" and "a-ecrire" in self.tags

    @property
    def libelle_statut(self) -> str:
        if self.non_ecrit:
            return "non écrit"
        return {"passed": "réussi", "failed": "échoué", "broken": "échoué", "skipped": "ignoré"}[
            self.statut
        ]


def _etape_en_echec(etapes: list[dict]) -> str | None:
    for etape in etapes:
        if etape.get("status") in STATUTS_ECHEC:
            return etape.get("name")
    return None


def lire_resultat(chemin: Path) -> Resultat:
    donnees = json.loads(chemin.read_text(encoding="utf-8"))
    labels = donnees.get("labels", [])

    def tous(nom: str) -> list[str]:
        return [label["value"] for label in labels if label.get("name") == nom]

    priorite = tous("priorite")
    details = donnees.get("statusDetails") or {}
    return Resultat(
        uuid=donnees["uuid"],
        nom=donnees.get("name", ""),
        nom_complet=donnees.get("fullName", ""),
        statut=donnees.get("status") or "broken",
        exigences=tuple(sorted(set(tous("exigence")))),
        domaine=(tous("domaine") or [None])[0],
        priorite=int(priorite[0]) if priorite and priorite[0].isdigit() else None,
        tags=tuple(sorted(set(tous("tag")))),
        message=(details.get("message") or "").strip(),
        etape_en_echec=_etape_en_echec(donnees.get("steps", [])),
        debut=donnees.get("start"),
        fin=donnees.get("stop"),
        parametres=tuple((p["name"], p.get("value", "")) for p in donnees.get("parameters", [])),
    )


def lire_resultats(dossier_resultats: Path) -> list[Resultat]:
    resultats = [lire_resultat(p) for p in sorted(dossier_resultats.glob("*-result.json"))]
    return sorted(resultats, key=lambda r: (r.nom_complet, r.nom, r.debut or 0))


def compter(resultats: list[Resultat]) -> dict[str, int]:
    compte = Counter(r.libelle_statut for r in resultats)
    return {
        "total": len(resultats),
        "reussis": compte["réussi"],
        "echoues": compte["échoué"],
        "non_ecrits": compte["non écrit"],
        "ignores": compte["ignoré"],
    }
