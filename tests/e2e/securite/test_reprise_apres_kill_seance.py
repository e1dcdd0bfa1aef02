"""A séance killed outright (SIGKILL: no handler runs) is sealed « interrompue » by the next
séance with what it had: its target, profile, phase and selection, and counts rebuilt from the
results it holds. Real `recette` command, real demo server and Chromium (run under the lock)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def secrets_demo():
    variables = charger_profil("demo-a", RACINE).variables_secretes
    return {
        v: ("7" + str(5_000_000 + i * 7_654_321)) if "_PIN_" in v else f"mdp-kill-{i}"
        for i, v in enumerate(variables)
    }


@pytest.fixture(scope="module")
def serveur(secrets_demo):
    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        yield demo


def recette(serveur, secrets_demo, rapports: Path, *options) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(secrets_demo, RECETTE_RAPPORTS=str(rapports))
    return subprocess.Popen(
        [sys.executable, "-m", "recette.cli", *options],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def attendre_des_resultats(rapports: Path, nombre: int = 3, delai: float = 180) -> Path:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        for seance in (rapports / ".en-cours").glob("*"):
            if len(list(seance.glob("allure-results/*-result.json"))) >= nombre:
                return seance
        time.sleep(0.3)
    raise AssertionError("La séance n'a produit aucun résultat à temps.")


def resultats_lisibles(seance: Path) -> list[dict]:
    lisibles = []
    for chemin in seance.glob("allure-results/*-result.json"):
        try:
            lisibles.append(json.loads(chemin.read_text(encoding="utf-8")))
        except ValueError:
            pass
    return lisibles


def test_kill_9_puis_seance_suivante_reconstruit_compteurs_et_cible(
    tmp_path, serveur, secrets_demo
):
    lancer = ["lancer", "--profil", "demo-a", "--cible", serveur.url, "--sans-video"]
    tuee = recette(serveur, secrets_demo, tmp_path, *lancer, "--tags", "not lecture-seule")
    en_cours = attendre_des_resultats(tmp_path)
    os.killpg(tuee.pid, signal.SIGKILL)
    tuee.wait(timeout=30)
    tuee.stdout.close()
    assert en_cours.exists()

    suivante = recette(serveur, secrets_demo, tmp_path, *lancer, "--exigence", "EXG-SEC-01")
    sortie, _ = suivante.communicate(timeout=600)
    assert suivante.returncode == 0, sortie

    recuperee = tmp_path / en_cours.name
    donnees = json.loads((recuperee / "seance.json").read_text(encoding="utf-8"))
    assert donnees["statut"] == "interrompue"
    lisibles = resultats_lisibles(recuperee)
    assert len(lisibles) >= 3
    compteurs = donnees["compteurs"]
    assert compteurs["total"] == len(lisibles)
    assert compteurs["reussis"] == sum(r["status"] == "passed" for r in lisibles)
    assert compteurs["reussis"] + compteurs["echoues"] + compteurs["non_ecrits"] + compteurs[
        "ignores"
    ] == len(lisibles)
    assert donnees["cible"] == serveur.url
    assert donnees["profil"] == "demo-a"
    assert donnees["phase"] == "va"
    assert donnees["selection"]["tags"] == "(not lecture-seule)"  # as the CLI composes it
    assert donnees["selection"]["scenarios"] > len(lisibles) > 0
    assert donnees["navigateur"].get("nom") == "Chromium"

    # The recovered séance is sealed like any other: `recette verifier` finds it intact.
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    verification = subprocess.run(
        [sys.executable, "-m", "recette.cli", "verifier", recuperee.name],
        cwd=RACINE,
        env={**env, "RECETTE_RAPPORTS": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert verification.returncode == 0, verification.stdout + verification.stderr


def test_la_reprise_compte_les_resultats_et_ecarte_un_resultat_coupe(tmp_path):
    """Recovery alone, on a folder left as a kill leaves it: a result cut mid-write is not
    counted (and said so) instead of stopping the next séance."""
    from recette import seance as seances

    seance = seances.creer(tmp_path, "va", "demo-a", "http://127.0.0.1:8765/")
    seance.selection = {"tags": "EXG-SEC-01", "parallele": 1, "scenarios": 5}
    seances.noter_en_cours(seance)
    resultats = seance.dossier / "allure-results"
    resultats.mkdir()
    for i, statut in enumerate(["passed", "passed", "failed"]):
        (resultats / f"r{i}-result.json").write_text(
            json.dumps({"uuid": f"r{i}", "name": f"s{i}", "status": statut}), encoding="utf-8"
        )
    (resultats / "r9-result.json").write_text('{"uuid": "r9", "sta', encoding="utf-8")
    mort = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (seance.dossier / seances.PROCESSUS).write_text(mort.stdout.strip(), encoding="utf-8")

    [recuperee] = seances.recuperer_interrompues(tmp_path, set())

    donnees = json.loads((recuperee / "seance.json").read_text(encoding="utf-8"))
    assert donnees["statut"] == "interrompue"
    assert donnees["compteurs"]["total"] == 3
    assert donnees["compteurs"]["reussis"] == 2
    assert donnees["compteurs"]["echoues"] == 1
    assert donnees["cible"] == "http://127.0.0.1:8765/"
    assert donnees["selection"]["tags"] == "EXG-SEC-01"
    assert any("1 résultat(s) interrompu(s)" in r for r in donnees["remarques"])
