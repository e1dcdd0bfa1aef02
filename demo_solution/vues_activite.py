"""Day-to-day work of the MSP: agenda, tâches, messagerie."""

import datetime as dt
import re

from flask import flash, redirect, render_template, request, url_for

from .acces import (
    Introuvable,
    Refus,
    db,
    exiger,
    filtre_visibilite,
    identite,
    journaliser,
    lenteur,
    patient_visible,
    peut,
    presentation,
    t,
    utilisateur,
)
from .base import transaction
from .comptes import ROLES_SANTE
from .controles import date_fr, lire_date, sans_accents

_HEURE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DUREE_MIN, DUREE_MAX = 5, 240


def _patients_selectionnables() -> list[tuple[str, str]]:
    """(id, label) of the patients the user may pick in a form."""
    condition, parametres = filtre_visibilite()
    lignes = db().execute(
        f"SELECT p.id, p.prenom, p.nom, p.date_naissance FROM patients p WHERE {condition}"
        " ORDER BY sans_accents(p.nom), sans_accents(p.prenom), p.id",
        parametres,
    )
    return [
        (str(p["id"]), f"{identite(p['prenom'], p['nom'])} ({date_fr(p['date_naissance'])})")
        for p in lignes
    ]


def _comparable(texte: str) -> str:
    return " ".join(sans_accents(texte).split())


def _formulaire_patient_saisi(formulaire, patients) -> tuple[dict, str | None]:
    """The form as a dict whose ``patient_id`` comes from the typed name (edition c).

    The typed text is a suggestion (« NOM Prénom (JJ/MM/AAAA) ») or a name alone when only
    one patient the user may see bears it; it is compared without case or accents. The second
    value is the French error when the text names nobody, or several patients.
    """
    donnees = {cle: formulaire.get(cle, "") for cle in formulaire}
    if not presentation().patient_par_nom:
        return donnees, None
    texte = _comparable(donnees.get("patient", ""))
    donnees["patient_id"] = ""
    if not texte:
        return donnees, None
    exacts = [i for i, libelle in patients if _comparable(libelle) == texte]
    homonymes = [i for i, libelle in patients if _comparable(libelle.rsplit(" (", 1)[0]) == texte]
    trouves = exacts or homonymes
    if len(trouves) == 1:
        donnees["patient_id"] = trouves[0]
        return donnees, None
    if trouves:
        return donnees, (
            "Plusieurs patients portent ce nom : choisissez dans la liste celui dont la date "
            "de naissance convient."
        )
    return donnees, "Aucun patient de ce nom : choisissez un patient dans la liste proposée."


def _professionnels() -> list[tuple[str, str]]:
    marques = ", ".join("?" for _ in ROLES_SANTE)
    lignes = db().execute(
        f"SELECT id, nom_affiche FROM utilisateurs WHERE role IN ({marques}) ORDER BY id",
        ROLES_SANTE,
    )
    return [(str(u["id"]), u["nom_affiche"]) for u in lignes]


def _utilisateurs(sauf: int | None = None) -> list[tuple[str, str]]:
    lignes = db().execute("SELECT id, nom_affiche, role FROM utilisateurs ORDER BY id")
    return [(str(u["id"]), f"{u['nom_affiche']} ({u['role']})") for u in lignes if u["id"] != sauf]


def _nom_patient_affichable(ligne) -> str | None:
    """Patient name of a joined row, hidden when the consent rule forbids it."""
    if ligne["patient_id"] is None:
        return None
    patient = {
        "consentement": ligne["p_consentement"],
        "medecin_traitant_id": ligne["p_medecin_traitant_id"],
    }
    if not patient_visible(patient):
        return t("texte_patient_masque")
    return identite(ligne["p_prenom"], ligne["p_nom"])


_COLONNES_PATIENT = (
    "p.prenom AS p_prenom, p.nom AS p_nom, p.consentement AS p_consentement,"
    " p.medecin_traitant_id AS p_medecin_traitant_id"
)


# --- Agenda -----------------------------------------------------------------------------


def _valider_rdv(formulaire, patients, professionnels) -> tuple[dict, dict]:
    cles = ("patient_id", "professionnel_id", "date", "heure", "duree", "motif")
    v = {c: formulaire.get(c, "").strip() for c in cles}
    e = {}
    if not v["patient_id"]:
        e["patient_id"] = "Le patient est obligatoire."
    elif v["patient_id"] not in dict(patients):
        e["patient_id"] = "Le patient choisi n'existe pas."
    if v["professionnel_id"] not in dict(professionnels):
        e["professionnel_id"] = "Le professionnel est obligatoire."
    jour = lire_date(v["date"])
    if not v["date"]:
        e["date"] = "La date est obligatoire."
    elif jour is None:
        e["date"] = "La date n'est pas valide (format attendu : AAAA-MM-JJ)."
    if not v["heure"]:
        e["heure"] = "L'heure est obligatoire."
    elif not _HEURE.match(v["heure"]):
        e["heure"] = "L'heure n'est pas valide (format attendu : HH:MM)."
    if not v["duree"].isdigit() or not DUREE_MIN <= int(v["duree"]) <= DUREE_MAX:
        e["duree"] = f"La durée doit être un nombre de minutes entre {DUREE_MIN} et {DUREE_MAX}."
    if "date" not in e and "heure" not in e:
        debut = dt.datetime.combine(jour, dt.time.fromisoformat(v["heure"]))
        if debut < dt.datetime.now():
            e["date"] = "Le rendez-vous ne peut pas être dans le passé."
    return v, e


def _conflit(professionnel_id: int, debut: dt.datetime, duree: int) -> bool:
    fin = debut + dt.timedelta(minutes=duree)
    existants = db().execute(
        "SELECT debut, duree_minutes FROM rendezvous"
        " WHERE professionnel_id = ? AND substr(debut, 1, 10) = ?",
        (professionnel_id, debut.date().isoformat()),
    )
    for rdv in existants:
        autre_debut = dt.datetime.fromisoformat(rdv["debut"])
        autre_fin = autre_debut + dt.timedelta(minutes=rdv["duree_minutes"])
        if autre_debut < fin and debut < autre_fin:
            return True
    return False


def _enregistrer_rdv(patients, professionnels):
    """Validate and book the posted appointment; (values, errors) to show again on failure."""
    exiger("agenda", "saisie", "création d'un rendez-vous")
    lenteur("enregistrement-lent", 3)
    formulaire, erreur_patient = _formulaire_patient_saisi(request.form, patients)
    valeurs, erreurs = _valider_rdv(formulaire, patients, professionnels)
    if erreur_patient:
        erreurs["patient_id"] = erreur_patient
    valeurs["patient"] = request.form.get("patient", "").strip()
    if erreurs:
        return valeurs, erreurs
    debut = dt.datetime.combine(
        dt.date.fromisoformat(valeurs["date"]), dt.time.fromisoformat(valeurs["heure"])
    )
    with transaction(db()):
        if _conflit(int(valeurs["professionnel_id"]), debut, int(valeurs["duree"])):
            erreurs["heure"] = "Ce professionnel a déjà un rendez-vous sur ce créneau."
        else:
            db().execute(
                "INSERT INTO rendezvous"
                " (patient_id, professionnel_id, debut, duree_minutes, motif)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    int(valeurs["patient_id"]),
                    int(valeurs["professionnel_id"]),
                    debut.isoformat(timespec="minutes"),
                    int(valeurs["duree"]),
                    valeurs["motif"] or None,
                ),
            )
            journaliser(
                "création d'un rendez-vous",
                f"patient {dict(patients)[valeurs['patient_id']]} avec "
                f"{dict(professionnels)[valeurs['professionnel_id']]} le "
                f"{date_fr(valeurs['date'])} à {valeurs['heure']}",
            )
    return valeurs, erreurs


def agenda():
    exiger("agenda")
    patients = _patients_selectionnables() if peut("agenda", "saisie") else []
    professionnels = _professionnels()
    valeurs, erreurs = {"duree": "20"}, {}
    if request.method == "POST":
        valeurs, erreurs = _enregistrer_rdv(patients, professionnels)
        if not erreurs:
            flash(t("msg_rdv_enregistre"), "status")
            return redirect(url_for("agenda"))

    filtres = {
        "filtre_professionnel": request.args.get("filtre_professionnel", ""),
        "filtre_date": request.args.get("filtre_date", ""),
    }
    conditions, parametres = ["1"], []
    if filtres["filtre_professionnel"].isdigit():
        conditions.append("r.professionnel_id = ?")
        parametres.append(int(filtres["filtre_professionnel"]))
    if lire_date(filtres["filtre_date"]):
        conditions.append("substr(r.debut, 1, 10) = ?")
        parametres.append(filtres["filtre_date"])
    lignes = (
        db()
        .execute(
            f"SELECT r.*, u.nom_affiche AS professionnel, {_COLONNES_PATIENT}"
            " FROM rendezvous r JOIN utilisateurs u ON u.id = r.professionnel_id"
            " JOIN patients p ON p.id = r.patient_id"
            f" WHERE {' AND '.join(conditions)} ORDER BY r.debut, u.id",
            parametres,
        )
        .fetchall()
    )
    rendezvous = [
        {
            "date": date_fr(r["debut"]),
            "heure": r["debut"][11:16],
            "duree": t("texte_minutes", n=r["duree_minutes"]),
            "patient": _nom_patient_affichable(r),
            "professionnel": r["professionnel"],
            "motif": r["motif"] or "",
        }
        for r in lignes
    ]
    return render_template(
        "agenda.html",
        rendezvous=rendezvous,
        filtres=filtres,
        patients=patients,
        professionnels=professionnels,
        valeurs=valeurs,
        erreurs=erreurs,
    )


def nouveau_rdv():
    """Booking form on its own page (edition c reaches it by « Nouveau rendez-vous »)."""
    exiger("agenda", "saisie", "création d'un rendez-vous")
    patients = _patients_selectionnables()
    professionnels = _professionnels()
    valeurs, erreurs = {"duree": "20"}, {}
    if request.method == "POST":
        valeurs, erreurs = _enregistrer_rdv(patients, professionnels)
        if not erreurs:
            flash(t("msg_rdv_enregistre"), "status")
            return redirect(url_for("agenda"))
    return render_template(
        "rdv_nouveau.html",
        patients=patients,
        professionnels=professionnels,
        valeurs=valeurs,
        erreurs=erreurs,
    )


# --- Tâches -----------------------------------------------------------------------------


def _valider_tache(formulaire, patients, personnes) -> tuple[dict, dict]:
    cles = ("titre", "patient_id", "assignee_id", "echeance")
    v = {c: formulaire.get(c, "").strip() for c in cles}
    e = {}
    if not v["titre"]:
        e["titre"] = "Le titre est obligatoire."
    if v["patient_id"] and v["patient_id"] not in dict(patients):
        e["patient_id"] = "Le patient choisi n'existe pas."
    if v["assignee_id"] not in dict(personnes):
        e["assignee_id"] = "Choisissez la personne à qui la tâche est assignée."
    if not v["echeance"]:
        e["echeance"] = "L'échéance est obligatoire."
    elif lire_date(v["echeance"]) is None:
        e["echeance"] = "L'échéance n'est pas une date valide (format attendu : AAAA-MM-JJ)."
    return v, e


def taches():
    exiger("taches")
    u = utilisateur()
    patients = _patients_selectionnables() if peut("taches", "saisie") else []
    personnes = _utilisateurs()
    valeurs, erreurs = {}, {}
    if request.method == "POST":
        exiger("taches", "saisie", "création d'une tâche")
        formulaire, erreur_patient = _formulaire_patient_saisi(request.form, patients)
        valeurs, erreurs = _valider_tache(formulaire, patients, personnes)
        if erreur_patient:
            erreurs["patient_id"] = erreur_patient
        valeurs["patient"] = request.form.get("patient", "").strip()
        if not erreurs:
            with transaction(db()):
                db().execute(
                    "INSERT INTO taches"
                    " (titre, patient_id, assignee_id, createur_id, echeance, statut)"
                    " VALUES (?, ?, ?, ?, ?, 'à faire')",
                    (
                        valeurs["titre"],
                        int(valeurs["patient_id"]) if valeurs["patient_id"] else None,
                        int(valeurs["assignee_id"]),
                        u.id,
                        valeurs["echeance"],
                    ),
                )
                journaliser("création d'une tâche", f"tâche « {valeurs['titre']} »")
            flash(t("msg_tache_creee"), "status")
            return redirect(url_for("taches"))

    miennes = request.args.get("filtre") == "miennes"
    condition = "t.assignee_id = ?" if miennes else "1"
    lignes = (
        db()
        .execute(
            f"SELECT t.*, u.nom_affiche AS assignee, {_COLONNES_PATIENT}"
            " FROM taches t JOIN utilisateurs u ON u.id = t.assignee_id"
            " LEFT JOIN patients p ON p.id = t.patient_id"
            f" WHERE {condition} ORDER BY t.statut = 'faite', t.echeance, t.id",
            (u.id,) if miennes else (),
        )
        .fetchall()
    )
    liste = [
        {
            "id": r["id"],
            "titre": r["titre"],
            "patient": _nom_patient_affichable(r) or "",
            "assignee": r["assignee"],
            "echeance": date_fr(r["echeance"]),
            "statut": r["statut"],
        }
        for r in lignes
    ]
    return render_template(
        "taches.html",
        taches=liste,
        miennes=miennes,
        patients=patients,
        personnes=personnes,
        valeurs=valeurs,
        erreurs=erreurs,
    )


def tache_faite(tache_id: int):
    tache = db().execute("SELECT * FROM taches WHERE id = ?", (tache_id,)).fetchone()
    if tache is None:
        raise Introuvable(t("msg_tache_introuvable"))
    exiger("taches", "edition", f"tâche « {tache['titre']} »")
    with transaction(db()):
        db().execute("UPDATE taches SET statut = 'faite' WHERE id = ?", (tache_id,))
        journaliser("tâche marquée comme faite", f"tâche « {tache['titre']} »")
    flash(t("msg_tache_faite"), "status")
    filtre = "miennes" if request.form.get("filtre") == "miennes" else None
    return redirect(url_for("taches", filtre=filtre))


# --- Messagerie -------------------------------------------------------------------------


def reception():
    exiger("messagerie")
    messages = (
        db()
        .execute(
            "SELECT m.*, u.nom_affiche AS correspondant FROM messages m"
            " JOIN utilisateurs u ON u.id = m.expediteur_id"
            " WHERE m.destinataire_id = ? ORDER BY m.envoye_le DESC, m.id DESC",
            (utilisateur().id,),
        )
        .fetchall()
    )
    return render_template("messagerie.html", messages=messages, boite="reception")


def envoyes():
    exiger("messagerie")
    messages = (
        db()
        .execute(
            "SELECT m.*, u.nom_affiche AS correspondant FROM messages m"
            " JOIN utilisateurs u ON u.id = m.destinataire_id"
            " WHERE m.expediteur_id = ? ORDER BY m.envoye_le DESC, m.id DESC",
            (utilisateur().id,),
        )
        .fetchall()
    )
    return render_template("messagerie.html", messages=messages, boite="envoyes")


def nouveau_message():
    exiger("messagerie", "saisie", "envoi d'un message")
    u = utilisateur()
    personnes = _utilisateurs(sauf=u.id)
    valeurs, erreurs = {}, {}
    if request.method == "POST":
        valeurs = {c: request.form.get(c, "").strip() for c in ("destinataire_id", "objet")}
        valeurs["corps"] = request.form.get("corps", "").strip()
        if valeurs["destinataire_id"] not in dict(personnes):
            erreurs["destinataire_id"] = "Choisissez le destinataire."
        if not valeurs["objet"]:
            erreurs["objet"] = "L'objet est obligatoire."
        if not valeurs["corps"]:
            erreurs["corps"] = "Le message est vide."
        if not erreurs:
            db().execute(
                "INSERT INTO messages (expediteur_id, destinataire_id, objet, corps, envoye_le, lu)"
                " VALUES (?, ?, ?, ?, ?, 0)",
                (
                    u.id,
                    int(valeurs["destinataire_id"]),
                    valeurs["objet"],
                    valeurs["corps"],
                    dt.datetime.now().isoformat(timespec="seconds"),
                ),
            )
            flash(t("msg_message_envoye"), "status")
            return redirect(url_for("messages_envoyes"))
    return render_template(
        "message_nouveau.html", personnes=personnes, valeurs=valeurs, erreurs=erreurs
    )


def message(message_id: int):
    exiger("messagerie")
    u = utilisateur()
    ligne = (
        db()
        .execute(
            "SELECT m.*, e.nom_affiche AS expediteur, d.nom_affiche AS destinataire FROM messages m"
            " JOIN utilisateurs e ON e.id = m.expediteur_id"
            " JOIN utilisateurs d ON d.id = m.destinataire_id WHERE m.id = ?",
            (message_id,),
        )
        .fetchone()
    )
    if ligne is None:
        raise Introuvable(t("msg_message_introuvable"))
    if u.id not in (ligne["expediteur_id"], ligne["destinataire_id"]):
        raise Refus(t("msg_refus_message"), f"message n° {message_id}")
    if ligne["destinataire_id"] == u.id and not ligne["lu"]:
        db().execute("UPDATE messages SET lu = 1 WHERE id = ?", (message_id,))
    return render_template("message.html", message=ligne)
