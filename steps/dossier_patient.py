"""The patient file: list, search, administrative file, medical summary."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from recette.adaptateur.solution import ControleImpossible
from steps.generiques import patient_de_reference

# A valid new patient; a scenario about one invalid field changes only that field.
PATIENT_VALIDE = {
    "nom": "Essai",
    "prénom": "Valentin",
    "sexe": "Masculin",
    "date de naissance": "14/07/1979",
    "code postal": "69007",
    "ville": "Lyon",
}


def _table(datatable) -> dict[str, str]:
    lignes = [ligne for ligne in datatable if any(cellule.strip() for cellule in ligne)]
    return {cle.strip(): valeur.strip() for cle, valeur in lignes[1:]}


@when("j'affiche la liste des patients")
def afficher_liste(solution, contexte):
    contexte["resultats"] = solution.lister_patients()


@then(parsers.parse('"{patient}" figure dans la liste'))
def figure_dans_liste(solution, contexte, patient):
    vus = contexte["resultats"]
    # The list is paginated; a person would search when the name is not on the first page.
    if not solution.figure_parmi(patient, vus):
        vus = solution.rechercher_patient(patient.split()[-1])
    assert solution.figure_parmi(patient, vus), (
        f"« {patient} » n'apparaît pas ({len(vus)} patient(s) lu(s))."
    )


@then(parsers.parse("la page montre {n:d} patients"))
def page_montre(contexte, n):
    assert len(contexte["resultats"]) == n, (
        f"La page montre {len(contexte['resultats'])} patients au lieu de {n}."
    )


@then("je peux passer à la page suivante")
def page_suivante(solution, contexte):
    suivants = solution.page_suivante()
    assert suivants, "La page suivante est vide ou absente."
    assert suivants != contexte["resultats"], "La page suivante répète la première."


@when(parsers.parse('je recherche le patient "{texte}"'))
def rechercher(solution, contexte, texte):
    contexte["resultats"] = solution.rechercher_patient(texte)


@when("je fais une recherche avancée avec les critères suivants :")
def recherche_avancee(solution, contexte, datatable):
    criteres = _table(datatable)
    contexte["criteres"] = criteres
    contexte["resultats_detail"] = solution.recherche_avancee(criteres)
    contexte["resultats"] = [r["patient"] for r in contexte["resultats_detail"]]


@then(parsers.parse('"{patient}" figure dans les résultats'))
def figure(solution, contexte, patient):
    assert solution.figure_parmi(patient, contexte["resultats"]), (
        f"« {patient} » n'est pas dans les résultats ({len(contexte['resultats'])} trouvés)."
    )


@then(parsers.parse('"{patient}" ne figure pas dans les résultats'))
def ne_figure_pas(solution, contexte, patients_reference, patient):
    assert not solution.figure_parmi(patient, contexte["resultats"]), (
        f"« {patient} » apparaît dans les résultats."
    )
    # Not seeing proves nothing until the bench shows it could have seen (DESIGN.md): the same
    # list shows other patients, and the same search finds the patient for their médecin
    # traitant, who may see them whatever their consent.
    solution.controler_liste_lue(patient)
    fiche = patient_de_reference(patients_reference, patient)
    solution.controler_patient_visible(patient, fiche.get("medecin_traitant"))


@then(parsers.parse('tous les résultats habitent "{ville}"'))
def tous_habitent(solution, contexte, ville):
    # "No result elsewhere" is vacuous over an empty list.
    if not contexte["resultats_detail"]:
        raise ControleImpossible("la recherche ne montre aucun résultat dont lire la ville.")
    autres = [
        r for r in contexte["resultats_detail"] if r.get("ville", "").casefold() != ville.casefold()
    ]
    assert not autres, f"Résultats hors de {ville} : {', '.join(r['patient'] for r in autres[:5])}."


@when(parsers.parse('j\'ouvre la fiche de synthèse de "{patient}"'))
def ouvrir_synthese(solution, contexte, patient):
    contexte["patient"] = patient
    solution.ouvrir_synthese(patient)
    assert not solution.acces_refuse(), f"L'accès à la synthèse de « {patient} » a été refusé."


@when(parsers.parse('je cherche à ouvrir la fiche de synthèse de "{patient}"'))
def tenter_synthese(solution, contexte, patient):
    contexte["patient"] = patient
    solution.ouvrir_synthese(patient)


def _verifier_section(synthese, fiche, section, libelle):
    attendus = fiche.get(section, [])
    vus = synthese.get(section, [])
    manquants = [a for a in attendus if not any(a in v for v in vus)]
    assert not manquants, (
        f"{libelle} : manquent {', '.join(manquants)} (affichés : {vus or 'rien'})."
    )


@then("je vois ses antécédents, ses allergies et ses traitements en cours")
def voir_synthese(solution, contexte, patients_reference):
    fiche = patient_de_reference(patients_reference, contexte["patient"])
    synthese = solution.lire_synthese()
    _verifier_section(synthese, fiche, "antecedents", "Antécédents")
    _verifier_section(synthese, fiche, "allergies", "Allergies")
    _verifier_section(synthese, fiche, "traitements", "Traitements en cours")


@then("je vois ses traitements en cours")
def voir_traitements(solution, contexte, patients_reference):
    fiche = patient_de_reference(patients_reference, contexte["patient"])
    _verifier_section(solution.lire_synthese(), fiche, "traitements", "Traitements en cours")


@then("je vois son médecin traitant parmi ses correspondants")
def voir_medecin_traitant(solution, contexte, patients_reference):
    fiche = patient_de_reference(patients_reference, contexte["patient"])
    correspondants = solution.lire_synthese().get("correspondants", [])
    assert any(fiche["medecin_traitant"] in c for c in correspondants), (
        f"{fiche['medecin_traitant']} n'apparaît pas parmi les correspondants ({correspondants})."
    )


@when("je crée le dossier d'un nouveau patient :")
def creer_dossier(solution, contexte, datatable):
    champs = _table(datatable)
    contexte["patient"] = f"{champs.get('prénom', '')} {champs.get('nom', '')}".strip()
    solution.creer_patient(champs)


@when(parsers.parse('je saisis un nouveau dossier dont le champ "{champ}" vaut "{valeur}"'))
def saisir_invalide(solution, contexte, champ, valeur):
    champs = dict(PATIENT_VALIDE)
    champs[champ] = valeur
    solution.creer_patient(champs)


@then("le dossier est enregistré")
def dossier_enregistre(solution):
    erreurs = solution.erreurs_de_saisie()
    assert not erreurs, f"Le dossier n'a pas été enregistré : {erreurs}."
    assert solution.confirmation(), "Aucune confirmation d'enregistrement n'est affichée."


@then("le dossier n'est pas enregistré")
def dossier_non_enregistre(solution):
    assert not solution.confirmation(), "Le dossier a été enregistré malgré la valeur invalide."
    assert solution.erreurs_de_saisie(), "Aucune erreur de saisie n'est affichée."
    # The refusal is seen, not inferred from a missing confirmation: the form is still there.
    solution.controler_formulaire_affiche("patient")


@then(parsers.parse('le champ "{champ}" est signalé en erreur'))
def champ_en_erreur(solution, champ):
    erreurs = solution.erreurs_de_saisie()
    assert champ in erreurs, f"Le champ « {champ} » n'est pas signalé (erreurs : {erreurs})."
    assert erreurs[champ], f"Le champ « {champ} » est signalé sans explication."


@then(parsers.parse('je retrouve "{patient}" en recherchant "{texte}"'))
def retrouver(solution, patient, texte):
    resultats = solution.rechercher_patient(texte)
    assert solution.figure_parmi(patient, resultats), (
        f"« {patient} » introuvable en recherchant « {texte} »."
    )


@when(parsers.parse('je modifie le téléphone de "{patient}" en "{telephone}"'))
def modifier_telephone(solution, contexte, patient, telephone):
    contexte["patient"] = patient
    solution.modifier_patient(patient, {"téléphone": telephone})


@when("j'affiche la matrice des habilitations")
def afficher_matrice(solution, contexte):
    contexte["matrice"] = solution.lire_habilitations()


@then("elle indique pour chaque profil ses droits sur la synthèse médicale")
def matrice_synthese(contexte, profil):
    matrice = contexte["matrice"]
    roles = {c.role for c in profil.comptes}
    manquants = [r for r in roles if r not in matrice or "synthese" not in matrice[r]]
    assert not manquants, f"La matrice ne donne pas les droits sur la synthèse de : {manquants}."
