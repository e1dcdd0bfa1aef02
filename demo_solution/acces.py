"""Who is logged in, what they may do, and the audit trail.

Every route calls one of the ``exiger*`` functions before touching data: hiding a link
is never the only protection. A refusal is raised as ``Refus`` and turned into a 403 page
plus an "accès refusé" audit entry by the application's error handler.
"""

import datetime as dt
import sqlite3
import time
from dataclasses import dataclass

from flask import current_app, g

from .base import connecter
from .comptes import ADMIN, SECRETAIRE

NIVEAUX = {"aucun": 0, "consultation": 1, "saisie": 2, "edition": 3}
MODE_CPS = "cps"
MODE_MDP = "mdp"
# Roles that need the dossier administratif of every patient (appointments, billing), even
# of those who refused sharing; they never see medical data anyway.
ROLES_ADMINISTRATIFS = (SECRETAIRE, ADMIN)


class Refus(Exception):
    """Access denied: rendered as the "Accès refusé" page (HTTP 403)."""

    def __init__(self, message: str, objet: str, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.objet = objet
        self.detail = detail


class Introuvable(Exception):
    """A named object (patient, message…) does not exist: rendered as a 404 page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Utilisateur:
    id: int
    identifiant: str
    nom_affiche: str
    role: str
    mode: str
    droits: dict[str, str]

    @property
    def mode_texte(self) -> str:
        return t("texte_mode_cps") if self.mode == MODE_CPS else t("texte_mode_mdp")


def t(cle: str, **valeurs) -> str:
    """Word of the running edition, with optional placeholders."""
    texte = current_app.config["VOCABULAIRE"][cle]
    return texte.format(**valeurs) if valeurs else texte


def defaut(nom: str) -> bool:
    return nom in current_app.config["DEFAUTS"]


def lenteur(nom: str, secondes: float) -> None:
    """Deliberate slowness of a switchable defect (measured by Server-Timing)."""
    if defaut(nom):
        time.sleep(secondes)


def db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = connecter(current_app.config["BASE"])
    return g.db


def utilisateur() -> Utilisateur:
    return g.utilisateur


def charger_utilisateur(utilisateur_id: int, mode: str) -> Utilisateur | None:
    ligne = db().execute("SELECT * FROM utilisateurs WHERE id = ?", (utilisateur_id,)).fetchone()
    if ligne is None:
        return None
    droits = {
        r["fonction"]: r["droit"]
        for r in db().execute(
            "SELECT fonction, droit FROM habilitations WHERE role = ?", (ligne["role"],)
        )
    }
    return Utilisateur(
        ligne["id"], ligne["identifiant"], ligne["nom_affiche"], ligne["role"], mode, droits
    )


def peut(fonction: str, niveau: str = "consultation") -> bool:
    u = g.get("utilisateur")
    if u is None:
        return False
    return NIVEAUX[u.droits.get(fonction, "aucun")] >= NIVEAUX[niveau]


def exiger(fonction: str, niveau: str = "consultation", objet: str | None = None) -> None:
    if peut(fonction, niveau):
        return
    droit = utilisateur().droits.get(fonction, "aucun")
    raise Refus(
        t("msg_refus_role"),
        objet or f"fonction {t('fonction_' + fonction)}",
        t(
            "texte_detail_refus",
            fonction=t("fonction_" + fonction),
            requis=t("droit_" + niveau),
            droit=t("droit_" + droit),
        ),
    )


def nom_patient(patient: sqlite3.Row) -> str:
    return f"{patient['prenom']} {patient['nom']}"


def patient_visible(patient: sqlite3.Row, medical: bool = False) -> bool:
    """Consent rule: a refusal restricts the file to the médecin traitant.

    Administrative roles keep the dossier administratif (``medical=False``) only.
    """
    if patient["consentement"] != "refuse" or defaut("fuite-consentement"):
        return True
    u = utilisateur()
    if not medical and u.role in ROLES_ADMINISTRATIFS:
        return True
    return patient["medecin_traitant_id"] == u.id


def filtre_visibilite(alias: str = "p") -> tuple[str, tuple]:
    """SQL condition (and parameters) keeping only the patients the user may see in lists."""
    u = utilisateur()
    if u.role in ROLES_ADMINISTRATIFS or defaut("fuite-consentement"):
        return "1", ()
    return (
        f"({alias}.consentement IS NULL OR {alias}.consentement != 'refuse'"
        f" OR {alias}.medecin_traitant_id = ?)",
        (u.id,),
    )


def charger_patient(patient_id: int) -> sqlite3.Row:
    patient = db().execute("SELECT * FROM patients WHERE id = ?", (patient_id,)).fetchone()
    if patient is None:
        raise Introuvable(t("msg_patient_introuvable"))
    return patient


def exiger_dossier(patient: sqlite3.Row, niveau: str = "consultation") -> None:
    exiger("patients", niveau, f"dossier administratif du patient {nom_patient(patient)}")
    if not patient_visible(patient):
        raise Refus(
            t("msg_refus_partage"), f"dossier administratif du patient {nom_patient(patient)}"
        )


def exiger_synthese(patient: sqlite3.Row, niveau: str = "consultation") -> None:
    objet = f"synthèse du patient {nom_patient(patient)}"
    u = utilisateur()
    fuite = defaut("fuite-habilitation") and u.role == SECRETAIRE and niveau == "consultation"
    if not fuite:
        exiger("synthese", niveau, objet)
        # Contract: individual CPS authentication for any access to medical data.
        if u.mode != MODE_CPS:
            raise Refus(t("msg_refus_cps"), objet)
    if not patient_visible(patient, medical=True):
        raise Refus(t("msg_refus_partage"), objet)


def journaliser(action: str, objet: str, auteur: str | None = None) -> None:
    if auteur is None:
        u = g.get("utilisateur")
        auteur = u.nom_affiche if u else "anonyme"
    db().execute(
        "INSERT INTO audit (horodatage, utilisateur, action, objet) VALUES (?, ?, ?, ?)",
        (dt.datetime.now().isoformat(timespec="seconds"), auteur, action, objet),
    )
