"""Demo accounts and their secrets (passwords, CPS PINs).

Secrets come from environment variables read when the application is created; the values
below are only the documented demo defaults. Only salted hashes reach the database.
"""

import hashlib
import hmac
import os
import sqlite3
from dataclasses import dataclass

# Deliberately low: the fixture must start and log in fast; this is not a real product.
_ITERATIONS = 1000

MEDECIN = "médecin généraliste"
INFIRMIER = "infirmier"
SECRETAIRE = "secrétaire médicale"
ADMIN = "administrateur fonctionnel"
ROLES = (MEDECIN, INFIRMIER, SECRETAIRE, ADMIN)
ROLES_SANTE = (MEDECIN, INFIRMIER)


@dataclass(frozen=True)
class Compte:
    identifiant: str
    nom_affiche: str
    role: str
    carte_cps: str | None
    rpps: str | None
    variable_mdp: str
    mdp_defaut: str
    variable_pin: str | None = None
    pin_defaut: str | None = None


# RPPS numbers are 11 digits, Luhn-valid (checked by tests).
COMPTES = (
    Compte("admin", "Alice Bernard", ADMIN, None, None, "RECETTE_DEMO_MDP_ADMIN", "admin-demo"),
    Compte(
        "secretaire",
        "Sophie Leroy",
        SECRETAIRE,
        None,
        None,
        "RECETTE_DEMO_MDP_SECRETAIRE",
        "secretaire-demo",
    ),
    Compte(
        "dr.durand",
        "Dr Paul Durand",
        MEDECIN,
        "2100000001",
        "10100010015",
        "RECETTE_DEMO_MDP_DURAND",
        "durand-demo",
        "RECETTE_DEMO_PIN_DURAND",
        "1234",
    ),
    Compte(
        "dr.moreau",
        "Dr Hélène Moreau",
        MEDECIN,
        "2100000002",
        "10100010023",
        "RECETTE_DEMO_MDP_MOREAU",
        "moreau-demo",
        "RECETTE_DEMO_PIN_MOREAU",
        "2345",
    ),
    Compte(
        "inf.petit",
        "Marc Petit",
        INFIRMIER,
        "2100000003",
        "10100010031",
        "RECETTE_DEMO_MDP_PETIT",
        "petit-demo",
        "RECETTE_DEMO_PIN_PETIT",
        "3456",
    ),
)


def hacher(secret: str, sel: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), sel, _ITERATIONS).hex()


def _empreinte(secret: str) -> tuple[str, str]:
    sel = os.urandom(16)
    return sel.hex(), hacher(secret, sel)


def verifier(secret: str, sel_hex: str | None, empreinte: str | None) -> bool:
    if not sel_hex or not empreinte:
        return False
    return hmac.compare_digest(hacher(secret, bytes.fromhex(sel_hex)), empreinte)


def appliquer_secrets(db: sqlite3.Connection, environ: dict[str, str] | None = None) -> None:
    """Re-hash every demo secret from the environment, so a restart picks up new values."""
    environ = os.environ if environ is None else environ
    for compte in COMPTES:
        mdp_sel, mdp_hash = _empreinte(environ.get(compte.variable_mdp) or compte.mdp_defaut)
        pin_sel = pin_hash = None
        if compte.variable_pin:
            pin_sel, pin_hash = _empreinte(environ.get(compte.variable_pin) or compte.pin_defaut)
        db.execute(
            "UPDATE utilisateurs SET mdp_sel = ?, mdp_hash = ?, pin_sel = ?, pin_hash = ?"
            " WHERE identifiant = ?",
            (mdp_sel, mdp_hash, pin_sel, pin_hash, compte.identifiant),
        )
