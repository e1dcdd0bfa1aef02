"""The contract's requirements grid: model, loading, and import of the customer's grid.

The bench's grid is `fixtures/grille/grille-client.csv` when a customer's grid was imported,
otherwise the default `fixtures/grille/grille.csv` (derived from the cahier des charges type and
the plan projet type). Both are read and validated exactly like an import."""

from __future__ import annotations

from pathlib import Path

from recette.grille.import_grille import (
    chemin_grille_client,
    ecrire_grille,
    importer_grille,
    lire_correspondance,
    lire_grille,
)
from recette.grille.modele import Exigence, Grille
from recette.grille.referentiel import Referentiel, charger_referentiel, dossier_grille

FICHIER_DEFAUT = "grille.csv"

__all__ = [
    "Exigence",
    "Grille",
    "Referentiel",
    "charger_grille",
    "charger_referentiel",
    "chemin_grille",
    "chemin_grille_client",
    "ecrire_grille",
    "importer_grille",
    "lire_correspondance",
    "lire_grille",
]


def chemin_grille(racine: Path) -> Path:
    """The grid the bench uses: the customer's imported grid when there is one."""
    client = chemin_grille_client(racine)
    return client if client.is_file() else dossier_grille(racine) / FICHIER_DEFAUT


def charger_grille(racine: Path, fichier: Path | None = None) -> Grille:
    """Loads and validates the bench's grid (or `fichier`, CSV or XLSX); raises GrilleInvalide
    with every error found."""
    return lire_grille(Path(fichier) if fichier else chemin_grille(racine), racine)
