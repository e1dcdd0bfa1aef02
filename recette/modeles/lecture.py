"""The register read from the models as the former register gave it (recette.anomalies.modele
values: Anomalie, Fiche, SeanceEnregistree), so that documents, verdicts and the CLI keep their
inputs when the register moves onto the models.

Reads take no transaction: on SQLite every transaction is IMMEDIATE (it takes the write lock,
recette/base.py), and a reader must never wait for a séance being recorded."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q

from recette.base import decrire
from recette.erreurs import RegistreAnomaliesErreur
from recette.modeles.anomalies import Anomalie
from recette.modeles.seances import Seance

# A run that counts as a failure of the anomaly (a pass is kept as evidence of a fix).
STATUTS_ECHEC = ("failed", "broken")


def anomalies():
    """Every anomaly in number order, with its number of failed runs (one query)."""
    lignes = Anomalie.objects.annotate(
        echecs=Count("occurrences", filter=Q(occurrences__statut__in=STATUTS_ECHEC))
    )
    return [a.valeur(nombre_echecs=a.echecs) for a in lignes]


def fiche(numero: str):
    """An anomaly with its occurrences and history (recette.anomalies.modele.Fiche)."""
    from recette.anomalies.modele import Fiche

    numero = numero.strip().upper()
    try:
        a = Anomalie.objects.prefetch_related("occurrences", "historique").get(pk=numero)
    except Anomalie.DoesNotExist:
        raise RegistreAnomaliesErreur(
            f"Anomalie {numero} introuvable dans {decrire(settings.DATABASES['default'])}."
        ) from None
    occurrences = tuple(o.valeur() for o in a.occurrences.all())
    historique = tuple(e.valeur() for e in a.historique.all())
    echecs = sum(1 for o in occurrences if o.statut in STATUTS_ECHEC)
    return Fiche(a.valeur(nombre_echecs=echecs), occurrences, historique)


def seances():
    """The séance index in recording order (recette.anomalies.modele.SeanceEnregistree)."""
    return [s.valeur() for s in Seance.objects.all()]
