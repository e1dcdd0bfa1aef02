"""Reproduction packs: built from a real failed séance, readable without the bench, free of
secrets, and replayed against a solution with and without the defect."""

from __future__ import annotations

import json
import os
import re
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
def secrets_paquet():
    variables = charger_profil("demo-a", RACINE).variables_secretes
    return {
        v: ("6" + str(7_000_000 + i * 1_234_567)) if "_PIN_" in v else f"mdp-paquet-{i}x9"
        for i, v in enumerate(variables)
    }


def recette(args, env):
    propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=RACINE,
        env={**propre, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def paquet(tmp_path_factory, secrets_paquet):
    dossier = tmp_path_factory.mktemp("paquet")
    env = {**secrets_paquet, "RECETTE_RAPPORTS": str(dossier / "reports")}
    with demonstration.demarrer(
        "a", ("synthese-incomplete",), environnement=secrets_paquet
    ) as demo:
        seance = recette(
            ["lancer", "--profil", "demo-a", "--cible", demo.url, "--exigence", "EXG-DP-04"], env
        )
    assert seance.returncode == 1, seance.stdout + seance.stderr
    liste = recette(["anomalies", "lister"], env)
    numeros = sorted(set(re.findall(r"ANO-\d{4}-\d{4}", liste.stdout)))
    assert len(numeros) == 2, liste.stdout
    construit = recette(["anomalies", "paquet", numeros[0], "--sortie", str(dossier)], env)
    assert construit.returncode == 0, construit.stdout + construit.stderr
    return dossier / f"{numeros[0]}.zip", env


def test_contenu_lisible_sans_le_banc(paquet, secrets_paquet, tmp_path):
    chemin, _ = paquet
    with zipfile.ZipFile(chemin) as archive:
        noms = set(archive.namelist())
        archive.extractall(tmp_path)
    assert {"LISEZMOI.md", "etapes.txt", "environnement.json", "paquet.json"} <= noms
    assert "scenario/synthese.feature" in noms
    assert {"preuves/trace.zip", "preuves/video.webm", "preuves/reseau.har"} <= noms
    assert any(n.startswith("preuves/capture") and n.endswith(".png") for n in noms)
    lisezmoi = (tmp_path / "LISEZMOI.md").read_text(encoding="utf-8")
    assert "EXG-DP-04" in lisezmoi and "recette rejouer" in lisezmoi
    etapes = (tmp_path / "etapes.txt").read_text(encoding="utf-8")
    assert "Claire Martin" in etapes and "ÉCHEC" in etapes
    environnement = json.loads((tmp_path / "environnement.json").read_text(encoding="utf-8"))
    assert environnement["version_cible"]["version"] == "2.3.1"
    donnees = (tmp_path / "donnees" / "patients-reference.yaml").read_text(encoding="utf-8")
    assert "Ramipril" in donnees
    # The HAR holds the login post: its secret is masked, like everywhere else.
    assert preuves.fuites(tmp_path, set(secrets_paquet.values())) == []


def test_rejeu_reproduit_puis_non_reproduit(paquet, secrets_paquet):
    chemin, env = paquet
    with demonstration.demarrer(
        "a", ("synthese-incomplete",), environnement=secrets_paquet
    ) as demo:
        avec = recette(["rejouer", str(chemin), "--cible", demo.url], env)
    assert avec.returncode == 1, avec.stdout + avec.stderr
    assert ": reproduite" in avec.stdout
    with demonstration.demarrer("a", environnement=secrets_paquet) as demo:
        sans = recette(["rejouer", str(chemin), "--cible", demo.url], env)
    assert sans.returncode == 0, sans.stdout + sans.stderr
    assert "non reproduite" in sans.stdout
    assert "Nouvelles preuves (séance scellée)" in sans.stdout
