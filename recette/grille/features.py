"""What the feature files say about the grid: each scenario with its tags, file and line, and
the check that every tag means something (a grid id, a domain, a priority, a known flag)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.token_matcher import TokenMatcher

from recette.erreurs import RecetteErreur

MOTIF_EXIGENCE = re.compile(r"^EXG-[A-Z0-9]+-[0-9A-Z]+$")
DRAPEAUX = {
    "lecture-seule": "le scénario ne modifie aucune donnée (autorisé en production)",
    "a-ecrire": "squelette de scénario, pas encore écrit",
    "manuel": "scénario exécuté à la main par un référent (cahier de recette)",
}
CLES = {"domaine", "priorite", "profession"}


class FeatureInvalide(RecetteErreur):
    def __init__(self, erreurs: list[str]):
        super().__init__("\n".join(erreurs))
        self.erreurs = erreurs


class Etiquettes:
    """What a scenario's tags say (requirements, domain, priority), for every kind of scenario
    (automated ones here, the référents' manual ones in recette.cahier): needs `self.tags`."""

    tags: frozenset[str]

    @property
    def exigences(self) -> tuple[str, ...]:
        return tuple(sorted(t for t in self.tags if MOTIF_EXIGENCE.match(t)))

    def valeur(self, cle: str) -> str | None:
        return next(
            (t.split(":", 1)[1] for t in sorted(self.tags) if t.startswith(cle + ":")), None
        )

    @property
    def domaine(self) -> str | None:
        return self.valeur("domaine")

    @property
    def priorite(self) -> int | None:
        valeur = self.valeur("priorite")
        return int(valeur) if valeur and valeur.isdigit() else None


@dataclass(frozen=True)
class ScenarioInfo(Etiquettes):
    fichier: Path
    ligne: int
    fonctionnalite: str
    nom: str
    tags: frozenset[str]
    plan: bool

    @property
    def a_ecrire(self) -> bool:
        return "a-ecrire" in self.tags

    @property
    def lecture_seule(self) -> bool:
        return "lecture-seule" in self.tags


@dataclass(frozen=True)
class _Tag:
    nom: str
    ligne: int


def _tags(noeud: dict) -> list[_Tag]:
    return [_Tag(t["name"].lstrip("@"), t["location"]["line"]) for t in noeud.get("tags", [])]


def lire_feature(fichier: Path) -> tuple[list[ScenarioInfo], list[tuple[_Tag, Path]]]:
    texte = fichier.read_text(encoding="utf-8")
    try:
        document = Parser().parse(texte, TokenMatcher("fr"))
    except (CompositeParserException, ParserException) as exc:
        raise FeatureInvalide([f"{fichier} : Gherkin illisible : {exc}"]) from None
    feature = document.get("feature")
    if feature is None:
        return [], []
    tags_feature = _tags(feature)
    tous = [(t, fichier) for t in tags_feature]
    scenarios: list[ScenarioInfo] = []

    def visiter(enfants: Iterable[dict], tags_parents: list[_Tag]) -> None:
        for enfant in enfants:
            if "rule" in enfant:
                regle = enfant["rule"]
                tags_regle = _tags(regle)
                tous.extend((t, fichier) for t in tags_regle)
                visiter(regle.get("children", []), tags_parents + tags_regle)
            elif "scenario" in enfant:
                sc = enfant["scenario"]
                propres = _tags(sc)
                tous.extend((t, fichier) for t in propres)
                for exemples in sc.get("examples", []):
                    tous.extend((t, fichier) for t in _tags(exemples))
                scenarios.append(
                    ScenarioInfo(
                        fichier=fichier,
                        ligne=sc["location"]["line"],
                        fonctionnalite=feature["name"],
                        nom=sc["name"],
                        tags=frozenset(t.nom for t in tags_parents + propres),
                        plan=bool(sc.get("examples")),
                    )
                )

    visiter(feature.get("children", []), tags_feature)
    return scenarios, tous


def lire_features(dossier: Path) -> list[ScenarioInfo]:
    scenarios, _ = _tout_lire(dossier)
    return scenarios


def _tout_lire(dossier: Path):
    scenarios: list[ScenarioInfo] = []
    tags: list[tuple[_Tag, Path]] = []
    erreurs: list[str] = []
    for fichier in sorted(dossier.rglob("*.feature")):
        try:
            s, t = lire_feature(fichier)
        except FeatureInvalide as exc:
            erreurs.extend(exc.erreurs)
            continue
        scenarios.extend(s)
        tags.extend(t)
    if erreurs:
        raise FeatureInvalide(erreurs)
    return scenarios, tags


def verifier_tags(
    dossier: Path,
    exigences: set[str],
    domaines: set[str],
    professions: set[str],
    racine: Path | None = None,
) -> list[ScenarioInfo]:
    """Reads every feature and refuses any tag that names nothing known; returns the scenarios."""
    scenarios, tags = _tout_lire(dossier)
    erreurs: list[str] = []
    for tag, fichier in tags:
        nom = fichier.relative_to(racine) if racine else fichier
        ou = f"{nom}, ligne {tag.ligne}"
        if MOTIF_EXIGENCE.match(tag.nom):
            if tag.nom not in exigences:
                erreurs.append(
                    f"{ou} : l'étiquette @{tag.nom} ne désigne aucune exigence de la grille."
                )
        elif ":" in tag.nom:
            cle, valeur = tag.nom.split(":", 1)
            if cle not in CLES:
                erreurs.append(
                    f"{ou} : étiquette @{tag.nom} inconnue "
                    f"(clés connues : {', '.join(sorted(CLES))})."
                )
            elif cle == "domaine" and valeur not in domaines:
                erreurs.append(f"{ou} : domaine « {valeur} » inconnu de la grille.")
            elif cle == "priorite" and valeur not in {"1", "2", "3"}:
                erreurs.append(f"{ou} : priorité « {valeur} » invalide (1, 2 ou 3).")
            elif cle == "profession" and valeur.replace("-", " ") not in professions:
                erreurs.append(f"{ou} : profession « {valeur} » inconnue.")
        elif tag.nom not in DRAPEAUX:
            erreurs.append(
                f"{ou} : étiquette @{tag.nom} inconnue (ni exigence de la grille « @EXG-… », "
                f"ni @domaine:…, @priorite:…, @profession:…, @lecture-seule, @a-ecrire, @manuel)."
            )
    for sc in scenarios:
        if not sc.exigences and not sc.a_ecrire:
            nom = sc.fichier.relative_to(racine) if racine else sc.fichier
            erreurs.append(
                f"{nom}, ligne {sc.ligne} : le scénario « {sc.nom} » ne vérifie aucune exigence "
                "(ajoutez une étiquette @EXG-…)."
            )
    if erreurs:
        raise FeatureInvalide(erreurs)
    return scenarios
