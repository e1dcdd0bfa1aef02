"""Negative checks prove first that they could see (DESIGN.md, Boundaries): a scenario that
expects an absence or a refusal must fail « Contrôle impossible » when the bench cannot read
what it looks at, fail when the forbidden thing is shown, and pass only when it has proven both.

Real séances (`recette lancer`), a real Chromium, the demo solution as real server processes with
and without the consent leak (`fuite-consentement`), on editions a and b. Nothing is mocked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[2]
CACHE = "Un patient opposé au partage n'apparaît pas aux autres professionnels"
# Allure prefixes the exception's type; the message itself starts with the words the user reads.
CONTROLE_IMPOSSIBLE = re.compile(r"^(?:[\w.]+\.)?ControleImpossible: Contrôle impossible : ")
SECRETAIRE_SANS_SYNTHESE = "La secrétaire médicale n'a pas accès à la synthèse médicale"
MEDECIN_PAR_MOT_DE_PASSE = "Un médecin connecté par mot de passe n'accède pas aux données médicales"


@pytest.fixture(scope="module")
def secrets_demo():
    variables = charger_profil("demo-a", RACINE).variables_secretes
    env_propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    ancien = dict(os.environ)
    os.environ.clear()
    os.environ.update(env_propre)
    try:
        return demonstration.secrets_aleatoires(variables)
    finally:
        os.environ.clear()
        os.environ.update(ancien)


@pytest.fixture(scope="module", params=["a", "b"])
def edition(request):
    return request.param


@pytest.fixture(scope="module")
def serveurs(edition, secrets_demo):
    """The same edition twice: as delivered, and with the consent leak switched on."""
    with (
        demonstration.demarrer(edition, environnement=secrets_demo) as sain,
        demonstration.demarrer(
            edition, ("fuite-consentement",), environnement=secrets_demo
        ) as fuite,
    ):
        yield {"sain": sain, "fuite": fuite}


def profil_modifie(tmp_path: Path, edition: str, remplacements: dict[str, str]) -> Path:
    """A copy of the edition's profile with some words changed, as an integrator's mistake."""
    texte = (RACINE / "fixtures" / "profils" / f"demo-{edition}.yaml").read_text(encoding="utf-8")
    for avant, apres in remplacements.items():
        assert avant in texte, avant
        texte = texte.replace(avant, apres, 1)
    chemin = tmp_path / f"demo-{edition}-modifie.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def colonnes_fausses(tmp_path: Path, edition: str) -> Path:
    """Identity columns that match no header: every name read is empty, so names never match."""
    if edition == "a":
        mots = {"colonne_nom: Nom\n": "colonne_nom: Nom de famille\n"}
        mots["colonne_prenom: Prénom\n"] = "colonne_prenom: Prénom usuel\n"
    else:
        mots = {"colonne_nom: Nom d'usage\n": "colonne_nom: Nom\n"}
        mots["colonne_prenom: Prénom(s)\n"] = "colonne_prenom: Prénom\n"
    return profil_modifie(tmp_path, edition, mots)


def lancer(tmp_path: Path, secrets_demo, profil, cible: str, exigence: str) -> dict[str, dict]:
    rapports = tmp_path / "r"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(secrets_demo, RECETTE_RAPPORTS=str(rapports), RECETTE_RACINE=str(RACINE))
    execution = subprocess.run(
        [sys.executable, "-m", "recette.cli", "lancer", "--profil", str(profil)]
        + ["--cible", cible, "--exigence", exigence, "--sans-video"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert execution.returncode in (0, 1), execution.stdout + execution.stderr
    [seance] = [p for p in rapports.iterdir() if (p / "seance.json").exists()]
    resultats = {}
    for chemin in (seance / "allure-results").glob("*-result.json"):
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        message = (donnees.get("statusDetails") or {}).get("message", "")
        # Example values tell the rows of an outline apart.
        valeurs = [p["value"] for p in donnees.get("parameters", [])]
        nom = " ".join([donnees["name"], *valeurs])
        resultats[nom] = {"statut": donnees["status"], "message": message}
    return resultats


def test_noms_illisibles_controle_impossible(tmp_path, serveurs, secrets_demo, edition):
    """The issue's false pass: the leak is on, but the profile's identity columns match nothing.
    The doctor does see the patient; a bench that reads no name must not conclude he does not."""
    profil = colonnes_fausses(tmp_path, edition)
    resultats = lancer(tmp_path, secrets_demo, profil, serveurs["fuite"].url, "EXG-CONS-02")
    assert resultats[CACHE]["statut"] == "failed", resultats[CACHE]
    assert CONTROLE_IMPOSSIBLE.match(resultats[CACHE]["message"]), resultats[CACHE]
    assert "colonnes d'identité" in resultats[CACHE]["message"]


def test_fuite_de_consentement_detectee(tmp_path, serveurs, secrets_demo, edition):
    resultats = lancer(
        tmp_path, secrets_demo, f"demo-{edition}", serveurs["fuite"].url, "EXG-CONS-02"
    )
    assert resultats[CACHE]["statut"] == "failed", resultats[CACHE]
    assert "« Jean Dupont » apparaît dans les résultats" in resultats[CACHE]["message"]
    assert "Contrôle impossible" not in resultats[CACHE]["message"]


def test_sans_fuite_le_controle_passe(tmp_path, serveurs, secrets_demo, edition):
    resultats = lancer(
        tmp_path, secrets_demo, f"demo-{edition}", serveurs["sain"].url, "EXG-CONS-02"
    )
    assert len(resultats) == 2
    assert all(r["statut"] == "passed" for r in resultats.values()), resultats


def adresse_refusee_a_tous(tmp_path: Path, edition: str) -> Path:
    """The summary's address points to a screen no doctor may open: every attempt is refused,
    whatever the rule under test, so a refusal there proves nothing."""
    if edition == "a":
        mots = {'synthese: "/patients/{id}/synthese"': 'synthese: "/habilitations?patient={id}"'}
    else:
        mots = {'synthese: "/dossiers/{id}/resume"': 'synthese: "/droits-acces?patient={id}"'}
    return profil_modifie(tmp_path, edition, mots)


def test_refus_sans_temoin_controle_impossible(tmp_path, serveurs, secrets_demo, edition):
    """The secretary and the administrator, who have no link to the summary, try its address;
    a wrong address is refused to them, for another reason than their rights. The same address
    opened by a doctor with his card must show the summary, or the refusal proves nothing: both
    « aucun » rows fail « Contrôle impossible »; the doctor's and nurse's rows (by the link)
    still pass."""
    profil = adresse_refusee_a_tous(tmp_path, edition)
    resultats = lancer(tmp_path, secrets_demo, profil, serveurs["sain"].url, "EXG-HAB-01")
    echecs = {nom: r for nom, r in resultats.items() if r["statut"] != "passed"}
    assert len(resultats) >= 17
    synthese = [nom for nom in resultats if "synthèse médicale" in nom]
    assert len(synthese) == 4, sorted(resultats)
    refuses = sorted(nom for nom in synthese if "secrétaire" in nom or "administrateur" in nom)
    assert sorted(echecs) == refuses, sorted(echecs)
    for nom in refuses:
        assert CONTROLE_IMPOSSIBLE.match(echecs[nom]["message"]), echecs[nom]
    # The secretary is refused the wrong address: her refusal is checked against the witness
    # (the médecin traitant's card), who is refused too. The administrator lands on a page that
    # is neither the summary nor a refusal: not recognised, whoever the witness.
    secretaire = next(nom for nom in refuses if "secrétaire" in nom)
    assert "Dr Paul Durand" in echecs[secretaire]["message"], echecs[secretaire]


def test_refus_avec_temoin_passe(tmp_path, serveurs, secrets_demo, edition):
    """The real refusals of the summary (secretary; doctor logged in by password) pass with
    their control: the médecin traitant's card opens the same summary."""
    resultats = lancer(
        tmp_path, secrets_demo, f"demo-{edition}", serveurs["sain"].url, "EXG-SEC-03"
    )
    assert resultats[SECRETAIRE_SANS_SYNTHESE]["statut"] == "passed", resultats
    (tmp_path / "mdp").mkdir()
    resultats = lancer(
        tmp_path / "mdp", secrets_demo, f"demo-{edition}", serveurs["sain"].url, "EXG-SEC-02"
    )
    assert resultats[MEDECIN_PAR_MOT_DE_PASSE]["statut"] == "passed", resultats


def test_matrice_ecran_non_reconnu(tmp_path, serveurs, secrets_demo, edition):
    """The audit trail reached through a wrong menu word and a wrong address: the doctor's
    « aucun » is a refusal of another screen, and the administrator's « consultation » lands on
    a page that is not the audit trail. Both rows fail « Contrôle impossible »; the others pass."""
    if edition == "a":
        mots = {"    audit: Journal d'audit\n": "    audit: Journal des accès\n"}
        mots['audit: "/audit"'] = 'audit: "/habilitations"'
    else:
        mots = {"    audit: Traçabilité\n": "    audit: Journal des accès\n"}
        mots['audit: "/tracabilite"'] = 'audit: "/droits-acces"'
    profil = profil_modifie(tmp_path, edition, mots)
    resultats = lancer(tmp_path, secrets_demo, profil, serveurs["sain"].url, "EXG-HAB-01")
    echecs = {nom: r for nom, r in resultats.items() if r["statut"] != "passed"}
    assert len(resultats) >= 17
    audit = [nom for nom in echecs if "journal d'audit" in nom]
    assert len(audit) == 4 and len(echecs) == 4, sorted(echecs)
    for nom in audit:
        assert CONTROLE_IMPOSSIBLE.match(echecs[nom]["message"]), echecs[nom]
