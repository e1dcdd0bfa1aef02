"""`recette charge` end to end: a slow save makes its line non conforming in both figures, and
the line becomes an anomaly of the register (real demo server, real Locust, real Chromium)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[2]


def test_ligne_non_conforme_devient_anomalie(tmp_path):
    variables = charger_profil("demo-a", RACINE).variables_secretes
    secrets = {
        v: ("8" + str(1_000_000 + i * 2_718_281)) if "_PIN_" in v else f"mdp-charge-{i}q"
        for i, v in enumerate(variables)
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(secrets, RECETTE_RAPPORTS=str(tmp_path))
    with demonstration.demarrer("a", ("enregistrement-lent",), environnement=secrets) as demo:
        execution = subprocess.run(
            [
                sys.executable,
                "-m",
                "recette.cli",
                "charge",
                "--profil",
                "demo-a",
                "--cible",
                demo.url,
                "--duree",
                "20s",
            ],
            cwd=RACINE,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert execution.returncode == 1, execution.stdout + execution.stderr
    ligne = next(x for x in execution.stdout.splitlines() if "Validation d'un enregistrement" in x)
    assert "non conforme" in ligne
    secondes = [float(s) for s in re.findall(r"(\d+\.\d+) s", ligne)]
    assert len(secondes) == 2 and all(s >= 3.0 for s in secondes), ligne
    assert re.search(
        r"anomalie ANO-\d{4}-\d{4} : ligne « validation_enregistrement »", execution.stdout
    )
    assert (tmp_path / "performances").is_dir()
