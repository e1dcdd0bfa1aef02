"""The anomaly register as models: anomalies, their occurrences séance after séance, their
history, and the numbering lock. The rules (deduplication, lifecycle, deadlines) stay in
``recette/anomalies/``; here are the facts and what the database itself guarantees: a unique
number per (year, rank), a « doublon » always names the anomaly it repeats and only a doublon
does, statuses and gravities among the known values, one occurrence per (anomaly, séance, run).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from recette.modeles.seances import Seance
from recette.modeles.valeurs import (
    GRAVITES,
    STATUT_DOUBLON,
    STATUTS_ANOMALIE,
    choix_gravites,
    choix_statuts,
)


class Anomalie(models.Model):
    numero = models.CharField(primary_key=True, max_length=20)  # « ANO-2026-0001 »
    annee = models.PositiveSmallIntegerField()  # the year in Paris of its creation
    rang = models.PositiveIntegerField()
    titre = models.TextField()
    seance_origine = models.ForeignKey(Seance, models.PROTECT, related_name="anomalies")
    solution = models.CharField(max_length=200, blank=True, default="")  # see Seance.solution
    scenario = models.TextField(db_index=True)  # signature.identite_resultat
    exigences = models.JSONField(default=list, blank=True)
    domaine = models.CharField(max_length=200, null=True, blank=True)
    priorite = models.PositiveSmallIntegerField(null=True, blank=True)
    etape_en_echec = models.TextField(null=True, blank=True)
    attendu = models.TextField()
    observe = models.TextField()
    gravite_proposee = models.CharField(max_length=20, choices=choix_gravites)
    gravite_qualifiee = models.CharField(
        max_length=20, choices=choix_gravites, null=True, blank=True
    )
    statut = models.CharField(max_length=20, choices=choix_statuts, default="ouverte")
    reference = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="doublons"
    )
    signature = models.CharField(max_length=64, db_index=True)
    # The séance in which the scenario passed again, while the anomaly awaits verification.
    verification_proposee = models.ForeignKey(
        Seance, models.PROTECT, null=True, blank=True, related_name="verifications_proposees"
    )
    transmise_le = models.DateTimeField(null=True, blank=True)
    echeance_contournement = models.DateTimeField(null=True, blank=True)
    echeance_correction = models.DateTimeField(null=True, blank=True)
    contournee_le = models.DateTimeField(null=True, blank=True)
    corrigee_le = models.DateTimeField(null=True, blank=True)
    cree_le = models.DateTimeField()
    cree_par = models.CharField(max_length=200)
    # Set by the caller with the change's date (the rules read no clock), not auto_now.
    modifie_le = models.DateTimeField()

    class Meta:
        ordering = ["annee", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["annee", "rang"], name="anomalie_annee_rang"),
            models.CheckConstraint(condition=Q(rang__gt=0), name="anomalie_rang_positif"),
            models.CheckConstraint(
                condition=Q(statut__in=STATUTS_ANOMALIE), name="anomalie_statut"
            ),
            models.CheckConstraint(
                condition=Q(gravite_proposee__in=GRAVITES), name="anomalie_gravite_proposee"
            ),
            models.CheckConstraint(
                condition=Q(gravite_qualifiee__isnull=True) | Q(gravite_qualifiee__in=GRAVITES),
                name="anomalie_gravite_qualifiee",
            ),
            # As in the former schema: (statut = 'doublon') = (reference IS NOT NULL).
            models.CheckConstraint(
                condition=(Q(statut=STATUT_DOUBLON) & Q(reference__isnull=False))
                | (~Q(statut=STATUT_DOUBLON) & Q(reference__isnull=True)),
                name="anomalie_doublon_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.numero

    def valeur(self, nombre_echecs: int | None = None):
        """The register's frozen value (recette.anomalies.modele.Anomalie); ``nombre_echecs``
        is counted from the occurrences when not given."""
        from recette.anomalies.modele import Anomalie as Valeur
        from recette.contrat import Gravite
        from recette.modeles.temps import en_paris
        from recette.verdicts import StatutAnomalie

        if nombre_echecs is None:
            nombre_echecs = self.occurrences.filter(statut__in=("failed", "broken")).count()
        return Valeur(
            numero=self.numero,
            titre=self.titre,
            seance_origine=self.seance_origine_id,
            scenario=self.scenario,
            exigences=tuple(self.exigences),
            domaine=self.domaine,
            priorite=self.priorite,
            etape_en_echec=self.etape_en_echec,
            attendu=self.attendu,
            observe=self.observe,
            gravite_proposee=Gravite(self.gravite_proposee),
            gravite_qualifiee=Gravite(self.gravite_qualifiee) if self.gravite_qualifiee else None,
            statut=StatutAnomalie(self.statut),
            reference=self.reference_id,
            signature=self.signature,
            verification_proposee=self.verification_proposee_id,
            transmise_le=en_paris(self.transmise_le),
            echeance_contournement=en_paris(self.echeance_contournement),
            echeance_correction=en_paris(self.echeance_correction),
            contournee_le=en_paris(self.contournee_le),
            corrigee_le=en_paris(self.corrigee_le),
            cree_le=en_paris(self.cree_le),
            cree_par=self.cree_par,
            modifie_le=en_paris(self.modifie_le),
            nombre_echecs=nombre_echecs,
        )


class Occurrence(models.Model):
    """One run of the anomaly's scenario: a failure, or the pass that proposes « vérifiée »."""

    anomalie = models.ForeignKey(Anomalie, models.PROTECT, related_name="occurrences")
    seance = models.ForeignKey(Seance, models.PROTECT, related_name="occurrences")
    resultat = models.CharField(max_length=200)  # the run's uuid (Allure result)
    observee_le = models.DateTimeField()
    statut = models.CharField(max_length=20)  # the run's: passed, failed, broken
    message = models.TextField(blank=True, default="")
    preuves = models.JSONField(default=list, blank=True)  # paths in the séance folder

    class Meta:
        ordering = ["observee_le", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["anomalie", "seance", "resultat"], name="occurrence_unique"
            ),
        ]

    def valeur(self):
        from recette.anomalies.modele import Occurrence as Valeur
        from recette.modeles.temps import en_paris

        return Valeur(
            seance=self.seance_id,
            resultat=self.resultat,
            observee_le=en_paris(self.observee_le),
            statut=self.statut,
            message=self.message,
            preuves=tuple(self.preuves),
        )


class Evenement(models.Model):
    """A line of an anomaly's history: who did what, when, from which status to which."""

    anomalie = models.ForeignKey(Anomalie, models.PROTECT, related_name="historique")
    date = models.DateTimeField()
    auteur = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    de = models.CharField(max_length=20, choices=choix_statuts, null=True, blank=True)
    vers = models.CharField(max_length=20, choices=choix_statuts, null=True, blank=True)
    commentaire = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["id"]  # the order things happened in, even within the same second

    def valeur(self):
        from recette.anomalies.modele import Evenement as Valeur
        from recette.modeles.temps import en_paris
        from recette.verdicts import StatutAnomalie

        return Valeur(
            date=en_paris(self.date),
            auteur=self.auteur,
            action=self.action,
            de=StatutAnomalie(self.de) if self.de else None,
            vers=StatutAnomalie(self.vers) if self.vers else None,
            commentaire=self.commentaire,
        )


class Numerotation(models.Model):
    """One row per year, locked (SELECT … FOR UPDATE) while a number is given: two writers on
    PostgreSQL wait for each other here instead of both reading the same free rank. On SQLite
    the IMMEDIATE transaction already holds the file's write lock. See numerotation.py."""

    annee = models.PositiveSmallIntegerField(primary_key=True)
    dernier_rang = models.PositiveIntegerField(default=0)
