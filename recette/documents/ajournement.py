"""The two documents that follow a PV which is not a plain « prononcé »: the avis d'ajournement
and the procès-verbal de levée des réserves.

[CCT] § « Modalités communes de prononcé de VA et VSR »:

- Ajournement: « il prononce l'ajournement de la procédure de recette en transmettant au
  prestataire un avis d'ajournement. Cet ajournement doit être motivé. » The vendor has 2 working
  days from receipt to contest the granted delay, which cannot exceed 10 calendar days (both
  from fixtures/contrat/parametres.yaml); the avis is taken as received the day it is sent,
  the decision date.
- Réserves: « Lors du contrôle, s'il est satisfaisant, les Parties signent un procès-verbal de
  levée des réserves. Si le contrôle n'est pas satisfaisant ou si le prestataire ne respecte pas
  les délais accordés […], la VA ou la VSR prononcée avec réserves peut être révoquée ».

Reading of the bench for the levée: the réserves are those of the verdict at the decision date
(anomaly statuses replayed from their history to that date, so that verifying an anomaly later
does not erase the réserve it was). An anomaly réserve is lifted when the anomaly is no longer
open (vérifiée, close, or rejetée / doublon: without object), on the date of that change; a
requirement réserve is lifted when a later séance of the same phase (the control) verifies it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from recette.documents.faits import FaitsDocument, constats, statut_au
from recette.documents.pv import titre_phase
from recette.documents.rendu import ecrire_pdf, ecrire_texte, rendre
from recette.erreurs import DocumentImpossible
from recette.verdicts import Decision, Faits, Reserve, Verdict, proposer_verdict

MODELE_AVIS = "avis_ajournement.html"
MODELE_LEVEE = "levee_reserves.html"
FICHIER_AVIS = "avis-ajournement"
FICHIER_LEVEE = "pv-levee-reserves"


# --- avis d'ajournement -----------------------------------------------------------------------


def rendre_avis_html(faits: FaitsDocument) -> str:
    verdict = faits.verdict
    if verdict.decision is not Decision.AJOURNEMENT or verdict.echeances is None:
        raise DocumentImpossible(
            f"La décision proposée pour la séance {faits.seance_id} est « "
            f"{verdict.decision.libelle} » : il n'y a pas d'avis d'ajournement."
        )
    return rendre(
        MODELE_AVIS,
        faits=faits,
        verdict=verdict,
        titre_phase=titre_phase(faits.phase),
        constats=constats(verdict),
        ajournement=faits.contrat.ajournement,
    )


def ecrire_avis(faits: FaitsDocument, dossier: Path) -> tuple[Path, Path]:
    html = rendre_avis_html(faits)
    return (
        ecrire_texte(Path(dossier) / f"{FICHIER_AVIS}.html", html),
        ecrire_pdf(html, Path(dossier) / f"{FICHIER_AVIS}.pdf"),
    )


# --- levée des réserves -----------------------------------------------------------------------


@dataclass(frozen=True)
class SuiviReserve:
    reserve: Reserve
    nature: str  # « anomalie » or « exigence »
    etat: str  # what the control found, in French
    levee: bool
    levee_le: datetime | None

    @property
    def dans_le_delai(self) -> bool:
        return self.levee_le is not None and self.levee_le <= self.reserve.echeance


@dataclass(frozen=True)
class LeveeReserves:
    verdict: Verdict  # at the decision date
    suivis: tuple[SuiviReserve, ...]
    controle: FaitsDocument | None
    au: datetime  # when the réserves are looked at: the control's date, or the decision's

    @property
    def toutes_levees(self) -> bool:
        return all(s.levee and s.dans_le_delai for s in self.suivis)

    @property
    def delai_depasse(self) -> bool:
        return any(not s.levee and self.au > s.reserve.echeance for s in self.suivis)

    @property
    def conclusion(self) -> str:
        """« satisfaisant », « non satisfaisant » or « en attente »."""
        if self.toutes_levees:
            return "satisfaisant"
        if (
            self.controle is not None
            or self.delai_depasse
            or any(s.levee and not s.dans_le_delai for s in self.suivis)
        ):
            return "non satisfaisant"
        return "en attente"


def verdict_a_la_decision(faits: FaitsDocument) -> Verdict:
    """The verdict with every anomaly in the state it had at the decision date."""
    anomalies = []
    for fiche in faits.fiches:
        statut = statut_au(fiche, faits.decide_le)
        if statut is not None:
            anomalies.append(replace(fiche.anomalie.fait(), statut=statut))
    return proposer_verdict(
        Faits(
            phase=faits.phase,
            decide_le=faits.decide_le,
            exigences=faits.exigences,
            anomalies=tuple(anomalies),
            contrat=faits.contrat,
        )
    )


def suivre_reserves(faits: FaitsDocument, controle: FaitsDocument | None = None) -> LeveeReserves:
    verdict = verdict_a_la_decision(faits)
    fiches = {f.anomalie.numero: f for f in faits.fiches}
    verifiees = {e.identifiant for e in controle.exigences if e.verifiee} if controle else set()
    suivis = []
    for reserve in verdict.reserves:
        fiche = fiches.get(reserve.numero)
        if fiche is not None:
            a = fiche.anomalie
            levee = not a.est_ouverte
            levee_le = _fermee_le(fiche) if levee else None
            etat = f"anomalie {a.libelle_statut}" + (
                f" (doublon de {a.reference})" if a.reference else ""
            )
            suivis.append(SuiviReserve(reserve, "anomalie", etat, levee, levee_le))
        elif controle is None:
            suivis.append(SuiviReserve(reserve, "exigence", "à contrôler", False, None))
        else:
            levee = reserve.numero in verifiees
            etat = (
                f"vérifiée lors de la séance {controle.seance_id}"
                if levee
                else f"toujours non vérifiée lors de la séance {controle.seance_id}"
            )
            suivis.append(
                SuiviReserve(
                    reserve, "exigence", etat, levee, controle.decide_le if levee else None
                )
            )
    au = controle.decide_le if controle else faits.decide_le
    return LeveeReserves(verdict, tuple(suivis), controle, au)


def rendre_levee_html(faits: FaitsDocument, controle: FaitsDocument | None = None) -> str:
    levee = suivre_reserves(faits, controle)
    if not levee.verdict.reserves:
        raise DocumentImpossible(
            f"La séance {faits.seance_id} n'a pas été prononcée avec réserves : il n'y a pas de "
            "réserve à lever."
        )
    return rendre(
        MODELE_LEVEE,
        faits=faits,
        levee=levee,
        controle=controle,
        titre_phase=titre_phase(faits.phase),
    )


def ecrire_levee(
    faits: FaitsDocument, dossier: Path, controle: FaitsDocument | None = None
) -> tuple[Path, Path]:
    html = rendre_levee_html(faits, controle)
    return (
        ecrire_texte(Path(dossier) / f"{FICHIER_LEVEE}.html", html),
        ecrire_pdf(html, Path(dossier) / f"{FICHIER_LEVEE}.pdf"),
    )


def _fermee_le(fiche) -> datetime | None:
    """When the anomaly reached a status that is no longer open (the last time it did)."""
    dates = [e.date for e in fiche.historique if e.vers is not None and not e.vers.est_ouverte]
    return dates[-1] if dates else None
