"""A non-conforming line of the response-time table becomes an anomaly of the register, tied
to the requirement that carries it, with the measured figures as what was observed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from recette.anomalies.constats import ConstatAnomalie, ouvrir_anomalies_constat


def correspondance_exigences(racine: Path) -> dict[str, str]:
    chemin = racine / "fixtures" / "contrat" / "performances-exigences.yaml"
    return {str(k): str(v) for k, v in (yaml.safe_load(chemin.read_text("utf-8")) or {}).items()}


def _secondes(valeur: float | None) -> str:
    return "—" if valeur is None else f"{valeur:.2f} s".replace(".", ",")


def constats(resultat, exigences: dict[str, str]) -> list[ConstatAnomalie]:
    trouves = []
    for ligne in resultat.non_conformes:
        chiffre = ligne.decisif
        trouves.append(
            ConstatAnomalie(
                controle="performance",
                code=ligne.code,
                titre=f"Temps de réponse non conforme : {ligne.ligne.libelle}",
                attendu=(
                    f"{ligne.ligne.libelle} en moins de {_secondes(ligne.ligne.seuil_secondes)} "
                    f"pour {resultat.contexte['utilisateurs']} utilisateurs simultanés"
                ),
                observe=(
                    f"mesure « {chiffre.source} » : p95 {_secondes(chiffre.p95)}, maximum "
                    f"{_secondes(chiffre.maximum)}, {chiffre.echecs} échec(s) sur "
                    f"{chiffre.nombre} mesure(s). " + " ".join(chiffre.motifs)
                ),
                exigences=(exigences[ligne.code],) if ligne.code in exigences else (),
                domaine="performance",
            )
        )
    return trouves


def enregistrer(
    racine: Path,
    registre,
    resultat,
    controle: str,
    profil: str,
    cible: str,
    quand: datetime,
    rapport: str | None = None,
    phase: str = "va",
):
    """Records the load check of `phase` (a VA trial, or a check during the VSR) in the register,
    as a check whose evidence is its report (`rapport`); returns the anomaly numbers."""
    trouves = constats(resultat, correspondance_exigences(racine))
    bilan = ouvrir_anomalies_constat(
        registre,
        trouves,
        seance=controle,
        phase=phase,
        profil=profil,
        cible=cible,
        quand=quand,
        genre="charge",
        rapport=rapport,
    )
    return bilan
