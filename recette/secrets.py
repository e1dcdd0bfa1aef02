"""Secrets (passwords, card PINs) come from the environment or the git-ignored `secrets.env`;
they are masked everywhere the bench writes."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from recette.erreurs import RecetteErreur

MASQUE = "••••••"
FICHIER_SECRETS = "secrets.env"


class SecretManquant(RecetteErreur):
    """A secret named by a profile is defined nowhere."""


def lire_fichier_secrets(chemin: Path) -> dict[str, str]:
    """`NAME=value` lines; blank lines and `#` comments ignored."""
    valeurs: dict[str, str] = {}
    if not chemin.exists():
        return valeurs
    for numero, ligne in enumerate(chemin.read_text(encoding="utf-8").splitlines(), start=1):
        ligne = ligne.strip()
        if not ligne or ligne.startswith("#"):
            continue
        if "=" not in ligne:
            raise SecretManquant(
                f"{chemin}, ligne {numero} : « NOM=valeur » attendu (la valeur n'est pas affichée)."
            )
        nom, valeur = ligne.split("=", 1)
        valeurs[nom.strip()] = valeur.strip().strip('"').strip("'")
    return valeurs


def resoudre(nom_variable: str, racine: Path | None = None, origine: str = "") -> str:
    """The value of a secret: environment first, then `secrets.env` at the project root."""
    valeur = os.environ.get(nom_variable)
    if valeur:
        return valeur
    fichier = (racine or Path.cwd()) / FICHIER_SECRETS
    valeur = lire_fichier_secrets(fichier).get(nom_variable)
    if valeur:
        return valeur
    ou = f" (demandé par {origine})" if origine else ""
    raise SecretManquant(
        f"Le secret « {nom_variable} »{ou} n'est pas défini : exportez la variable "
        f"d'environnement {nom_variable} ou ajoutez-la au fichier {FICHIER_SECRETS} "
        "(non versionné)."
    )


class Masqueur:
    """Replaces every known secret value in text with a mask."""

    def __init__(self, valeurs: Iterable[str] = ()):
        self._valeurs: set[str] = set()
        self._motif: re.Pattern[str] | None = None
        for valeur in valeurs:
            self.ajouter(valeur)

    def ajouter(self, valeur: str) -> None:
        if valeur:
            self._valeurs.add(valeur)
            # Longest first, so that a secret containing another is masked whole.
            ordre = sorted(self._valeurs, key=len, reverse=True)
            self._motif = re.compile("|".join(re.escape(v) for v in ordre))

    @property
    def valeurs(self) -> frozenset[str]:
        return frozenset(self._valeurs)

    def masquer(self, texte: str) -> str:
        if self._motif is None or not texte:
            return texte
        return self._motif.sub(MASQUE, texte)

    def contient(self, texte: str) -> bool:
        return self._motif is not None and self._motif.search(texte) is not None
