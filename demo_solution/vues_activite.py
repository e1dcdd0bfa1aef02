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
    journaliser,
    lenteur,
    patient_visible,
    peut,
    t,
    utilisateur,
)
from .base import transaction
from .comptes import ROLES_SANTE
from .controles import date_fr, lire_date

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
        (str(p["id"]), f"{p['prenom']} {p['nom']} ({date_fr(p['date_naissance'])})") for p in lignes
    ]


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
    return f"{ligne['p_prenom']} {ligne['p_nom']}"


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


def agenda():
    exiger("agenda")
    patients = _patients_selectionnables() if peut("agenda", "saisie") else []
    professionnels = _professionnels()
    valeurs, erreurs = {"duree": "20"}, {}
    if request.method == "POST":
        exiger("agenda", "saisie", "création d'un rendez-vous")
        lenteur("enregistrement-lent", 3)
        valeurs, erreurs = _valider_rdv(request.form, patients, professionnels)
        if not erreurs:
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
        valeurs, erreurs = _valider_tache(request.form, patients, personnes)
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
