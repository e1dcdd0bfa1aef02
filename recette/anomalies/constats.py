"""Anomalies found by a check rather than by a scenario (reprise, réversibilité).

A check yields « constats », one per kind of problem. Each becomes a failed result of a
check-séance recorded in the register, so it follows the register's ordinary rules: a number,
a proposed gravity from its requirements' priority, deduplication by signature (the same
problem found again by a later check is one more occurrence, not a new anomaly), and the
lifecycle. Nothing here bypasses the register.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from recette.anomalies.cycle import EN_COURS
from recette.anomalies.modele import Bilan
from recette.anomalies.registre import Registre
from recette.anomalies.signature import signature
from recette.resultats import Resultat
from recette.seance import dossier_rapports

_ESPACE_UUID = uuid.UUID("8f1f4f8e-5b7a-4d0e-9a51-2f0f1c1e7a10")


@dataclass(frozen=True)
class ConstatAnomalie:
    """One kind of problem found by a check.

    `controle` and `code` identify it across checks ("reprise", "doublons"); `titre` names it
    for a référent; `attendu` is the expectation that failed; `observe` says what was found,
    naming the patients or lines concerned."""

    controle: str
    code: str
    titre: str
    attendu: str
    observe: str
    exigences: tuple[str, ...] = ()
    domaine: str | None = None
    priorite: int | None = None


@dataclass(frozen=True)
class AnomaliesConstat:
    bilan: Bilan
    par_constat: dict[str, str]  # constat code -> number of its anomaly (new or recurring)


def ouvrir_anomalies_constat(
    registre: Registre,
    constats: Sequence[ConstatAnomalie],
    *,
    seance: str,
    phase: str,
    profil: str,
    cible: str,
    quand: datetime,
    auteur: str = "banc",
    genre: str = "controle",
    rapport: str | None = None,
) -> AnomaliesConstat:
    """Records the check `seance` and opens (or adds an occurrence to) one anomaly per
    constat; recording the same check twice adds nothing. The register records the check as
    such (`genre`: « charge », « reprise »…) with its report (`rapport`, relative to the
    reports folder when inside it): a check has no séance folder, its report is the
    evidence."""
    resultats = [
        Resultat(
            uuid=str(uuid.uuid5(_ESPACE_UUID, f"{seance}/{c.controle}/{c.code}")),
            nom=c.titre,
            nom_complet=f"{c.controle}:{c.code}",
            statut="failed",
            exigences=tuple(sorted(set(c.exigences))),
            domaine=c.domaine,
            priorite=c.priorite,
            tags=(f"controle:{c.controle}",),
            message=c.observe,
            etape_en_echec=c.attendu,
            debut=None,
            fin=None,
            parametres=(),
        )
        for c in constats
    ]
    bilan = registre.enregistrer_seance(
        seance,
        phase,
        profil,
        cible,
        resultats,
        quand,
        auteur,
        debut=quand,
        fin=quand,
        genre=genre,
        rapport=rapport,
    )
    anomalies = registre.lister()
    par_constat = {}
    for c in constats:
        numero = _anomalie_du_constat(anomalies, c, seance)
        if numero:
            par_constat[c.code] = numero
    return AnomaliesConstat(bilan, par_constat)


def _anomalie_du_constat(anomalies, constat: ConstatAnomalie, seance: str) -> str | None:
    """The anomaly a constat went to: created by this check, else the one of the same
    signature still being dealt with (or the one a « doublon » points to)."""
    empreinte = signature(f"{constat.controle}:{constat.code}", constat.attendu, constat.observe)
    memes = [a for a in anomalies if a.signature == empreinte]
    for a in memes:
        if a.seance_origine == seance:
            return a.numero
    for a in memes:
        if a.statut in EN_COURS:
            return a.numero
    return next((a.reference for a in memes if a.reference), None)


def rapport_relatif(racine: Path, rapport: Path) -> str:
    """Where a check's report is, as the register keeps it: relative to the reports folder
    when it lies inside (the folder may move with its register), absolute otherwise."""
    rapport = Path(rapport).resolve()
    try:
        return rapport.relative_to(dossier_rapports(racine).resolve()).as_posix()
    except ValueError:
        return str(rapport)


def chemin_rapport(racine: Path, rapport: str) -> Path:
    return dossier_rapports(racine) / rapport  # an absolute `rapport` stays itself
