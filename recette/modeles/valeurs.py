"""The values the database accepts in its coded columns, and their French labels.

The values are those of the enums the rules speak (``verdicts.StatutAnomalie``,
``verdicts.Phase``, ``contrat.Gravite``), written out here because they are also database CHECK
constraints: a new status needs a migration anyway, and ``test_valeurs_suivent_les_enums`` fails
until this file (then ``makemigrations``) follows the enum. Importing the enums here would load
the contract's calendar (≈ 0.5 s) at every start of the CLI; the labels are read from them only
when a form or a page asks (callable choices).
"""

from __future__ import annotations

from django.db import models

PHASES = ("va", "vsr")
GRAVITES = ("bloquante", "non bloquante")
STATUTS_ANOMALIE = (
    "ouverte",
    "qualifiee",
    "transmise",
    "contournee",
    "corrigee",
    "verifiee",
    "close",
    "rejetee",
    "doublon",
)
STATUT_DOUBLON = "doublon"


class GenreSeance(models.TextChoices):
    """What kind of check a séance index entry records; only the first two have a sealed folder
    ``reports/<séance>/`` (a load or reprise check writes its own report elsewhere)."""

    SCENARIOS = "scenarios", "scénarios automatisés"
    MANUEL = "manuel", "scénarios manuels (cahier de recette)"
    CHARGE = "charge", "contrôle de charge"
    REPRISE = "reprise", "contrôle de reprise"
    REVERSIBILITE = "reversibilite", "contrôle de réversibilité"


GENRES_AVEC_DOSSIER = frozenset({GenreSeance.SCENARIOS.value, GenreSeance.MANUEL.value})


def choix_phases() -> list[tuple[str, str]]:
    from recette.verdicts import Phase

    return [(p.value, p.libelle) for p in Phase]


def choix_gravites() -> list[tuple[str, str]]:
    from recette.contrat import Gravite

    return [(g.value, g.value) for g in Gravite]


def choix_statuts() -> list[tuple[str, str]]:
    from recette.anomalies.cycle import LIBELLES

    return [(s.value, libelle) for s, libelle in LIBELLES.items()]
