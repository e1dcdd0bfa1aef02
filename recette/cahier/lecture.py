"""The référents' manual scenarios (`@manuel`): read from the feature files into the steps of a
cahier de recette.

A manual scenario is French Gherkin like the automated ones, for what a browser cannot check
(CPS card reader, printing, DMP or MSSanté exchanges, the vendor's documentation). Its
« Étant donné » lines are the preconditions; each « Quand » (with its « Et ») is one step of the
cahier, and the « Alors » lines that follow it (with their « Et ») are that step's expected result.
So every step a référent performs has the result they must compare with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.token_matcher import TokenMatcher

from recette.grille.features import Etiquettes, FeatureInvalide

ETIQUETTE = "manuel"


@dataclass(frozen=True)
class Etape:
    numero: int
    action: str
    attendu: str
    ligne: int


@dataclass(frozen=True)
class ScenarioManuel(Etiquettes):
    fichier: str  # relative to the features folder, POSIX
    ligne: int
    fonctionnalite: str
    titre: str
    tags: frozenset[str]
    prealables: tuple[str, ...]
    etapes: tuple[Etape, ...]

    @property
    def cle(self) -> str:
        """Stable id of the scenario in a cahier: its file and line."""
        return f"{self.fichier}:{self.ligne}"

    @property
    def professions(self) -> tuple[str, ...]:
        return tuple(
            sorted(
                t.split(":", 1)[1].replace("-", " ")
                for t in self.tags
                if t.startswith("profession:")
            )
        )


def _tags(noeud: dict) -> set[str]:
    return {t["name"].lstrip("@") for t in noeud.get("tags", [])}


def _etapes(scenario: dict, ou: str) -> tuple[tuple[str, ...], tuple[Etape, ...], list[str]]:
    prealables: list[str] = []
    etapes: list[Etape] = []
    erreurs: list[str] = []
    actions: list[str] = []
    attendus: list[str] = []
    ligne_action = 0
    genre = None
    for pas in scenario.get("steps", []):
        texte = pas["text"].strip()
        sorte = pas.get("keywordType")
        if sorte == "Conjunction":
            sorte = genre
        if sorte == "Context":
            if actions:
                erreurs.append(
                    f"{ou}, ligne {pas['location']['line']} : une condition préalable (« Étant "
                    "donné ») vient après une action ; placez-la avant le premier « Quand »."
                )
            prealables.append(texte)
        elif sorte == "Action":
            if attendus:
                etapes.append(
                    Etape(len(etapes) + 1, " ; ".join(actions), " ; ".join(attendus), ligne_action)
                )
                actions, attendus = [], []
            if not actions:
                ligne_action = pas["location"]["line"]
            actions.append(texte)
        elif sorte == "Outcome":
            if not actions:
                erreurs.append(
                    f"{ou}, ligne {pas['location']['line']} : un résultat attendu (« Alors ») doit "
                    "suivre l'action (« Quand ») qu'il vérifie."
                )
            attendus.append(texte)
        genre = sorte
    if actions and attendus:
        etapes.append(
            Etape(len(etapes) + 1, " ; ".join(actions), " ; ".join(attendus), ligne_action)
        )
    elif actions:
        erreurs.append(f"{ou} : la dernière action n'a pas de résultat attendu (« Alors »).")
    if not etapes and not erreurs:
        erreurs.append(f"{ou} : le scénario manuel n'a aucune étape (« Quand » puis « Alors »).")
    return tuple(prealables), tuple(etapes), erreurs


def lire_scenarios_manuels(dossier_features: Path) -> list[ScenarioManuel]:
    """Every @manuel scenario of the campaign, in file order; all errors at once."""
    scenarios: list[ScenarioManuel] = []
    erreurs: list[str] = []
    for fichier in sorted(dossier_features.rglob("*.feature")):
        relatif = fichier.relative_to(dossier_features).as_posix()
        try:
            document = Parser().parse(fichier.read_text(encoding="utf-8"), TokenMatcher("fr"))
        except (CompositeParserException, ParserException) as exc:
            erreurs.append(f"{relatif} : Gherkin illisible : {exc}")
            continue
        feature = document.get("feature") or {}
        tags_feature = _tags(feature)
        for enfant in _enfants(feature.get("children", [])):
            tags = frozenset(tags_feature | _tags(enfant))
            if ETIQUETTE not in tags:
                continue
            ou = f"{relatif}, scénario « {enfant['name']} »"
            if enfant.get("examples"):
                erreurs.append(
                    f"{ou} : un scénario manuel ne peut pas être un plan (« Exemples »)."
                )
                continue
            prealables, etapes, problemes = _etapes(enfant, ou)
            erreurs.extend(problemes)
            scenarios.append(
                ScenarioManuel(
                    fichier=relatif,
                    ligne=enfant["location"]["line"],
                    fonctionnalite=feature.get("name", ""),
                    titre=enfant["name"],
                    tags=tags,
                    prealables=prealables,
                    etapes=etapes,
                )
            )
    if erreurs:
        raise FeatureInvalide(erreurs)
    return scenarios


def _enfants(enfants: Iterable[dict]) -> Iterable[dict]:
    for enfant in enfants:
        if "rule" in enfant:
            yield from _enfants(enfant["rule"].get("children", []))
        elif "scenario" in enfant:
            yield enfant["scenario"]
