"""The procès-verbal de recette (VA or VSR) of one séance, as a self-contained HTML page and its
PDF/A-3b print.

[CCT] § « Modalités communes de prononcé de VA et VSR »: « Chaque procédure de recette – VA ou
VSR […] – fait l'objet de la signature par les Parties d'un procès-verbal de recette
contradictoire. » The bench proposes the decision; the buyer ticks the one it retains and both
parties sign. The page is a function of the facts only (no generation time), so the same séance
and register give the same bytes."""

from __future__ import annotations

from pathlib import Path

from recette.documents.faits import FaitsDocument, constats
from recette.documents.rendu import ecrire_pdf, ecrire_texte, rendre
from recette.grille.couverture import (
    A_VERIFIER,
    ECHOUE,
    INCOMPLET,
    NON_COUVERT,
    NON_ECRIT,
    NON_EXECUTE,
    REUSSI,
)
from recette.verdicts import Decision, Phase

MODELE = "pv.html"

TITRES_PHASE = {
    Phase.VA: "Vérification d'aptitude",
    Phase.VSR: "Vérification de service régulier",
}
# [CCT] § « Assistance à la recette de la solution », Modalités de vérification et d'admission.
OBJETS_PHASE = {
    Phase.VA: "Vérification fonctionnelle avant mise en production de la conformité de "
    "l'ensemble du logiciel, du paramétrage, des développements et de la reprise aux "
    "spécifications du Cahier des charges.",
    Phase.VSR: "Vérification du fonctionnement et de l'exploitation de la solution dans un "
    "contexte d'exploitation réelle, notamment du respect des performances attendues.",
}


def nom_fichier(faits: FaitsDocument, extension: str) -> str:
    return f"pv-{faits.phase.value}.{extension}"


def titre_phase(phase: Phase) -> str:
    return f"{TITRES_PHASE[phase]} ({phase.libelle})"


def rendre_pv_html(faits: FaitsDocument) -> str:
    couverture = faits.couverture
    ecarts = [(e, couverture.ligne(e.identifiant)) for e in faits.ecarts]
    retards = {a.numero: a.retards(faits.decide_le) for a in faits.anomalies}
    return rendre(
        MODELE,
        faits=faits,
        titre_phase=titre_phase(faits.phase),
        objet_phase=OBJETS_PHASE[faits.phase],
        verdict=faits.verdict,
        constats=constats(faits.verdict),
        decisions=list(Decision),
        Decision=Decision,
        ecarts=ecarts,
        retards=retards,
        syntheses=[
            ("Par domaine", "Domaine", [*couverture.par_domaine, couverture.total]),
            ("Par priorité", "Priorité", [*couverture.par_priorite, couverture.total]),
        ],
        resultats_par=[
            ("Par domaine", "Domaine", [*faits.par_domaine, faits.total]),
            ("Par priorité", "Priorité", [*faits.par_priorite, faits.total]),
        ],
        somme=lambda par_statut, statuts: sum(par_statut[s] for s in statuts),
        REUSSI=REUSSI,
        ECHOUE=ECHOUE,
        # A bench check (load, reprise…) that has not recorded its result is not verified yet.
        NON_VERIFIES=(INCOMPLET, NON_EXECUTE, A_VERIFIER),
        NON_COUVERTS=(NON_ECRIT, NON_COUVERT),
    )


def ecrire_pv(faits: FaitsDocument, dossier: Path) -> tuple[Path, Path]:
    """Writes the PV's page and PDF into ``dossier``; returns (html, pdf)."""
    html = rendre_pv_html(faits)
    return (
        ecrire_texte(Path(dossier) / nom_fichier(faits, "html"), html),
        ecrire_pdf(html, Path(dossier) / nom_fichier(faits, "pdf")),
    )
