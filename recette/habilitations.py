"""The expected role × function permission matrix (fixtures/habilitations/matrice.csv): the
customer changes the matrix, and the habilitation checks follow, with no edit to a feature."""

from __future__ import annotations

import csv
from pathlib import Path

from recette.erreurs import RecetteErreur

DROITS = ("aucun", "consultation", "saisie", "édition")


class MatriceInvalide(RecetteErreur):
    pass


def charger_matrice(racine: Path, fichier: Path | None = None) -> dict[str, dict[str, str]]:
    chemin = fichier or racine / "fixtures" / "habilitations" / "matrice.csv"
    try:
        lignes = chemin.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MatriceInvalide(f"{chemin} : fichier illisible ({exc}).") from None
    numerotees = [(n, t) for n, t in enumerate(lignes, 1) if t.strip() and not t.startswith("#")]
    if not numerotees:
        raise MatriceInvalide(f"{chemin} : la matrice est vide.")
    lecteur = csv.reader([t for _, t in numerotees], delimiter=";")
    entete = [c.strip() for c in next(lecteur)]
    if not entete or entete[0] != "profil":
        raise MatriceInvalide(
            f"{chemin}, ligne {numerotees[0][0]} : la première colonne doit être « profil »."
        )
    matrice: dict[str, dict[str, str]] = {}
    erreurs = []
    for (numero, _), cellules in zip(numerotees[1:], lecteur, strict=True):
        profil = cellules[0].strip()
        if len(cellules) != len(entete):
            erreurs.append(
                f"{chemin}, ligne {numero} : {len(cellules)} colonnes au lieu de {len(entete)}."
            )
            continue
        droits = {}
        for fonction, valeur in zip(entete[1:], cellules[1:], strict=True):
            valeur = valeur.strip().lower().replace("edition", "édition")
            if valeur not in DROITS:
                erreurs.append(
                    f"{chemin}, ligne {numero}, colonne « {fonction} » : droit « {valeur} » "
                    f"inconnu ({', '.join(DROITS)})."
                )
            droits[fonction] = valeur
        matrice[profil] = droits
    if erreurs:
        raise MatriceInvalide("\n".join(erreurs))
    return matrice


def permet(droit: str, action: str) -> bool:
    """Whether a right allows an action (consultation < saisie < édition)."""
    return DROITS.index(droit) >= DROITS.index(action)
