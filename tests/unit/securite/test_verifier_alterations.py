"""`recette verifier` on a séance sealed by the real sealing code, then tampered with as a
careless or hostile person would: every change is « altérée » (code 1) and named; only an id
that names no folder is « introuvable » (code 2). Nothing here crashes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from recette import preuves
from recette import seance as seances

RACINE = Path(__file__).resolve().parents[3]


def sceller_une_seance(rapports: Path) -> Path:
    seance = seances.creer(rapports, "va", "demo-a", "http://127.0.0.1:1/")
    resultats = seance.dossier / "allure-results"
    resultats.mkdir()
    (resultats / "a1-result.json").write_text('{"status": "passed"}', encoding="utf-8")
    (seance.dossier / "preuves" / "scenario-1").mkdir(parents=True)
    (seance.dossier / "preuves" / "scenario-1" / "trace.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (seance.dossier / "preuves" / "vide-au-scellement").mkdir()
    (seance.dossier / "journal.txt").write_text("1 passed\n", encoding="utf-8")
    return seances.sceller(seance, "terminée", set())


def verifier(rapports: Path, identifiant: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env["RECETTE_RAPPORTS"] = str(rapports)
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", "verifier", identifiant],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ecrire(chemin: Path, texte: str, ajouter: bool = False) -> None:
    """As a person would on a read-only file: make it writable, write, make it read-only."""
    chemin.chmod(0o644)
    with chemin.open("a" if ajouter else "w", encoding="utf-8") as flux:
        flux.write(texte)
    chemin.chmod(0o444)


def test_une_seance_scellee_est_intacte_et_verifiable_sans_le_banc(tmp_path):
    dossier = sceller_une_seance(tmp_path)
    assert preuves.verifier_scellement(dossier).intact
    execution = verifier(tmp_path, dossier.name)
    assert execution.returncode == 0, execution.stdout + execution.stderr
    assert "Séance intacte" in execution.stdout
    # The manifest (which covers the sealing record) stays checkable by sha256sum alone.
    if shutil.which("sha256sum"):
        controle = subprocess.run(
            ["sha256sum", "--strict", "-c", preuves.MANIFESTE], cwd=dossier, capture_output=True
        )
        assert controle.returncode == 0, controle.stdout + controle.stderr
    for chemin in dossier.rglob("*"):
        if chemin.is_file():
            assert stat.S_IMODE(chemin.stat().st_mode) == preuves.MODE_SCELLE, chemin


def _ligne_illisible(d: Path) -> str:
    ecrire(d / preuves.MANIFESTE, "n'importe quoi sans empreinte\n", ajouter=True)
    nombre = len((d / preuves.MANIFESTE).read_text(encoding="utf-8").splitlines())
    return f"ligne {nombre}"


def _ligne_qui_sort_du_dossier(d: Path) -> str:
    ecrire(d / preuves.MANIFESTE, f"{'0' * 64}  ../../etc/passwd\n", ajouter=True)
    return "Manifeste illisible"


def _seance_json_supprime(d: Path) -> str:
    (d / "seance.json").unlink()
    return "Fichier manquant : seance.json"


def _manifeste_supprime(d: Path) -> str:
    (d / preuves.MANIFESTE).unlink()
    return f"Fichier manquant : {preuves.MANIFESTE}"


def _dossier_vide_ajoute(d: Path) -> str:
    (d / "preuves" / "ajout").mkdir()
    return "Dossier ajouté : preuves/ajout"


def _lien_vers_etc(d: Path) -> str:
    (d / "etc").symlink_to("/etc")
    return "Lien symbolique (jamais scellé) : etc"


def _lien_dans_un_sous_dossier(d: Path) -> str:
    (d / "preuves" / "scenario-1" / "passwd").symlink_to("/etc/passwd")
    return "preuves/scenario-1/passwd"


def _fichier_remplace_par_un_lien(d: Path) -> str:
    journal = d / "journal.txt"
    copie = d.parent / "copie-du-journal.txt"
    shutil.copy(journal, copie)  # same bytes: only the link gives it away
    journal.unlink()
    journal.symlink_to(copie)
    return "Lien symbolique (jamais scellé) : journal.txt"


def _fichier_rendu_inscriptible(d: Path) -> str:
    (d / "journal.txt").chmod(0o644)
    return "Droits modifiés : journal.txt : attendu 444, trouvé 644"


def _droits_d_un_dossier_changes(d: Path) -> str:
    (d / "preuves").chmod(0o777)
    return "Droits modifiés : preuves/"


def _fichier_modifie(d: Path) -> str:
    ecrire(d / "journal.txt", "0 failed\n")
    return "Fichier modifié : journal.txt"


def _fichier_ajoute(d: Path) -> str:
    (d / "allure-results" / "b2-result.json").write_text("{}", encoding="utf-8")
    return "Fichier ajouté : allure-results/b2-result.json"


def _dossier_vide_du_scellement_supprime(d: Path) -> str:
    (d / "preuves" / "vide-au-scellement").rmdir()
    return "Dossier manquant : preuves/vide-au-scellement"


ALTERATIONS: list[Callable[[Path], str]] = [
    _ligne_illisible,
    _ligne_qui_sort_du_dossier,
    _seance_json_supprime,
    _manifeste_supprime,
    _dossier_vide_ajoute,
    _lien_vers_etc,
    _lien_dans_un_sous_dossier,
    _fichier_remplace_par_un_lien,
    _fichier_rendu_inscriptible,
    _droits_d_un_dossier_changes,
    _fichier_modifie,
    _fichier_ajoute,
    _dossier_vide_du_scellement_supprime,
]


@pytest.mark.parametrize("alterer", ALTERATIONS, ids=[a.__name__[1:] for a in ALTERATIONS])
def test_toute_alteration_est_signalee(tmp_path, alterer):
    dossier = sceller_une_seance(tmp_path)
    attendu = alterer(dossier)
    assert not preuves.verifier_scellement(dossier).intact
    execution = verifier(tmp_path, dossier.name)
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 1, sortie
    assert "Traceback" not in sortie
    assert "a été altérée" in sortie
    assert attendu in sortie


def test_une_seance_qui_n_existe_pas_est_introuvable(tmp_path):
    sceller_une_seance(tmp_path)
    for identifiant in ("VA-20990101-000000-demo-a", ".", "..", "documents"):
        execution = verifier(tmp_path, identifiant)
        sortie = execution.stdout + execution.stderr
        assert execution.returncode == 2, sortie
        assert "introuvable" in sortie


def test_le_registre_de_scellement_decrit_les_dossiers(tmp_path):
    dossier = sceller_une_seance(tmp_path)
    contenu = json.loads((dossier / preuves.SCELLEMENT).read_text(encoding="utf-8"))
    assert {".", "allure-results", "preuves", "preuves/vide-au-scellement"} <= set(
        contenu["dossiers"]
    )
    assert preuves.SCELLEMENT in preuves.lire_manifeste(dossier)


def test_la_liste_des_seances_survit_a_une_seance_alteree(tmp_path):
    intacte = sceller_une_seance(tmp_path)
    alteree = sceller_une_seance(tmp_path)
    (alteree / preuves.MANIFESTE).unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    execution = subprocess.run(
        [sys.executable, "-m", "recette.cli", "seances"],
        cwd=RACINE,
        env={**env, "RECETTE_RAPPORTS": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert execution.returncode == 0, execution.stdout + execution.stderr
    assert intacte.name in execution.stdout and alteree.name in execution.stdout
    assert "altérée" in execution.stdout
