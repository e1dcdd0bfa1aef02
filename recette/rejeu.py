"""Replaying a reproduction pack against a vendor's environment: the one scenario, as a new
séance whose evidence is sealed, answered by « reproduite » or « non reproduite »."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from recette import lanceur
from recette.archives import ArchiveSure, nom_affichable, nom_sur
from recette.erreurs import RecetteErreur
from recette.grille.features import FeatureInvalide, lire_feature
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


# A pack's own texts are small; a larger one is not a pack the bench wrote.
DESCRIPTION_MAX = 64 * 1024
FEATURE_MAX = 1024 * 1024
# A profile is named, never given as a path: only fixtures/profils/<nom>.yaml can be used.
NOM_PROFIL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
NOM_FEATURE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.feature$")
NUMERO = re.compile(r"^ANO-\d{4}-\d{4}$")
PHASES = ("va", "vsr")


@dataclass(frozen=True)
class Paquet:
    description: dict
    nom_feature: str
    texte: str


def _champ(paquet: str, cle: str, motif: str) -> RejeuImpossible:
    return RejeuImpossible(
        f"Le paquet {paquet} est invalide : le champ « {cle} » de paquet.json {motif}."
    )


def _valider_description(paquet: str, description: object) -> dict:
    """Every field replay uses, checked: a French message names the pack and the field."""
    if not isinstance(description, dict):
        genre = {list: "une liste", str: "un texte"}.get(type(description), "autre chose")
        raise RejeuImpossible(
            f"Le paquet {paquet} est invalide : paquet.json doit être un objet JSON "
            f"(« clé »: valeur), trouvé : {genre}."
        )
    for cle in ("numero", "scenario", "feature", "ligne", "profil"):
        if cle not in description:
            raise _champ(paquet, cle, "est absent")
    textes = {cle: description[cle] for cle in ("numero", "scenario", "feature", "profil")}
    for cle, valeur in textes.items():
        if not isinstance(valeur, str) or not valeur.strip():
            raise _champ(paquet, cle, "doit être un texte non vide")
    if not NUMERO.match(description["numero"]):
        raise _champ(paquet, "numero", "doit être un numéro d'anomalie ANO-AAAA-NNNN")
    ligne = description["ligne"]
    if not isinstance(ligne, int) or isinstance(ligne, bool) or ligne < 1:
        raise _champ(paquet, "ligne", "doit être un numéro de ligne (entier positif)")
    feature = description["feature"]
    parties = feature.split("/")
    if (
        not nom_sur(feature)
        or not NOM_FEATURE.match(parties[-1])
        or any(not NOM_PROFIL.match(p) and p != "features" for p in parties[:-1])
    ):
        raise _champ(
            paquet,
            "feature",
            f"doit nommer un fichier .feature du projet (trouvé : « {nom_affichable(feature)} »)",
        )
    if not NOM_PROFIL.match(description["profil"]):
        raise _champ(
            paquet,
            "profil",
            "doit être le nom d'un profil de fixtures/profils/ (lettres, chiffres, - ou _ ; "
            f"jamais un chemin) ; trouvé : « {nom_affichable(description['profil'])} »",
        )
    phase = description.get("phase", "va")
    if phase not in PHASES:
        raise _champ(paquet, "phase", "doit valoir va ou vsr")
    parametres = description.get("parametres") or {}
    if not isinstance(parametres, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parametres.items()
    ):
        raise _champ(paquet, "parametres", "doit associer des noms à des valeurs (textes)")
    return {**description, "phase": phase, "parametres": parametres}


def lire_paquet(paquet: Path) -> Paquet:
    """The pack's description and scenario, read within the bench's archive limits; a malformed
    pack is refused with a French message naming the pack and the field."""
    libelle = f"Le paquet {nom_affichable(Path(paquet).name)}"
    if not Path(paquet).is_file():
        raise RejeuImpossible(f"Paquet {nom_affichable(Path(paquet).name)} introuvable.")
    with ArchiveSure(Path(paquet), libelle) as archive:
        if not archive.contient("paquet.json"):
            raise RejeuImpossible(
                f"{libelle} ne contient pas de paquet.json : ce n'est pas un paquet de "
                "reproduction du banc."
            )
        brut = archive.lire("paquet.json", DESCRIPTION_MAX)
        try:
            donnees = json.loads(brut.decode("utf-8"))
        except UnicodeDecodeError:
            raise RejeuImpossible(f"{libelle} : paquet.json n'est pas en UTF-8.") from None
        except json.JSONDecodeError as exc:
            raise RejeuImpossible(
                f"{libelle} : paquet.json n'est pas un JSON lisible (ligne {exc.lineno}, "
                f"colonne {exc.colno})."
            ) from None
        description = _valider_description(nom_affichable(Path(paquet).name), donnees)
        nom = description["feature"].rsplit("/", 1)[-1]
        entree = f"scenario/{nom}"
        if not archive.contient(entree):
            raise RejeuImpossible(f"{libelle} ne contient pas le scénario {entree}.")
        try:
            texte = archive.lire(entree, FEATURE_MAX).decode("utf-8")
        except UnicodeDecodeError:
            raise RejeuImpossible(f"{libelle} : {entree} n'est pas en UTF-8.") from None
    return Paquet(description, nom, texte)


def rejouer(
    racine: Path,
    paquet: Path,
    profil: str | None = None,
    cible: str | None = None,
    video: bool = True,
) -> Rejeu:
    lu = lire_paquet(paquet)
    description, nom, texte = lu.description, lu.nom_feature, lu.texte
    nom_profil = profil or description["profil"]
    # conftest.py applies below the project root only: the replay's features live there.
    dossier = Path(tempfile.mkdtemp(prefix=".rejeu-", dir=racine))
    try:
        features = dossier / "features"
        features.mkdir()
        (features / nom).write_text(texte, encoding="utf-8")
        try:
            scenarios, _ = lire_feature(features / nom)
        except FeatureInvalide:
            raise RejeuImpossible(
                f"Le paquet {nom_affichable(Path(paquet).name)} est invalide : son scénario "
                f"{nom} n'est pas du Gherkin lisible."
            ) from None
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
        preparation = lanceur.preparer(racine, nom_profil, cible, None, dossier_features=features)
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
            f"Le scénario « {nom_affichable(description['scenario'])} » n'a pas été joué "
            f"(séance {seance.id})."
        )
    return Rejeu(description["numero"], any(r.echec for r in concernes), seance, bilan, concernes)
