"""The production write guard: the one place that decides whether the bench may write.

On a profile marked `production: true`, every business operation that writes into the
solution (create or edit a patient file, record a consent, book, create or close a task, send
a message, import a file) refuses before it touches the screen or the network, whatever the
scenario's tags say. The adapter marks these operations with `@ecriture`; nothing else in
the bench decides. Logging in and out, searching and reading are not writes.

Tags such as `@lecture-seule` only select scenarios; a pack or a feature file may carry any
tag, so they are never what keeps production safe.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from recette.erreurs import ProductionProtegee

F = TypeVar("F", bound=Callable)


class EcritureInterditeEnProduction(ProductionProtegee, AssertionError):
    """A writing operation was asked of a production profile. Also an AssertionError so that,
    raised inside a séance, it fails the scenario (it never silently passes)."""


def exiger_hors_production(profil, operation: str) -> None:
    """Refuses `operation` (French words: « la création d'un dossier patient ») on a
    production profile."""
    if profil.production:
        raise EcritureInterditeEnProduction(
            f"Écriture refusée : {operation} sur le profil « {profil.nom} », qui désigne une "
            "production. Le banc n'écrit jamais en production, quelles que soient les "
            "étiquettes du scénario (@lecture-seule comprise)."
        )


def ecriture(operation: str) -> Callable[[F], F]:
    """Marks an adapter method as writing into the solution; it then refuses on production.
    The method's object must hold the profile as `self.profil`."""

    def marquer(methode: F) -> F:
        @functools.wraps(methode)
        def gardee(self, *args, **kwargs):
            exiger_hors_production(self.profil, operation)
            return methode(self, *args, **kwargs)

        gardee.ecriture = operation
        return gardee  # type: ignore[return-value]

    return marquer


def operations_ecriture(*classes: type) -> dict[str, str]:
    """{method name: French words} of every `@ecriture` method of these classes."""
    trouvees = {}
    for classe in classes:
        for nom in dir(classe):
            operation = getattr(getattr(classe, nom, None), "ecriture", None)
            if isinstance(operation, str):
                trouvees[nom] = operation
    return trouvees
