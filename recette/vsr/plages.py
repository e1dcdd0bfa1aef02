"""Rules 2, 3 and 7: each day's time bands in Paris time, their totals and their verdict.

Source: cahier des charges type, § « Exigences de performance du système », Disponibilité du
service : « un taux d'indisponibilité maximal de : 10 minutes par jour dans la période comprise
entre 7 heures et 23 heures ; 30 minutes par jour dans la période comprise entre 23 heures et
7 heures ».

- A band that passes midnight belongs to the day it starts (disponibilite.yaml): the « journée »
  of 14/03 is 14/03 7 h → 15/03 7 h, its night band 14/03 23 h → 15/03 7 h. Bands are placed
  on the wall clock through zoneinfo, so the night of the last Saturday of March lasts 7 hours
  (the journée 23 hours) and the one of the last Saturday of October 9 hours (25 hours); the
  allowance per band does not change.
- A band conforms when its unavailable time is at most its allowance (exactly at it conforms).
  Maintenance counted against the yearly allowance and unknown time are shown apart, never
  counted as unavailable; maintenance beyond the allowance is already unavailable time.
- Days outside ``jours_ouverts`` are measured and shown but not judged.
- Bands are cut to the judged period: the VSR's first day starts at the VA's signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

import numpy as np

from recette.contrat import Disponibilite, PlageDisponibilite
from recette.vsr.chronologie import Chronologie, Etat
from recette.vsr.temps import (
    duree,
    duree_en_francais,
    heure_en_francais,
    heure_locale_us,
    instant,
)


class Verdict(StrEnum):
    CONFORME = "conforme"
    DEPASSEMENT = "dépassement"
    NON_EXIGE = "non exigé"  # a day outside jours_ouverts


@dataclass(frozen=True)
class BilanPlage:
    code: str
    jour: date  # the journée the band belongs to (the day it starts)
    debut: datetime  # UTC, cut to the judged period
    fin: datetime
    entre: str  # « entre 7 h et 23 h »
    disponible: timedelta
    indisponible: timedelta
    maintenance: timedelta
    inconnu: timedelta
    admis: timedelta
    verdict: Verdict
    passe_minuit: bool = False

    @property
    def duree(self) -> timedelta:
        return self.fin - self.debut

    @property
    def depassement(self) -> timedelta:
        return max(self.indisponible - self.admis, timedelta())

    @property
    def quand(self) -> str:
        """« le 14/03/2027 », or « la nuit du 14/03/2027 au 15/03/2027 » for a band past 0 h."""
        debut = self.jour.strftime("%d/%m/%Y")
        if self.passe_minuit:
            lendemain = (self.jour + timedelta(days=1)).strftime("%d/%m/%Y")
            return f"la nuit du {debut} au {lendemain}"
        return f"le {debut}"

    @property
    def motif(self) -> str:
        """« indisponibilité de 12 min entre 7 h et 23 h le 14/03/2027, au-delà des 10 min
        admises »."""
        admis = duree_en_francais(self.admis)
        if self.indisponible:
            texte = f"indisponibilité de {duree_en_francais(self.indisponible)}"
        else:
            texte = "aucune indisponibilité"
        texte += f" {self.entre} {self.quand}"
        if self.verdict is Verdict.DEPASSEMENT:
            texte += f", au-delà des {admis} admises (dépassement de "
            texte += f"{duree_en_francais(self.depassement)})"
        elif self.verdict is Verdict.CONFORME:
            texte += f", dans la limite des {admis} admises"
        else:
            texte += ", jour hors des jours d'ouverture du service (non jugé)"
        if self.maintenance:
            texte += f" ; {duree_en_francais(self.maintenance)} de maintenance décomptée"
        if self.inconnu:
            texte += f" ; {duree_en_francais(self.inconnu)} sans mesure (état inconnu)"
        return texte


@dataclass(frozen=True)
class Journee:
    """One day's summary, for the daily table, the chart and an anomaly's evidence."""

    jour: date
    plages: tuple[BilanPlage, ...]

    @property
    def verdict(self) -> Verdict:
        verdicts = {p.verdict for p in self.plages}
        if Verdict.DEPASSEMENT in verdicts:
            return Verdict.DEPASSEMENT
        if verdicts == {Verdict.NON_EXIGE}:
            return Verdict.NON_EXIGE
        return Verdict.CONFORME

    @property
    def depassement(self) -> timedelta:
        return sum((p.depassement for p in self.plages), timedelta())

    @property
    def motifs(self) -> tuple[str, ...]:
        return tuple(p.motif for p in self.plages if p.verdict is Verdict.DEPASSEMENT)

    def plage(self, code: str) -> BilanPlage:
        for bilan in self.plages:
            if bilan.code == code:
                return bilan
        raise KeyError(code)


def bornes_plage(jour: date, plage: PlageDisponibilite, fuseau: tzinfo) -> tuple[int, int]:
    """[debut, fin) of a band of a journée, in µs; a band with fin <= debut ends the next day."""
    debut = heure_locale_us(jour, plage.debut, fuseau)
    jour_fin = jour + timedelta(days=1) if plage.fin <= plage.debut else jour
    return debut, heure_locale_us(jour_fin, plage.fin, fuseau)


def entre(plage: PlageDisponibilite) -> str:
    return f"entre {heure_en_francais(plage.debut)} et {heure_en_francais(plage.fin)}"


def journees(
    chronologie: Chronologie, disponibilite: Disponibilite, fuseau: tzinfo
) -> tuple[Journee, ...]:
    """Every journée that meets the judged period, with each band's totals and verdict."""
    premier = instant(chronologie.debut).astimezone(fuseau).date() - timedelta(days=1)
    dernier = instant(chronologie.fin).astimezone(fuseau).date()
    jours, plages, debuts, fins = [], [], [], []
    jour = premier
    while jour <= dernier:
        for plage in disponibilite.plages:
            debut, fin = bornes_plage(jour, plage, fuseau)
            debut, fin = max(debut, chronologie.debut), min(fin, chronologie.fin)
            if fin > debut:
                jours.append(jour)
                plages.append(plage)
                debuts.append(debut)
                fins.append(fin)
        jour += timedelta(days=1)
    totaux = chronologie.totaux(np.array(debuts, np.int64), np.array(fins, np.int64))
    par_jour: dict[date, list[BilanPlage]] = {}
    for jour, plage, debut, fin, total in zip(jours, plages, debuts, fins, totaux, strict=True):
        admis = timedelta(minutes=plage.indisponibilite_max_minutes_par_jour)
        indisponible = duree(total[Etat.INDISPONIBLE])
        if jour.isoweekday() not in disponibilite.jours_ouverts:
            verdict = Verdict.NON_EXIGE
        elif indisponible <= admis:
            verdict = Verdict.CONFORME
        else:
            verdict = Verdict.DEPASSEMENT
        par_jour.setdefault(jour, []).append(
            BilanPlage(
                code=plage.code,
                jour=jour,
                debut=instant(debut),
                fin=instant(fin),
                entre=entre(plage),
                disponible=duree(total[Etat.DISPONIBLE]),
                indisponible=indisponible,
                maintenance=duree(total[Etat.MAINTENANCE]),
                inconnu=duree(total[Etat.INCONNU]),
                admis=admis,
                verdict=verdict,
                passe_minuit=plage.fin <= plage.debut,
            )
        )
    return tuple(Journee(jour, tuple(bilans)) for jour, bilans in par_jour.items())
