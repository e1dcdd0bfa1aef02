"""What the judgement is fed: probe samples, probe presence, declared maintenance windows.

Plain frozen dataclasses for the few things a person enters (a maintenance window) and for tests;
a columnar ``Serie`` (numpy arrays) for the samples themselves, because two months of 10 postes
every 30 s is 1.75 million of them. A data layer builds a ``Serie`` straight from its columns;
``Serie.depuis`` builds one from ``Echantillon`` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from recette.erreurs import FaitsInvalides
from recette.vsr.temps import duree_us, en_us, instant


@dataclass(frozen=True)
class Etape:
    """One timed step of the synthetic transaction, attached to a line of the contract's table."""

    nom: str  # « connexion », « liste des patients »…
    ligne: str  # code of the line in performances.yaml (ouverture_application…)
    secondes: float


@dataclass(frozen=True)
class Echantillon:
    """One cycle of the probe on one poste. ``instant`` is when the transaction started."""

    poste: str
    instant: datetime
    reussi: bool
    etapes: tuple[Etape, ...] = ()
    erreur: str = ""


@dataclass(frozen=True)
class CadenceSonde:
    """From the probe's profile: a sample stands for the time until the next one of its poste,
    at most ``intervalle + tolerance``; beyond, nothing is known (« inconnu »)."""

    intervalle: timedelta
    tolerance: timedelta

    @property
    def validite(self) -> timedelta:
        return self.intervalle + self.tolerance


@dataclass(frozen=True)
class PresenceSonde:
    """A period when the probe of a poste was up (from its heartbeats). When a poste has any,
    its samples count only inside them: a probe stopped or cut off is « inconnu »."""

    poste: str
    debut: datetime
    fin: datetime


@dataclass(frozen=True)
class FenetreMaintenance:
    """A maintenance window entered in advance by the MOA or the vendor."""

    debut: datetime
    fin: datetime
    declaree_par: str
    declaree_le: datetime
    motif: str = ""


def presences_depuis_battements(
    poste: str, battements: Iterable[datetime], validite: timedelta
) -> tuple[PresenceSonde, ...]:
    """Heartbeats to presence periods: each heartbeat vouches for ``validite`` after it."""
    presences: list[PresenceSonde] = []
    # In UTC: Paris datetimes add and compare as wall-clock times (wrong on a DST night).
    for us in sorted(en_us(b, f"Un battement du poste « {poste} »") for b in battements):
        battement = instant(us)
        fin = battement + validite
        if presences and battement <= presences[-1].fin:
            presences[-1] = PresenceSonde(poste, presences[-1].debut, max(fin, presences[-1].fin))
        else:
            presences.append(PresenceSonde(poste, battement, fin))
    return tuple(presences)


@dataclass(frozen=True, eq=False)
class Serie:
    """Samples as columns. ``poste`` indexes ``postes``; ``instant`` is µs since the epoch (UTC).
    Each step measure is one row of the ``mesure_*`` columns: its sample (row of the samples),
    its line (index into ``lignes``) and its duration in seconds."""

    postes: tuple[str, ...]
    lignes: tuple[str, ...]
    poste: np.ndarray
    instant: np.ndarray
    reussi: np.ndarray
    mesure_echantillon: np.ndarray
    mesure_ligne: np.ndarray
    mesure_secondes: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.instant)
        if len(self.poste) != n or len(self.reussi) != n:
            raise FaitsInvalides("Échantillons : colonnes de longueurs différentes.")
        m = len(self.mesure_secondes)
        if len(self.mesure_echantillon) != m or len(self.mesure_ligne) != m:
            raise FaitsInvalides("Mesures des étapes : colonnes de longueurs différentes.")
        if self.instant.dtype != np.int64 or self.reussi.dtype != np.bool_:
            raise FaitsInvalides("Échantillons : instants en int64 (µs) et résultats booléens.")
        if n and (self.poste.min() < 0 or self.poste.max() >= len(self.postes)):
            raise FaitsInvalides("Échantillons : numéro de poste hors de la liste des postes.")
        if m and (self.mesure_echantillon.min() < 0 or self.mesure_echantillon.max() >= n):
            raise FaitsInvalides("Mesures des étapes : numéro d'échantillon hors des échantillons.")
        if m and (self.mesure_ligne.min() < 0 or self.mesure_ligne.max() >= len(self.lignes)):
            raise FaitsInvalides("Mesures des étapes : numéro de ligne hors du tableau.")
        if m and not (self.mesure_secondes >= 0).all():
            raise FaitsInvalides("Mesures des étapes : une durée est négative ou absente.")

    def __len__(self) -> int:
        return len(self.instant)

    @classmethod
    def depuis(cls, echantillons: Sequence[Echantillon], lignes: Sequence[str]) -> Serie:
        lignes = tuple(lignes)
        numero_ligne = {code: i for i, code in enumerate(lignes)}
        postes = tuple(sorted({e.poste for e in echantillons}))
        numero_poste = {p: i for i, p in enumerate(postes)}
        instants, mes_e, mes_l, mes_s = [], [], [], []
        for i, e in enumerate(echantillons):
            instants.append(en_us(e.instant, f"L'instant de l'échantillon du poste « {e.poste} »"))
            for etape in e.etapes:
                if etape.ligne not in numero_ligne:
                    raise FaitsInvalides(
                        f"Échantillon du poste « {e.poste} » du {e.instant.isoformat()} : l'étape "
                        f"« {etape.nom} » porte la ligne « {etape.ligne} », absente du tableau "
                        f"des performances ({', '.join(lignes)})."
                    )
                mes_e.append(i)
                mes_l.append(numero_ligne[etape.ligne])
                mes_s.append(etape.secondes)
        return cls(
            postes=postes,
            lignes=lignes,
            poste=np.array([numero_poste[e.poste] for e in echantillons], dtype=np.int32),
            instant=np.array(instants, dtype=np.int64),
            reussi=np.array([e.reussi for e in echantillons], dtype=bool),
            mesure_echantillon=np.array(mes_e, dtype=np.int64),
            mesure_ligne=np.array(mes_l, dtype=np.int16),
            mesure_secondes=np.array(mes_s, dtype=np.float64),
        )


def presences_en_us(
    presences: Iterable[PresenceSonde], postes: Sequence[str]
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Presence periods per poste number (postes without samples are ignored)."""
    numero = {p: i for i, p in enumerate(postes)}
    par_poste: dict[int, tuple[list[int], list[int]]] = {}
    for presence in presences:
        if presence.poste not in numero:
            continue
        debuts, fins = par_poste.setdefault(numero[presence.poste], ([], []))
        debuts.append(en_us(presence.debut, f"Le début de présence du poste « {presence.poste} »"))
        fins.append(en_us(presence.fin, f"La fin de présence du poste « {presence.poste} »"))
    return {
        p: (np.array(d, dtype=np.int64), np.array(f, dtype=np.int64))
        for p, (d, f) in par_poste.items()
    }


def validite_us(cadence: CadenceSonde) -> int:
    if cadence.intervalle <= timedelta() or cadence.tolerance < timedelta():
        raise FaitsInvalides(
            "Cadence de la sonde : l'intervalle doit être positif, la tolérance positive ou nulle."
        )
    return duree_us(cadence.validite)
