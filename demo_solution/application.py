"""Flask application factory: edition vocabulary, defects, routes, errors, Server-Timing."""

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jinja2
from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from . import jetons, vues_activite, vues_connexion, vues_gestion, vues_patients
from .acces import (
    NIVEAUX,
    Introuvable,
    Refus,
    charger_utilisateur,
    identite,
    journaliser,
    peut,
    t,
)
from .base import connecter, preparer_base
from .comptes import appliquer_secrets
from .controles import date_fr, date_heure_fr
from .editions import DEFAUTS, EDITIONS, PRESENTATIONS, PRODUIT, VERSION, VOCABULAIRE


class ParametreInvalide(ValueError):
    """Unknown edition or defect; ``str()`` is the French message shown to the operator."""


# (vocabulary key of the URL rule, endpoint, view, methods); a route whose key the edition's
# vocabulary lacks does not exist in that edition, and PRESENTATIONS may change its methods.
ROUTES = (
    ("chemin_connexion", "connexion", vues_connexion.connexion, ["GET"]),
    ("chemin_connexion_mdp", "connexion_mdp", vues_connexion.connexion_mdp, ["POST"]),
    ("chemin_connexion_cps", "connexion_cps", vues_connexion.connexion_cps, ["POST"]),
    ("chemin_deconnexion", "deconnexion", vues_connexion.deconnexion, ["POST"]),
    ("chemin_accueil", "accueil", vues_connexion.accueil, ["GET"]),
    ("chemin_patients", "patients", vues_patients.liste, ["GET"]),
    ("chemin_recherche_avancee", "recherche_avancee", vues_patients.recherche_avancee, ["GET"]),
    ("chemin_patient_nouveau", "patient_nouveau", vues_patients.nouveau, ["GET", "POST"]),
    ("chemin_dossier", "dossier", vues_patients.dossier, ["GET"]),
    ("chemin_dossier_modifier", "dossier_modifier", vues_patients.modifier, ["GET", "POST"]),
    ("chemin_consentement", "consentement", vues_patients.consentement, ["POST"]),
    ("chemin_synthese", "synthese", vues_patients.synthese, ["GET"]),
    ("chemin_synthese_ajout", "synthese_ajout", vues_patients.synthese_ajout, ["POST"]),
    ("chemin_agenda", "agenda", vues_activite.agenda, ["GET", "POST"]),
    ("chemin_rdv_nouveau", "rdv_nouveau", vues_activite.nouveau_rdv, ["GET", "POST"]),
    ("chemin_taches", "taches", vues_activite.taches, ["GET", "POST"]),
    ("chemin_tache_faite", "tache_faite", vues_activite.tache_faite, ["POST"]),
    ("chemin_messagerie", "messagerie", vues_activite.reception, ["GET"]),
    ("chemin_messages_envoyes", "messages_envoyes", vues_activite.envoyes, ["GET"]),
    ("chemin_message_nouveau", "message_nouveau", vues_activite.nouveau_message, ["GET", "POST"]),
    ("chemin_message", "message", vues_activite.message, ["GET"]),
    ("chemin_audit", "audit", vues_gestion.audit, ["GET"]),
    ("chemin_import_export", "import_export", vues_gestion.import_export, ["GET"]),
    ("chemin_export_patients", "export_patients", vues_gestion.export_patients, ["GET"]),
    ("chemin_export_complet", "export_complet", vues_gestion.export_complet, ["GET"]),
    ("chemin_import", "import_patients", vues_gestion.importer, ["POST"]),
    ("chemin_habilitations", "habilitations", vues_gestion.habilitations, ["GET"]),
)
PUBLIQUES = {"connexion", "connexion_mdp", "connexion_cps", "version", "static"}

# Endpoint → navigation entry, for aria-current.
RUBRIQUES = {
    "accueil": "accueil",
    "patients": "patients",
    "recherche_avancee": "patients",
    "patient_nouveau": "patients",
    "dossier": "patients",
    "dossier_modifier": "patients",
    "synthese": "patients",
    "agenda": "agenda",
    "rdv_nouveau": "agenda",
    "taches": "taches",
    "messagerie": "messagerie",
    "messages_envoyes": "messagerie",
    "message_nouveau": "messagerie",
    "message": "messagerie",
    "audit": "audit",
    "import_export": "import_export",
    "habilitations": "habilitations",
}


class ServerTiming:
    """WSGI middleware: the app's own handling time, deliberate slowness included.

    Flask calls start_response once the view has fully built the response, so the time
    taken there covers before_request hooks, the view and after_request hooks.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        debut = time.perf_counter()

        def start_response_chronometre(status, headers, exc_info=None):
            duree = (time.perf_counter() - debut) * 1000
            headers.append(("Server-Timing", f"app;dur={duree:.1f}"))
            return start_response(status, headers, exc_info)

        return self.application(environ, start_response_chronometre)


def lire_defauts(defauts) -> tuple[str, ...]:
    """Accept "a,b" or an iterable; reject unknown names with a French message."""
    if isinstance(defauts, str):
        defauts = defauts.split(",")
    noms = tuple(dict.fromkeys(d.strip() for d in defauts or () if d and d.strip()))
    inconnus = [n for n in noms if n not in DEFAUTS]
    if inconnus:
        raise ParametreInvalide(
            f"Défaut inconnu : {', '.join(inconnus)}. Défauts disponibles : {', '.join(DEFAUTS)}."
        )
    return noms


def parametres_panne(environ=os.environ) -> tuple[float, float]:
    """The ``panne`` defect's window, in seconds after the start: RECETTE_DEMO_PANNE="a-b"."""
    texte = (environ.get("RECETTE_DEMO_PANNE") or "60-120").strip()
    try:
        debut, fin = (float(x) for x in texte.split("-"))
    except ValueError:
        debut = fin = -1.0
    if not 0 <= debut < fin:
        raise ParametreInvalide(
            f"RECETTE_DEMO_PANNE : « {texte} » n'est pas une fenêtre « début-fin » en secondes "
            "après le démarrage (par exemple 60-120)."
        )
    return debut, fin


def parametres_lenteur(environ=os.environ) -> float:
    """The ``lenteur`` defect's delay per page, in seconds: RECETTE_DEMO_LENTEUR."""
    texte = (environ.get("RECETTE_DEMO_LENTEUR") or "3").strip()
    try:
        secondes = float(texte)
    except ValueError:
        secondes = -1.0
    if not 0 < secondes <= 60:
        raise ParametreInvalide(
            f"RECETTE_DEMO_LENTEUR : « {texte} » n'est pas un nombre de secondes (0 à 60)."
        )
    return secondes


def simuler_panne_et_lenteur(app: Flask, defauts: tuple[str, ...]) -> None:
    """The ``panne`` and ``lenteur`` defects as one before_request hook. The outage window is
    announced on stdout in UTC so that a test knows the real start and end it must find."""
    if "panne" not in defauts and "lenteur" not in defauts:
        return
    depart = time.monotonic()
    fenetre = parametres_panne() if "panne" in defauts else None
    lenteur = parametres_lenteur() if "lenteur" in defauts else 0.0
    if fenetre is not None:
        maintenant = datetime.now(UTC)
        debut, fin = (maintenant + timedelta(seconds=s) for s in fenetre)
        print(
            f"Panne simulée : du {debut.isoformat()} au {fin.isoformat()} (UTC), "
            "toute requête reçoit 503.",
            flush=True,
        )

    def avant_requete():
        ecoule = time.monotonic() - depart
        if fenetre is not None and fenetre[0] <= ecoule < fenetre[1]:
            return Response(
                "Service indisponible (panne simulée).",
                status=503,
                mimetype="text/plain",
                headers={"Retry-After": "10"},
            )
        if lenteur and request.endpoint != "static":
            time.sleep(lenteur)
        return None

    app.before_request(avant_requete)


def lire_edition(edition: str) -> str:
    edition = (edition or "").strip().lower()
    if edition not in EDITIONS:
        raise ParametreInvalide(
            f"Édition inconnue : « {edition} ». Éditions disponibles : {', '.join(EDITIONS)}."
        )
    return edition


def create_app(
    edition: str = "a",
    defauts=(),
    db_path: str | os.PathLike | None = None,
    reinitialiser: bool = False,
    vide: bool = False,
) -> Flask:
    """Build the demo application; create and seed the SQLite base when it is new."""
    edition = lire_edition(edition)
    defauts = lire_defauts(defauts)
    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="msp-demo-")) / "msp-demo.sqlite"
    db_path = Path(db_path)
    preparer_base(db_path, reinitialiser=reinitialiser, vide=vide)
    connexion = connecter(db_path)
    try:
        appliquer_secrets(connexion)
    finally:
        connexion.close()

    presentation = PRESENTATIONS[edition]
    app = Flask(__name__)
    if presentation.gabarits:
        # Only the edition's own folder: a template it forgot cannot borrow another markup.
        app.jinja_loader = jinja2.FileSystemLoader(
            Path(app.root_path) / "templates" / presentation.gabarits
        )
    app.config.update(
        # A fresh key per start: sessions do not survive a restart, which suits a fixture.
        SECRET_KEY=os.urandom(32),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="msp_demo_session",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        EDITION=edition,
        DEFAUTS=defauts,
        BASE=str(db_path),
        VOCABULAIRE=VOCABULAIRE[edition],
        PRESENTATION=presentation,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date_fr"] = date_fr
    app.jinja_env.filters["date_heure_fr"] = date_heure_fr
    app.jinja_env.filters["identite"] = lambda p: identite(p["prenom"], p["nom"])

    for cle, endpoint, vue, methodes in ROUTES:
        if cle in VOCABULAIRE[edition]:
            methodes = presentation.methodes.get(endpoint, methodes)
            app.add_url_rule(VOCABULAIRE[edition][cle], endpoint, vue, methods=list(methodes))
    app.add_url_rule("/", "racine", lambda: redirect(url_for("accueil")))
    app.add_url_rule("/version", "version", version)

    # First of the hooks: a simulated outage answers before any login or database work.
    simuler_panne_et_lenteur(app, defauts)
    app.before_request(identifier)
    if presentation.jeton_formulaires:
        # After identifier, so that the refusal page still shows who is logged in.
        app.before_request(jetons.verifier_jeton)
    app.teardown_appcontext(fermer_base)
    app.context_processor(contexte)
    app.register_error_handler(Refus, rendre_refus)
    app.register_error_handler(Introuvable, rendre_introuvable)
    app.register_error_handler(HTTPException, rendre_erreur_http)
    app.register_error_handler(Exception, rendre_erreur_interne)
    app.wsgi_app = ServerTiming(app.wsgi_app)
    return app


def version():
    return jsonify(
        produit=PRODUIT,
        version=VERSION,
        edition=current_app.config["EDITION"],
        defauts=list(current_app.config["DEFAUTS"]),
    )


def identifier():
    """Load the logged-in user; anything not public requires a session."""
    g.utilisateur = None
    uid = session.get("uid")
    if uid is not None:
        g.utilisateur = charger_utilisateur(uid, session.get("mode"))
        if g.utilisateur is None:
            session.clear()
    if g.utilisateur is None and request.endpoint not in PUBLIQUES:
        if request.endpoint is None:
            return None  # unknown URL: let the 404 page answer
        if request.endpoint != "racine":
            flash(t("msg_connexion_requise"), "status")
        return redirect(url_for("connexion"))
    return None


def fermer_base(_exc):
    connexion = g.pop("db", None)
    if connexion is not None:
        connexion.close()


def contexte():
    return {
        "t": current_app.config["VOCABULAIRE"],
        "utilisateur": g.get("utilisateur"),
        "peut": peut,
        "NIVEAUX": NIVEAUX,
        "edition": current_app.config["EDITION"],
        "version": VERSION,
        "produit": PRODUIT,
        "rubrique": RUBRIQUES.get(request.endpoint or ""),
        "jeton": jetons.jeton if current_app.config["PRESENTATION"].jeton_formulaires else None,
    }


def rendre_refus(refus: Refus):
    journaliser("accès refusé", refus.objet)
    return render_template("refus.html", refus=refus), 403


def rendre_introuvable(erreur: Introuvable):
    return (
        render_template("erreur.html", titre=t("titre_introuvable"), message=erreur.message),
        404,
    )


def rendre_erreur_http(erreur: HTTPException):
    titres = {404: ("titre_introuvable", "msg_introuvable"), 405: ("titre_methode", "msg_methode")}
    titre, message = titres.get(erreur.code, ("titre_erreur", "msg_erreur"))
    return render_template("erreur.html", titre=t(titre), message=t(message)), erreur.code


def rendre_erreur_interne(erreur: Exception):
    current_app.logger.exception("Erreur interne", exc_info=erreur)
    return render_template("erreur.html", titre=t("titre_erreur"), message=t("msg_erreur")), 500
