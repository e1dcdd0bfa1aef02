"""The life of an anomaly through séances, the register and the PV, on the demo solution:
created once, recurring as occurrences, proposed « vérifiée » once the defect is gone, and once
it is closed the verdict no longer rests on it. The demo's PV weighs the whole grid (less its
contractual exclusions): with the cahier unfilled and no bench check recorded, what remains is
honestly « not verified », never an anomaly that was closed."""

from __future__ import annotations

import os
import re
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
    variables = charger_profil("demo-a", RACINE).variables_secretes
    return {
        v: ("4" + str(5_000_000 + i * 3_141_593)) if "_PIN_" in v else f"mdp-cycle-{i}z"
        for i, v in enumerate(variables)
    }


def recette(args, env):
    propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    execution = subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=RACINE,
        env={**propre, **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
    return execution


def test_de_l_ajournement_a_la_cloture(tmp_path, secrets_demo):
    env = {**secrets_demo, "RECETTE_RAPPORTS": str(tmp_path)}
    seance = ["lancer", "--profil", "demo-a", "--sans-video"]
    with demonstration.demarrer("a", ("synthese-incomplete",), environnement=secrets_demo) as demo:
        premiere = recette([*seance, "--cible", demo.url, "--exigence", "EXG-DP-04"], env)
        seconde = recette([*seance, "--cible", demo.url, "--exigence", "EXG-DP-04"], env)
    assert premiere.returncode == 1, premiere.stdout + premiere.stderr
    nouvelles = re.findall(r"ANO-\d{4}-\d{4}", premiere.stdout)
    assert "2 nouvelle(s)" in premiere.stdout and len(set(nouvelles)) == 2
    assert "0 nouvelle(s), 2 déjà connue(s)" in seconde.stdout, seconde.stdout

    id_premiere = re.search(r"Séance (VA-\S+)", premiere.stdout).group(1)
    pv = recette(["pv", id_premiere], env)
    assert pv.returncode == 0, pv.stdout + pv.stderr
    assert "Décision proposée : ajournement" in pv.stdout
    html = (tmp_path / "documents" / id_premiere / "pv-va.html").read_text(encoding="utf-8")
    assert all(n in html for n in set(nouvelles)) and "ajournement" in html.lower()
    pdf = tmp_path / "documents" / id_premiere / "pv-va.pdf"
    if shutil.which("pdftotext"):
        texte = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert all(n in texte for n in set(nouvelles)) and "ajournement" in texte.lower()

    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        corrigee = recette([*seance, "--cible", demo.url], env)
    assert corrigee.returncode == 0, corrigee.stdout + corrigee.stderr
    assert "2 proposée(s) « vérifiée »" in corrigee.stdout
    id_corrigee = re.search(r"Séance (VA-\S+)", corrigee.stdout).group(1)

    for numero in sorted(set(nouvelles)):
        for etape in (
            ["qualifier", numero, "--gravite", "bloquante"],
            ["transmettre", numero],
            ["statut", numero, "--vers", "corrigée"],
            ["statut", numero, "--vers", "vérifiée"],
            ["clore", numero],
        ):
            fait = recette(["anomalies", *etape, "--auteur", "Chef de projet MOA"], env)
            assert fait.returncode == 0, fait.stdout + fait.stderr
    final = recette(["pv", id_corrigee], env)
    assert final.returncode == 0, final.stdout + final.stderr
    motifs = motifs_du_verdict(id_corrigee, env)
    # The closed anomalies and the requirement their scenarios verified are out of the reasons…
    assert not [m for m in motifs if "ANO-" in m], motifs
    assert not [m for m in motifs if "EXG-DP-04" in m], motifs
    # …and what is left is what nobody has verified yet (the référents' cahier, bench checks).
    restes = [m for m in motifs if not m.startswith("Le prestataire")]
    assert restes and all("n'a pas été vérifiée" in m for m in restes), motifs


def motifs_du_verdict(seance: str, env) -> list[str]:
    """The proposed verdict's reasons, read by the bench's own document facts."""
    import json

    propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    code = (
        "import json, sys; from pathlib import Path; "
        "from recette.documents.faits import rassembler_faits; "
        "f = rassembler_faits(Path(sys.argv[1]), sys.argv[2]); "
        "print(json.dumps([f.verdict.decision.value, list(f.verdict.motifs)]))"
    )
    sortie = subprocess.run(
        [sys.executable, "-c", code, str(RACINE), seance],
        cwd=RACINE,
        env={**propre, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert sortie.returncode == 0, sortie.stderr
    decision, motifs = json.loads(sortie.stdout.strip().splitlines()[-1])
    assert decision == "ajournement"
    return motifs
