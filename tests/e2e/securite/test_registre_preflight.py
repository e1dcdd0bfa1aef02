"""A register the séance could not be recorded in is found in the pre-flight, before any séance
folder exists: a damaged file, a folder in its place, a folder that refuses new files. Real
`recette` command against the real demo server (browser: run under the shared lock)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def secrets_demo():
    variables = charger_profil("demo-a", RACINE).variables_secretes
    return {
        v: ("6" + str(4_000_000 + i * 7_654_321)) if "_PIN_" in v else f"mdp-registre-{i}"
        for i, v in enumerate(variables)
    }


@pytest.fixture(scope="module")
def serveur(secrets_demo):
    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        yield demo


def recette(args, secrets_demo, rapports: Path, base: Path, timeout=600):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(secrets_demo, RECETTE_RAPPORTS=str(rapports), RECETTE_BASE=str(base))
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lancer(serveur, secrets_demo, rapports, base):
    options = ["--profil", "demo-a", "--cible", serveur.url, "--sans-video"]
    return recette(["lancer", *options, "--exigence", "EXG-SEC-01"], secrets_demo, rapports, base)


def seances(rapports: Path) -> list[Path]:
    if not rapports.exists():
        return []
    return [p for p in rapports.rglob("*") if p.is_dir() and p.name.startswith("VA-")]


def _base_endommagee(tmp_path: Path) -> Path:
    base = tmp_path / "recette.sqlite"
    base.write_bytes(b"ceci n'est pas une base SQLite\x00\xff" * 200)
    return base


def _dossier_a_la_place(tmp_path: Path) -> Path:
    base = tmp_path / "recette.sqlite"
    base.mkdir()
    return base


def _dossier_qui_est_un_fichier(tmp_path: Path) -> Path:
    # Fails for root too: nothing can be created under a regular file.
    (tmp_path / "archives").write_text("un fichier, pas un dossier\n", encoding="utf-8")
    return tmp_path / "archives" / "recette.sqlite"


def test_un_registre_sain_recoit_la_seance(tmp_path, serveur, secrets_demo):
    """The negative check first: with a usable register the same command runs and records."""
    base = tmp_path / "recette.sqlite"
    execution = lancer(serveur, secrets_demo, tmp_path / "rapports", base)
    assert execution.returncode == 0, execution.stdout + execution.stderr
    [seance] = seances(tmp_path / "rapports")
    enregistrees = sqlite3.connect(base).execute("SELECT id FROM recette_seance").fetchall()
    assert enregistrees == [(seance.name,)]


@pytest.mark.parametrize(
    "preparer",
    [_base_endommagee, _dossier_a_la_place, _dossier_qui_est_un_fichier],
    ids=["octets-quelconques", "dossier-a-la-place", "dossier-parent-est-un-fichier"],
)
def test_un_registre_inutilisable_refuse_la_seance_avant_tout(
    tmp_path, serveur, secrets_demo, preparer
):
    base = preparer(tmp_path)
    avant = base.read_bytes() if base.is_file() else None
    rapports = tmp_path / "rapports"
    execution = lancer(serveur, secrets_demo, rapports, base)
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie
    assert str(base) in sortie
    assert "registre" in sortie
    assert seances(rapports) == []
    if avant is not None:
        assert base.read_bytes() == avant  # nothing written into it either


def _chattr(option: str, chemin: Path) -> bool:
    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", option, str(chemin)], capture_output=True).returncode == 0


def test_un_dossier_du_registre_immuable_refuse_la_seance(tmp_path, serveur, secrets_demo):
    """An existing, sound register whose folder takes no new file (immutable: root is refused
    too), so SQLite could not write its journal: refused before the séance."""
    dossier = tmp_path / "registre"
    dossier.mkdir()
    base = dossier / "recette.sqlite"
    premiere = lancer(serveur, secrets_demo, tmp_path / "avant", base)
    assert premiere.returncode == 0, premiere.stdout + premiere.stderr
    for annexe in dossier.glob("recette.sqlite-*"):
        annexe.unlink()
    if not _chattr("+i", dossier):
        pytest.skip("chattr +i indisponible sur ce système de fichiers")
    try:
        rapports = tmp_path / "rapports"
        execution = lancer(serveur, secrets_demo, rapports, base)
    finally:
        _chattr("-i", dossier)
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie
    assert str(base) in sortie
    assert seances(rapports) == []


@pytest.mark.parametrize("commande", ["demo", "charge"])
def test_demo_et_charge_verifient_le_registre_d_abord(tmp_path, serveur, secrets_demo, commande):
    base = _base_endommagee(tmp_path)
    rapports = tmp_path / "rapports"
    args = (
        ["demo", "--sans-charge", "--sans-reprise"]
        if commande == "demo"
        else ["charge", "--profil", "demo-a", "--cible", serveur.url, "--duree", "5s"]
    )
    execution = recette(args, secrets_demo, rapports, base, timeout=300)
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie
    assert str(base) in sortie
    assert seances(rapports) == []
    assert not (rapports / "performances").exists()
