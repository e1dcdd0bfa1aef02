"""Detecting a service interruption from the probe's samples, as they arrive.

Source: cahier des charges type, § « Exigences de sécurité — Disponibilité » : « Toute
interruption de service doit être détectée dans les meilleurs délais. » The bench reads an
interruption as N consecutive unavailable samples of one poste (N from the vendor profile's probe
section: a single failed sample is often a network hiccup on the client side); its end is the
first available sample after it. Both are signalled (e-mail, dashboard).

Pure: observations carry their own instant (UTC); nothing here reads the clock or sends anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Genre(StrEnum):
    DEBUT = "debut"
    FIN = "fin"


@dataclass(frozen=True)
class Observation:
    """One probe sample reduced to what detection needs."""

    poste: str
    instant: datetime
    disponible: bool


@dataclass(frozen=True)
class Evenement:
    """The start or the end of an interruption seen from one poste."""

    genre: Genre
    poste: str
    # The first unavailable sample of the interruption.
    depuis: datetime
    # When the bench knew: the N-th failed sample (start) or the first available one (end).
    detecte_le: datetime
    echecs: int

    @property
    def duree_s(self) -> float:
        return (self.detecte_le - self.depuis).total_seconds()

    def sujet(self) -> str:
        if self.genre is Genre.DEBUT:
            return f"Interruption de service détectée depuis le poste « {self.poste} »"
        return f"Fin de l'interruption de service vue depuis le poste « {self.poste} »"

    def texte(self) -> str:
        depuis = _heure(self.depuis)
        if self.genre is Genre.DEBUT:
            return (
                f"La solution ne répond pas normalement au poste « {self.poste} » depuis le "
                f"{depuis} : {self.echecs} transactions de contrôle consécutives ont échoué ou ont "
                f"dépassé les temps de réponse acceptables (détection le "
                f"{_heure(self.detecte_le)}).\n\n"
                "Le cahier des charges demande que toute interruption de service soit détectée "
                "dans les meilleurs délais : le prestataire est invité à la prendre en charge.\n"
            )
        minutes = self.duree_s / 60
        return (
            f"Le poste « {self.poste} » voit de nouveau la solution disponible depuis le "
            f"{_heure(self.detecte_le)}. L'interruption avait commencé le {depuis} "
            f"({minutes:.0f} min, {self.echecs} transactions de contrôle en échec).\n"
        )


def _heure(instant: datetime) -> str:
    return instant.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M:%S (heure de Paris)")


@dataclass
class _EtatPoste:
    premier_echec: datetime | None = None
    echecs: int = 0
    signalee: bool = False


@dataclass
class Surveillance:
    """Feeds on observations in time order per poste; returns the events to signal."""

    echecs_consecutifs: int
    _postes: dict[str, _EtatPoste] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.echecs_consecutifs < 1:
            raise ValueError("Le nombre d'échecs consécutifs d'une interruption est au moins 1.")

    def observer(self, observation: Observation) -> Evenement | None:
        etat = self._postes.setdefault(observation.poste, _EtatPoste())
        if not observation.disponible:
            if etat.echecs == 0:
                etat.premier_echec = observation.instant
            etat.echecs += 1
            if not etat.signalee and etat.echecs >= self.echecs_consecutifs:
                etat.signalee = True
                return Evenement(
                    Genre.DEBUT,
                    observation.poste,
                    etat.premier_echec,
                    observation.instant,
                    etat.echecs,
                )
            return None
        evenement = None
        if etat.signalee:
            evenement = Evenement(
                Genre.FIN, observation.poste, etat.premier_echec, observation.instant, etat.echecs
            )
        self._postes[observation.poste] = _EtatPoste()
        return evenement

    def en_cours(self) -> list[str]:
        """Postes whose interruption has been signalled and has not ended."""
        return sorted(poste for poste, etat in self._postes.items() if etat.signalee)


def interruptions(observations: list[Observation], echecs_consecutifs: int) -> list[Evenement]:
    """Every start and end event of a series, in order (for a report or a replay of a day)."""
    surveillance = Surveillance(echecs_consecutifs)
    evenements = []
    for observation in sorted(observations, key=lambda o: (o.instant, o.poste)):
        evenement = surveillance.observer(observation)
        if evenement is not None:
            evenements.append(evenement)
    return evenements
