"""Patients: list, searches, dossier administratif, consent, fiche de synthèse."""

import datetime as dt
import math

from flask import flash, redirect, render_template, request, url_for

from .acces import (
    charger_patient,
    db,
    defaut,
    exiger,
    exiger_dossier,
    exiger_synthese,
    filtre_visibilite,
    identite,
    journaliser,
    lenteur,
    nom_patient,
    patient_visible,
    t,
    utilisateur,
)
from .base import transaction
from .comptes import MEDECIN
from .controles import (
    controle_code_postal,
    controle_courriel,
    controle_date_naissance,
    controle_nir,
    controle_telephone,
    date_fr,
    normaliser_nir,
    normaliser_telephone,
    sans_accents,
)

PAR_PAGE = 100
ORDRE = "ORDER BY sans_accents(p.nom), sans_accents(p.prenom), p.id"
CHAMPS_DOSSIER = {
    "nom": "libelle_nom",
    "nom_naissance": "libelle_nom_naissance",
    "prenom": "libelle_prenom",
    "sexe": "libelle_sexe",
    "date_naissance": "libelle_date_naissance",
    "lieu_naissance": "libelle_lieu_naissance",
    "nir": "libelle_nir",
    "adresse": "libelle_adresse",
    "code_postal": "libelle_code_postal",
    "ville": "libelle_ville",
    "telephone": "libelle_telephone",
    "email": "libelle_courriel",
    "medecin_traitant_id": "libelle_medecin_traitant",
}
TYPES_ELEMENTS = {
    "antecedent": "option_antecedent",
    "allergie": "option_allergie",
    "traitement": "option_traitement",
}


def _motif(texte: str) -> str:
    """LIKE pattern matching ``texte`` anywhere, with LIKE wildcards taken literally."""
    echappe = texte.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{echappe}%"


def medecins() -> list:
    return (
        db()
        .execute("SELECT id, nom_affiche FROM utilisateurs WHERE role = ? ORDER BY id", (MEDECIN,))
        .fetchall()
    )


def liste():
    exiger("patients")
    q = request.args.get("q", "").strip()
    condition, parametres = filtre_visibilite()
    conditions, parametres = [condition], list(parametres)
    for mot in sans_accents(q).split():
        conditions.append(
            "(sans_accents(p.nom) LIKE ? ESCAPE '\\' OR sans_accents(p.prenom) LIKE ? ESCAPE '\\'"
            " OR sans_accents(p.nom_naissance) LIKE ? ESCAPE '\\')"
        )
        parametres += [_motif(mot)] * 3
    where = " AND ".join(conditions)
    total = db().execute(f"SELECT count(*) FROM patients p WHERE {where}", parametres).fetchone()[0]
    pages = max(1, math.ceil(total / PAR_PAGE))
    try:
        page = min(max(1, int(request.args.get("page", "1"))), pages)
    except ValueError:
        page = 1
    lignes = (
        db()
        .execute(
            f"SELECT p.* FROM patients p WHERE {where} {ORDRE} LIMIT ? OFFSET ?",
            [*parametres, PAR_PAGE, (page - 1) * PAR_PAGE],
        )
        .fetchall()
    )
    return render_template(
        "patients.html", patients=lignes, total=total, page=page, pages=pages, q=q
    )


def recherche_avancee():
    exiger("patients")
    criteres = {
        c: request.args.get(c, "").strip()
        for c in ("nom", "prenom", "date_naissance", "sexe", "ville", "medecin", "consentement")
    }
    resultats = None
    alerte = None
    if request.args:
        condition, parametres = filtre_visibilite()
        conditions, parametres = [condition], list(parametres)
        for champ in ("nom", "prenom", "ville"):
            if criteres[champ]:
                conditions.append(f"sans_accents(p.{champ}) LIKE ? ESCAPE '\\'")
                parametres.append(_motif(sans_accents(criteres[champ])))
        if criteres["date_naissance"]:
            conditions.append("p.date_naissance = ?")
            parametres.append(criteres["date_naissance"])
        if criteres["sexe"] in ("F", "M"):
            conditions.append("p.sexe = ?")
            parametres.append(criteres["sexe"])
        if criteres["medecin"] == "aucun":
            conditions.append("p.medecin_traitant_id IS NULL")
        elif criteres["medecin"].isdigit():
            conditions.append("p.medecin_traitant_id = ?")
            parametres.append(int(criteres["medecin"]))
        if criteres["consentement"] in ("accepte", "refuse"):
            conditions.append("p.consentement = ?")
            parametres.append(criteres["consentement"])
        elif criteres["consentement"] == "non_recueilli":
            conditions.append("p.consentement IS NULL")
        if len(conditions) == 1:
            alerte = t("msg_recherche_vide")
        else:
            lenteur("recherche-lente", 2)
            resultats = (
                db()
                .execute(
                    f"SELECT p.* FROM patients p WHERE {' AND '.join(conditions)} {ORDRE}",
                    parametres,
                )
                .fetchall()
            )
    return render_template(
        "recherche_avancee.html",
        criteres=criteres,
        resultats=resultats,
        alerte=alerte,
        medecins=medecins(),
    )


def _valider_dossier(formulaire) -> tuple[dict, dict]:
    v = {champ: formulaire.get(champ, "").strip() for champ in CHAMPS_DOSSIER}
    e = {}
    if not v["nom"]:
        e["nom"] = "Le nom est obligatoire."
    if not v["prenom"]:
        e["prenom"] = "Le prénom est obligatoire."
    if v["sexe"] not in ("F", "M"):
        e["sexe"] = "Le sexe est obligatoire."
    if message := controle_date_naissance(v["date_naissance"]):
        e["date_naissance"] = message
    v["nir"] = normaliser_nir(v["nir"])
    sexe = v["sexe"] if v["sexe"] in ("F", "M") else None
    if v["nir"] and (message := controle_nir(v["nir"], sexe)):
        e["nir"] = message
    if v["code_postal"] and (message := controle_code_postal(v["code_postal"])):
        e["code_postal"] = message
    if v["telephone"] and (message := controle_telephone(v["telephone"])):
        e["telephone"] = message
    if v["email"] and (message := controle_courriel(v["email"])):
        e["email"] = message
    if v["medecin_traitant_id"] and v["medecin_traitant_id"] not in {
        str(m["id"]) for m in medecins()
    }:
        e["medecin_traitant_id"] = "Le médecin traitant choisi n'existe pas."
    # Keep the order of the form so the error summary reads top to bottom.
    return v, {champ: e[champ] for champ in CHAMPS_DOSSIER if champ in e}


def _colonnes_dossier(v: dict) -> dict:
    return {
        "nom": v["nom"],
        "nom_naissance": v["nom_naissance"] or v["nom"],
        "prenom": v["prenom"],
        "sexe": v["sexe"],
        "date_naissance": v["date_naissance"],
        "lieu_naissance": v["lieu_naissance"] or None,
        "nir": v["nir"] or None,
        "adresse": v["adresse"] or None,
        "code_postal": v["code_postal"] or None,
        "ville": v["ville"] or None,
        "telephone": normaliser_telephone(v["telephone"]) or None,
        "email": v["email"] or None,
        "medecin_traitant_id": int(v["medecin_traitant_id"]) if v["medecin_traitant_id"] else None,
    }


def synchroniser_medecin_traitant(patient_id: int) -> None:
    """Keep the "médecin traitant" correspondent row in line with the dossier."""
    db().execute(
        "DELETE FROM correspondants WHERE patient_id = ? AND role = 'médecin traitant'",
        (patient_id,),
    )
    db().execute(
        "INSERT INTO correspondants (patient_id, nom, specialite, role)"
        " SELECT p.id, u.nom_affiche, u.role, 'médecin traitant'"
        " FROM patients p JOIN utilisateurs u ON u.id = p.medecin_traitant_id WHERE p.id = ?",
        (patient_id,),
    )


def _formulaire_dossier(valeurs: dict, erreurs: dict, patient=None):
    return render_template(
        "dossier_form.html",
        valeurs=valeurs,
        erreurs=erreurs,
        patient=patient,
        medecins=medecins(),
        libelles=CHAMPS_DOSSIER,
    )


def nouveau():
    exiger("patients", "saisie", "création d'un dossier administratif")
    if request.method == "GET":
        return _formulaire_dossier({}, {})
    lenteur("enregistrement-lent", 3)
    valeurs, erreurs = _valider_dossier(request.form)
    if erreurs:
        return _formulaire_dossier(valeurs, erreurs)
    colonnes = _colonnes_dossier(valeurs)
    with transaction(db()):
        noms = ", ".join(colonnes)
        marques = ", ".join("?" for _ in colonnes)
        patient_id = (
            db()
            .execute(f"INSERT INTO patients ({noms}) VALUES ({marques})", tuple(colonnes.values()))
            .lastrowid
        )
        synchroniser_medecin_traitant(patient_id)
        journaliser(
            "création du dossier administratif",
            f"patient {identite(colonnes['prenom'], colonnes['nom'])}",
        )
    flash(t("msg_dossier_enregistre"), "status")
    return redirect(url_for("dossier", patient_id=patient_id))


def modifier(patient_id: int):
    patient = charger_patient(patient_id)
    exiger_dossier(patient, "edition")
    if request.method == "GET":
        valeurs = {champ: patient[champ] or "" for champ in CHAMPS_DOSSIER}
        valeurs["medecin_traitant_id"] = str(patient["medecin_traitant_id"] or "")
        return _formulaire_dossier(valeurs, {}, patient)
    lenteur("enregistrement-lent", 3)
    valeurs, erreurs = _valider_dossier(request.form)
    if erreurs:
        return _formulaire_dossier(valeurs, erreurs, patient)
    colonnes = _colonnes_dossier(valeurs)
    with transaction(db()):
        affectations = ", ".join(f"{c} = ?" for c in colonnes)
        db().execute(
            f"UPDATE patients SET {affectations} WHERE id = ?", (*colonnes.values(), patient_id)
        )
        synchroniser_medecin_traitant(patient_id)
        if not defaut("audit-absent"):
            journaliser(
                "modification du dossier administratif",
                f"patient {identite(colonnes['prenom'], colonnes['nom'])}",
            )
    flash(t("msg_dossier_enregistre"), "status")
    return redirect(url_for("dossier", patient_id=patient_id))


def texte_consentement(patient) -> str:
    if not patient["consentement"]:
        return t("texte_consentement_non_recueilli")
    cle = f"texte_consentement_{patient['consentement']}"
    if not patient["consentement_par"]:
        cle += "_sans_auteur"
    return t(cle, date=date_fr(patient["consentement_date"]), par=patient["consentement_par"])


def _page_dossier(patient, erreurs_consentement=None):
    medecin = None
    if patient["medecin_traitant_id"]:
        medecin = (
            db()
            .execute(
                "SELECT nom_affiche FROM utilisateurs WHERE id = ?",
                (patient["medecin_traitant_id"],),
            )
            .fetchone()["nom_affiche"]
        )
    return render_template(
        "dossier.html",
        patient=patient,
        medecin=medecin,
        consentement=texte_consentement(patient),
        erreurs=erreurs_consentement or {},
    )


def dossier(patient_id: int):
    patient = charger_patient(patient_id)
    exiger_dossier(patient)
    return _page_dossier(patient)


def consentement(patient_id: int):
    patient = charger_patient(patient_id)
    exiger_dossier(patient)
    exiger("consentement", "saisie", f"consentement du patient {nom_patient(patient)}")
    choix = request.form.get("consentement", "")
    if choix not in ("accepte", "refuse"):
        erreurs = {"consentement": "Choisissez la décision du patient."}
        return _page_dossier(patient, erreurs)
    with transaction(db()):
        db().execute(
            "UPDATE patients SET consentement = ?, consentement_date = ?, consentement_par = ?"
            " WHERE id = ?",
            (choix, dt.date.today().isoformat(), utilisateur().nom_affiche, patient_id),
        )
        if not defaut("audit-absent"):
            decision = "partage accepté" if choix == "accepte" else "partage refusé"
            journaliser("recueil du consentement", f"patient {nom_patient(patient)} : {decision}")
    flash(t("msg_consentement_enregistre"), "status")
    if not patient_visible(charger_patient(patient_id)):
        # Recording a refusal can hide the file from the very person who recorded it.
        return redirect(url_for("patients"))
    return redirect(url_for("dossier", patient_id=patient_id))


def _page_synthese(patient, valeurs=None, erreurs=None):
    elements = {type_: [] for type_ in TYPES_ELEMENTS}
    for ligne in db().execute(
        "SELECT * FROM elements_medicaux WHERE patient_id = ? ORDER BY id", (patient["id"],)
    ):
        elements[ligne["type"]].append(ligne)
    if defaut("synthese-incomplete"):
        elements["traitement"] = []
    correspondants = (
        db()
        .execute(
            "SELECT * FROM correspondants WHERE patient_id = ?"
            " ORDER BY role IS NULL, role != 'médecin traitant', id",
            (patient["id"],),
        )
        .fetchall()
    )
    return render_template(
        "synthese.html",
        patient=patient,
        elements=elements,
        correspondants=correspondants,
        types=TYPES_ELEMENTS,
        valeurs=valeurs or {},
        erreurs=erreurs or {},
    )


def synthese(patient_id: int):
    patient = charger_patient(patient_id)
    exiger_synthese(patient)
    journaliser("consultation de la synthèse", f"patient {nom_patient(patient)}")
    return _page_synthese(patient)


def synthese_ajout(patient_id: int):
    patient = charger_patient(patient_id)
    exiger_synthese(patient, "edition")
    valeurs = {
        "type_element": request.form.get("type_element", ""),
        "libelle": request.form.get("libelle", "").strip(),
    }
    erreurs = {}
    if valeurs["type_element"] not in TYPES_ELEMENTS:
        erreurs["type_element"] = "Le type est obligatoire."
    if not valeurs["libelle"]:
        erreurs["libelle"] = "Le libellé est obligatoire."
    if erreurs:
        return _page_synthese(patient, valeurs, erreurs)
    with transaction(db()):
        db().execute(
            "INSERT INTO elements_medicaux (patient_id, type, libelle, date_debut)"
            " VALUES (?, ?, ?, ?)",
            (patient_id, valeurs["type_element"], valeurs["libelle"], dt.date.today().isoformat()),
        )
        type_texte = t(TYPES_ELEMENTS[valeurs["type_element"]]).lower()
        journaliser(
            "ajout d'un élément à la synthèse",
            f"patient {nom_patient(patient)} : {type_texte} « {valeurs['libelle']} »",
        )
    flash(t("msg_element_ajoute"), "status")
    return redirect(url_for("synthese", patient_id=patient_id))
