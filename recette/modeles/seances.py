"""The séance index: every check the register has learnt of (an automated or manual séance, a
load, reprise or réversibilité check), with what it counted. The sealed folder of a séance stays
the evidence; this row is what the register, the PV and the workbench look up."""

from __future__ import annotations

from django.db import models

from recette.modeles.valeurs import GENRES_AVEC_DOSSIER, PHASES, GenreSeance, choix_phases


class Seance(models.Model):
    # « VA-20261224-100000-demo-a », « CHARGE-… », « reprise-… »: the folder's or check's name.
    id = models.CharField(primary_key=True, max_length=200)
    phase = models.CharField(max_length=3, choices=choix_phases)
    genre = models.CharField(
        max_length=20, choices=GenreSeance.choices, default=GenreSeance.SCENARIOS
    )
    profil = models.CharField(max_length=200)
    cible = models.TextField()
    # The solution under recette, for a bench that keeps one register per solution (not yet
    # read by any rule; "" for the rows of a single-solution register).
    solution = models.CharField(max_length=200, blank=True, default="")
    debut = models.DateTimeField(null=True, blank=True)
    fin = models.DateTimeField(null=True, blank=True)
    statut = models.CharField(max_length=50)  # « terminée », « interrompue »…
    compteurs = models.JSONField(default=dict, blank=True)  # resultats.compter()
    enregistree_le = models.DateTimeField()
    enregistree_par = models.CharField(max_length=200)
    # A check's report (its evidence; a check has no séance folder), relative to the reports
    # folder when inside it.
    rapport = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["enregistree_le", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(phase__in=PHASES), name="seance_phase"),
        ]

    def __str__(self) -> str:
        return self.id

    @property
    def a_un_dossier(self) -> bool:
        """A sealed folder ``reports/<id>/`` holds its evidence (not so for a load check)."""
        return self.genre in GENRES_AVEC_DOSSIER

    def valeur(self):
        """The register's frozen value (recette.anomalies.modele.SeanceEnregistree)."""
        from recette.anomalies.modele import SeanceEnregistree
        from recette.modeles.temps import en_paris

        return SeanceEnregistree(
            id=self.id,
            phase=self.phase,
            profil=self.profil,
            cible=self.cible,
            debut=en_paris(self.debut).isoformat() if self.debut else None,
            fin=en_paris(self.fin).isoformat() if self.fin else None,
            statut=self.statut,
            compteurs=dict(self.compteurs),
            enregistree_le=en_paris(self.enregistree_le),
            genre=self.genre,
            rapport=self.rapport,
        )
