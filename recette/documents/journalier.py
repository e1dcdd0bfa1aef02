"""The reporting journalier: what happened to the anomalies on one day, and which were overdue at
a given moment.

[CCT] § « Assistance à la recette de la solution »: the vendor accompanies the verification
« en assurant un reporting journalier sur les anomalies identifiées, via des fiches anomalie ».
The day and « now » are parameters (the bench never reads the clock in a rule): the same register,
day and moment give the same page.

Reading of the bench: « clôturées » are the anomalies that reached a status ending their
treatment that day (vérifiée, close, rejetée, doublon); « en retard » are those still being dealt
with whose workaround or fix deadline has passed at ``maintenant`` without the workaround or the
fix recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from recette.anomalies import EN_COURS, Anomalie, Fiche, Registre, chemin_registre, libelle
from recette.anomalies.registre import registre_existe
from recette.contrat import charger_contrat
from recette.documents.faits import FaitsDocument, organisation_de, statut_au
from recette.documents.rendu import ecrire_texte, rendre
from recette.erreurs import DocumentImpossible
from recette.verdicts import StatutAnomalie

MODELE = "journalier.html"
ACTIONS_QUALIFICATION = ("qualification", "requalification")


@dataclass(frozen=True)
class Mouvement:
    anomalie: Anomalie
    le: datetime
    auteur: str
    detail: str


@dataclass(frozen=True)
class EnRetard:
    anomalie: Anomalie
    statut: StatutAnomalie  # at maintenant
    echeances: tuple[tuple[str, datetime], ...]  # (« contournement » | « correction », deadline)


@dataclass(frozen=True)
class BilanJournalier:
    jour: date
    maintenant: datetime
    ouvertes: tuple[Mouvement, ...]
    qualifiees: tuple[Mouvement, ...]
    cloturees: tuple[Mouvement, ...]
    en_retard: tuple[EnRetard, ...]
    en_cours: int  # anomalies still being dealt with at maintenant


def nom_fichier(jour: date) -> str:
    return f"reporting-journalier-{jour.isoformat()}.html"


def bilan_journalier(fiches: Sequence[Fiche], jour: date, maintenant: datetime) -> BilanJournalier:
    """A pure function of the anomalies' fiches: events after ``maintenant`` are not yet known."""
    if maintenant.tzinfo is None or maintenant.utcoffset() is None:
        raise DocumentImpossible(
            f"Le moment « {maintenant} » doit porter son fuseau horaire (Europe/Paris)."
        )
    ouvertes, qualifiees, cloturees = [], [], []
    en_retard = []
    en_cours = 0
    for fiche in fiches:
        a = fiche.anomalie
        # The register gives moments in the contract's zone: their date is the Paris day.
        if a.cree_le.date() == jour and a.cree_le <= maintenant:
            ouvertes.append(Mouvement(a, a.cree_le, a.cree_par, f"séance {a.seance_origine}"))
        for e in fiche.historique:
            if e.date > maintenant:
                break
            if e.date.date() != jour:
                continue
            if e.action in ACTIONS_QUALIFICATION:
                qualifiees.append(Mouvement(a, e.date, e.auteur, e.commentaire or ""))
            elif e.vers is not None and not e.vers.est_ouverte:
                cloturees.append(Mouvement(a, e.date, e.auteur, _cloture(e.vers, e.commentaire)))
        statut = statut_au(fiche, maintenant)
        if statut in EN_COURS:
            en_cours += 1
            manquees = _echeances_manquees(a, maintenant)
            if manquees:
                en_retard.append(EnRetard(a, statut, manquees))
    return BilanJournalier(
        jour=jour,
        maintenant=maintenant,
        ouvertes=tuple(sorted(ouvertes, key=_ordre)),
        qualifiees=tuple(sorted(qualifiees, key=_ordre)),
        cloturees=tuple(sorted(cloturees, key=_ordre)),
        en_retard=tuple(en_retard),
        en_cours=en_cours,
    )


def rendre_journalier_html(bilan: BilanJournalier, organisation: str, solution: str = "") -> str:
    return rendre(MODELE, bilan=bilan, organisation=organisation, solution=solution)


def ecrire_journalier(
    faits: FaitsDocument,
    dossier: Path,
    jour: date | None = None,
    maintenant: datetime | None = None,
) -> Path:
    """The daily report of the facts' anomalies; by default the day of the decision, at it."""
    maintenant = maintenant or faits.decide_le
    jour = jour or maintenant.astimezone(faits.contrat.calendrier.fuseau_horaire).date()
    bilan = bilan_journalier(faits.fiches, jour, maintenant)
    solution = f"{faits.solution.libelle}, version {faits.solution.version}"
    html = rendre_journalier_html(bilan, faits.organisation, solution)
    return ecrire_texte(Path(dossier) / nom_fichier(jour), html)


def produire_journalier(racine: Path, jour: date, maintenant: datetime, dossier: Path) -> Path:
    """The daily report of the whole register (every phase), for the CLI or a scheduled job."""
    contrat = charger_contrat(Path(racine) / "fixtures")
    chemin = chemin_registre(Path(racine))
    if not registre_existe(chemin):
        raise DocumentImpossible(f"Le registre des anomalies {chemin} n'existe pas.")
    with Registre(chemin, contrat) as registre:
        fiches = [registre.voir(a.numero) for a in registre.lister()]
    bilan = bilan_journalier(fiches, jour, maintenant)
    html = rendre_journalier_html(bilan, organisation_de(Path(racine)))
    return ecrire_texte(Path(dossier) / nom_fichier(jour), html)


def _ordre(m: Mouvement):
    return (m.le, m.anomalie.numero)


def _cloture(statut: StatutAnomalie, commentaire: str | None) -> str:
    return libelle(statut) + (f" : {commentaire}" if commentaire else "")


def _echeances_manquees(a: Anomalie, maintenant: datetime) -> tuple[tuple[str, datetime], ...]:
    """Deadlines passed at maintenant whose action was not recorded by then."""
    contourne = [m for m in (a.contournee_le, a.corrigee_le) if m and m <= maintenant]
    corrige = a.corrigee_le if a.corrigee_le and a.corrigee_le <= maintenant else None
    manquees = []
    if a.echeance_contournement and not contourne and maintenant > a.echeance_contournement:
        manquees.append(("contournement", a.echeance_contournement))
    if a.echeance_correction and not corrige and maintenant > a.echeance_correction:
        manquees.append(("correction", a.echeance_correction))
    return tuple(manquees)
