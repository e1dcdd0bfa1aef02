"""A misspelt key in a profile, the contract or a grid column mapping is refused with the file,
the line and the key probably meant: `produciton: true` must never run a production profile as
a test one. Against the real `recette` command; nothing starts (no séance, no browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[3]


def recette(args, env_en_plus, racine=RACINE):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    # Secrets set, so that only the key at fault can stop the séance.
    env.update({v: "1234" for v in charger_profil("demo-a", RACINE).variables_secretes})
    env.update(env_en_plus, RECETTE_RACINE=str(racine))
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=racine,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def numero_de_ligne(fichier: Path, debut: str) -> int:
    for numero, ligne in enumerate(fichier.read_text(encoding="utf-8").splitlines(), 1):
        if ligne.startswith(debut):
            return numero
    raise AssertionError(f"{debut!r} absent de {fichier}")


def profil_modifie(tmp_path: Path, avant: str, apres: str) -> Path:
    texte = (RACINE / "fixtures" / "profils" / "demo-a.yaml").read_text(encoding="utf-8")
    assert avant in texte
    copie = tmp_path / "demo-a-copie.yaml"
    copie.write_text(texte.replace(avant, apres, 1), encoding="utf-8")
    return copie


def sans_seance(rapports: Path) -> bool:
    return not rapports.exists() or not [p for p in rapports.rglob("seance.json")]


def test_le_profil_d_origine_est_accepte():
    """The negative check first: the demo profiles hold no unknown key."""
    for nom in ("demo-a", "demo-b"):
        assert charger_profil(nom, RACINE).nom == nom


@pytest.mark.parametrize(
    ("avant", "apres", "debut_ligne", "cle", "proche"),
    [
        ("production: false", "produciton: true", "produciton:", "produciton", "production"),
        (
            "  reflexion: {min: 1, max: 3}",
            "  réflexion: {min: 1, max: 3}",
            "  réflexion:",
            "charge.réflexion",
            "reflexion",
        ),
        (
            '    carte_cps: "2100000001"',
            '    carte_cpss: "2100000001"',
            "    carte_cpss:",
            "comptes[3].carte_cpss",
            "carte_cps",
        ),
        (
            "    mes_taches: Mes tâches",
            "    mes_tache: Mes tâches",
            "    mes_tache:",
            "vocabulaire.taches.mes_tache",
            "mes_taches",
        ),
        (
            "  exclusions:",
            "  exclusion:\n    EXG-FAC-01: x\n  exclusions:",
            "  exclusion:",
            "perimetre.exclusion",
            "exclusions",
        ),
        (
            "    compte: administrateur fonctionnel",
            "    compte: administrateur fonctionnel\n    comte: x",
            "    comte:",
            "donnees.connexion.comte",
            "compte",
        ),
    ],
)
def test_une_cle_inconnue_du_profil_est_refusee(tmp_path, avant, apres, debut_ligne, cle, proche):
    copie = profil_modifie(tmp_path, avant, apres)
    rapports = tmp_path / "rapports"
    execution = recette(
        ["lancer", "--profil", str(copie), "--cible", "http://127.0.0.1:9/"],
        {"RECETTE_RAPPORTS": str(rapports), "RECETTE_BASE": str(tmp_path / "r.sqlite")},
    )
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie
    assert f"{copie.name}, ligne {numero_de_ligne(copie, debut_ligne)}" in sortie
    assert f"« {cle} »" in sortie
    assert f"vouliez-vous dire {proche} ?" in sortie
    assert sans_seance(rapports)


@pytest.fixture
def projet(tmp_path):
    racine = tmp_path / "projet"
    for nom in ("features", "steps", "fixtures"):
        shutil.copytree(RACINE / nom, racine / nom)
    shutil.copy(RACINE / "conftest.py", racine)
    return racine


def test_une_cle_inconnue_du_contrat_est_refusee(tmp_path, projet):
    parametres = projet / "fixtures" / "contrat" / "parametres.yaml"
    texte = parametres.read_text(encoding="utf-8")
    assert "  duree_mois: 2\n" in texte
    parametres.write_text(texte.replace("  duree_mois: 2\n", "  duree_mois: 2\n  duree_moi: 3\n"))
    rapports = tmp_path / "rapports"
    execution = recette(
        ["anomalies", "lister"],
        {"RECETTE_RAPPORTS": str(rapports)},
        racine=projet,
    )
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert f"parametres.yaml, ligne {numero_de_ligne(parametres, '  duree_moi:')}" in sortie
    assert "« vsr.duree_moi »" in sortie
    assert "vouliez-vous dire duree_mois ?" in sortie


def test_une_cle_inconnue_des_colonnes_de_la_grille_est_refusee(tmp_path, projet):
    colonnes = projet / "fixtures" / "grille" / "colonnes.yaml"
    texte = colonnes.read_text(encoding="utf-8")
    colonnes.write_text(texte.replace("  accepte:", "  acceptes:", 1), encoding="utf-8")
    execution = recette(
        ["grille", "importer", str(RACINE / "fixtures/grille/exemples/grille-client-exemple.csv")],
        {"RECETTE_RAPPORTS": str(tmp_path / "rapports")},
        racine=projet,
    )
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert f"colonnes.yaml, ligne {numero_de_ligne(colonnes, '  acceptes:')}" in sortie
    assert "« identifiant.acceptes »" in sortie
    assert "vouliez-vous dire accepte ?" in sortie
    assert not (projet / "fixtures" / "grille" / "grille-client.csv").exists()


def test_une_cle_inconnue_de_la_correspondance_est_refusee(tmp_path, projet):
    exemple = RACINE / "fixtures/grille/exemples/grille-client-exemple.csv"
    correspondance = tmp_path / "correspondance.yaml"
    correspondance.write_text("domaine: Module\nprioriter: Niveau\n", encoding="utf-8")
    execution = recette(
        ["grille", "importer", str(exemple), "--correspondance", str(correspondance)],
        {"RECETTE_RAPPORTS": str(tmp_path / "rapports")},
        racine=projet,
    )
    sortie = " ".join((execution.stdout + execution.stderr).split())
    assert execution.returncode == 2, sortie
    assert f"{correspondance}, ligne 2" in sortie
    assert "« prioriter »" in sortie
    assert "vouliez-vous dire priorite ?" in sortie
    assert not (projet / "fixtures" / "grille" / "grille-client.csv").exists()
