"""Ages and birthdays: the one definition every coherence rule of the generator shares."""

from __future__ import annotations

import datetime as dt


def annees_revolues(naissance: dt.date, jour: dt.date) -> int:
    """Completed years of age on `jour` (a person born on 29 February ages on 1 March)."""
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def ajouter_annees(jour: dt.date, annees: int) -> dt.date:
    """The same day `annees` later; 29 February becomes 1 March, consistent with the ages above."""
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:
        return dt.date(jour.year + annees, 3, 1)


def date_a_l_age(naissance: dt.date, age: int) -> dt.date:
    """First day on which someone born on `naissance` has completed `age` years."""
    return ajouter_annees(naissance, age)


def dernier_jour_a_l_age(naissance: dt.date, age: int) -> dt.date:
    """Last day on which someone born on `naissance` is still `age` years old."""
    return ajouter_annees(naissance, age + 1) - dt.timedelta(days=1)
