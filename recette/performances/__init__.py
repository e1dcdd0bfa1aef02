"""Performance of the solution against the contract's table: Locust (in subprocesses) holds the
simultaneous users, a real browser times the same operations, pure rules give the verdict.

`verifier_performances(racine, profil_nom, cible, duree_s, utilisateurs, workers, dossier_sortie)`
is the one call; it is imported lazily so that the load injector's process, which imports
`recette.performances.plan`, never imports Playwright.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recette.performances.evaluation import ResultatPerformances
    from recette.performances.verification import verifier_performances

__all__ = ["ResultatPerformances", "verifier_performances"]


def __getattr__(nom: str):
    if nom == "verifier_performances":
        from recette.performances.verification import verifier_performances

        return verifier_performances
    if nom == "ResultatPerformances":
        from recette.performances.evaluation import ResultatPerformances

        return ResultatPerformances
    raise AttributeError(nom)
