"""Rule 4: declared maintenance windows against the yearly allowance.

Source: cahier des charges type, § « Exigences de performance du système », Disponibilité du
service : « […] avec un taux d'indisponibilité maximal de : […] 3 heures par an pour
maintenance. »

- Only maintenance declared in advance counts: a window's part before its declaration instant is
  judged like any other moment.
- What a window consumes (``maintenance_decompte``): the time the probes see unavailable inside
  it (indisponibilite_constatee), or the whole window (fenetre_declaree).
- Windows consume the allowance in time order, year by year (``maintenance_annee``: civil year in
  Paris time, or years from the VSR's start); the allowance is split exactly, to the
  microsecond. Once spent, the rest of the window is judged like any other moment: what the
  probes see unavailable there is unavailability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np

from recette.contrat import Disponibilite

# The same calendar-month arithmetic as the VSR's end (31/12 + 12 months = 31/12, 29/02 → 28/02).
from recette.delais import _ajouter_mois
from recette.erreurs import FaitsInvalides
from recette.vsr import intervalles
from recette.vsr.chronologie import Chronologie, Etat
from recette.vsr.echantillons import FenetreMaintenance
from recette.vsr.temps import HEURE_US, duree, en_us, heure_locale_us, instant


@dataclass(frozen=True)
class MaintenanceDecomptee:
    fenetre: FenetreMaintenance
    # The part of the window that counts as declared in advance (None: declared after its end).
    retenue_depuis: datetime | None
    comptee: timedelta  # counted against the allowance (neither available nor unavailable)
    au_dela: timedelta  # unavailability inside the window once the allowance was spent


@dataclass(frozen=True)
class AnneeMaintenance:
    debut: datetime
    fin: datetime
    admis: timedelta
    consomme: timedelta

    @property
    def reste(self) -> timedelta:
        return self.admis - self.consomme


def debuts_d_annee(
    periode_debut: int,
    periode_fin: int,
    disponibilite: Disponibilite,
    debut_vsr: datetime,
    fuseau: tzinfo,
) -> list[int]:
    """The starts of the allowance years that meet the period (µs), the first at or before it."""
    local = debut_vsr.astimezone(fuseau)
    annee = instant(periode_debut).astimezone(fuseau).year - 1
    fin_annee = instant(periode_fin).astimezone(fuseau).year + 1
    debuts = []
    for a in range(annee, fin_annee + 1):
        if disponibilite.maintenance_annee == "civile":
            debuts.append(heure_locale_us(date(a, 1, 1), time(0), fuseau))
        else:
            jour = _ajouter_mois(local.date(), 12 * (a - local.year))
            debuts.append(heure_locale_us(jour, local.time(), fuseau))
    debuts = sorted(debuts)
    premier = max(i for i, d in enumerate(debuts) if d <= periode_debut)
    dernier = min(i for i, d in enumerate(debuts) if d >= periode_fin)
    return debuts[premier : dernier + 1]


def decompter_maintenance(
    chronologie: Chronologie,
    fenetres: Sequence[FenetreMaintenance],
    disponibilite: Disponibilite,
    debut_vsr: datetime,
    fuseau: tzinfo,
) -> tuple[Chronologie, tuple[MaintenanceDecomptee, ...], tuple[AnneeMaintenance, ...]]:
    """The timeline with the allowed maintenance set apart, and the account of each window and
    each allowance year."""
    admis_us = round(disponibilite.maintenance_max_heures_par_an * HEURE_US)
    retenues = []
    for fenetre in fenetres:
        debut = en_us(fenetre.debut, "Le début de la fenêtre de maintenance")
        fin = en_us(fenetre.fin, "La fin de la fenêtre de maintenance")
        declaree = en_us(fenetre.declaree_le, "La date de déclaration de la maintenance")
        if fin <= debut:
            raise FaitsInvalides(
                f"La fenêtre de maintenance déclarée par {fenetre.declaree_par} finit avant de "
                "commencer."
            )
        retenues.append((max(debut, declaree), fin))
    d = np.array([r[0] for r in retenues], dtype=np.int64)
    f = np.array([r[1] for r in retenues], dtype=np.int64)
    union = intervalles.reunir(
        np.clip(d, chronologie.debut, chronologie.fin),
        np.clip(f, chronologie.debut, chronologie.fin),
    )
    if disponibilite.maintenance_decompte == "indisponibilite_constatee":
        candidats = intervalles.intersection(union, chronologie.segments(Etat.INDISPONIBLE))
    else:
        candidats = union
    annees = debuts_d_annee(chronologie.debut, chronologie.fin, disponibilite, debut_vsr, fuseau)
    # Pieces of the candidate time, cut at the year starts, in time order.
    bornes = np.unique(np.concatenate([candidats[0], candidats[1], annees]))
    b0, b1 = bornes[:-1], bornes[1:]
    dedans = intervalles.contient(*candidats, b0)
    b0, b1 = b0[dedans], b1[dedans]
    annee_de = np.searchsorted(annees, b0, side="right") - 1
    longueurs = b1 - b0
    prises = np.zeros(len(b0), dtype=np.int64)
    for a in np.unique(annee_de):
        de_l_annee = annee_de == a
        avant = np.cumsum(longueurs[de_l_annee]) - longueurs[de_l_annee]
        prises[de_l_annee] = np.clip(admis_us - avant, 0, longueurs[de_l_annee])
    maintenance = (b0[prises > 0], b0[prises > 0] + prises[prises > 0])
    jugee = chronologie.recouvrir(*maintenance, Etat.MAINTENANCE)

    indisponible = jugee.segments(Etat.INDISPONIBLE)
    decomptes = []
    for fenetre, (debut, fin) in zip(fenetres, retenues, strict=True):
        if fin <= debut:
            decomptes.append(MaintenanceDecomptee(fenetre, None, timedelta(), timedelta()))
            continue
        propre = (np.array([debut]), np.array([fin]))
        decomptes.append(
            MaintenanceDecomptee(
                fenetre,
                instant(debut),
                duree(intervalles.mesure(intervalles.intersection(propre, maintenance))),
                duree(intervalles.mesure(intervalles.intersection(propre, indisponible))),
            )
        )
    bilans = []
    for a, (debut, fin) in enumerate(zip(annees[:-1], annees[1:], strict=True)):
        consomme = int(prises[annee_de == a].sum())
        bilans.append(
            AnneeMaintenance(instant(debut), instant(fin), duree(admis_us), duree(consomme))
        )
    return jugee, tuple(decomptes), tuple(bilans)
