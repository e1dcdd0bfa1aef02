"""Scenario tags: which become Allure labels, and the selection expression of `--tags`."""

from __future__ import annotations

from collections.abc import Iterable

from _pytest.mark.expression import Expression

from recette.erreurs import RecetteErreur
from recette.grille.features import MOTIF_EXIGENCE

# Allure's own severities, by the grid's priority (1 obligatoire, 2 souhaitée, 3 optionnelle).
GRAVITE_ALLURE = {"1": "critical", "2": "normal", "3": "minor"}


class SelectionInvalide(RecetteErreur):
    pass


def labels(tags: Iterable[str], domaines: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs for Allure: epic = domain, story = requirement, severity = priority."""
    paires: list[tuple[str, str]] = []
    for tag in sorted(tags):
        if MOTIF_EXIGENCE.match(tag):
            paires.append(("story", tag))
            paires.append(("exigence", tag))
        elif tag.startswith("domaine:"):
            slug = tag.split(":", 1)[1]
            paires.append(("epic", (domaines or {}).get(slug, slug)))
            paires.append(("domaine", slug))
        elif tag.startswith("priorite:"):
            valeur = tag.split(":", 1)[1]
            paires.append(("severity", GRAVITE_ALLURE.get(valeur, "normal")))
            paires.append(("priorite", valeur))
        elif tag.startswith("profession:"):
            paires.append(("profession", tag.split(":", 1)[1]))
        paires.append(("tag", tag))
    return paires


class Selection:
    """`--tags` as a boolean expression over tags: `EXG-DP-04 or (priorite:1 and not
    lecture-seule)`. A bare domain, profession or requirement id matches too."""

    def __init__(self, expression: str | None):
        self.texte = (expression or "").strip()
        self._expression = None
        if self.texte:
            try:
                self._expression = Expression.compile(self.texte)
            except SyntaxError as exc:
                raise SelectionInvalide(
                    f"Sélection « {self.texte} » illisible : {exc.msg} (colonne {exc.offset}). "
                    "Exemple : « priorite:1 and not lecture-seule »."
                ) from None

    def retient(self, tags: Iterable[str]) -> bool:
        if self._expression is None:
            return True
        ensemble = set(tags)
        return self._expression.evaluate(lambda nom: nom in ensemble)
