"""Skeleton scenarios for the requirements no scenario cites yet: one file per requirement,
`features/<domaine>/a-ecrire-<id>.feature`, tagged `@a-ecrire` so that a séance reports it as
"non écrit" instead of forgetting it. A référent replaces the placeholder sentences with the
behaviour to check, then removes the `@a-ecrire` tag.

An existing file is never touched: the référent may already be writing it."""

from __future__ import annotations

import contextlib
import os
import tempfile
import textwrap
from collections.abc import Iterable
from pathlib import Path

from recette.grille.features import ScenarioInfo
from recette.grille.modele import Exigence, Grille

PREFIXE = "a-ecrire-"
LARGEUR_COMMENTAIRE = 96

# Placeholder steps: sentences a référent reads as instructions, in the shape of a real step.
ETAPES = (
    "Étant donné la situation de départ à décrire "
    "(qui est connecté, avec quel profil, pour quel patient)",
    "Quand l'action à décrire, dans les mots du professionnel",
    "Alors le résultat attendu à décrire, tel qu'il se constate à l'écran",
)


def chemin_squelette(dossier_features: Path, exigence: Exigence) -> Path:
    return dossier_features / exigence.domaine / f"{PREFIXE}{exigence.id.lower()}.feature"


def _une_ligne(texte: str) -> str:
    return " ".join(texte.split())


def _commentaire(titre: str, texte: str, retrait: str) -> list[str]:
    lignes = textwrap.wrap(
        f"{titre} : {_une_ligne(texte)}",
        width=LARGEUR_COMMENTAIRE - len(retrait) - 2,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [
        f"{retrait}# {ligne}" if i == 0 else f"{retrait}#   {ligne}"
        for i, ligne in enumerate(lignes)
    ]


def texte_squelette(exigence: Exigence, libelle_domaine: str) -> str:
    libelle = _une_ligne(exigence.libelle)
    lignes = [
        "# language: fr",
        "# Squelette généré par le banc de recette, à compléter par un référent : remplacer les",
        "# trois étapes par le comportement à vérifier, dans les mots du métier, puis retirer",
        "# l'étiquette @a-ecrire.",
        f"@domaine:{exigence.domaine}",
        f"Fonctionnalité: {libelle}",
        f"  Exigence {exigence.id} de la grille (domaine « {libelle_domaine} »), "
        "encore sans scénario.",
        "",
    ]
    if exigence.description.strip():
        lignes += _commentaire("Exigence", exigence.description, "  ")
    if exigence.source.strip():
        lignes += _commentaire("Source", exigence.source, "  ")
    lignes += [
        f"  @{exigence.id} @priorite:{exigence.priorite} @a-ecrire",
        f"  Scénario: {libelle}",
        *(f"    {etape}" for etape in ETAPES),
    ]
    return "\n".join(lignes) + "\n"


def _creer_sans_ecraser(chemin: Path, texte: str) -> bool:
    """Writes `chemin` only if it does not exist, never half-written: a temporary file is
    hard-linked into place, which fails (instead of replacing) when the name is taken."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, nom = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".tmp", dir=chemin.parent)
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8", newline="\n") as flux:
            flux.write(texte)
        os.chmod(nom, 0o644)
        os.link(nom, chemin)
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(nom)
    return True


def ecrire_squelettes(
    grille: Grille, scenarios: Iterable[ScenarioInfo], dossier_features: Path
) -> list[Path]:
    """Writes a skeleton for each requirement of `grille` that no scenario cites (not even a
    skeleton); returns the files written, in grid order. Existing files are left alone."""
    citees = {identifiant for sc in scenarios for identifiant in sc.exigences}
    ecrits: list[Path] = []
    for exigence in grille:
        if exigence.id in citees:
            continue
        chemin = chemin_squelette(Path(dossier_features), exigence)
        if chemin.exists():
            continue
        texte = texte_squelette(exigence, grille.domaines.get(exigence.domaine, exigence.domaine))
        if _creer_sans_ecraser(chemin, texte):
            ecrits.append(chemin)
    return ecrits
