"""The cahier de recette: the référents' manual scenarios, printed and as a workbook to fill in,
and the recording of a filled one (see lecture.py, classeur.py, execution.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from recette.cahier.lecture import ScenarioManuel, lire_scenarios_manuels


@dataclass(frozen=True)
class CahierProduit:
    scenarios: tuple[ScenarioManuel, ...]
    classeur: Path
    html: Path
    pdf: Path


def selectionner(
    scenarios: list[ScenarioManuel], grille, profession: str | None
) -> list[ScenarioManuel]:
    """The scenarios a profession runs: those tagged for it, or verifying a requirement of the
    grid that concerns it."""
    if not profession:
        return scenarios
    cle = profession.strip().casefold()

    def concerne(s: ScenarioManuel) -> bool:
        if s.professions:
            return cle in {p.casefold() for p in s.professions}
        return any(
            e in grille and (grille[e].concerne(profession) or grille[e].concerne(cle))
            for e in s.exigences
        )

    return [s for s in scenarios if concerne(s)]


def produire_cahier(
    racine: Path,
    sortie: Path,
    solution: str,
    phase: str,
    produit_le: datetime,
    profession: str | None = None,
) -> CahierProduit:
    from recette.cahier.classeur import ecrire_classeur
    from recette.capture import slug
    from recette.documents.rendu import ecrire_pdf, ecrire_texte, rendre
    from recette.erreurs import RecetteErreur
    from recette.grille import charger_grille

    grille = charger_grille(racine)
    scenarios = selectionner(lire_scenarios_manuels(racine / "features"), grille, profession)
    if not scenarios:
        quoi = f" pour la profession « {profession} »" if profession else ""
        raise RecetteErreur(f"Aucun scénario manuel (@manuel) à mettre au cahier{quoi}.")
    titre = f"Cahier de recette {phase.upper()} – {solution}"
    sous_titre = f"Profession : {profession}" if profession else "Toutes professions"
    nom = f"cahier-{phase}" + (f"-{slug(profession, 40)}" if profession else "")
    classeur = ecrire_classeur(sortie / f"{nom}.xlsx", scenarios, titre, sous_titre)
    page = rendre(
        "cahier.html",
        titre=titre,
        sous_titre=sous_titre,
        produit_le=produit_le,
        scenarios=scenarios,
        nombre_etapes=sum(len(s.etapes) for s in scenarios),
    )
    html = ecrire_texte(sortie / f"{nom}.html", page)
    pdf = ecrire_pdf(page, sortie / f"{nom}.pdf")
    return CahierProduit(tuple(scenarios), classeur, html, pdf)


__all__ = ["CahierProduit", "ScenarioManuel", "lire_scenarios_manuels", "produire_cahier"]
