"""Steps any domain uses: refusals, messages, the audit trail, reference data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pytest_bdd import given, parsers, then

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def patients_reference():
    """The fictitious patients the scenarios rely on (fixtures/jeux/patients-reference.yaml)."""
    chemin = RACINE / "fixtures" / "jeux" / "patients-reference.yaml"
    return yaml.safe_load(chemin.read_text(encoding="utf-8"))["patients"]


def patient_de_reference(patients_reference, nom: str) -> dict:
    try:
        return patients_reference[nom]
    except KeyError:
        pytest.fail(
            f"« {nom} » n'est pas un patient de référence (fixtures/jeux/patients-reference.yaml)."
        )


@given(parsers.parse('un patient "{patient}" qui a consenti au partage de son dossier'))
def patient_consentant(patients_reference, contexte, patient):
    fiche = patient_de_reference(patients_reference, patient)
    assert fiche.get("consentement") == "accepte", (
        f"Le jeu de référence ne décrit pas « {patient} » comme consentant au partage."
    )
    contexte["patient"] = patient


@given(parsers.parse('un patient "{patient}" qui a refusé le partage de son dossier'))
def patient_opposant(patients_reference, contexte, patient):
    fiche = patient_de_reference(patients_reference, patient)
    assert fiche.get("consentement") == "refuse", (
        f"Le jeu de référence ne décrit pas « {patient} » comme opposé au partage."
    )
    contexte["patient"] = patient


@then("l'accès m'est refusé")
def acces_refuse(solution, contexte, patients_reference):
    assert solution.acces_refuse(), (
        "L'accès aurait dû être refusé, mais la page demandée s'est affichée : "
        f"« {solution.titre_page()} »."
    )
    # A refusal proves something only if the same request opens for someone entitled to it:
    # the patient's médecin traitant, with his card (a wrong address is refused to everyone).
    fiche = patient_de_reference(patients_reference, contexte.get("patient", ""))
    solution.controler_acces_ouvert(fiche.get("medecin_traitant", ""))


@then("la tentative est tracée dans le journal d'audit")
def tentative_tracee(solution, contexte):
    objet = contexte.get("patient", "")
    entrees = solution.chercher_dans_audit("refus", objet)
    assert entrees, f"Aucune trace du refus d'accès concernant « {objet} » dans le journal d'audit."


@then("la modification est tracée dans le journal d'audit")
def modification_tracee(solution, contexte):
    objet = contexte.get("patient", "")
    entrees = solution.chercher_dans_audit("modification", objet)
    assert entrees, f"Aucune trace de la modification de « {objet} » dans le journal d'audit."
