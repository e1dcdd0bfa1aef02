"""Anomaly numbers: « ANO-<year>-<rank> », the rank restarting at 1 each year (the year in
Paris), never given twice, consecutive within a year, even when several processes (the CLI, the
workbench, a probe) create anomalies at the same moment.

How: the number is chosen and the anomaly inserted in one transaction that first locks the
year's ``Numerotation`` row. On PostgreSQL the row lock (SELECT … FOR UPDATE) makes a second
writer wait until the first commits, then read its rank; the year's row is created with
INSERT … ON CONFLICT DO NOTHING, which also waits for a concurrent insert of the same year. On
SQLite ``select_for_update`` is a no-op but every transaction is IMMEDIATE (recette/base.py):
it holds the file's write lock from its first statement. A number is never reused, even if an
anomaly were deleted: the rank follows the highest of the year's anomalies and of the lock
row's last rank (rows copied from the former register carry their own ranks).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from recette.erreurs import RegistreAnomaliesErreur
from recette.modeles.anomalies import Anomalie, Numerotation


def attribuer_numero(quand: datetime) -> tuple[int, int, str]:
    """(year, rank, number) for an anomaly created at ``quand``; inside the transaction that
    inserts it, or two writers could get the same number."""
    if not connection.in_atomic_block:
        raise RuntimeError("attribuer_numero() must run inside the transaction that inserts.")
    if timezone.is_naive(quand):
        raise RegistreAnomaliesErreur(
            f"La date « {quand} » doit porter son fuseau horaire (Europe/Paris)."
        )
    from recette.anomalies.modele import numero_anomalie

    annee = timezone.localtime(quand).year
    Numerotation.objects.bulk_create([Numerotation(annee=annee)], ignore_conflicts=True)
    verrou = Numerotation.objects.select_for_update().get(annee=annee)
    plus_haut = Anomalie.objects.filter(annee=annee).aggregate(rang=Max("rang"))["rang"] or 0
    rang = max(plus_haut, verrou.dernier_rang) + 1
    verrou.dernier_rang = rang
    verrou.save(update_fields=["dernier_rang"])
    return annee, rang, numero_anomalie(annee, rang)


def creer_anomalie(quand: datetime, **champs) -> Anomalie:
    """A new anomaly numbered at ``quand`` (its creation and modification date)."""
    with transaction.atomic():
        annee, rang, numero = attribuer_numero(quand)
        return Anomalie.objects.create(
            numero=numero, annee=annee, rang=rang, cree_le=quand, modifie_le=quand, **champs
        )
