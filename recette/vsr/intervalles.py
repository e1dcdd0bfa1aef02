"""Sets of half-open intervals [debut, fin) of int64 microseconds, as two sorted numpy arrays."""

from __future__ import annotations

import numpy as np

VIDE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def reunir(debuts: np.ndarray, fins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union as sorted, disjoint, non-touching intervals (empty ones dropped)."""
    debuts = np.asarray(debuts, dtype=np.int64)
    fins = np.asarray(fins, dtype=np.int64)
    garder = fins > debuts
    debuts, fins = debuts[garder], fins[garder]
    if len(debuts) == 0:
        return VIDE
    ordre = np.argsort(debuts, kind="stable")
    debuts, fins = debuts[ordre], fins[ordre]
    fins_cumulees = np.maximum.accumulate(fins)
    # A new interval starts where it begins after everything before it has ended.
    nouveau = np.ones(len(debuts), dtype=bool)
    nouveau[1:] = debuts[1:] > fins_cumulees[:-1]
    premiers = np.flatnonzero(nouveau)
    derniers = np.r_[premiers[1:] - 1, len(debuts) - 1]
    return debuts[premiers], fins_cumulees[derniers]


def contient(debuts: np.ndarray, fins: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For sorted disjoint intervals: whether each point lies in one of them."""
    if len(debuts) == 0:
        return np.zeros(len(points), dtype=bool)
    i = np.searchsorted(debuts, points, side="right") - 1
    return (i >= 0) & (points < fins[np.maximum(i, 0)])


def intersection(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]):
    """The intersection of two sets of sorted disjoint intervals."""
    if len(a[0]) == 0 or len(b[0]) == 0:
        return VIDE
    bornes = np.unique(np.concatenate([a[0], a[1], b[0], b[1]]))
    debuts, fins = bornes[:-1], bornes[1:]
    dedans = contient(*a, debuts) & contient(*b, debuts)
    return reunir(debuts[dedans], fins[dedans])


def mesure(intervalles: tuple[np.ndarray, np.ndarray]) -> int:
    return int((intervalles[1] - intervalles[0]).sum())
