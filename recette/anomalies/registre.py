"""The anomaly register: one SQLite file holding the anomalies, their occurrences séance after
séance, their history, and the index of recorded séances.

Durability: the file is in WAL mode with ``synchronous=FULL`` and every change (a séance
recorded, a status changed) is a single ``BEGIN IMMEDIATE`` transaction, so a process killed
mid-way leaves the register as it was before that change, never half-written. Foreign keys are
enforced. The ``meta`` table holds the schema version; a file written by a newer bench is
refused rather than misread.

No rule here reads the clock: every change takes its date (``quand``) and its author from the
caller (the CLI passes « now » and the person's name).

Rules of the bench (the contract leaves them to the buyer):

- Proposed gravity: « bloquante » when the failed scenario's priority is one the contract makes
  blocking for the verdict (``exigences.priorites_bloquantes`` of fixtures/contrat/
  parametres.yaml, priority 1 by default), otherwise « non bloquante ». It is only a proposal:
  a person qualifies the anomaly.
- A failure whose signature (see signature.py) matches an anomaly still being dealt with
  (ouverte → corrigée) is one more occurrence of it, not a new anomaly. A matching anomaly
  marked « doublon » sends the occurrence to the anomaly it duplicates. A match that is already
  vérifiée, close or rejetée does not absorb the failure: a new anomaly is opened, and its
  history names the earlier one (a possible regression).
- A scenario that passes while an anomaly of the same scenario (same name and example values)
  is being dealt with gets that anomaly *proposed* « vérifiée »: a flag and a history line, never
  a silent status change; the passing run is kept as an occurrence (its evidence). A later
  failure withdraws the proposal. A scenario that both fails and passes in the same séance
  (a rerun) proposes nothing.
- Recording the same séance twice adds nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from recette.anomalies import cycle
from recette.anomalies.modele import (
    Anomalie,
    Bilan,
    Evenement,
    Fiche,
    Occurrence,
    SeanceEnregistree,
    attendu_anomalie,
    numero_anomalie,
    titre_anomalie,
)
from recette.anomalies.signature import identite_resultat, signature_resultat
from recette.contrat import Contrat, Gravite
from recette.delais import echeances_anomalie, moment_en_francais
from recette.erreurs import RegistreAnomaliesErreur
from recette.resultats import Resultat, compter
from recette.seance import dossier_rapports
from recette.verdicts import AnomalieFait, Phase, StatutAnomalie

S = StatutAnomalie

VERSION_SCHEMA = 2
APPLICATION = "recette : registre des anomalies"
# Waiting for another process's transaction (the web workbench and the CLI share the file).
ATTENTE_VERROU_MS = 15_000

_STATUTS_SQL = ", ".join(f"'{s.value}'" for s in S)
_GRAVITES_SQL = ", ".join(f"'{g.value}'" for g in Gravite)
_EN_COURS_SQL = ", ".join(f"'{s.value}'" for s in sorted(cycle.EN_COURS))

# Version 1 of the schema; MIGRATIONS bring it to VERSION_SCHEMA.
SCHEMA = f"""
CREATE TABLE meta (
    cle TEXT PRIMARY KEY,
    valeur TEXT NOT NULL
);
CREATE TABLE seances (
    id TEXT PRIMARY KEY,
    phase TEXT NOT NULL CHECK (phase IN ('va', 'vsr')),
    profil TEXT NOT NULL,
    cible TEXT NOT NULL,
    debut TEXT,
    fin TEXT,
    statut TEXT NOT NULL,
    compteurs TEXT NOT NULL DEFAULT '{{}}',
    enregistree_le TEXT NOT NULL,
    enregistree_par TEXT NOT NULL
);
CREATE TABLE anomalies (
    numero TEXT PRIMARY KEY,
    annee INTEGER NOT NULL,
    rang INTEGER NOT NULL CHECK (rang > 0),
    titre TEXT NOT NULL,
    seance_origine TEXT NOT NULL REFERENCES seances(id),
    scenario TEXT NOT NULL,
    exigences TEXT NOT NULL DEFAULT '[]',
    domaine TEXT,
    priorite INTEGER,
    etape_en_echec TEXT,
    attendu TEXT NOT NULL,
    observe TEXT NOT NULL,
    gravite_proposee TEXT NOT NULL CHECK (gravite_proposee IN ({_GRAVITES_SQL})),
    gravite_qualifiee TEXT CHECK (gravite_qualifiee IN ({_GRAVITES_SQL})),
    statut TEXT NOT NULL CHECK (statut IN ({_STATUTS_SQL})),
    reference TEXT REFERENCES anomalies(numero),
    signature TEXT NOT NULL,
    verification_proposee TEXT REFERENCES seances(id),
    transmise_le TEXT,
    echeance_contournement TEXT,
    echeance_correction TEXT,
    contournee_le TEXT,
    corrigee_le TEXT,
    cree_le TEXT NOT NULL,
    cree_par TEXT NOT NULL,
    modifie_le TEXT NOT NULL,
    UNIQUE (annee, rang),
    CHECK ((statut = 'doublon') = (reference IS NOT NULL))
);
CREATE INDEX anomalies_signature ON anomalies(signature);
CREATE INDEX anomalies_scenario ON anomalies(scenario);
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    anomalie TEXT NOT NULL REFERENCES anomalies(numero),
    seance TEXT NOT NULL REFERENCES seances(id),
    resultat TEXT NOT NULL,
    observee_le TEXT NOT NULL,
    statut TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    preuves TEXT NOT NULL DEFAULT '[]',
    UNIQUE (anomalie, seance, resultat)
);
CREATE INDEX occurrences_anomalie ON occurrences(anomalie);
CREATE TABLE historique (
    id INTEGER PRIMARY KEY,
    anomalie TEXT NOT NULL REFERENCES anomalies(numero),
    date TEXT NOT NULL,
    auteur TEXT NOT NULL,
    action TEXT NOT NULL,
    de TEXT,
    vers TEXT,
    commentaire TEXT
);
CREATE INDEX historique_anomalie ON historique(anomalie);
"""

# Upgrades from version n to n + 1, applied in order inside the opening transaction. A new
# file is created at version 1 (SCHEMA) and goes through them too, so every file, old or new,
# has the same tables.
MIGRATIONS: dict[int, str] = {
    # 2: the séance index knows checks (load, reprise, réversibilité) from scenario séances:
    # a check has no séance folder, its evidence is its report. Checks recorded by version 1
    # are recognised by the identifiers the bench gave them.
    1: """
        ALTER TABLE seances ADD COLUMN genre TEXT NOT NULL DEFAULT 'scenarios';
        ALTER TABLE seances ADD COLUMN rapport TEXT;
        UPDATE seances SET genre = 'charge' WHERE id LIKE 'CHARGE-%';
        UPDATE seances SET genre = 'reprise' WHERE id LIKE 'reprise-%';
        UPDATE seances SET genre = 'reversibilite' WHERE id LIKE 'reversibilite-%'
    """,
}
# The séance index's kind of a séance run by scenarios (the others are checks).
GENRE_SCENARIOS = "scenarios"

# The history's word for reaching a status (the « de » and « vers » columns say the rest).
_ACTIONS = {
    S.QUALIFIEE: "qualification",
    S.TRANSMISE: "transmission",
    S.CONTOURNEE: "contournement",
    S.CORRIGEE: "correction",
    S.VERIFIEE: "vérification",
    S.CLOSE: "clôture",
    S.REJETEE: "rejet",
    S.DOUBLON: "doublon",
}
_REFUS = {S.CONTOURNEE: "contournement refusé", S.CORRIGEE: "correction refusée"}
ACTION_PROPOSEE_VERIFIEE = "proposée vérifiée"
ACTION_PROPOSITION_RETIREE = "proposition de vérification retirée"


# --- the register -----------------------------------------------------------------------------


class Registre:
    """``with Registre(chemin, contrat) as registre: ...``; the file is created if missing."""

    def __init__(self, chemin: Path | str, contrat: Contrat):
        self.chemin = Path(chemin)
        self.contrat = contrat
        self.fuseau = contrat.calendrier.fuseau_horaire
        try:
            self.chemin.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fichiers = [p for p in self.chemin.parents if p.exists() and not p.is_dir()]
            raison = f"{fichiers[0]} est un fichier" if fichiers else exc.strerror or str(exc)
            raise RegistreAnomaliesErreur(
                f"Le registre {self.chemin} ne peut pas être créé : son dossier "
                f"{self.chemin.parent} est inaccessible ({raison})."
            ) from None
        if self.chemin.is_dir():
            raise RegistreAnomaliesErreur(
                f"{self.chemin} est un dossier, pas un registre d'anomalies : corrigez "
                "RECETTE_BASE ou retirez ce dossier."
            )
        try:
            # isolation_level=None: the register opens its own transactions (BEGIN IMMEDIATE).
            self._cx = sqlite3.connect(
                self.chemin, isolation_level=None, timeout=ATTENTE_VERROU_MS / 1000
            )
            self._cx.row_factory = sqlite3.Row
            self._cx.execute(f"PRAGMA busy_timeout = {ATTENTE_VERROU_MS}")
            mode = self._cx.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._cx.execute("PRAGMA synchronous = FULL")
            self._cx.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise _erreur_sqlite(self.chemin, exc) from None
        if mode.lower() != "wal":
            raise RegistreAnomaliesErreur(
                f"{self.chemin} : le mode WAL est indisponible (mode obtenu : {mode})."
            )
        self._initialiser()

    def __enter__(self) -> Registre:
        return self

    def __exit__(self, *exc) -> None:
        self.fermer()

    def fermer(self) -> None:
        self._cx.close()

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One change, all or nothing; IMMEDIATE takes the write lock first, so two processes
        never both read a free anomaly number."""
        try:
            self._cx.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise RegistreAnomaliesErreur(
                f"Le registre {self.chemin} est occupé par un autre processus ({exc})."
            ) from None
        try:
            yield self._cx
        except BaseException:
            self._cx.execute("ROLLBACK")
            raise
        self._cx.execute("COMMIT")

    @contextmanager
    def _lecture(self) -> Iterator[sqlite3.Connection]:
        """Several reads seen from one snapshot."""
        self._cx.execute("BEGIN")
        try:
            yield self._cx
        finally:
            self._cx.execute("COMMIT")

    def _initialiser(self) -> None:
        try:
            with self._transaction() as cx:
                existe = cx.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
                ).fetchone()
                if not existe:
                    if cx.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise RegistreAnomaliesErreur(
                            f"{self.chemin} contient une autre base que le registre des anomalies."
                        )
                    for instruction in SCHEMA.split(";"):
                        if instruction.strip():
                            cx.execute(instruction)
                    cx.executemany(
                        "INSERT INTO meta (cle, valeur) VALUES (?, ?)",
                        [("application", APPLICATION), ("version_schema", "1")],
                    )
                meta = dict(cx.execute("SELECT cle, valeur FROM meta").fetchall())
                if meta.get("application") != APPLICATION:
                    raise RegistreAnomaliesErreur(
                        f"{self.chemin} n'est pas un registre d'anomalies du banc de recette."
                    )
                version = int(meta.get("version_schema", "0"))
                if version > VERSION_SCHEMA:
                    raise RegistreAnomaliesErreur(
                        f"Le registre {self.chemin} a été créé par une version plus récente du "
                        f"banc (schéma {version}, connu : {VERSION_SCHEMA}) : mettez le banc à "
                        "jour."
                    )
                for depuis in range(version, VERSION_SCHEMA):
                    for instruction in MIGRATIONS[depuis].split(";"):
                        if instruction.strip():
                            cx.execute(instruction)
                cx.execute(
                    "UPDATE meta SET valeur = ? WHERE cle = 'version_schema'",
                    (str(VERSION_SCHEMA),),
                )
        except sqlite3.DatabaseError as exc:
            raise _erreur_sqlite(self.chemin, exc) from None

    # --- recording a séance -------------------------------------------------------------------

    def enregistrer_seance(
        self,
        seance_id: str,
        phase: Phase | str,
        profil: str,
        cible: str,
        resultats: Sequence[Resultat],
        quand: datetime,
        auteur: str = "banc",
        *,
        debut: str | datetime | None = None,
        fin: str | datetime | None = None,
        statut: str = "terminée",
        preuves: Mapping[str, Sequence[str]] | None = None,
        genre: str = GENRE_SCENARIOS,
        rapport: str | None = None,
    ) -> Bilan:
        """Records a séance and its failures (see the module's rules); ``preuves`` maps a
        result's uuid to its evidence paths (relative to the séance folder). A check (``genre``
        « charge », « reprise »…) has no séance folder: ``rapport`` locates its report."""
        quand = self._moment(quand)
        auteur = _auteur(auteur)
        try:
            phase = Phase.depuis(phase).value
        except ValueError as exc:
            raise RegistreAnomaliesErreur(f"Séance {seance_id} : {exc}") from None
        preuves = preuves or {}
        with self._transaction() as cx:
            if cx.execute("SELECT 1 FROM seances WHERE id = ?", (seance_id,)).fetchone():
                return Bilan(seance_id, deja_enregistree=True)
            cx.execute(
                "INSERT INTO seances (id, phase, profil, cible, debut, fin, statut, compteurs,"
                " enregistree_le, enregistree_par, genre, rapport)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    seance_id,
                    phase,
                    profil,
                    cible,
                    _texte_moment(debut),
                    _texte_moment(fin),
                    statut,
                    json.dumps(compter(list(resultats)), ensure_ascii=False, sort_keys=True),
                    self._iso(quand),
                    auteur,
                    genre,
                    rapport,
                ),
            )
            nouvelles: list[str] = []
            recurrentes: list[str] = []
            echoues = set()
            for r in resultats:
                if not r.echec:
                    continue
                echoues.add(identite_resultat(r))
                numero, creee = self._rattacher_echec(cx, seance_id, r, quand, auteur)
                self._ajouter_occurrence(cx, numero, seance_id, r, quand, preuves)
                if creee:
                    nouvelles.append(numero)
                elif numero not in recurrentes and numero not in nouvelles:
                    recurrentes.append(numero)
            proposees: list[str] = []
            for r in resultats:
                identite = identite_resultat(r)
                if r.statut != "passed" or identite in echoues:
                    continue
                for ligne in cx.execute(
                    f"SELECT numero, verification_proposee FROM anomalies WHERE scenario = ?"
                    f" AND statut IN ({_EN_COURS_SQL}) ORDER BY annee, rang",
                    (identite,),
                ).fetchall():
                    numero = ligne["numero"]
                    self._ajouter_occurrence(cx, numero, seance_id, r, quand, preuves)
                    if ligne["verification_proposee"] is None:
                        cx.execute(
                            "UPDATE anomalies SET verification_proposee = ?, modifie_le = ?"
                            " WHERE numero = ?",
                            (seance_id, self._iso(quand), numero),
                        )
                        self._historiser(
                            cx,
                            numero,
                            quand,
                            auteur,
                            ACTION_PROPOSEE_VERIFIEE,
                            commentaire=f"Le scénario réussit lors de la séance {seance_id} : "
                            "l'anomalie peut être vérifiée.",
                        )
                        proposees.append(numero)
        return Bilan(seance_id, False, tuple(nouvelles), tuple(recurrentes), tuple(proposees))

    def _rattacher_echec(
        self, cx: sqlite3.Connection, seance_id: str, r: Resultat, quand: datetime, auteur: str
    ) -> tuple[str, bool]:
        """The anomaly this failure belongs to, created if needed: (numero, created)."""
        empreinte = signature_resultat(r)
        memes = cx.execute(
            "SELECT numero, statut, reference, verification_proposee FROM anomalies"
            " WHERE signature = ? ORDER BY annee, rang",
            (empreinte,),
        ).fetchall()
        cible = next((m for m in memes if S(m["statut"]) in cycle.EN_COURS), None)
        if cible is None:
            for m in memes:
                if m["statut"] == S.DOUBLON:
                    origine = self._ligne(cx, m["reference"])
                    if S(origine["statut"]) in cycle.EN_COURS:
                        cible = origine
                        break
        if cible is not None:
            if cible["verification_proposee"] is not None:
                cx.execute(
                    "UPDATE anomalies SET verification_proposee = NULL, modifie_le = ?"
                    " WHERE numero = ?",
                    (self._iso(quand), cible["numero"]),
                )
                self._historiser(
                    cx,
                    cible["numero"],
                    quand,
                    auteur,
                    ACTION_PROPOSITION_RETIREE,
                    commentaire=f"Le scénario échoue de nouveau lors de la séance {seance_id}.",
                )
            else:
                cx.execute(
                    "UPDATE anomalies SET modifie_le = ? WHERE numero = ?",
                    (self._iso(quand), cible["numero"]),
                )
            return cible["numero"], False
        numero = self._creer(cx, seance_id, r, empreinte, quand, auteur, precedentes=memes)
        return numero, True

    def _creer(
        self,
        cx: sqlite3.Connection,
        seance_id: str,
        r: Resultat,
        empreinte: str,
        quand: datetime,
        auteur: str,
        precedentes: Sequence[sqlite3.Row],
    ) -> str:
        annee = quand.year
        rang = cx.execute(
            "SELECT COALESCE(MAX(rang), 0) + 1 FROM anomalies WHERE annee = ?", (annee,)
        ).fetchone()[0]
        numero = numero_anomalie(annee, rang)
        gravite = self.gravite_proposee(r.priorite)
        cx.execute(
            "INSERT INTO anomalies (numero, annee, rang, titre, seance_origine, scenario,"
            " exigences, domaine, priorite, etape_en_echec, attendu, observe, gravite_proposee,"
            " statut, signature, cree_le, cree_par, modifie_le)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                numero,
                annee,
                rang,
                titre_anomalie(r),
                seance_id,
                identite_resultat(r),
                json.dumps(list(r.exigences), ensure_ascii=False),
                r.domaine,
                r.priorite,
                r.etape_en_echec,
                attendu_anomalie(r),
                r.message or "Le scénario a échoué sans message d'erreur.",
                gravite.value,
                S.OUVERTE.value,
                empreinte,
                self._iso(quand),
                auteur,
                self._iso(quand),
            ),
        )
        motif = (
            f"exigence de priorité {r.priorite}" if r.priorite is not None else "priorité inconnue"
        )
        commentaire = (
            f"Échec du scénario lors de la séance {seance_id} ; gravité proposée : "
            f"{gravite.value} ({motif})."
        )
        anciennes = [p["numero"] for p in precedentes]
        if anciennes:
            commentaire += (
                f" Même signature que {', '.join(anciennes)} (déjà traitée) : régression possible."
            )
        self._historiser(
            cx, numero, quand, auteur, "création", vers=S.OUVERTE, commentaire=commentaire
        )
        return numero

    def gravite_proposee(self, priorite: int | None) -> Gravite:
        """The bench's proposal, from the contract's blocking priorities (see the module doc)."""
        if priorite is not None and priorite in self.contrat.exigences.priorites_bloquantes:
            return Gravite.BLOQUANTE
        return Gravite.NON_BLOQUANTE

    def _ajouter_occurrence(
        self,
        cx: sqlite3.Connection,
        numero: str,
        seance_id: str,
        r: Resultat,
        quand: datetime,
        preuves: Mapping[str, Sequence[str]],
    ) -> None:
        observee = (
            datetime.fromtimestamp(r.debut / 1000, self.fuseau) if r.debut is not None else quand
        )
        cx.execute(
            "INSERT OR IGNORE INTO occurrences (anomalie, seance, resultat, observee_le, statut,"
            " message, preuves) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                numero,
                seance_id,
                r.uuid,
                self._iso(observee),
                r.statut,
                r.message,
                json.dumps(list(preuves.get(r.uuid, ())), ensure_ascii=False),
            ),
        )

    # --- the lifecycle ------------------------------------------------------------------------

    def changer_statut(
        self,
        numero: str,
        vers: StatutAnomalie | str,
        quand: datetime,
        auteur: str,
        commentaire: str | None = None,
        *,
        gravite: Gravite | str | None = None,
        reference: str | None = None,
    ) -> Anomalie:
        """Moves an anomaly along its life (cycle.TRANSITIONS), dated and signed.

        « qualifiée » needs ``gravite``; « doublon » needs ``reference``; « rejetée » needs a
        ``commentaire`` (the reason). « transmise » computes the contract's deadlines."""
        vers = cycle.statut_depuis(vers)
        quand = self._moment(quand)
        auteur = _auteur(auteur)
        commentaire = (commentaire or "").strip() or None
        with self._transaction() as cx:
            ligne = self._ligne(cx, numero)
            de = S(ligne["statut"])
            if vers is S.QUALIFIEE and de is S.QUALIFIEE:
                # A second qualification changes the gravity; it is not a status change.
                pass
            else:
                cycle.verifier_transition(numero, de, vers)
            champs: dict[str, object] = {"statut": vers.value, "modifie_le": self._iso(quand)}
            action = _ACTIONS[vers]
            notes: list[str] = []
            if vers is S.QUALIFIEE:
                if gravite is None:
                    raise RegistreAnomaliesErreur(
                        f"Qualifier l'anomalie {numero} demande une gravité (bloquante ou non "
                        "bloquante)."
                    )
                gravite = _gravite(gravite)
                champs["gravite_qualifiee"] = gravite.value
                if de is S.QUALIFIEE:
                    action = "requalification"
                notes.append(f"Gravité qualifiée : {gravite.value}.")
            elif gravite is not None:
                raise RegistreAnomaliesErreur(
                    f"La gravité de l'anomalie {numero} se fixe en la qualifiant, pas en la "
                    f"passant au statut « {cycle.libelle(vers)} »."
                )
            if vers is S.TRANSMISE:
                if de in _REFUS:
                    action = _REFUS[de]
                    champs["contournee_le" if de is S.CONTOURNEE else "corrigee_le"] = None
                    notes.append("Les échéances courent toujours depuis la première transmission.")
                else:
                    retenue = ligne["gravite_qualifiee"] or ligne["gravite_proposee"]
                    if ligne["gravite_qualifiee"] is None:
                        champs["gravite_qualifiee"] = retenue
                        notes.append(f"Gravité proposée retenue : {retenue}.")
                    echeances = echeances_anomalie(retenue, quand, self.contrat)
                    champs["transmise_le"] = self._iso(quand)
                    champs["echeance_contournement"] = (
                        self._iso(echeances.contournement) if echeances.contournement else None
                    )
                    champs["echeance_correction"] = self._iso(echeances.correction)
                    if echeances.contournement:
                        notes.append(
                            "Contournement attendu au plus tard le "
                            f"{moment_en_francais(echeances.contournement)}."
                        )
                    notes.append(
                        "Correction attendue au plus tard le "
                        f"{moment_en_francais(echeances.correction)}."
                    )
            elif vers is S.CONTOURNEE:
                champs["contournee_le"] = self._iso(quand)
            elif vers is S.CORRIGEE:
                champs["corrigee_le"] = self._iso(quand)
            elif vers is S.REJETEE and commentaire is None:
                raise RegistreAnomaliesErreur(
                    f"Rejeter l'anomalie {numero} demande un motif (commentaire)."
                )
            if vers is S.DOUBLON:
                champs["reference"] = self._reference(cx, numero, reference)
                notes.append(f"Doublon de {champs['reference']}.")
            elif reference is not None:
                raise RegistreAnomaliesErreur(
                    f"Une référence ne s'indique que pour marquer l'anomalie {numero} comme "
                    "doublon."
                )
            affectations = ", ".join(f"{nom} = ?" for nom in champs)
            cx.execute(
                f"UPDATE anomalies SET {affectations} WHERE numero = ?",
                (*champs.values(), numero),
            )
            texte = " ".join([*notes, *([commentaire] if commentaire else [])]) or None
            self._historiser(cx, numero, quand, auteur, action, de=de, vers=vers, commentaire=texte)
            return self._anomalie(cx, numero)

    def qualifier(
        self,
        numero: str,
        gravite: Gravite | str,
        quand: datetime,
        auteur: str,
        commentaire: str | None = None,
    ) -> Anomalie:
        return self.changer_statut(numero, S.QUALIFIEE, quand, auteur, commentaire, gravite=gravite)

    def transmettre(
        self, numero: str, quand: datetime, auteur: str, commentaire: str | None = None
    ) -> Anomalie:
        """« quand » is taken as the vendor's receipt of the avis: the deadlines run from it."""
        return self.changer_statut(numero, S.TRANSMISE, quand, auteur, commentaire)

    def rejeter(self, numero: str, motif: str, quand: datetime, auteur: str) -> Anomalie:
        return self.changer_statut(numero, S.REJETEE, quand, auteur, motif)

    def marquer_doublon(
        self,
        numero: str,
        reference: str,
        quand: datetime,
        auteur: str,
        commentaire: str | None = None,
    ) -> Anomalie:
        return self.changer_statut(
            numero, S.DOUBLON, quand, auteur, commentaire, reference=reference
        )

    def _reference(self, cx: sqlite3.Connection, numero: str, reference: str | None) -> str:
        if not reference:
            raise RegistreAnomaliesErreur(
                f"Marquer l'anomalie {numero} comme doublon demande le numéro de l'anomalie "
                "qu'elle répète."
            )
        reference = reference.strip().upper()
        if reference == numero:
            raise RegistreAnomaliesErreur(f"L'anomalie {numero} ne peut être son propre doublon.")
        origine = self._ligne(cx, reference)
        if origine["statut"] == S.DOUBLON:
            raise RegistreAnomaliesErreur(
                f"{reference} est elle-même un doublon de {origine['reference']} : indiquez "
                f"{origine['reference']} comme référence de {numero}."
            )
        return reference

    # --- reading ------------------------------------------------------------------------------

    def lister(
        self, statut: StatutAnomalie | str | None = None, ouvertes: bool | None = None
    ) -> list[Anomalie]:
        """Anomalies in number order; ``ouvertes`` as the verdict counts them (until vérifiée)."""
        filtre = cycle.statut_depuis(statut) if statut is not None else None
        with self._lecture() as cx:
            numeros = [
                ligne[0]
                for ligne in cx.execute(
                    "SELECT numero FROM anomalies ORDER BY annee, rang"
                ).fetchall()
            ]
            anomalies = [self._anomalie(cx, n) for n in numeros]
        return [
            a
            for a in anomalies
            if (filtre is None or a.statut is filtre)
            and (ouvertes is None or a.est_ouverte == ouvertes)
        ]

    def voir(self, numero: str) -> Fiche:
        numero = numero.strip().upper()
        with self._lecture() as cx:
            anomalie = self._anomalie(cx, numero)
            occurrences = tuple(
                Occurrence(
                    seance=o["seance"],
                    resultat=o["resultat"],
                    observee_le=self._lire_moment(o["observee_le"]),
                    statut=o["statut"],
                    message=o["message"],
                    preuves=tuple(json.loads(o["preuves"])),
                )
                for o in cx.execute(
                    "SELECT * FROM occurrences WHERE anomalie = ? ORDER BY observee_le, id",
                    (numero,),
                )
            )
            historique = tuple(
                Evenement(
                    date=self._lire_moment(h["date"]),
                    auteur=h["auteur"],
                    action=h["action"],
                    de=S(h["de"]) if h["de"] else None,
                    vers=S(h["vers"]) if h["vers"] else None,
                    commentaire=h["commentaire"],
                )
                for h in cx.execute(
                    "SELECT * FROM historique WHERE anomalie = ? ORDER BY id", (numero,)
                )
            )
        return Fiche(anomalie, occurrences, historique)

    def faits(self, phase: Phase | str | None = None) -> list[AnomalieFait]:
        """Every anomaly as a fact for verdicts.proposer_verdict (which keeps the open ones);
        with ``phase``, only those found in a séance of that phase."""
        anomalies = self.lister()
        if phase is not None:
            phases = {s.id: s.phase for s in self.seances()}
            voulue = Phase.depuis(phase).value
            anomalies = [a for a in anomalies if phases.get(a.seance_origine) == voulue]
        return [a.fait() for a in anomalies]

    def seances(self) -> list[SeanceEnregistree]:
        with self._lecture() as cx:
            lignes = cx.execute("SELECT * FROM seances ORDER BY enregistree_le, id").fetchall()
        return [self._seance(s) for s in lignes]

    def seance(self, seance_id: str) -> SeanceEnregistree | None:
        with self._lecture() as cx:
            ligne = cx.execute("SELECT * FROM seances WHERE id = ?", (seance_id,)).fetchone()
        return self._seance(ligne) if ligne is not None else None

    def _seance(self, s: sqlite3.Row) -> SeanceEnregistree:
        return SeanceEnregistree(
            id=s["id"],
            phase=s["phase"],
            profil=s["profil"],
            cible=s["cible"],
            debut=s["debut"],
            fin=s["fin"],
            statut=s["statut"],
            compteurs=json.loads(s["compteurs"]),
            enregistree_le=self._lire_moment(s["enregistree_le"]),
            genre=s["genre"],
            rapport=s["rapport"],
        )

    # --- helpers ------------------------------------------------------------------------------

    def _ligne(self, cx: sqlite3.Connection, numero: str) -> sqlite3.Row:
        ligne = cx.execute("SELECT * FROM anomalies WHERE numero = ?", (numero,)).fetchone()
        if ligne is None:
            raise RegistreAnomaliesErreur(f"Anomalie {numero} introuvable dans {self.chemin}.")
        return ligne

    def _anomalie(self, cx: sqlite3.Connection, numero: str) -> Anomalie:
        a = self._ligne(cx, numero)
        echecs = cx.execute(
            "SELECT count(*) FROM occurrences"
            " WHERE anomalie = ? AND statut IN ('failed', 'broken')",
            (numero,),
        ).fetchone()[0]
        return Anomalie(
            numero=a["numero"],
            titre=a["titre"],
            seance_origine=a["seance_origine"],
            scenario=a["scenario"],
            exigences=tuple(json.loads(a["exigences"])),
            domaine=a["domaine"],
            priorite=a["priorite"],
            etape_en_echec=a["etape_en_echec"],
            attendu=a["attendu"],
            observe=a["observe"],
            gravite_proposee=Gravite(a["gravite_proposee"]),
            gravite_qualifiee=Gravite(a["gravite_qualifiee"]) if a["gravite_qualifiee"] else None,
            statut=S(a["statut"]),
            reference=a["reference"],
            signature=a["signature"],
            verification_proposee=a["verification_proposee"],
            transmise_le=self._lire_moment(a["transmise_le"]),
            echeance_contournement=self._lire_moment(a["echeance_contournement"]),
            echeance_correction=self._lire_moment(a["echeance_correction"]),
            contournee_le=self._lire_moment(a["contournee_le"]),
            corrigee_le=self._lire_moment(a["corrigee_le"]),
            cree_le=self._lire_moment(a["cree_le"]),
            cree_par=a["cree_par"],
            modifie_le=self._lire_moment(a["modifie_le"]),
            nombre_echecs=echecs,
        )

    def _historiser(
        self,
        cx: sqlite3.Connection,
        numero: str,
        quand: datetime,
        auteur: str,
        action: str,
        *,
        de: StatutAnomalie | None = None,
        vers: StatutAnomalie | None = None,
        commentaire: str | None = None,
    ) -> None:
        cx.execute(
            "INSERT INTO historique (anomalie, date, auteur, action, de, vers, commentaire)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                numero,
                self._iso(quand),
                auteur,
                action,
                de.value if de else None,
                vers.value if vers else None,
                commentaire,
            ),
        )

    def _moment(self, quand: datetime) -> datetime:
        if not isinstance(quand, datetime) or quand.tzinfo is None or quand.utcoffset() is None:
            raise RegistreAnomaliesErreur(
                f"La date « {quand} » doit porter son fuseau horaire (Europe/Paris)."
            )
        return quand.astimezone(self.fuseau)

    def _iso(self, moment: datetime) -> str:
        return self._moment(moment).isoformat()

    def _lire_moment(self, texte: str | None) -> datetime | None:
        # Back in the contract's zone (not a fixed offset), so that deadline arithmetic on it
        # crosses DST changes correctly.
        return datetime.fromisoformat(texte).astimezone(self.fuseau) if texte else None


# --- pure helpers -----------------------------------------------------------------------------


def chemin_registre(racine: Path) -> Path:
    """``reports/recette.sqlite`` beside the séance folders, or the file named by RECETTE_BASE."""
    return Path(os.environ.get("RECETTE_BASE") or dossier_rapports(racine) / "recette.sqlite")


def _erreur_sqlite(chemin: Path, exc: sqlite3.DatabaseError) -> RegistreAnomaliesErreur:
    """What a person can do about it: a damaged file and a file the bench may not write are
    different repairs."""
    texte = str(exc)
    if "readonly" in texte or "unable to open" in texte or "disk I/O" in texte:
        return RegistreAnomaliesErreur(
            f"Le registre {chemin} ne peut pas être ouvert en écriture ({texte}) : vérifiez les "
            "droits du fichier et de son dossier, ou corrigez RECETTE_BASE."
        )
    return RegistreAnomaliesErreur(
        f"{chemin} n'est pas un registre d'anomalies lisible ({texte}) : fichier endommagé ou "
        "d'un autre format ; corrigez RECETTE_BASE ou restaurez une sauvegarde."
    )


def verifier_registre(racine: Path, contrat: Contrat) -> Path:
    """Pre-flight of every command that ends by writing to the register (a séance, a load
    check): the file opens, is a register of a known version, takes the write lock, and its
    folder takes new files (SQLite's WAL and shared-memory files live beside it). Found here,
    a bad register refuses the command before a séance folder exists, instead of after the
    séance was sealed (then never recorded)."""
    chemin = chemin_registre(racine)
    with Registre(chemin, contrat) as registre:
        try:
            registre._cx.execute("BEGIN IMMEDIATE")
            registre._cx.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            raise RegistreAnomaliesErreur(
                f"Le registre {chemin} ne peut pas être écrit ({exc})."
            ) from None
    try:
        with tempfile.TemporaryFile(dir=chemin.parent):
            pass
    except OSError as exc:
        raise RegistreAnomaliesErreur(
            f"Le dossier du registre {chemin.parent} refuse l'écriture ({exc.strerror or exc}) : "
            "le registre ne pourrait pas enregistrer la séance."
        ) from None
    return chemin


def preuves_allure(dossier_seance: Path) -> dict[str, tuple[str, ...]]:
    """The evidence of each result of a séance, by uuid, as paths relative to the séance folder:
    Allure attachments (of the result and its steps) and the links to files under preuves/."""
    dossier_resultats = dossier_seance / "allure-results"
    preuves: dict[str, tuple[str, ...]] = {}
    for chemin in sorted(dossier_resultats.glob("*-result.json")):
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        fichiers: list[str] = []
        pile = [donnees]
        while pile:
            noeud = pile.pop(0)
            fichiers += [
                f"allure-results/{p['source']}"
                for p in noeud.get("attachments", [])
                if "source" in p
            ]
            pile += noeud.get("steps", [])
        for lien in donnees.get("links", []):
            url = lien.get("url", "")
            if url and "://" not in url and (dossier_seance / url).exists():
                fichiers.append(url)
        preuves[donnees["uuid"]] = tuple(dict.fromkeys(fichiers))
    return preuves


def _gravite(texte: Gravite | str) -> Gravite:
    try:
        return Gravite.depuis(texte)
    except ValueError as exc:
        raise RegistreAnomaliesErreur(str(exc)) from None


def _auteur(auteur: str) -> str:
    auteur = (auteur or "").strip()
    if not auteur:
        raise RegistreAnomaliesErreur("Toute modification du registre doit nommer son auteur.")
    return auteur


def _texte_moment(moment: str | datetime | None) -> str | None:
    if isinstance(moment, datetime):
        return moment.isoformat()
    return moment
