"""Which steps of a scenario write into the solution, found from the step definitions
themselves, never from the scenario's tags.

A step definition writes when its code calls (directly or through a helper of its module) an
adapter operation marked `@ecriture` (recette/adaptateur/production.py). A scenario's steps are
matched against the bench's step definitions with pytest-bdd's own parsers, as a séance would
match them; a step that matches a writing definition makes the scenario a writing one. The
analysis is conservative: any call of a method bearing a writing operation's name counts.

Used in every séance's pre-flight on a production profile (a campaign or a pack's replay): a
scenario that writes is refused, whatever its tags claim. The adapter's guard still refuses
each write at run time.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType

from recette.adaptateur.echanges import ClientEchanges
from recette.adaptateur.production import EcritureInterditeEnProduction, operations_ecriture
from recette.adaptateur.solution import Solution
from recette.archives import nom_affichable


@dataclass(frozen=True)
class EtapeEcrivante:
    texte: str  # the step as written in the scenario
    ligne: int
    definition: str  # module.function of the step definition
    operation: str  # French words of the writing operation


def _appels(fonction: FunctionType, ecritures: dict[str, str], vus: set) -> str | None:
    """The first writing operation `fonction` calls, following the plain functions of its
    module it calls by name."""
    if fonction in vus:
        return None
    vus.add(fonction)
    try:
        arbre = ast.parse(textwrap.dedent(inspect.getsource(fonction)))
    except (OSError, TypeError, SyntaxError):
        return None
    for noeud in ast.walk(arbre):
        if not isinstance(noeud, ast.Call):
            continue
        if isinstance(noeud.func, ast.Attribute) and noeud.func.attr in ecritures:
            return ecritures[noeud.func.attr]
        if isinstance(noeud.func, ast.Name):
            appelee = fonction.__globals__.get(noeud.func.id)
            if isinstance(appelee, FunctionType):
                trouvee = _appels(appelee, ecritures, vus)
                if trouvee:
                    return trouvee
    return None


def definitions_ecrivantes(racine: Path) -> list[tuple[object, str, str]]:
    """(pytest-bdd parser, module.function, operation) of every writing step definition of
    the project's `steps/` package."""
    from pytest_bdd.steps import step_function_context_registry

    racine = Path(racine).resolve()
    if str(racine) not in sys.path:
        sys.path.insert(0, str(racine))
    for fichier in sorted((racine / "steps").glob("*.py")):
        if fichier.stem != "__init__":
            importlib.import_module(f"steps.{fichier.stem}")
    ecritures = operations_ecriture(Solution, ClientEchanges)
    trouvees = []
    for contexte in list(step_function_context_registry.values()):
        fonction = contexte.step_func
        operation = _appels(fonction, ecritures, set())
        if operation:
            nom = f"{fonction.__module__}.{fonction.__name__}"
            trouvees.append((contexte.parser, nom, operation))
    return trouvees


def etapes_ecrivantes(
    racine: Path, feature: Path, ligne: int, definitions: list | None = None
) -> list[EtapeEcrivante]:
    """The steps of the scenario starting at `ligne` of `feature` (Contexte included, every
    line of Exemples rendered) that match a writing step definition."""
    from pytest_bdd.parser import FeatureParser

    analyse = FeatureParser(str(feature.parent), feature.name).parse()
    if definitions is None:
        definitions = definitions_ecrivantes(racine)
    trouvees: list[EtapeEcrivante] = []
    for modele in analyse.scenarios.values():
        if modele.line_number != ligne:
            continue
        contextes = [c for ex in modele.examples for c in ex.as_contexts()] or [{}]
        etapes = [e for c in contextes for e in modele.render(c).steps]
        for etape in etapes:
            for parseur, nom, operation in definitions:
                if parseur.is_matching(etape.name):
                    trouvees.append(EtapeEcrivante(etape.name, etape.line_number, nom, operation))
                    break
    return trouvees


def refuser_ecritures_en_production(racine: Path, profil, scenarios) -> None:
    """Before a séance on a production profile: a selected scenario whose steps write is
    refused, whatever its tags (`@lecture-seule` included) claim. `scenarios` are ScenarioInfo
    (recette/grille/features.py)."""
    if not profil.production:
        return
    definitions = definitions_ecrivantes(racine)
    for scenario in scenarios:
        ecrivantes = etapes_ecrivantes(racine, scenario.fichier, scenario.ligne, definitions)
        if ecrivantes:
            etape = ecrivantes[0]
            raise EcritureInterditeEnProduction(
                f"Séance refusée : le profil « {profil.nom} » désigne une production et le "
                f"scénario « {nom_affichable(scenario.nom)} » ({scenario.fichier.name}) écrit "
                f"dans la solution (ligne {etape.ligne} : « {nom_affichable(etape.texte)} », "
                f"{etape.operation}). Le banc n'écrit jamais en production, quelles que soient "
                "les étiquettes du scénario."
            )
