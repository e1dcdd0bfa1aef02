"""Anti-CSRF token of edition c: one random value per session, a hidden field on every form.

Every POST (login and import included) must carry it; a missing or wrong token is answered
with a French 403 page before the view runs, so nothing is done.
"""

import hmac
import secrets

from flask import render_template, request, session

from .acces import t

CHAMP = "jeton"


def jeton() -> str:
    """The session's token, created on first use (the login page creates it for anonymous)."""
    if CHAMP not in session:
        session[CHAMP] = secrets.token_urlsafe(32)
    return session[CHAMP]


def verifier_jeton():
    if request.method != "POST":
        return None
    attendu = session.get(CHAMP, "")
    recu = request.form.get(CHAMP, "")
    if attendu and recu and hmac.compare_digest(attendu.encode(), recu.encode()):
        return None
    titre, message = t("titre_jeton_invalide"), t("texte_jeton_invalide")
    return render_template("erreur.html", titre=titre, message=message), 403
