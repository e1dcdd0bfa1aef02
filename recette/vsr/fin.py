"""Rule 5: the VSR's end date, extended by every outage of « une journée » or more.

Source: cahier des charges type, § « Assistance à la recette de la solution » : « La VSR
s'échelonne du démarrage de l'application en service opérationnel (post prononcé de la
validation d'aptitude) jusqu'à 2 mois après cette date de mise en production du progiciel. Toute
indisponibilité totale ou partielle des logiciels fournis supérieure ou égale à une journée se
traduira par une prolongation de la période de VSR d'une durée égale. »

- Start: the VA prononcé date (decisions.debut_vsr). + ``duree_mois`` calendar months at the same
  Paris time; a day missing from the target month gives its last day (31/12 + 2 months = 28/02),
  as delais.fin_vsr.
- An outage is a maximal run of unavailable time (unknown, available or allowed maintenance time
  ends it). « Une journée » (parametres.yaml, vsr.prolongation_journee): 24 consecutive hours
  (heures_consecutives, the threshold prolongation_seuil_heures) or a whole Paris calendar day
  (jour_calendaire). The part of an outage before the VSR's start does not count.
- Every qualifying outage that starts before the current end extends it by its whole duration,
  even if it goes on past that end; an outage inside an extension extends it again: iterate to
  the fixed point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from recette.contrat import Contrat
from recette.delais import fin_vsr, moment_en_francais
from recette.vsr.chronologie import Chronologie, Etat
from recette.vsr.temps import duree_en_francais, heure_locale_us, instant


@dataclass(frozen=True)
class Panne:
    debut: datetime
    fin: datetime

    @property
    def duree(self) -> timedelta:
        # In UTC: two Paris datetimes subtract as wall-clock times (a DST night would be off).
        return self.fin.astimezone(UTC) - self.debut.astimezone(UTC)


@dataclass(frozen=True)
class FinVSR:
    debut: datetime
    fin_initiale: datetime
    fin: datetime
    prolongations: tuple[Panne, ...]
    motif: str

    @property
    def prolongation(self) -> timedelta:
        return sum((p.duree for p in self.prolongations), timedelta())


def pannes(chronologie: Chronologie) -> tuple[Panne, ...]:
    debuts, fins = chronologie.segments(Etat.INDISPONIBLE)
    return tuple(Panne(instant(d), instant(f)) for d, f in zip(debuts, fins, strict=True))


def vaut_une_journee(panne: Panne, contrat: Contrat) -> bool:
    if contrat.vsr.prolongation_journee == "heures_consecutives":
        return panne.duree >= contrat.vsr.prolongation_seuil
    # jour_calendaire: some Paris midnight-to-midnight day lies inside the outage.
    fuseau = contrat.calendrier.fuseau_horaire
    jour = panne.debut.astimezone(fuseau).date()
    while True:
        minuit = instant(heure_locale_us(jour, time(0), fuseau))
        if minuit >= panne.debut:
            lendemain = instant(heure_locale_us(jour + timedelta(days=1), time(0), fuseau))
            return lendemain <= panne.fin
        jour += timedelta(days=1)


def fin_de_vsr(debut_vsr: datetime, pannes: Sequence[Panne], contrat: Contrat) -> FinVSR:
    """The end of the VSR from its start and every outage observed (fixed point)."""
    fin_initiale = fin_vsr(debut_vsr, [], contrat)
    candidates = []
    depart = debut_vsr.astimezone(UTC)
    for panne in pannes:
        dans_la_vsr = Panne(max(panne.debut.astimezone(UTC), depart), panne.fin.astimezone(UTC))
        if dans_la_vsr.fin > dans_la_vsr.debut and vaut_une_journee(dans_la_vsr, contrat):
            candidates.append(dans_la_vsr)
    candidates.sort(key=lambda p: p.debut)
    fin, retenues = fin_initiale, ()
    while True:
        nouvelles = tuple(p for p in candidates if p.debut < fin)
        if nouvelles == retenues:
            break
        retenues = nouvelles
        prolongation = sum((p.duree for p in retenues), timedelta())
        fin = (fin_initiale.astimezone(UTC) + prolongation).astimezone(fin_initiale.tzinfo)
    return FinVSR(debut_vsr, fin_initiale, fin, retenues, _motif(debut_vsr, fin, retenues, contrat))


def _motif(debut: datetime, fin: datetime, retenues: tuple[Panne, ...], contrat: Contrat) -> str:
    fuseau = contrat.calendrier.fuseau_horaire
    texte = (
        f"fin de la VSR le {moment_en_francais(fin.astimezone(fuseau))} : "
        f"{contrat.vsr.duree_mois} mois après le prononcé de la VA "
        f"({moment_en_francais(debut.astimezone(fuseau))})"
    )
    if not retenues:
        return texte + ", sans indisponibilité d'une journée ou plus"
    details = " ; ".join(
        f"indisponibilité de {duree_en_francais(p.duree)} du "
        f"{moment_en_francais(p.debut.astimezone(fuseau))} au "
        f"{moment_en_francais(p.fin.astimezone(fuseau))}"
        for p in retenues
    )
    total = sum((p.duree for p in retenues), timedelta())
    return texte + f", prolongés de {duree_en_francais(total)} ({details})"
