"""Habilitations: what each profile may open follows the expected matrix of fixtures/, so
that the customer changes a cell of the matrix, never a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then, when

from recette.habilitations import charger_matrice, permet

RACINE = Path(__file__).resolve().parent.parent

# The functions as a référent names them -> the matrix's columns.
FONCTIONS = {
    "dossier administratif": "patients",
    "synthèse médicale": "synthese",
    "consentement": "consentement",
    "agenda": "agenda",
    "tâches": "taches",
    "messagerie": "messagerie",
    "journal d'audit": "audit",
    "import / export": "import_export",
    "habilitations": "habilitations",
}
PATIENT_DE_CONTROLE = "Claire Martin"


@pytest.fixture(scope="session")
def matrice_habilitations():
    return charger_matrice(RACINE)


@given(parsers.re(r'je suis connectée? comme "(?P<qui>[^"]+)"$'))
def connecte_habituellement(solution, qui):
    solution.se_connecter_habituellement(qui)


@when(parsers.parse('je cherche à consulter la fonction "{fonction}"'))
def consulter_fonction(solution, contexte, fonction):
    cle = FONCTIONS.get(fonction.casefold())
    assert cle, f"Fonction « {fonction} » inconnue (fonctions : {', '.join(FONCTIONS)})."
    contexte["fonction"] = cle
    contexte["ouverte"] = solution.consulter_fonction(cle, PATIENT_DE_CONTROLE)
    contexte["patient"] = PATIENT_DE_CONTROLE


@then(parsers.parse('l\'accès est celui que prévoit la matrice des habilitations pour "{profil}"'))
def acces_conforme(solution, contexte, matrice_habilitations, profil):
    assert profil in matrice_habilitations, (
        f"Le profil « {profil} » n'est pas dans fixtures/habilitations/matrice.csv."
    )
    droit = matrice_habilitations[profil][contexte["fonction"]]
    attendu = permet(droit, "consultation")
    ouverte = contexte["ouverte"]
    assert ouverte == attendu, (
        f"Matrice : « {profil} » a le droit « {droit} » sur « {contexte['fonction']} », "
        f"donc l'accès devrait être {'ouvert' if attendu else 'refusé'} ; "
        f"la solution l'a {'ouvert' if ouverte else 'refusé'}."
    )
    if not ouverte:
        # A refusal counts only if the same request opens for a profile the matrix entitles.
        ayants_droit = [
            role
            for role, droits in matrice_habilitations.items()
            if role != profil and permet(droits[contexte["fonction"]], "consultation")
        ]
        solution.controler_acces_ouvert(solution.premier_compte(ayants_droit))
