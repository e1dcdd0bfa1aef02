"""Exchanges: patient export, pivot import, and the audit of logins."""

from __future__ import annotations

import csv
import io
import secrets

from pytest_bdd import given, parsers, then, when

COLONNES_PIVOT = (
    "id_patient,nom_naissance,nom_usage,prenoms,sexe,date_naissance,code_lieu_naissance,"
    "lieu_naissance,nir,adresse,code_postal,ville,telephone,email,rpps_medecin_traitant,"
    "consentement,date_consentement"
).split(",")


@when("j'exporte la liste des patients")
def exporter(solution, contexte):
    contexte["export"] = solution.exporter_patients()


@then(parsers.parse('le fichier exporté contient "{patient}" et les colonnes du format pivot'))
def export_conforme(contexte, patient):
    lignes = list(csv.DictReader(io.StringIO(contexte["export"])))
    assert lignes, "Le fichier exporté est vide."
    manquantes = [c for c in COLONNES_PIVOT if c not in lignes[0]]
    assert not manquantes, f"Colonnes absentes de l'export : {', '.join(manquantes)}."
    prenom, nom = patient.split(" ", 1)
    assert any(
        ligne["prenoms"].split()[0] == prenom
        and nom in (ligne["nom_usage"], ligne["nom_naissance"])
        for ligne in lignes
    ), f"« {patient} » n'est pas dans l'export ({len(lignes)} patients)."


@when(parsers.parse("j'importe un fichier pivot de {n:d} patients dont un sans date de naissance"))
def importer(solution, contexte, tmp_path, n):
    suffixe = secrets.token_hex(2).upper()
    noms = [f"Import{suffixe}{chr(65 + i)}" for i in range(n)]
    fichier = tmp_path / "patients.csv"
    with fichier.open("w", encoding="utf-8", newline="") as flux:
        ecrivain = csv.DictWriter(flux, COLONNES_PIVOT)
        ecrivain.writeheader()
        for i, nom in enumerate(noms):
            ecrivain.writerow(
                {
                    "id_patient": f"ESSAI-{suffixe}-{i}",
                    "nom_naissance": nom,
                    "nom_usage": nom,
                    "prenoms": "Camille",
                    "sexe": "F",
                    "date_naissance": "" if i == n - 1 else f"19{70 + i}-02-1{i}",
                    "code_lieu_naissance": "69123",
                    "lieu_naissance": "Lyon",
                    "code_postal": "69003",
                    "ville": "Lyon",
                }
            )
    contexte.update(noms_importes=noms[:-1], nom_rejete=noms[-1], ligne_rejetee=str(n + 1))
    contexte["rejets"] = solution.importer_pivot(fichier)


@then("le compte rendu nomme la ligne rejetée et le champ en cause")
def compte_rendu(contexte):
    rejets = contexte["rejets"]
    assert len(rejets) == 1, f"Lignes rejetées : {rejets}."
    assert rejets[0]["ligne"] == contexte["ligne_rejetee"], f"Ligne rejetée : {rejets[0]['ligne']}."
    assert "date_naissance" in rejets[0]["champ"], f"Champ en cause : {rejets[0]['champ']}."


@then("les patients valides sont retrouvés par la recherche")
def importes_retrouves(solution, contexte):
    # The valid lines found first prove the search and the identity matcher the absence of
    # the rejected line relies on.
    for nom in contexte["noms_importes"]:
        resultats = solution.rechercher_patient(nom)
        assert solution.figure_parmi(f"Camille {nom}", resultats), f"« {nom} » introuvable."
    assert not solution.rechercher_patient(contexte["nom_rejete"]), (
        "La ligne rejetée a été importée."
    )


@given(parsers.parse('"{qui}" s\'est connecté avec sa carte CPS'))
def connexion_prealable(solution, contexte, qui):
    solution.se_connecter(qui, "carte")
    contexte["utilisateur"] = qui


@then(parsers.parse("sa connexion figure dans le journal d'audit"))
def connexion_tracee(solution, contexte):
    entrees = solution.chercher_dans_audit("connexion", "", contexte["utilisateur"])
    assert entrees, f"Aucune connexion de « {contexte['utilisateur']} » dans le journal d'audit."
