"""Document reviews: deliverables and certificates the vendor hands over (plan de reprise, plan de
réversibilité, documentation, HDS certificate…), where they stand and which deadline runs.

Source: cahier des charges type, § « Validation des livrables documentaires » : the buyer has
15 working days « à compter de la livraison » to notify its remarks; the vendor then has 5
working days « à compter de la notification » to take them into account or justify not doing so;
beyond that « les parties s'engagent à réunir le comité ad hoc ». Both delays are in
fixtures/contrat/parametres.yaml (validation_documentaire).

A review ends « validé » (the requirement it supports is verified by that review) or « refusé »
(an anomaly). Pure: facts in, facts out; the clock is the caller's ``maintenant``.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from recette.contrat import Contrat
from recette.delais import (
    echeance_remarques_documentaires,
    echeance_reponse_documentaire,
    en_retard,
    moment_en_francais,
)
from recette.erreurs import FaitsInvalides


class Avis(StrEnum):
    EN_REVUE = "en revue"
    REMARQUES = "remarques notifiées"
    VALIDE = "validé"
    REFUSE = "refusé"


@dataclass(frozen=True)
class Livrable:
    titre: str
    exigences: tuple[str, ...]
    fichier: str  # file name as delivered
    sha256: str
    livre_le: datetime
    relecteur: str
    avis: Avis = Avis.EN_REVUE
    # When the buyer notified its remarks (Avis.REMARQUES), and when the vendor answered.
    remarques_notifiees_le: datetime | None = None
    reponse_le: datetime | None = None
    # When the buyer gave its final word (validé / refusé).
    conclu_le: datetime | None = None

    def __post_init__(self):
        object.__setattr__(self, "avis", Avis(self.avis))
        for nom in ("livre_le", "remarques_notifiees_le", "reponse_le", "conclu_le"):
            moment = getattr(self, nom)
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise FaitsInvalides(f"« {nom} » ({moment}) doit porter son fuseau horaire.")
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise FaitsInvalides(f"Empreinte SHA-256 invalide pour « {self.titre} ».")
        if self.avis is Avis.REMARQUES and self.remarques_notifiees_le is None:
            raise FaitsInvalides(
                f"« {self.titre} » : la date de notification des remarques manque."
            )
        if self.avis in (Avis.VALIDE, Avis.REFUSE) and self.conclu_le is None:
            raise FaitsInvalides(f"« {self.titre} » : la date de l'avis final manque.")


@dataclass(frozen=True)
class Suivi:
    livrable: Livrable
    # The deadline that runs now, whose it is, and whether it is missed.
    echeance: datetime | None
    qui: str | None  # « Organisme acheteur » or « prestataire »
    en_retard: bool
    message: str


def suivre(
    livrable: Livrable,
    maintenant: datetime,
    contrat: Contrat,
    feries: Container[date] | None = None,
) -> Suivi:
    if livrable.avis in (Avis.VALIDE, Avis.REFUSE):
        return Suivi(
            livrable,
            None,
            None,
            False,
            f"« {livrable.titre} » {livrable.avis.value} le "
            f"{moment_en_francais(livrable.conclu_le)}.",
        )
    if livrable.avis is Avis.EN_REVUE:
        echeance = echeance_remarques_documentaires(livrable.livre_le, contrat, feries)
        retard = en_retard(echeance, maintenant)
        message = (
            f"Remarques de l'Organisme acheteur sur « {livrable.titre} » à notifier au plus tard "
            f"le {moment_en_francais(echeance)}" + (" : délai dépassé." if retard else ".")
        )
        return Suivi(livrable, echeance, "Organisme acheteur", retard, message)
    echeance = echeance_reponse_documentaire(livrable.remarques_notifiees_le, contrat, feries)
    retard = en_retard(echeance, livrable.reponse_le or maintenant)
    if livrable.reponse_le is not None:
        message = (
            f"Le prestataire a répondu aux remarques sur « {livrable.titre} » le "
            f"{moment_en_francais(livrable.reponse_le)}"
            + (", après le délai." if retard else ", dans le délai.")
        )
    else:
        message = (
            f"Réponse du prestataire aux remarques sur « {livrable.titre} » attendue au plus tard "
            f"le {moment_en_francais(echeance)}"
            + (" : délai dépassé, le comité ad hoc peut être réuni." if retard else ".")
        )
    return Suivi(livrable, echeance, "prestataire", retard, message)
