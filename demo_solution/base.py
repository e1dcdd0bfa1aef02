"""SQLite storage: schema, per-request connections, explicit transactions, first start."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .controles import sans_accents

SCHEMA = """
CREATE TABLE utilisateurs (
    id INTEGER PRIMARY KEY,
    identifiant TEXT NOT NULL UNIQUE,
    nom_affiche TEXT NOT NULL,
    role TEXT NOT NULL,
    carte_cps TEXT UNIQUE,
    rpps TEXT UNIQUE,
    mdp_sel TEXT,
    mdp_hash TEXT,
    pin_sel TEXT,
    pin_hash TEXT
);
CREATE TABLE habilitations (
    role TEXT NOT NULL,
    fonction TEXT NOT NULL,
    droit TEXT NOT NULL CHECK (droit IN ('aucun', 'consultation', 'saisie', 'edition')),
    PRIMARY KEY (role, fonction)
);
CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    -- Not unique: the import-doublons defect must be able to store a real duplicate.
    id_externe TEXT,
    nom TEXT NOT NULL,
    nom_naissance TEXT NOT NULL,
    prenom TEXT NOT NULL,
    sexe TEXT NOT NULL CHECK (sexe IN ('M', 'F')),
    date_naissance TEXT NOT NULL,
    code_lieu_naissance TEXT,
    lieu_naissance TEXT,
    nir TEXT,
    adresse TEXT,
    code_postal TEXT,
    ville TEXT,
    telephone TEXT,
    email TEXT,
    medecin_traitant_id INTEGER REFERENCES utilisateurs (id),
    consentement TEXT CHECK (consentement IN ('accepte', 'refuse')),
    consentement_date TEXT,
    consentement_par TEXT
);
CREATE INDEX patients_id_externe ON patients (id_externe);
CREATE INDEX patients_nir ON patients (nir);
CREATE TABLE elements_medicaux (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    type TEXT NOT NULL CHECK (type IN ('antecedent', 'allergie', 'traitement')),
    libelle TEXT NOT NULL,
    date_debut TEXT
);
CREATE INDEX elements_patient ON elements_medicaux (patient_id);
CREATE TABLE correspondants (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    nom TEXT NOT NULL,
    specialite TEXT,
    role TEXT
);
CREATE INDEX correspondants_patient ON correspondants (patient_id);
CREATE TABLE rendezvous (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    professionnel_id INTEGER NOT NULL REFERENCES utilisateurs (id),
    debut TEXT NOT NULL,
    duree_minutes INTEGER NOT NULL,
    motif TEXT
);
CREATE INDEX rendezvous_professionnel ON rendezvous (professionnel_id, debut);
CREATE TABLE taches (
    id INTEGER PRIMARY KEY,
    titre TEXT NOT NULL,
    patient_id INTEGER REFERENCES patients (id),
    assignee_id INTEGER NOT NULL REFERENCES utilisateurs (id),
    createur_id INTEGER NOT NULL REFERENCES utilisateurs (id),
    echeance TEXT,
    statut TEXT NOT NULL CHECK (statut IN ('à faire', 'faite'))
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    expediteur_id INTEGER NOT NULL REFERENCES utilisateurs (id),
    destinataire_id INTEGER NOT NULL REFERENCES utilisateurs (id),
    objet TEXT NOT NULL,
    corps TEXT NOT NULL,
    envoye_le TEXT NOT NULL,
    lu INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    horodatage TEXT NOT NULL,
    utilisateur TEXT NOT NULL,
    action TEXT NOT NULL,
    objet TEXT NOT NULL
);
"""


def connecter(chemin: str | os.PathLike) -> sqlite3.Connection:
    """One connection per request: sqlite3 connections must not cross waitress threads."""
    # Autocommit mode: every multi-statement write goes through `transaction`, so it is
    # visible in the code which writes are atomic.
    db = sqlite3.connect(chemin, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.create_function("sans_accents", 1, sans_accents, deterministic=True)
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # IMMEDIATE takes the write lock up front, so check-then-insert sequences (double
    # booking, duplicate patients) cannot interleave between waitress threads.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _schema_present(db: sqlite3.Connection) -> bool:
    ligne = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'utilisateurs'"
    ).fetchone()
    return ligne is not None


def preparer_base(
    chemin: str | os.PathLike, reinitialiser: bool = False, vide: bool = False
) -> bool:
    """Create schema and demo data when needed; return True when the base was (re)seeded.

    ``vide`` only matters when the base is created: accounts and permissions, no patients."""
    from .jeu_de_donnees import peupler

    chemin = Path(chemin)
    if reinitialiser:
        for suffixe in ("", "-wal", "-shm"):
            Path(f"{chemin}{suffixe}").unlink(missing_ok=True)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    db = connecter(chemin)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        # An existing but empty file (e.g. from mkstemp) counts as new.
        if _schema_present(db):
            return False
        with transaction(db):
            for instruction in SCHEMA.split(";"):
                if instruction.strip():
                    db.execute(instruction)
            peupler(db, vide=vide)
        return True
    finally:
        db.close()
