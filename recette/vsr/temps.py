"""Instants as integer microseconds since the Unix epoch (UTC), and Paris wall time.

The judgement works on int64 microseconds so that sums of durations are exact (a day at exactly
its allowance is exactly at it, never a rounding away) and so that two months of samples fit in
numpy arrays. Local time always goes through zoneinfo, never through a fixed offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

import numpy as np

from recette.erreurs import FaitsInvalides

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICRO = timedelta(microseconds=1)
SECONDE_US = 1_000_000
HEURE_US = 3600 * SECONDE_US
JOUR_US = 24 * HEURE_US
# Every UTC offset change of the tz database falls on a quarter of an hour (Paris: 01:00 UTC).
_QUART_US = 15 * 60 * SECONDE_US


def en_us(moment: datetime, quoi: str = "la date") -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise FaitsInvalides(f"{quoi} « {moment} » doit porter son fuseau horaire.")
    return (moment - EPOCH) // MICRO


def instant(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(us))


def duree_us(duree: timedelta) -> int:
    return duree // MICRO


def duree(us: int) -> timedelta:
    return timedelta(microseconds=int(us))


def heure_locale_us(jour: date, heure: time, fuseau: tzinfo) -> int:
    """The instant of a Paris wall-clock time; one in the spring gap moves forward by the gap,
    an ambiguous one (the autumn hour that happens twice) is its first occurrence."""
    local = datetime.combine(jour, heure).replace(tzinfo=fuseau)
    return en_us(local.astimezone(UTC))


def date_locale(us: int, fuseau: tzinfo) -> date:
    return instant(us).astimezone(fuseau).date()


def decalages(instants_us: np.ndarray, fuseau: tzinfo) -> np.ndarray:
    """The UTC offset (µs) of each instant in the zone, from zoneinfo on a quarter-hour grid."""
    if len(instants_us) == 0:
        return np.zeros(0, dtype=np.int64)
    depart = int(instants_us.min()) // _QUART_US * _QUART_US
    n = (int(instants_us.max()) - depart) // _QUART_US + 1
    grille = np.fromiter(
        (
            duree_us(instant(depart + i * _QUART_US).astimezone(fuseau).utcoffset())
            for i in range(n)
        ),
        dtype=np.int64,
        count=n,
    )
    return grille[(instants_us - depart) // _QUART_US]


def duree_en_francais(d: timedelta) -> str:
    """« 12 min », « 1 h 5 min », « 2 j 2 h », « 30 s », to the second."""
    secondes = round(d.total_seconds())
    if secondes == 0:
        return "0 min"
    jours, reste = divmod(secondes, 86400)
    heures, reste = divmod(reste, 3600)
    minutes, secondes = divmod(reste, 60)
    morceaux = []
    if jours:
        morceaux.append(f"{jours} j")
    if heures:
        morceaux.append(f"{heures} h")
    if minutes:
        morceaux.append(f"{minutes} min")
    if secondes:
        morceaux.append(f"{secondes} s")
    return " ".join(morceaux)


def heure_en_francais(h: time) -> str:
    """« 7 h », « 23 h », « 7 h 30 »."""
    return f"{h.hour} h" if h.minute == 0 else f"{h.hour} h {h.minute:02d}"
