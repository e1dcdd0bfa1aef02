"""Replaying a reproduction pack against a vendor's environment: the one scenario, as a new
séance whose evidence is sealed, answered by « reproduite » or « non reproduite »."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from recette import lanceur
from recette.erreurs import RecetteErreur
from recette.grille.features import lire_feature
from recette.resultats import lire_resultats

TEST_REJEU = "from pytest_bdd import scenarios\n\nscenarios('.')\n"


class RejeuImpossible(RecetteErreur):
    pass


@dataclass
class Rejeu:
    numero: str
    reproduite: bool
    seance: object
    bilan: object
    resultats: list


def extraire_scenario(texte: str, ligne: int, lignes_scenarios: list[int]) -> str:
    """The feature reduced to its header (tags, description, Contexte) and one scenario with its
    tags, so that the replay runs that scenario alone."""
    lignes = texte.splitlines()

    def debut_bloc(numero: int) -> int:
        i = numero - 1
        while i > 0 and lignes[i - 1].strip().startswith("@"):
            i -= 1
        return i

    debuts = sorted(debut_bloc(n) for n in lignes_scenarios)
    debut = debut_bloc(ligne)
    suivants = [d for d in debuts if d > debut]
    fin = suivants[0] if suivants else len(lignes)
    return "\n".join(lignes[: debuts[0]] + lignes[debut:fin]) + "\n"


def lire_paquet(paquet: Path) -> tuple[dict, str, str]:
    try:
        with zipfile.ZipFile(paquet) as archive:
            description = json.loads(archive.read("paquet.json"))
            nom = Path(description["feature"]).name
            texte = archive.read(f"scenario/{nom}").decode("utf-8")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise RejeuImpossible(
            f"{paquet} n'est pas un paquet de reproduction lisible ({exc})."
        ) from None
    return description, nom, texte


def rejouer(
    racine: Path,
    paquet: Path,
    profil: str | None = None,
    cible: str | None = None,
    video: bool = True,
) -> Rejeu:
    description, nom, texte = lire_paquet(paquet)
    # conftest.py applies below the project root only: the replay's features live there.
    dossier = Path(tempfile.mkdtemp(prefix=".rejeu-", dir=racine))
    try:
        features = dossier / "features"
        features.mkdir()
        (features / nom).write_text(texte, encoding="utf-8")
        scenarios, _ = lire_feature(features / nom)
        lignes = [s.ligne for s in scenarios]
        if description["ligne"] not in lignes:
            raise RejeuImpossible(
                f"Le paquet désigne la ligne {description['ligne']} de {nom}, où ne commence aucun "
                "scénario."
            )
        (features / nom).write_text(
            extraire_scenario(texte, description["ligne"], lignes), encoding="utf-8"
        )
        (features / "test_rejeu.py").write_text(TEST_REJEU, encoding="utf-8")
        preparation = lanceur.preparer(
            racine, profil or description["profil"], cible, None, dossier_features=features
        )
        seance, bilan = lanceur.executer(
            racine, preparation, description.get("phase", "va"), video=video
        )
    finally:
        shutil.rmtree(dossier, ignore_errors=True)
    resultats = lire_resultats(seance.dossier / "allure-results")
    voulus = description.get("parametres") or {}
    concernes = [
        r
        for r in resultats
        if r.nom == description["scenario"]
        and all(dict(r.parametres).get(k) == v for k, v in voulus.items() if k != "créneau")
    ]
    if not concernes:
        raise RejeuImpossible(
            f"Le scénario « {description['scenario']} » n'a pas été joué (séance {seance.id})."
        )
    return Rejeu(description["numero"], any(r.echec for r in concernes), seance, bilan, concernes)
