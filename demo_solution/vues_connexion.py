"""Login (password or CPS card), logout and home page."""

import datetime as dt

from flask import flash, g, redirect, render_template, request, session, url_for

from .acces import MODE_CPS, MODE_MDP, charger_utilisateur, db, journaliser, peut, t, utilisateur
from .comptes import ROLES_SANTE, verifier


def connexion():
    if g.utilisateur is not None:
        return redirect(url_for("accueil"))
    return render_template("connexion.html")


def _ouvrir_session(ligne, mode: str):
    # A new session on every login: no identifier survives from before authentication.
    session.clear()
    session["uid"] = ligne["id"]
    session["mode"] = mode
    g.utilisateur = charger_utilisateur(ligne["id"], mode)
    journaliser("connexion", f"connexion par {g.utilisateur.mode_texte}")
    return redirect(url_for("accueil"))


def connexion_mdp():
    identifiant = request.form.get("identifiant", "").strip()
    mot_de_passe = request.form.get("mot_de_passe", "")
    ligne = (
        db().execute("SELECT * FROM utilisateurs WHERE identifiant = ?", (identifiant,)).fetchone()
    )
    if ligne is not None and verifier(mot_de_passe, ligne["mdp_sel"], ligne["mdp_hash"]):
        return _ouvrir_session(ligne, MODE_MDP)
    journaliser("échec de connexion", f"identifiant « {identifiant} »", auteur="anonyme")
    return render_template(
        "connexion.html", erreur_mdp=t("msg_identifiants_incorrects"), identifiant=identifiant
    )


def connexion_cps():
    carte = request.form.get("carte_cps", "").replace(" ", "")
    pin = request.form.get("code_pin", "")
    ligne = db().execute("SELECT * FROM utilisateurs WHERE carte_cps = ?", (carte,)).fetchone()
    if ligne is not None and verifier(pin, ligne["pin_sel"], ligne["pin_hash"]):
        return _ouvrir_session(ligne, MODE_CPS)
    journaliser("échec de connexion", f"carte CPS n° {carte}", auteur="anonyme")
    return render_template("connexion.html", erreur_cps=t("msg_carte_incorrecte"), carte_cps=carte)


def deconnexion():
    journaliser("déconnexion", f"connexion par {utilisateur().mode_texte}")
    session.clear()
    flash(t("msg_deconnecte"), "status")
    return redirect(url_for("connexion"))


def accueil():
    u = utilisateur()

    def compter(requete: str, *parametres) -> int:
        return db().execute(requete, parametres).fetchone()[0]

    resume = {}
    if peut("messagerie"):
        resume["non_lus"] = compter(
            "SELECT count(*) FROM messages WHERE destinataire_id = ? AND lu = 0", u.id
        )
    if peut("taches"):
        resume["taches"] = compter(
            "SELECT count(*) FROM taches WHERE assignee_id = ? AND statut = 'à faire'", u.id
        )
    if peut("agenda") and u.role in ROLES_SANTE:
        resume["rdv"] = compter(
            "SELECT count(*) FROM rendezvous"
            " WHERE professionnel_id = ? AND substr(debut, 1, 10) = ?",
            u.id,
            dt.date.today().isoformat(),
        )
    return render_template("accueil.html", resume=resume)
