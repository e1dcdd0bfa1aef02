"""Real séances: the `recette` command, a real Chromium, the demo solution as a real server
process with a real SQLite file. Nothing is mocked."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette import preuves
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def secrets_uniques():
    """Unique values for every secret of the demo accounts, so that any output can be scanned."""
    variables = charger_profil("demo-a", RACINE).variables_secretes
    valeurs = {}
    for variable in variables:
        if "_PIN_" in variable:
            valeurs[variable] = str(secrets.randbelow(10**8 - 10**7) + 10**7)
        else:
            valeurs[variable] = "mdp-" + secrets.token_hex(8)
    return valeurs


@pytest.fixture(scope="module")
def rapports(tmp_path_factory):
    return tmp_path_factory.mktemp("rapports")


def recette(args, env_en_plus, timeout=900):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(env_en_plus)
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def seances_dans(dossier: Path) -> list[Path]:
    return sorted(p for p in dossier.iterdir() if (p / "seance.json").exists())


def resultats(seance: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (seance / "allure-results").glob("*-result.json")
    ]


def exigences(resultat: dict) -> set[str]:
    return {lab["value"] for lab in resultat["labels"] if lab["name"] == "exigence"}


def sans_secret(dossier: Path, valeurs: set[str]) -> list[str]:
    return preuves.fuites(dossier, valeurs)


@pytest.fixture(scope="module")
def seance_edition_a(rapports, secrets_uniques):
    sortie = rapports / "a"
    sortie.mkdir()
    execution = recette(
        ["demo", "--edition", "a"], {**secrets_uniques, "RECETTE_RAPPORTS": str(sortie)}
    )
    return execution, sortie


def test_demo_edition_a_tous_les_scenarios_passent(seance_edition_a):
    execution, sortie = seance_edition_a
    assert execution.returncode == 0, execution.stdout + execution.stderr
    [seance] = seances_dans(sortie)
    donnees = json.loads((seance / "seance.json").read_text(encoding="utf-8"))
    assert donnees["statut"] == "terminée"
    assert donnees["compteurs"]["echoues"] == 0
    assert donnees["compteurs"]["reussis"] >= 12
    assert donnees["version_cible"]["version"] == "2.3.1"
    assert donnees["navigateur"]["version"]
    assert "Rapport Allure" in execution.stdout


def test_aucun_secret_ni_appel_exterieur(seance_edition_a, secrets_uniques):
    _, sortie = seance_edition_a
    assert sans_secret(sortie, set(secrets_uniques.values())) == []
    [page] = list((sortie / "documents").rglob("index.html"))
    html = page.read_text(encoding="utf-8")
    assert len(html) > 10_000
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert "googletagmanager" not in html and "google-analytics" not in html


def test_verifier_puis_alterer_un_octet(seance_edition_a):
    _, sortie = seance_edition_a
    [seance] = seances_dans(sortie)
    env = {"RECETTE_RAPPORTS": str(sortie)}
    intact = recette(["verifier", seance.name], env)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "Séance intacte" in intact.stdout
    cible = next((seance / "allure-results").glob("*-result.json"))
    cible.chmod(0o644)
    contenu = bytearray(cible.read_bytes())
    contenu[10] = contenu[10] ^ 0x01
    cible.write_bytes(bytes(contenu))
    altere = recette(["verifier", seance.name], env)
    assert altere.returncode == 1
    assert f"Fichier modifié : allure-results/{cible.name}" in altere.stderr


def test_demo_edition_b_memes_scenarios(rapports, secrets_uniques):
    sortie = rapports / "b"
    sortie.mkdir()
    execution = recette(
        ["demo", "--edition", "b"], {**secrets_uniques, "RECETTE_RAPPORTS": str(sortie)}
    )
    assert execution.returncode == 0, execution.stdout + execution.stderr
    [seance] = seances_dans(sortie)
    noms = sorted(r["name"] for r in resultats(seance))
    assert all(r["status"] == "passed" for r in resultats(seance))
    assert len(noms) >= 12


def test_defauts_detectes_avec_preuves(rapports, secrets_uniques):
    sortie = rapports / "defauts"
    sortie.mkdir()
    execution = recette(
        ["demo", "--defauts", "synthese-incomplete,fuite-habilitation"],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(sortie)},
    )
    assert execution.returncode == 1, execution.stdout + execution.stderr
    [seance] = seances_dans(sortie)
    tous = resultats(seance)
    echecs = [r for r in tous if r["status"] in ("failed", "broken")]
    reussis = [r for r in tous if r["status"] == "passed"]
    # synthese-incomplete: treatments missing (2 scenarios); fuite-habilitation: the secretary
    # gets into the summary (her scenario, and her line of the permission matrix).
    attendues = {"EXG-DP-04", "EXG-SEC-03", "EXG-SEC-04", "EXG-HAB-01"}
    assert {e for r in echecs for e in exigences(r)} == attendues
    assert len(echecs) == 4
    assert len(reussis) == len(tous) - 4
    for resultat in echecs:
        assert resultat["status"] == "failed", resultat.get("statusDetails")
        assert any(a["name"] == "Capture d'écran de l'échec" for a in resultat["attachments"])
    dossiers_preuves = [
        p for p in (seance / "preuves").iterdir() if (p / "capture-echec.png").exists()
    ]
    assert len(dossiers_preuves) == 4
    for dossier in dossiers_preuves:
        assert (dossier / "video.webm").stat().st_size > 1000
        with zipfile.ZipFile(dossier / "trace.zip") as trace:
            noms = trace.namelist()
            assert "trace.trace" in noms and "trace.network" in noms
            for ligne in trace.read("trace.trace").decode().splitlines():
                json.loads(ligne)
    assert sans_secret(sortie, set(secrets_uniques.values())) == []
    # Each failure became one anomaly of the register, listed by the CLI.
    assert "Registre des anomalies : 4 nouvelle(s)" in execution.stdout
    liste = recette(["anomalies", "lister"], {"RECETTE_RAPPORTS": str(sortie)})
    assert liste.returncode == 0, liste.stderr
    assert len(re.findall(r"ANO-\d{4}-\d{4}", liste.stdout)) == 4


# ------------------------------------------------------------------------------ bad input
@pytest.fixture(scope="module")
def serveur(secrets_uniques):
    with demonstration.demarrer("a", environnement=secrets_uniques) as demo:
        yield demo


def _refus(execution, sortie: Path, attendu: str):
    assert execution.returncode == 2, execution.stdout + execution.stderr
    assert "Erreur :" in execution.stderr
    assert attendu in " ".join(execution.stderr.split()), execution.stderr
    # The reports folder is the test's own (it exists): nothing was written into it, not even
    # an in-progress séance.
    assert sortie.is_dir()
    assert not seances_dans(sortie), seances_dans(sortie)
    en_cours = sortie / ".en-cours"
    assert not en_cours.exists() or not any(en_cours.iterdir()), list(en_cours.iterdir())


def test_solution_injoignable(tmp_path, secrets_uniques):
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", "http://127.0.0.1:9/"],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    _refus(execution, tmp_path, "La solution ne répond pas à l'adresse http://127.0.0.1:9/")


def test_identifiants_errones(tmp_path, serveur, secrets_uniques):
    faux = {**secrets_uniques, "RECETTE_DEMO_PIN_MOREAU": "99999999"}
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", serveur.url],
        {**faux, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    _refus(execution, tmp_path, "La solution refuse la connexion de « Dr Hélène Moreau »")
    assert "99999999" not in execution.stdout + execution.stderr


def test_profil_malforme(tmp_path, secrets_uniques):
    profil = tmp_path / "fournisseur.yaml"
    texte = (RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8")
    profil.write_text(texte.replace("cible:", "cible: [", 1), encoding="utf-8")
    execution = recette(
        ["lancer", "--profil", str(profil)], {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)}
    )
    _refus(execution, tmp_path, "fournisseur.yaml, ligne")


def test_etiquette_inconnue(tmp_path, serveur, secrets_uniques):
    racine = tmp_path / "projet"
    for nom in ("features", "steps", "fixtures"):
        shutil.copytree(RACINE / nom, racine / nom)
    shutil.copy(RACINE / "conftest.py", racine)
    fichier = racine / "features" / "consentement" / "consentement.feature"
    texte = fichier.read_text(encoding="utf-8").replace("@EXG-CONS-01 ", "@EXG-CONS-77 ", 1)
    fichier.write_text(texte, encoding="utf-8")
    ligne = next(i for i, t in enumerate(texte.splitlines(), 1) if "@EXG-CONS-77" in t)
    # The reports folder exists beforehand, as a user's does: the refusal must leave it empty.
    (tmp_path / "r").mkdir()
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", serveur.url],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path / "r"), "RECETTE_RACINE": str(racine)},
    )
    _refus(
        execution,
        tmp_path / "r",
        f"features/consentement/consentement.feature, ligne {ligne} : l'étiquette @EXG-CONS-77",
    )


def test_navigateur_qui_ne_demarre_pas(tmp_path, serveur, secrets_uniques):
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", serveur.url],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path), "RECETTE_CHROMIUM": "/bin/false"},
    )
    _refus(execution, tmp_path, "Le navigateur Chromium ne démarre pas")
