"""Production is read-only, whatever a scenario's tags say.

The attack: a reproduction pack whose scenario changes a patient's phone number, tagged
`@lecture-seule`, replayed on a profile marked `production: true`. The real `recette rejouer`
refuses it (exit 2, French, no séance), and the phone number read back through the demo
solution's export is unchanged — while the same pack on a test profile does change it (so the
check could see a write). The adapter's guard refuses each writing operation on production
even when nothing else stopped the scenario. Real demo server, real Chromium."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from recette import demo as demonstration
from recette.adaptateur.echanges import ClientEchanges, config_donnees
from recette.adaptateur.production import EcritureInterditeEnProduction, operations_ecriture
from recette.adaptateur.profil import charger_profil
from recette.adaptateur.solution import Solution
from recette.etapes import etapes_ecrivantes
from recette.grille.features import lire_features

RACINE = Path(__file__).resolve().parents[3]
FEATURE = RACINE / "features" / "dossier-patient" / "dossier-administratif.feature"
SCENARIO = "La modification d'un dossier est tracée"
NOUVEAU = "06 12 34 56 78"


@pytest.fixture(scope="module")
def secrets_demo():
    variables = charger_profil("demo-a", RACINE).variables_secretes
    return {
        v: ("5" + str(3_000_000 + i * 1_618_033)) if "_PIN_" in v else f"mdp-prod-{i}z7"
        for i, v in enumerate(variables)
    }


@pytest.fixture(scope="module")
def projet(tmp_path_factory) -> Path:
    """A copy of the project with one more profile: demo-a marked production."""
    racine = tmp_path_factory.mktemp("projet")
    for nom in ("features", "steps", "fixtures"):
        shutil.copytree(RACINE / nom, racine / nom)
    shutil.copy(RACINE / "conftest.py", racine)
    brut = yaml.safe_load((RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8"))
    brut.update(nom="demo-prod", production=True)
    (racine / "fixtures/profils/demo-prod.yaml").write_text(
        yaml.safe_dump(brut, allow_unicode=True), encoding="utf-8"
    )
    return racine


def paquet_piege(chemin: Path) -> Path:
    """The mutating scenario, tagged @lecture-seule, as a pack naming the production profile."""
    texte = FEATURE.read_text(encoding="utf-8")
    etiquettes = "  @EXG-DP-06 @EXG-SEC-04 @priorite:1\n  Scénario: " + SCENARIO
    assert etiquettes in texte
    texte = texte.replace(
        etiquettes, etiquettes.replace("@priorite:1", "@priorite:1 @lecture-seule")
    )
    ligne = next(i for i, x in enumerate(texte.splitlines(), 1) if SCENARIO in x)
    description = {
        "numero": "ANO-2026-0042",
        "scenario": SCENARIO,
        "feature": "features/dossier-patient/dossier-administratif.feature",
        "ligne": ligne,
        "parametres": {},
        "phase": "va",
        "profil": "demo-prod",
    }
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("paquet.json", json.dumps(description, ensure_ascii=False))
        archive.writestr(f"scenario/{FEATURE.name}", texte)
    return chemin


def telephone(url: str, secrets: dict) -> str:
    """Marie Lefebvre's phone number as the solution's own export gives it."""
    anciens = {k: os.environ.get(k) for k in secrets}
    os.environ.update(secrets)
    try:
        profil = charger_profil("demo-a", RACINE).avec_cible(url)
        contenu = ClientEchanges(profil, config_donnees(profil), RACINE).exporter_patients()
    finally:
        for k, v in anciens.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    for ligne in csv.DictReader(io.StringIO(contenu.decode("utf-8"))):
        if ligne["nom_usage"] == "Lefebvre" and ligne["prenoms"] == "Marie":
            return ligne["telephone"]
    raise AssertionError("Marie Lefebvre absente de l'export")


def rejouer(racine: Path, paquet: Path, env: dict, *options: str):
    propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", "rejouer", str(paquet), *options],
        cwd=racine,
        env={**propre, **env, "RECETTE_RACINE": str(racine)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_rejouer_en_production_refuse_un_paquet_qui_ecrit(projet, secrets_demo, tmp_path):
    paquet = paquet_piege(tmp_path / "ANO-2026-0042.zip")
    rapports = tmp_path / "r"
    env = {**secrets_demo, "RECETTE_RAPPORTS": str(rapports)}
    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        avant = telephone(demo.url, secrets_demo)
        assert avant and avant != NOUVEAU
        refus = rejouer(projet, paquet, env, "--cible", demo.url)
        assert refus.returncode == 2, refus.stdout + refus.stderr
        assert "production" in refus.stderr and "Traceback" not in refus.stderr, refus.stderr
        assert "modification d'un dossier patient" in refus.stderr, refus.stderr
        assert not rapports.exists() or not [p for p in rapports.iterdir() if p.is_dir()]
        assert telephone(demo.url, secrets_demo) == avant
        # The same pack on the test profile does write: the check above could see it.
        essai = rejouer(projet, paquet, env, "--cible", demo.url, "--profil", "demo-a")
        assert essai.returncode == 0, essai.stdout + essai.stderr
        assert "non reproduite" in essai.stdout
        assert telephone(demo.url, secrets_demo) == NOUVEAU


def test_le_profil_du_paquet_n_est_jamais_un_chemin(projet, secrets_demo, tmp_path):
    """A pack naming its profile by a path (a production profile planted elsewhere, or a test
    profile outside fixtures/profils/) is refused before anything runs."""
    paquet = paquet_piege(tmp_path / "chemin.zip")
    with zipfile.ZipFile(paquet) as archive:
        description = json.loads(archive.read("paquet.json"))
        texte = archive.read(f"scenario/{FEATURE.name}")
    description["profil"] = str(projet / "fixtures/profils/demo-a.yaml")
    with zipfile.ZipFile(paquet, "w") as archive:
        archive.writestr("paquet.json", json.dumps(description))
        archive.writestr(f"scenario/{FEATURE.name}", texte)
    refus = rejouer(projet, paquet, {**secrets_demo, "RECETTE_RAPPORTS": str(tmp_path / "r")})
    assert refus.returncode == 2, refus.stdout + refus.stderr
    assert "« profil »" in refus.stderr and "jamais un chemin" in refus.stderr, refus.stderr


def test_lancer_en_production_refuse_un_scenario_qui_ecrit(projet, secrets_demo, tmp_path):
    """The same pre-flight guards a campaign: a writing scenario of the project tagged
    @lecture-seule is refused before any séance (the target is never even asked)."""
    racine = tmp_path / "campagne"
    shutil.copytree(projet, racine)
    feature = racine / "features/dossier-patient/dossier-administratif.feature"
    texte = feature.read_text(encoding="utf-8")
    etiquettes = "  @EXG-DP-06 @EXG-SEC-04 @priorite:1\n"
    feature.write_text(texte.replace(etiquettes, etiquettes[:-1] + " @lecture-seule\n"), "utf-8")
    propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env = {**propre, **secrets_demo, "RECETTE_RACINE": str(racine)}
    env["RECETTE_RAPPORTS"] = str(tmp_path / "r")
    commande = [sys.executable, "-m", "recette.cli", "lancer", "--profil", "demo-prod"]
    commande += ["--cible", "http://127.0.0.1:9/", "--exigence", "EXG-DP-06"]
    refus = subprocess.run(commande, cwd=racine, env=env, capture_output=True, text=True)
    assert refus.returncode == 2, refus.stdout + refus.stderr
    assert "production" in refus.stderr and SCENARIO in refus.stderr, refus.stderr
    assert "ne répond pas" not in refus.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_l_adaptateur_refuse_chaque_ecriture_en_production(projet, secrets_demo):
    """Even when a scenario reaches it, a writing operation refuses on production before it
    touches the screen; reading still works."""
    from playwright.sync_api import sync_playwright

    from recette.navigateur import lancer_chromium

    with demonstration.demarrer("a", environnement=secrets_demo) as demo:
        avant = telephone(demo.url, secrets_demo)
        production = charger_profil("demo-prod", projet).avec_cible(demo.url)
        anciens = dict(os.environ)
        os.environ.update(secrets_demo)
        try:
            with sync_playwright() as p:
                navigateur = lancer_chromium(p)
                try:
                    page = navigateur.new_context(locale="fr-FR").new_page()
                    solution = Solution.sans_capture(page, production, projet)
                    solution.se_connecter("secrétaire médicale", "mot de passe")
                    assert "Marie Lefebvre" in solution.rechercher_patient("Lefebvre")
                    adresse = page.url
                    with pytest.raises(EcritureInterditeEnProduction, match="production"):
                        solution.modifier_patient("Marie Lefebvre", {"téléphone": NOUVEAU})
                    assert page.url == adresse  # refused before any navigation
                    with pytest.raises(AssertionError):  # a scenario failure inside a séance
                        solution.creer_patient({"nom": "Essai"})
                finally:
                    navigateur.close()
            client = ClientEchanges(production, config_donnees(production), projet)
            with pytest.raises(EcritureInterditeEnProduction, match="import"):
                client.importer({"patients": b"id_patient\n"})
        finally:
            os.environ.clear()
            os.environ.update(anciens)
        assert telephone(demo.url, secrets_demo) == avant


def test_chaque_operation_qui_ecrit_est_gardee():
    assert set(operations_ecriture(Solution, ClientEchanges)) == {
        "creer_patient",
        "modifier_patient",
        "enregistrer_consentement",
        "prendre_rendez_vous",
        "creer_tache",
        "marquer_tache_faite",
        "envoyer_message",
        "importer_pivot",
        "importer",
    }
    # Logging in, searching and reading are not writes.
    assert not {"se_connecter", "se_deconnecter", "rechercher_patient", "exporter_patients"} & set(
        operations_ecriture(Solution, ClientEchanges)
    )


def test_les_etapes_decident_et_non_les_etiquettes():
    """Derived from the step definitions: every @lecture-seule scenario of the campaign writes
    nothing, every other one writes; the trapped scenario writes although tagged otherwise."""
    for scenario in lire_features(RACINE / "features"):
        ecrit = bool(etapes_ecrivantes(RACINE, scenario.fichier, scenario.ligne))
        if scenario.lecture_seule:
            assert not ecrit, scenario.nom
    ligne = next(s.ligne for s in lire_features(RACINE / "features") if s.nom == SCENARIO)
    [etape] = etapes_ecrivantes(RACINE, FEATURE, ligne)
    assert "téléphone" in etape.texte and etape.operation == "la modification d'un dossier patient"
