"""`recette rejouer` on packs a careless or hostile sender could make: each is refused before
anything runs, with a French message naming the pack and the field, exit code 2, no
traceback, no séance folder and no replay folder left behind. No browser, no server."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[3]
FEATURE = RACINE / "features" / "dossier-patient" / "synthese.feature"

DESCRIPTION = {
    "numero": "ANO-2026-0001",
    "titre": "Synthèse incomplète",
    "exigences": ["EXG-DP-04"],
    "scenario": "Le médecin traitant consulte la synthèse",
    "feature": "features/dossier-patient/synthese.feature",
    "ligne": 11,
    "parametres": {},
    "phase": "va",
    "profil": "demo-a",
    "seance": "VA-20260101-000000-demo-a",
}


def ecrire_paquet(chemin: Path, description=DESCRIPTION, entrees=None, brut=None) -> Path:
    """A pack as the bench writes it, with `description` (any JSON value) as paquet.json, or
    `brut` bytes instead; `entrees` adds or replaces entries."""
    contenu = {
        "paquet.json": brut if brut is not None else json.dumps(description).encode(),
        "scenario/synthese.feature": FEATURE.read_bytes(),
        "LISEZMOI.md": b"# Paquet\n",
    }
    contenu.update(entrees or {})
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, octets in contenu.items():
            if octets is not None:
                archive.writestr(nom, octets)
    return chemin


def rejouer(
    paquet: Path, rapports: Path, *options: str, **variables
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(variables, RECETTE_RAPPORTS=str(rapports))
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", "rejouer", str(paquet), *options],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def verifier_refus(execution, rapports: Path, *attendus: str) -> None:
    sortie = execution.stdout + execution.stderr
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie and "Error" not in sortie, sortie
    assert "Erreur :" in execution.stderr, sortie
    for attendu in attendus:
        assert attendu in sortie, sortie
    laisses = [p for p in rapports.rglob("*")] if rapports.exists() else []
    assert laisses == [], laisses
    assert not list(RACINE.glob(".rejeu-*")), "un dossier de rejeu est resté"


def test_un_paquet_bien_forme_passe_la_lecture(tmp_path):
    """The negative check first: the same pack, well formed, is read and goes on to the target
    (which does not answer here), so the refusals below come from the pack itself."""
    from recette.rejeu import lire_paquet

    paquet = lire_paquet(ecrire_paquet(tmp_path / "ANO-2026-0001.zip"))
    assert paquet.description["ligne"] == 11 and paquet.nom_feature == "synthese.feature"
    from recette.adaptateur.profil import charger_profil

    secrets = {v: "valeur-de-test-9" for v in charger_profil("demo-a", RACINE).variables_secretes}
    execution = rejouer(
        tmp_path / "ANO-2026-0001.zip", tmp_path / "r", "--cible", "http://127.0.0.1:9/", **secrets
    )
    assert execution.returncode == 2
    assert "ne répond pas" in execution.stderr, execution.stderr


@pytest.mark.parametrize(
    ("nom", "modification", "attendus"),
    [
        ("feature-point-point", {"feature": ".."}, ["« feature »"]),
        ("feature-hors-projet", {"feature": "../../etc/passwd.feature"}, ["« feature »"]),
        ("ligne-absente", {"ligne": None}, ["« ligne »", "absent"]),
        ("ligne-texte", {"ligne": "12"}, ["« ligne »"]),
        ("numero-absent", {"numero": None}, ["« numero »", "absent"]),
        ("profil-chemin", {"profil": "/tmp/production.yaml"}, ["« profil »", "jamais un chemin"]),
        ("profil-remontant", {"profil": "../../autre/profil"}, ["« profil »"]),
        ("parametres-liste", {"parametres": ["a"]}, ["« parametres »"]),
    ],
)
def test_champ_invalide(tmp_path, nom, modification, attendus):
    description = {**DESCRIPTION, **modification}
    description = {k: v for k, v in description.items() if v is not None}
    paquet = ecrire_paquet(tmp_path / f"{nom}.zip", description)
    verifier_refus(rejouer(paquet, tmp_path / "r"), tmp_path / "r", f"{nom}.zip", *attendus)


def test_paquet_json_liste(tmp_path):
    paquet = ecrire_paquet(tmp_path / "liste.zip", [DESCRIPTION])
    verifier_refus(rejouer(paquet, tmp_path / "r"), tmp_path / "r", "liste.zip", "objet JSON")


def test_paquet_json_illisible(tmp_path):
    paquet = ecrire_paquet(tmp_path / "illisible.zip", brut=b'{"numero": "ANO-2026-0001",')
    verifier_refus(rejouer(paquet, tmp_path / "r"), tmp_path / "r", "illisible.zip", "JSON lisible")


def test_pas_une_archive(tmp_path):
    paquet = tmp_path / "texte.zip"
    paquet.write_text("ceci n'est pas une archive\n" * 10, encoding="utf-8")
    verifier_refus(rejouer(paquet, tmp_path / "r"), tmp_path / "r", "texte.zip", "archive ZIP")


def test_archive_sans_paquet_json(tmp_path):
    paquet = ecrire_paquet(tmp_path / "vide.zip", entrees={"paquet.json": None})
    verifier_refus(
        rejouer(paquet, tmp_path / "r"), tmp_path / "r", "vide.zip", "pas de paquet.json"
    )


def test_scenario_absent(tmp_path):
    paquet = ecrire_paquet(tmp_path / "sans.zip", entrees={"scenario/synthese.feature": None})
    verifier_refus(
        rejouer(paquet, tmp_path / "r"), tmp_path / "r", "sans.zip", "scenario/synthese.feature"
    )


def test_entree_qui_remonte(tmp_path):
    paquet = ecrire_paquet(tmp_path / "remonte.zip", entrees={"../../evasion.txt": b"x"})
    verifier_refus(
        rejouer(paquet, tmp_path / "r"), tmp_path / "r", "remonte.zip", "sortirait du dossier"
    )
    assert not (RACINE.parent / "evasion.txt").exists()


def test_lien_symbolique(tmp_path):
    paquet = ecrire_paquet(tmp_path / "lien.zip")
    with zipfile.ZipFile(paquet, "a") as archive:
        info = zipfile.ZipInfo("preuves/lien")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    verifier_refus(rejouer(paquet, tmp_path / "r"), tmp_path / "r", "lien.zip", "lien symbolique")


def test_scenario_qui_n_est_pas_du_gherkin(tmp_path):
    secret_du_fichier = "contenu-du-fichier-a-ne-pas-afficher"
    paquet = ecrire_paquet(
        tmp_path / "charabia.zip",
        entrees={"scenario/synthese.feature": f"<<<{secret_du_fichier}>>>\n".encode() * 50},
    )
    execution = rejouer(paquet, tmp_path / "r")
    verifier_refus(execution, tmp_path / "r", "charabia.zip", "Gherkin")
    assert secret_du_fichier not in execution.stdout + execution.stderr
