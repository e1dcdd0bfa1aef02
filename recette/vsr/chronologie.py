"""Rule 1: from samples to a timeline of the system's state (available, unavailable, unknown).

Source: cahier des charges type, § « Exigences de performance du système » : « Le système est
considéré comme indisponible lorsque : L'usage du service est impossible […] ; Les temps de
réponse dépassent les temps de réponse acceptables (voir ci-dessous). »

- A sample is unavailable when it failed, or when one of its steps took at least
  ``lenteur_multiple_du_seuil`` × the threshold of its line (disponibilite.yaml; a measure conforms
  only strictly below the threshold, performances.yaml).
- A sample stands for [its instant, the next sample of its poste), cut at its instant + the
  probe's interval + tolerance (``CadenceSonde``, from the profile), and, when the poste's probe
  presence is known (heartbeats), cut to the periods the probe was up. Elsewhere the poste knows
  nothing.
- Postes combine by ``regle_postes``: at each instant, among the postes whose state is known, the
  system is unavailable when at least one (au_moins_un), a strict majority (majorite) or all of
  them (tous) see it unavailable; no poste known: « inconnu », neither available nor unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

import numpy as np

from recette.contrat import Disponibilite, TableauPerformances
from recette.erreurs import FaitsInvalides
from recette.vsr import intervalles
from recette.vsr.echantillons import Serie
from recette.vsr.temps import instant

_MAX = np.iinfo(np.int64).max


class Etat(IntEnum):
    DISPONIBLE = 0
    INDISPONIBLE = 1
    MAINTENANCE = 2  # declared maintenance counted against the yearly allowance
    INCONNU = 3

    @property
    def libelle(self) -> str:
        return ("disponible", "indisponible", "maintenance décomptée", "inconnu")[self]


@dataclass(frozen=True, eq=False)
class Chronologie:
    """A piecewise-constant state: segment k is [bornes[k], bornes[k+1]) in state etats[k]."""

    bornes: np.ndarray  # int64 µs, strictly increasing, len(etats) + 1
    etats: np.ndarray  # int8 Etat values, no two neighbours equal

    @classmethod
    def compacte(cls, bornes: np.ndarray, etats: np.ndarray) -> Chronologie:
        """Drops empty segments and merges neighbours of the same state."""
        bornes = np.asarray(bornes, dtype=np.int64)
        etats = np.asarray(etats, dtype=np.int8)
        non_vides = bornes[1:] > bornes[:-1]
        debuts, fins, etats = bornes[:-1][non_vides], bornes[1:][non_vides], etats[non_vides]
        if len(etats) == 0:
            return cls(bornes[:1].copy(), etats)
        change = np.ones(len(etats), dtype=bool)
        change[1:] = etats[1:] != etats[:-1]
        return cls(np.r_[debuts[change], fins[-1]], etats[change])

    @property
    def debut(self) -> int:
        return int(self.bornes[0])

    @property
    def fin(self) -> int:
        return int(self.bornes[-1])

    def segments(self, etat: Etat) -> tuple[np.ndarray, np.ndarray]:
        """The maximal intervals in this state (neighbours never share a state)."""
        choisis = self.etats == etat
        return self.bornes[:-1][choisis], self.bornes[1:][choisis]

    def totaux(self, debuts: np.ndarray, fins: np.ndarray) -> np.ndarray:
        """Time (µs) spent in each state inside each [debut, fin): shape (n, 4), by Etat."""
        debuts = np.clip(np.asarray(debuts, dtype=np.int64), self.debut, self.fin)
        fins = np.clip(np.asarray(fins, dtype=np.int64), self.debut, self.fin)
        fins = np.maximum(fins, debuts)
        longueurs = np.diff(self.bornes)
        resultat = np.zeros((len(debuts), len(Etat)), dtype=np.int64)
        for etat in Etat:
            dans = np.where(self.etats == etat, longueurs, 0)
            cumul = np.r_[0, np.cumsum(dans)]
            resultat[:, etat] = self._integrale(cumul, fins, etat) - self._integrale(
                cumul, debuts, etat
            )
        return resultat

    def _integrale(self, cumul: np.ndarray, x: np.ndarray, etat: Etat) -> np.ndarray:
        if len(self.etats) == 0:
            return np.zeros(len(x), dtype=np.int64)
        i = np.clip(np.searchsorted(self.bornes, x, side="right") - 1, 0, len(self.etats) - 1)
        return cumul[i] + np.where(self.etats[i] == etat, x - self.bornes[i], 0)

    def extrait(self, debut: int, fin: int) -> tuple[tuple[datetime, datetime, Etat], ...]:
        """The segments met by [debut, fin), cut to it (a day's timeline, as evidence)."""
        i = max(int(np.searchsorted(self.bornes, debut, side="right")) - 1, 0)
        segments = []
        while i < len(self.etats) and self.bornes[i] < fin:
            a, b = max(int(self.bornes[i]), debut), min(int(self.bornes[i + 1]), fin)
            if b > a:
                segments.append((instant(a), instant(b), Etat(int(self.etats[i]))))
            i += 1
        return tuple(segments)

    def recouvrir(self, debuts: np.ndarray, fins: np.ndarray, etat: Etat) -> Chronologie:
        """The same timeline with the given intervals set to ``etat``."""
        d, f = intervalles.reunir(
            np.clip(debuts, self.debut, self.fin), np.clip(fins, self.debut, self.fin)
        )
        if len(d) == 0:
            return self
        bornes = np.unique(np.concatenate([self.bornes, d, f]))
        i = np.searchsorted(self.bornes, bornes[:-1], side="right") - 1
        etats = self.etats[i].copy()
        etats[intervalles.contient(d, f, bornes[:-1])] = etat
        return Chronologie.compacte(bornes, etats)


def echantillons_indisponibles(
    serie: Serie, tableau: TableauPerformances, disponibilite: Disponibilite
) -> np.ndarray:
    """Per sample: failed, or (when the contract says so) one step too slow."""
    indisponible = ~serie.reussi
    if disponibilite.depassement_temps_de_reponse_vaut_indisponibilite and len(
        serie.mesure_secondes
    ):
        try:
            seuils = np.array([tableau.ligne(code).seuil_secondes for code in serie.lignes])
        except KeyError as exc:
            raise FaitsInvalides(
                f"La ligne « {exc.args[0]} » des mesures est absente du tableau des performances."
            ) from None
        limites = seuils * disponibilite.lenteur_multiple_du_seuil
        lentes = serie.mesure_secondes >= limites[serie.mesure_ligne]
        indisponible = indisponible | (
            np.bincount(serie.mesure_echantillon[lentes], minlength=len(serie)) > 0
        )
    return indisponible


def couvertures(
    serie: Serie,
    indisponible: np.ndarray,
    validite_us: int,
    presences: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per poste, the time each sample stands for: (poste, debut, fin, indisponible), runs of
    the same state on the same poste merged (most of two months is one long available run)."""
    poste, debut, etat = serie.poste, serie.instant, indisponible
    # Sorted by (poste, instant). Samples usually come in instant order (postes interleaved):
    # then a stable sort by poste alone suffices, a radix sort on 16-bit numbers.
    if (
        len(debut)
        and not (
            (poste[1:] == poste[:-1]) & (debut[1:] >= debut[:-1]) | (poste[1:] > poste[:-1])
        ).all()
    ):
        if (debut[1:] >= debut[:-1]).all() and len(serie.postes) < 2**15:
            ordre = np.argsort(poste.astype(np.int16), kind="stable")
        else:
            ordre = np.lexsort((debut, poste))
        poste, debut, etat = poste[ordre], debut[ordre], etat[ordre]
    suivant = np.full(len(debut), _MAX, dtype=np.int64)
    if len(debut) > 1:
        meme_poste = poste[1:] == poste[:-1]
        suivant[:-1] = np.where(meme_poste, debut[1:], _MAX)
    fin = np.minimum(suivant, debut + validite_us)
    if presences:
        poste, debut, fin, etat = _dans_les_presences(poste, debut, fin, etat, presences)
    garder = fin > debut
    poste, debut, fin, etat = poste[garder], debut[garder], fin[garder], etat[garder]
    if len(debut) == 0:
        return poste, debut, fin, etat
    nouveau = np.ones(len(debut), dtype=bool)
    nouveau[1:] = (poste[1:] != poste[:-1]) | (debut[1:] != fin[:-1]) | (etat[1:] != etat[:-1])
    premiers = np.flatnonzero(nouveau)
    derniers = np.r_[premiers[1:] - 1, len(debut) - 1]
    return poste[premiers], debut[premiers], fin[derniers], etat[premiers]


def _dans_les_presences(poste, debut, fin, etat, presences):
    """Cuts each poste's sample intervals to its presence periods (postes without any keep
    theirs): the elementary pieces between all the bounds, kept where both hold."""
    morceaux = [[], [], [], []]
    for p in np.unique(poste):
        du_poste = poste == p
        d, f, e = debut[du_poste], fin[du_poste], etat[du_poste]
        if p not in presences:
            for liste, valeurs in zip(morceaux, (poste[du_poste], d, f, e), strict=True):
                liste.append(valeurs)
            continue
        pd, pf = intervalles.reunir(*presences[p])
        bornes = np.unique(np.concatenate([d, f, pd, pf]))
        b0, b1 = bornes[:-1], bornes[1:]
        i = np.clip(np.searchsorted(d, b0, side="right") - 1, 0, len(d) - 1)
        dedans = (b0 >= d[i]) & (b0 < f[i]) & intervalles.contient(pd, pf, b0)
        morceaux[0].append(np.full(int(dedans.sum()), p, dtype=poste.dtype))
        morceaux[1].append(b0[dedans])
        morceaux[2].append(b1[dedans])
        morceaux[3].append(e[i][dedans])
    return tuple(np.concatenate(m) for m in morceaux)


def combiner(
    debut: np.ndarray,
    fin: np.ndarray,
    indisponible: np.ndarray,
    regle: str,
    periode_debut: int,
    periode_fin: int,
) -> Chronologie:
    """The system's state over [periode_debut, periode_fin) from every poste's intervals."""
    if periode_fin <= periode_debut:
        raise FaitsInvalides("La période jugée doit finir après son début.")
    d = np.clip(debut, periode_debut, periode_fin)
    f = np.clip(fin, periode_debut, periode_fin)
    garder = f > d
    d, f, u = d[garder], f[garder], indisponible[garder].astype(np.int64)
    temps = np.concatenate([[periode_debut], d, f])
    connus = np.concatenate([[0], np.ones(len(d), np.int64), -np.ones(len(d), np.int64)])
    indispos = np.concatenate([[0], u, -u])
    ordre = np.argsort(temps, kind="stable")
    temps = temps[ordre]
    connus = np.cumsum(connus[ordre])
    indispos = np.cumsum(indispos[ordre])
    # The counts after the last event at each instant hold until the next instant.
    dernier = np.r_[temps[1:] != temps[:-1], True]
    temps, connus, indispos = temps[dernier], connus[dernier], indispos[dernier]
    avant_la_fin = temps < periode_fin
    temps, connus, indispos = temps[avant_la_fin], connus[avant_la_fin], indispos[avant_la_fin]
    if regle == "au_moins_un":
        en_panne = indispos >= 1
    elif regle == "majorite":
        en_panne = 2 * indispos > connus
    elif regle == "tous":
        en_panne = indispos == connus
    else:
        raise FaitsInvalides(f"Règle de combinaison des postes inconnue : « {regle} ».")
    etats = np.where(
        connus == 0, Etat.INCONNU, np.where(en_panne, Etat.INDISPONIBLE, Etat.DISPONIBLE)
    )
    return Chronologie.compacte(np.r_[temps, periode_fin], etats)


def chronologie_des_echantillons(
    serie: Serie,
    tableau: TableauPerformances,
    disponibilite: Disponibilite,
    validite_us: int,
    periode_debut: int,
    periode_fin: int,
    presences: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> Chronologie:
    indisponible = echantillons_indisponibles(serie, tableau, disponibilite)
    _, debut, fin, etat = couvertures(serie, indisponible, validite_us, presences)
    return combiner(debut, fin, etat, disponibilite.regle_postes, periode_debut, periode_fin)
