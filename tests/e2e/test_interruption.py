"""A séance stopped in its middle: by SIGTERM it is sealed « interrompue » and the register stays
consistent; killed outright, the next séance seals what it left, as « interrompue » too."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def secrets_demo():
    variables = charger_profil("demo-a", RACINE).variables_secretes
    return {
        v: ("5" + str(3_000_000 + i * 7_654_321)) if "_PIN_" in v else f"mdp-interruption-{i}"
        for i, v in enumerate(variables)
    }


@pytest.fixture(scope="module")
def serveur(secrets_demo):
    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        yield demo


def _lancer(serveur, secrets_demo, rapports: Path, *options) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(secrets_demo, RECETTE_RAPPORTS=str(rapports))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "recette.cli",
            "lancer",
            "--profil",
            "demo-a",
            "--cible",
            serveur.url,
            "--sans-video",
            *options,
        ],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _attendre_des_preuves(rapports: Path, delai: float = 120) -> Path:
    """Until a few scenarios are done (their results written), so the séance is mid-way."""
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        for seance in (rapports / ".en-cours").glob("*"):
            if len(list(seance.glob("allure-results/*-result.json"))) >= 2:
                return seance
        time.sleep(0.3)
    raise AssertionError("La séance n'a produit aucune preuve à temps.")


def test_sigterm_scelle_la_seance_interrompue(tmp_path, serveur, secrets_demo):
    processus = _lancer(serveur, secrets_demo, tmp_path)
    en_cours = _attendre_des_preuves(tmp_path)
    processus.send_signal(signal.SIGTERM)
    sortie, _ = processus.communicate(timeout=120)
    assert processus.returncode == 3, sortie
    seance = tmp_path / en_cours.name
    donnees = json.loads((seance / "seance.json").read_text(encoding="utf-8"))
    assert donnees["statut"] == "interrompue"
    assert 0 < donnees["compteurs"]["total"] < 46
    assert not any((tmp_path / ".en-cours").iterdir())
    base = sqlite3.connect(tmp_path / "recette.sqlite")
    assert base.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert base.execute("PRAGMA foreign_key_check").fetchall() == []
    verifier = subprocess.run(
        [sys.executable, "-m", "recette.cli", "verifier", seance.name],
        cwd=RACINE,
        env={**os.environ, "RECETTE_RAPPORTS": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert verifier.returncode == 0, verifier.stdout + verifier.stderr


def test_sigkill_puis_seance_suivante_recupere(tmp_path, serveur, secrets_demo):
    processus = _lancer(serveur, secrets_demo, tmp_path)
    en_cours = _attendre_des_preuves(tmp_path)
    os.killpg(processus.pid, signal.SIGKILL)
    processus.wait(timeout=30)
    assert en_cours.exists()
    suivante = _lancer(serveur, secrets_demo, tmp_path, "--exigence", "EXG-SEC-01")
    sortie, _ = suivante.communicate(timeout=300)
    assert suivante.returncode == 0, sortie
    recuperee = tmp_path / en_cours.name
    donnees = json.loads((recuperee / "seance.json").read_text(encoding="utf-8"))
    assert donnees["statut"] == "interrompue"
    assert (recuperee / "manifeste.sha256").exists()
    assert not any((tmp_path / ".en-cours").iterdir())
