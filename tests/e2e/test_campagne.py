"""The VA campaign as a customer changes it: the permission matrix drives the habilitation
checks, and a parallel séance gives the same results as a sequential one. Real browser, real
demo server, real SQLite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def secrets_demo():
    # Fresh values for this module only; the outer environment is not trusted.
    variables = charger_profil("demo-a", RACINE).variables_secretes
    env_propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    ancien = dict(os.environ)
    os.environ.clear()
    os.environ.update(env_propre)
    try:
        return demonstration.secrets_aleatoires(variables)
    finally:
        os.environ.clear()
        os.environ.update(ancien)


@pytest.fixture(scope="module")
def serveur(secrets_demo):
    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        yield demo


def lancer(args, env_en_plus, racine=RACINE):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(env_en_plus, RECETTE_RACINE=str(racine))
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", "lancer", *args],
        cwd=racine,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def statuts(dossier_rapports: Path) -> dict[str, str]:
    [seance] = [p for p in dossier_rapports.iterdir() if (p / "seance.json").exists()]
    resultats = {}
    for chemin in (seance / "allure-results").glob("*-result.json"):
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        # Example values identify a row; a randomly drawn slot does not.
        valeurs = [p["value"] for p in donnees.get("parameters", []) if p["name"] != "créneau"]
        cle = donnees["name"] + " " + " ".join(valeurs)
        resultats[cle] = donnees["status"]
    return resultats


def test_une_cellule_de_la_matrice_change_le_controle(tmp_path, serveur, secrets_demo):
    """The customer says a nurse must not open the agenda: the same features now expect a
    refusal, and the demo solution (which lets her in) fails exactly that check."""
    racine = tmp_path / "projet"
    for nom in ("features", "steps", "fixtures"):
        shutil.copytree(RACINE / nom, racine / nom)
    shutil.copy(RACINE / "conftest.py", racine)
    matrice = racine / "fixtures" / "habilitations" / "matrice.csv"
    texte = matrice.read_text(encoding="utf-8")
    ligne = "infirmier;consultation;consultation;saisie;consultation;"
    assert ligne in texte
    matrice.write_text(
        texte.replace(ligne, "infirmier;consultation;consultation;saisie;aucun;"), "utf-8"
    )
    execution = lancer(
        ["--profil", "demo-a", "--cible", serveur.url, "--exigence", "EXG-HAB-01", "--sans-video"],
        {**secrets_demo, "RECETTE_RAPPORTS": str(tmp_path / "r")},
        racine,
    )
    assert execution.returncode == 1, execution.stdout + execution.stderr
    resultats = statuts(tmp_path / "r")
    echecs = sorted(k for k, v in resultats.items() if v != "passed")
    assert len(echecs) == 1 and "infirmier" in echecs[0] and "agenda" in echecs[0], echecs
    assert len(resultats) >= 12


def test_parallele_memes_resultats_que_sequentiel(tmp_path, serveur, secrets_demo):
    selection = ["--profil", "demo-a", "--cible", serveur.url, "--sans-video"]
    selection += ["--domaine", "habilitations", "--domaine", "consentement", "--domaine", "agenda"]
    env = {**secrets_demo}
    sequentiel = lancer(selection, {**env, "RECETTE_RAPPORTS": str(tmp_path / "seq")})
    parallele = lancer(
        [*selection, "--parallele", "2"], {**env, "RECETTE_RAPPORTS": str(tmp_path / "par")}
    )
    assert sequentiel.returncode == 0, sequentiel.stdout + sequentiel.stderr
    assert parallele.returncode == 0, parallele.stdout + parallele.stderr
    assert statuts(tmp_path / "seq") == statuts(tmp_path / "par")
    # One séance folder whatever the parallelism.
    assert len([p for p in (tmp_path / "par").iterdir() if (p / "seance.json").exists()]) == 1
