"""What was actually signed: the decisions of each phase, and what follows from them.

Source: cahier des charges type, § « Modalités communes de prononcé de VA et VSR ».

- Each recette ends with a procès-verbal signed by both parties; the decision is prononcé,
  prononcé avec réserves, ajournement or refus. A proposal of the bench (verdicts.py) is not a
  decision: only what a person records here is.
- Réserves: « un délai de 15 jours calendaires maximum pour parfaire les prestations » from the
  notification of the PV; lifted by a PV de levée des réserves. When the vendor misses it, « la VA
  ou la VSR prononcée avec réserves peut être révoquée par lettre recommandée », and « la recette
  concernée est considérée comme non prononcée ».
- Ajournement: « 2 jours ouvrés à compter de la réception de l'avis d'ajournement » to contest
  the delay, and at most 10 calendar days « à compter de l'avis d'ajournement »: both count from
  the notification (receipt of the avis), not from the end of the séance.
- After an ajournement, a new recette that still cannot be pronounced leads to a new ajournement
  or to a refus, « au choix » of the buyer (verdicts.py proposes refus; the buyer chooses).
- The VSR starts when the VA is pronounced (with or without réserves, unless revoked).

Pure: facts in (the recorded decisions, the réserves lifted, a moment), facts out.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from recette.contrat import Contrat
from recette.delais import (
    EcheancesAjournement,
    echeance_reserve,
    echeances_ajournement,
    en_retard,
    moment_en_francais,
)
from recette.erreurs import FaitsInvalides
from recette.verdicts import Decision, Phase


class Acte(StrEnum):
    """What a signed document does: a decision on a recette, or the revocation of one."""

    DECISION = "decision"
    REVOCATION = "revocation"


@dataclass(frozen=True)
class Signataire:
    partie: str  # « Organisme acheteur » or « prestataire »
    nom: str
    qualite: str = ""


@dataclass(frozen=True)
class DecisionSignee:
    phase: Phase
    acte: Acte
    # None for a revocation (it revokes the phase's « prononcé avec réserves »).
    decision: Decision | None
    signee_le: datetime
    notifiee_le: datetime
    signataires: tuple[Signataire, ...] = ()
    # Numbers of the anomalies or requirement ids reserved, for a « prononcé avec réserves ».
    reserves: tuple[str, ...] = ()
    seance: str | None = None
    # SHA-256 of the scanned signed document, when one was given.
    empreinte_document: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "phase", Phase.depuis(self.phase))
        object.__setattr__(self, "acte", Acte(self.acte))
        if self.decision is not None:
            object.__setattr__(self, "decision", Decision.depuis(self.decision))
        for nom in ("signee_le", "notifiee_le"):
            moment = getattr(self, nom)
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise FaitsInvalides(f"La date « {nom} » ({moment}) doit porter son fuseau.")
        if self.notifiee_le < self.signee_le:
            raise FaitsInvalides(
                "La notification ne peut pas précéder la signature "
                f"({moment_en_francais(self.notifiee_le)} < {moment_en_francais(self.signee_le)})."
            )
        if (self.acte is Acte.DECISION) != (self.decision is not None):
            raise FaitsInvalides("Une décision nomme sa décision ; une révocation n'en nomme pas.")
        if self.reserves and self.decision is not Decision.PRONONCE_AVEC_RESERVES:
            raise FaitsInvalides("Seul un prononcé avec réserves porte des réserves.")
        if self.decision is Decision.PRONONCE_AVEC_RESERVES and not self.reserves:
            raise FaitsInvalides("Un prononcé avec réserves doit nommer ses réserves.")


@dataclass(frozen=True)
class ReserveEnCours:
    numero: str
    echeance: datetime
    levee_le: datetime | None

    def en_retard(self, maintenant: datetime) -> bool:
        return en_retard(self.echeance, self.levee_le or maintenant)


@dataclass(frozen=True)
class EtatPhase:
    """Where a phase stands after the recorded decisions."""

    phase: Phase
    # The decision in force (the last one, unless revoked: then None, « non prononcée »).
    en_vigueur: DecisionSignee | None
    revoquee: bool
    reserves: tuple[ReserveEnCours, ...]
    echeances_ajournement: EcheancesAjournement | None

    @property
    def prononcee(self) -> bool:
        return self.en_vigueur is not None and self.en_vigueur.decision in (
            Decision.PRONONCE,
            Decision.PRONONCE_AVEC_RESERVES,
        )

    def reserves_en_retard(self, maintenant: datetime) -> tuple[ReserveEnCours, ...]:
        return tuple(r for r in self.reserves if r.en_retard(maintenant))

    def revocation_possible(self, maintenant: datetime) -> bool:
        """The buyer may revoke a reserved recette whose réserves were not lifted in time."""
        return (
            self.en_vigueur is not None
            and self.en_vigueur.decision is Decision.PRONONCE_AVEC_RESERVES
            and bool(self.reserves_en_retard(maintenant))
        )


def de_la_phase(decisions: Iterable[DecisionSignee], phase: Phase | str) -> list[DecisionSignee]:
    phase = Phase.depuis(phase)
    return sorted((d for d in decisions if d.phase is phase), key=lambda d: d.signee_le)


def decisions_precedentes(
    decisions: Iterable[DecisionSignee], phase: Phase | str
) -> tuple[Decision, ...]:
    """The decisions that the next verdict of that phase must know (oldest first): a revoked
    reserved recette counts as « non prononcée », i.e. it does not count as a success."""
    return tuple(
        d.decision for d in de_la_phase(decisions, phase) if d.acte is Acte.DECISION and d.decision
    )


def etat_phase(
    decisions: Iterable[DecisionSignee],
    phase: Phase | str,
    levees: dict[str, datetime],
    contrat: Contrat,
    feries: Container[date] | None = None,
) -> EtatPhase:
    """`levees`: réserve number → date of the PV de levée that lifted it."""
    phase = Phase.depuis(phase)
    en_vigueur, revoquee = None, False
    for signee in de_la_phase(decisions, phase):
        if signee.acte is Acte.REVOCATION:
            if en_vigueur is None or en_vigueur.decision is not Decision.PRONONCE_AVEC_RESERVES:
                raise FaitsInvalides(
                    f"Révocation du {moment_en_francais(signee.signee_le)} : seule une "
                    f"{phase.libelle} prononcée avec réserves peut être révoquée."
                )
            en_vigueur, revoquee = None, True
        else:
            en_vigueur, revoquee = signee, False
    reserves: tuple[ReserveEnCours, ...] = ()
    ajournement = None
    if en_vigueur is not None and en_vigueur.decision is Decision.PRONONCE_AVEC_RESERVES:
        echeance = echeance_reserve(en_vigueur.notifiee_le, contrat, feries)
        reserves = tuple(
            ReserveEnCours(numero, echeance, levees.get(numero)) for numero in en_vigueur.reserves
        )
    if en_vigueur is not None and en_vigueur.decision is Decision.AJOURNEMENT:
        ajournement = echeances_ajournement(en_vigueur.notifiee_le, contrat, feries)
    return EtatPhase(phase, en_vigueur, revoquee, reserves, ajournement)


def debut_vsr(decisions: Iterable[DecisionSignee]) -> datetime | None:
    """The VA prononcé date (the PV's signature) starts the VSR; None while the VA is not
    pronounced, or after its revocation."""
    en_vigueur = None
    for signee in de_la_phase(decisions, Phase.VA):
        en_vigueur = None if signee.acte is Acte.REVOCATION else signee
    if en_vigueur is None or en_vigueur.decision not in (
        Decision.PRONONCE,
        Decision.PRONONCE_AVEC_RESERVES,
    ):
        return None
    return en_vigueur.signee_le
