"""Rule 6: per line of the contract's table, the centile per day, per hour and per poste, and
the stability clauses judged.

Source: cahier des charges type, § « Exigences de performance du système » : « Les temps de
réponse indiqués ci-dessus devront être identiques sur l'ensemble des postes installés. Ils
devront rester stables quel que soit le moment de la journée où les utilisateurs y accèderont,
notamment lors des pics de consultation prévisibles. »

- The centile is the contract's (performances.yaml, statistique.centile), nearest rank, as
  recette.performances.evaluation.centile: never an interpolation between two measures.
- Days are the journées of the availability bands (a day starts at the first band's start, 7 h
  in Paris), hours are Paris wall-clock hours (0 to 23).
- Measures are the steps that completed; a failed transaction is counted by the availability
  rule, not here.
- Tolerance of « identiques » and « stables » (performances.yaml, stabilite, an interpretation):
  a poste's (an hour's) centile is out of tolerance when it exceeds the whole line's centile by
  more than ecart_relatif_max AND by more than ecart_absolu_min_secondes; groups with fewer than
  mesures_min measures are not judged; being faster is never a fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

import numpy as np

from recette.contrat import LignePerformance, StabilitePerformances, TableauPerformances
from recette.erreurs import FaitsInvalides
from recette.vsr.echantillons import Serie
from recette.vsr.temps import EPOCH, HEURE_US, JOUR_US, decalages


@dataclass(frozen=True)
class Centile:
    """One group's figure: a day (date), an hour (0–23) or a poste (its name)."""

    groupe: date | int | str
    mesures: int
    secondes: float
    sous_le_seuil: bool  # the centile is strictly below the line's threshold
    hors_tolerance: bool | None  # None: not judged (too few measures, or a day)


@dataclass(frozen=True)
class TempsLigne:
    code: str
    libelle: str
    seuil_secondes: float
    mesures: int
    centile: float | None  # the whole period
    par_jour: tuple[Centile, ...]
    par_heure: tuple[Centile, ...]
    par_poste: tuple[Centile, ...]

    @property
    def postes_identiques(self) -> bool | None:
        return _jugement(self.par_poste)

    @property
    def stable_dans_la_journee(self) -> bool | None:
        return _jugement(self.par_heure)

    @property
    def motifs(self) -> tuple[str, ...]:
        motifs = []
        for c in self.par_poste:
            if c.hors_tolerance:
                motifs.append(
                    f"{self.libelle} : le poste « {c.groupe} » mesure {_s(c.secondes)} contre "
                    f"{_s(self.centile)} pour l'ensemble des postes (temps non identiques sur "
                    "l'ensemble des postes)"
                )
        for c in self.par_heure:
            if c.hors_tolerance:
                motifs.append(
                    f"{self.libelle} : entre {c.groupe} h et {c.groupe + 1} h, {_s(c.secondes)} "
                    f"contre {_s(self.centile)} sur toute la journée (temps non stables selon le "
                    "moment de la journée)"
                )
        return tuple(motifs)


def _jugement(centiles: tuple[Centile, ...]) -> bool | None:
    juges = [c.hors_tolerance for c in centiles if c.hors_tolerance is not None]
    return None if not juges else not any(juges)


def _s(secondes: float | None) -> str:
    return "—" if secondes is None else f"{secondes:.2f} s".replace(".", ",")


def centile_rang(valeurs: np.ndarray, rang: float) -> float:
    """Nearest rank, the same arithmetic as recette.performances.evaluation.centile."""
    k = max(1, math.ceil(rang / 100 * len(valeurs))) - 1
    return float(np.partition(valeurs, k)[k])


def temps_de_reponse(
    serie: Serie,
    tableau: TableauPerformances,
    fuseau: tzinfo,
    debut_journee_us: int,
    periode: tuple[int, int] | None = None,
) -> tuple[TempsLigne, ...]:
    """Every line of the table with its centiles (a line without measures has none).
    ``debut_journee_us``: the local time a journée starts, in µs after midnight; ``periode``:
    only the samples whose instant is in [debut, fin) (µs) count."""
    if tableau.stabilite is None:
        raise FaitsInvalides("Le tableau des performances n'a pas de règle de stabilité.")
    rang = tableau.statistique.centile
    # Group keys per sample, small integers: radix sorts later, little memory.
    local = serie.instant + decalages(serie.instant, fuseau)
    jours_ech = (local - debut_journee_us) // JOUR_US
    premier_jour = int(jours_ech.min()) if len(jours_ech) else 0
    jours_ech = (jours_ech - premier_jour).astype(np.int32)
    heures_ech = ((local // HEURE_US) % 24).astype(np.int16)
    del local
    dans = None
    if periode is not None:
        dans = (serie.instant >= periode[0]) & (serie.instant < periode[1])
        if dans.all():
            dans = None
    resultat = []
    for ligne in tableau.lignes:
        if ligne.code in serie.lignes:
            choisies = np.flatnonzero(serie.mesure_ligne == serie.lignes.index(ligne.code))
        else:
            choisies = np.zeros(0, dtype=np.int64)
        echantillons = serie.mesure_echantillon[choisies]
        if dans is not None:
            gardees = dans[echantillons]
            choisies, echantillons = choisies[gardees], echantillons[gardees]
        valeurs = serie.mesure_secondes[choisies]
        del choisies
        if len(valeurs) == 0:
            resultat.append(
                TempsLigne(ligne.code, ligne.libelle, ligne.seuil_secondes, 0, None, (), (), ())
            )
            continue
        ensemble = centile_rang(valeurs, rang)
        par_jour = tuple(
            Centile(
                (EPOCH + timedelta(days=premier_jour + c.groupe)).date(),
                c.mesures,
                c.secondes,
                c.sous_le_seuil,
                None,
            )
            for c in _par_groupe(valeurs, jours_ech[echantillons], rang, ligne, None, None)
        )
        par_heure = _par_groupe(
            valeurs, heures_ech[echantillons], rang, ligne, ensemble, tableau.stabilite
        )
        par_poste = tuple(
            Centile(
                serie.postes[c.groupe], c.mesures, c.secondes, c.sous_le_seuil, c.hors_tolerance
            )
            for c in _par_groupe(
                valeurs, serie.poste[echantillons], rang, ligne, ensemble, tableau.stabilite
            )
        )
        resultat.append(
            TempsLigne(
                ligne.code,
                ligne.libelle,
                ligne.seuil_secondes,
                len(valeurs),
                ensemble,
                par_jour,
                par_heure,
                par_poste,
            )
        )
    return tuple(resultat)


def _par_groupe(
    valeurs: np.ndarray,
    groupes: np.ndarray,
    rang: float,
    ligne: LignePerformance,
    reference: float | None,
    stabilite: StabilitePerformances | None,
) -> tuple[Centile, ...]:
    """Centile of each group (non-negative integer keys). A stable sort of 16-bit keys is a
    radix sort: linear, which keeps two months of measures well under a second."""
    if groupes.max() < 2**15:
        groupes = groupes.astype(np.int16, copy=False)
    nombres = np.bincount(groupes)
    ordre = np.argsort(groupes, kind="stable")
    valeurs = valeurs[ordre]
    del ordre
    debuts = np.r_[0, np.cumsum(nombres)[:-1]]
    centiles = []
    for cle in np.flatnonzero(nombres):
        debut, nombre = int(debuts[cle]), int(nombres[cle])
        secondes = centile_rang(valeurs[debut : debut + nombre], rang)
        hors = None
        if stabilite is not None and reference is not None and nombre >= stabilite.mesures_min:
            hors = (
                secondes > reference * (1 + stabilite.ecart_relatif_max)
                and secondes - reference > stabilite.ecart_absolu_min_secondes
            )
        centiles.append(Centile(int(cle), nombre, secondes, secondes < ligne.seuil_secondes, hors))
    return tuple(centiles)
