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
    serie: Serie, tableau: TableauPerformances, fuseau: tzinfo, debut_journee_us: int
) -> tuple[TempsLigne, ...]:
    """Every line of the table with its centiles (a line without measures has none).
    ``debut_journee_us``: the local time a journée starts, in µs after midnight."""
    if tableau.stabilite is None:
        raise FaitsInvalides("Le tableau des performances n'a pas de règle de stabilité.")
    rang = tableau.statistique.centile
    local = serie.instant + decalages(serie.instant, fuseau)
    jour_ech = (local - debut_journee_us) // JOUR_US
    heure_ech = (local // HEURE_US) % 24
    ordre = np.argsort(serie.mesure_ligne, kind="stable")
    lignes_triees = serie.mesure_ligne[ordre]
    resultat = []
    for ligne in tableau.lignes:
        numero = serie.lignes.index(ligne.code) if ligne.code in serie.lignes else -1
        a, b = np.searchsorted(lignes_triees, [numero, numero + 1])
        choisies = ordre[a:b] if numero >= 0 else ordre[:0]
        valeurs = serie.mesure_secondes[choisies]
        echantillons = serie.mesure_echantillon[choisies]
        if len(valeurs) == 0:
            resultat.append(
                TempsLigne(ligne.code, ligne.libelle, ligne.seuil_secondes, 0, None, (), (), ())
            )
            continue
        global_ = centile_rang(valeurs, rang)
        jours = jour_ech[echantillons]
        par_jour = _par_groupe(valeurs, jours - jours.min(), rang, ligne, None, None)
        par_jour = tuple(
            Centile(
                (EPOCH + timedelta(days=int(jours.min()) + c.groupe)).date(),
                c.mesures,
                c.secondes,
                c.sous_le_seuil,
                None,
            )
            for c in par_jour
        )
        par_heure = _par_groupe(
            valeurs, heure_ech[echantillons], rang, ligne, global_, tableau.stabilite
        )
        par_poste = tuple(
            Centile(
                serie.postes[c.groupe], c.mesures, c.secondes, c.sous_le_seuil, c.hors_tolerance
            )
            for c in _par_groupe(
                valeurs, serie.poste[echantillons], rang, ligne, global_, tableau.stabilite
            )
        )
        resultat.append(
            TempsLigne(
                ligne.code,
                ligne.libelle,
                ligne.seuil_secondes,
                len(valeurs),
                global_,
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
    groupes = groupes.astype(np.int64)
    ordre = np.argsort(groupes, kind="stable")
    groupes, valeurs = groupes[ordre], valeurs[ordre]
    cles, debuts, nombres = np.unique(groupes, return_index=True, return_counts=True)
    centiles = []
    for cle, debut, nombre in zip(cles, debuts, nombres, strict=True):
        secondes = centile_rang(valeurs[debut : debut + nombre], rang)
        hors = None
        if stabilite is not None and reference is not None and nombre >= stabilite.mesures_min:
            hors = (
                secondes > reference * (1 + stabilite.ecart_relatif_max)
                and secondes - reference > stabilite.ecart_absolu_min_secondes
            )
        centiles.append(
            Centile(int(cle), int(nombre), secondes, secondes < ligne.seuil_secondes, hors)
        )
    return tuple(centiles)
