"""The anomaly register: the anomalies, their occurrences séance after séance, their history,
and the index of recorded séances, kept in the bench's database (the models of
``recette/modeles``: a SQLite file under ``reports/`` by default, PostgreSQL by
``RECETTE_BASE_URL``, see recette/base.py).

Durability: every change (a séance recorded, a status changed) is a single transaction, so a
process killed mid-way leaves the register as it was before that change, never half-written.
On SQLite the file is in WAL mode with ``synchronous=FULL`` and transactions are IMMEDIATE (the
write lock first); numbers are given under the year's lock (recette/modeles/numerotation.py).
Opening the register migrates its database when needed, a former register file included
(migration 0002); a database migrated by a newer bench is refused rather than misread.

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
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from recette.anomalies import cycle
from recette.anomalies.modele import (
    Anomalie,
    Bilan,
    Fiche,
    SeanceEnregistree,
    attendu_anomalie,
    titre_anomalie,
)
from recette.anomalies.signature import identite_resultat, signature_resultat
from recette.contrat import Contrat, Gravite
from recette.delais import echeances_anomalie, moment_en_francais
from recette.erreurs import RegistreAnomaliesErreur
from recette.resultats import Resultat, compter
from recette.seance import dossier_rapports
from recette.verdicts import AnomalieFait, Phase, StatutAnomalie

# Django and the models are imported inside the methods, once the register has set Django up
# (recette.base.ouvrir): importing this module must stay cheap (`recette --help`).

S = StatutAnomalie

# The séance index's kind of a séance run by scenarios (the others are checks).
GENRE_SCENARIOS = "scenarios"
_EN_COURS = tuple(sorted(s.value for s in cycle.EN_COURS))

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
    """``with Registre(chemin, contrat) as registre: ...``: the register in the SQLite file
    ``chemin`` (created if missing), or in the database ``RECETTE_BASE_URL`` names (then
    ``chemin`` is not used)."""

    def __init__(self, chemin: Path | str, contrat: Contrat):
        self.chemin = Path(chemin)
        self.contrat = contrat
        self.fuseau = contrat.calendrier.fuseau_horaire
        # Where the data lives, for messages: the file, or the server (never its password).
        self.lieu = _ouvrir(self.chemin)

    def __enter__(self) -> Registre:
        return self

    def __exit__(self, *exc) -> None:
        self.fermer()

    def fermer(self) -> None:
        from django.db import connection

        connection.close()

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One change, all or nothing. On SQLite the transaction is IMMEDIATE (the write lock
        first, see recette/base.py); on PostgreSQL the rows changed are locked (FOR UPDATE)
        and numbers are given under the year's lock."""
        from django.db import OperationalError, transaction

        try:
            with transaction.atomic():
                yield
        except OperationalError as exc:  # the file or server, not the data (a bug stays loud)
            if "locked" in str(exc) or "busy" in str(exc):
                raise RegistreAnomaliesErreur(
                    f"Le registre {self.lieu} est occupé par un autre processus ({exc})."
                ) from None
            raise _erreur_base(self.lieu, str(exc)) from None

    def verifier_ecriture(self) -> None:
        """Takes the write lock and gives it back: a register that could not record a change
        says so now (pre-flight), not after a séance."""
        try:
            with self._transaction():
                pass
        except RegistreAnomaliesErreur as exc:
            raise RegistreAnomaliesErreur(
                f"Le registre {self.lieu} ne peut pas être écrit ({exc})."
            ) from None

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
        from recette.modeles.models import Anomalie as Ligne
        from recette.modeles.models import Seance

        quand = self._moment(quand)
        auteur = _auteur(auteur)
        try:
            phase = Phase.depuis(phase).value
        except ValueError as exc:
            raise RegistreAnomaliesErreur(f"Séance {seance_id} : {exc}") from None
        debut = self._instant(debut, seance_id, "début")
        fin = self._instant(fin, seance_id, "fin")
        preuves = preuves or {}
        with self._transaction():
            if Seance.objects.filter(pk=seance_id).exists():
                return Bilan(seance_id, deja_enregistree=True)
            Seance.objects.create(
                id=seance_id,
                phase=phase,
                genre=genre,
                profil=profil,
                cible=cible,
                debut=debut,
                fin=fin,
                statut=statut,
                compteurs=compter(list(resultats)),
                enregistree_le=quand,
                enregistree_par=auteur,
                rapport=rapport,
            )
            nouvelles: list[str] = []
            recurrentes: list[str] = []
            echoues = set()
            for r in resultats:
                if not r.echec:
                    continue
                echoues.add(identite_resultat(r))
                numero, creee = self._rattacher_echec(seance_id, r, quand, auteur)
                self._ajouter_occurrence(numero, seance_id, r, quand, preuves)
                if creee:
                    nouvelles.append(numero)
                elif numero not in recurrentes and numero not in nouvelles:
                    recurrentes.append(numero)
            proposees: list[str] = []
            for r in resultats:
                identite = identite_resultat(r)
                if r.statut != "passed" or identite in echoues:
                    continue
                en_cours = Ligne.objects.select_for_update().filter(
                    scenario=identite, statut__in=_EN_COURS
                )
                for ligne in en_cours.order_by("annee", "rang"):
                    self._ajouter_occurrence(ligne.numero, seance_id, r, quand, preuves)
                    if ligne.verification_proposee_id is None:
                        ligne.verification_proposee_id = seance_id
                        ligne.modifie_le = quand
                        ligne.save(update_fields=["verification_proposee", "modifie_le"])
                        self._historiser(
                            ligne.numero,
                            quand,
                            auteur,
                            ACTION_PROPOSEE_VERIFIEE,
                            commentaire=f"Le scénario réussit lors de la séance {seance_id} : "
                            "l'anomalie peut être vérifiée.",
                        )
                        proposees.append(ligne.numero)
        return Bilan(seance_id, False, tuple(nouvelles), tuple(recurrentes), tuple(proposees))

    def _rattacher_echec(
        self, seance_id: str, r: Resultat, quand: datetime, auteur: str
    ) -> tuple[str, bool]:
        """The anomaly this failure belongs to, created if needed: (numero, created)."""
        from recette.modeles.models import Anomalie as Ligne

        empreinte = signature_resultat(r)
        memes = list(
            Ligne.objects.select_for_update().filter(signature=empreinte).order_by("annee", "rang")
        )
        cible = next((m for m in memes if S(m.statut) in cycle.EN_COURS), None)
        if cible is None:
            for m in memes:
                if m.statut == S.DOUBLON:
                    origine = self._ligne(m.reference_id)
                    if S(origine.statut) in cycle.EN_COURS:
                        cible = origine
                        break
        if cible is not None:
            cible.modifie_le = quand
            if cible.verification_proposee_id is not None:
                cible.verification_proposee = None
                cible.save(update_fields=["verification_proposee", "modifie_le"])
                self._historiser(
                    cible.numero,
                    quand,
                    auteur,
                    ACTION_PROPOSITION_RETIREE,
                    commentaire=f"Le scénario échoue de nouveau lors de la séance {seance_id}.",
                )
            else:
                cible.save(update_fields=["modifie_le"])
            return cible.numero, False
        numero = self._creer(
            seance_id, r, empreinte, quand, auteur, precedentes=[m.numero for m in memes]
        )
        return numero, True

    def _creer(
        self,
        seance_id: str,
        r: Resultat,
        empreinte: str,
        quand: datetime,
        auteur: str,
        precedentes: Sequence[str],
    ) -> str:
        from recette.modeles.numerotation import creer_anomalie

        gravite = self.gravite_proposee(r.priorite)
        numero = creer_anomalie(
            quand,
            titre=titre_anomalie(r),
            seance_origine_id=seance_id,
            scenario=identite_resultat(r),
            exigences=list(r.exigences),
            domaine=r.domaine,
            priorite=r.priorite,
            etape_en_echec=r.etape_en_echec,
            attendu=attendu_anomalie(r),
            observe=r.message or "Le scénario a échoué sans message d'erreur.",
            gravite_proposee=gravite.value,
            statut=S.OUVERTE.value,
            signature=empreinte,
            cree_par=auteur,
        ).numero
        motif = (
            f"exigence de priorité {r.priorite}" if r.priorite is not None else "priorité inconnue"
        )
        commentaire = (
            f"Échec du scénario lors de la séance {seance_id} ; gravité proposée : "
            f"{gravite.value} ({motif})."
        )
        if precedentes:
            commentaire += (
                f" Même signature que {', '.join(precedentes)} (déjà traitée) : "
                "régression possible."
            )
        self._historiser(numero, quand, auteur, "création", vers=S.OUVERTE, commentaire=commentaire)
        return numero

    def gravite_proposee(self, priorite: int | None) -> Gravite:
        """The bench's proposal, from the contract's blocking priorities (see the module doc)."""
        if priorite is not None and priorite in self.contrat.exigences.priorites_bloquantes:
            return Gravite.BLOQUANTE
        return Gravite.NON_BLOQUANTE

    def _ajouter_occurrence(
        self,
        numero: str,
        seance_id: str,
        r: Resultat,
        quand: datetime,
        preuves: Mapping[str, Sequence[str]],
    ) -> None:
        from recette.modeles.models import Occurrence

        observee = (
            datetime.fromtimestamp(r.debut / 1000, self.fuseau) if r.debut is not None else quand
        )
        # The same run of the same anomaly in the same séance is one occurrence.
        Occurrence.objects.bulk_create(
            [
                Occurrence(
                    anomalie_id=numero,
                    seance_id=seance_id,
                    resultat=r.uuid,
                    observee_le=observee,
                    statut=r.statut,
                    message=r.message,
                    preuves=list(preuves.get(r.uuid, ())),
                )
            ],
            ignore_conflicts=True,
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
        with self._transaction():
            ligne = self._ligne(numero)
            numero = ligne.numero
            de = S(ligne.statut)
            if vers is S.QUALIFIEE and de is S.QUALIFIEE:
                # A second qualification changes the gravity; it is not a status change.
                pass
            else:
                cycle.verifier_transition(numero, de, vers)
            champs: dict[str, object] = {"statut": vers.value, "modifie_le": quand}
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
                    retenue = ligne.gravite_qualifiee or ligne.gravite_proposee
                    if ligne.gravite_qualifiee is None:
                        champs["gravite_qualifiee"] = retenue
                        notes.append(f"Gravité proposée retenue : {retenue}.")
                    echeances = echeances_anomalie(retenue, quand, self.contrat)
                    champs["transmise_le"] = quand
                    champs["echeance_contournement"] = (
                        self._moment(echeances.contournement) if echeances.contournement else None
                    )
                    champs["echeance_correction"] = self._moment(echeances.correction)
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
                champs["contournee_le"] = quand
            elif vers is S.CORRIGEE:
                champs["corrigee_le"] = quand
            elif vers is S.REJETEE and commentaire is None:
                raise RegistreAnomaliesErreur(
                    f"Rejeter l'anomalie {numero} demande un motif (commentaire)."
                )
            if vers is S.DOUBLON:
                champs["reference_id"] = self._reference(numero, reference)
                notes.append(f"Doublon de {champs['reference_id']}.")
            elif reference is not None:
                raise RegistreAnomaliesErreur(
                    f"Une référence ne s'indique que pour marquer l'anomalie {numero} comme "
                    "doublon."
                )
            for nom, valeur in champs.items():
                setattr(ligne, nom, valeur)
            ligne.save(update_fields=[nom.removesuffix("_id") for nom in champs])
            texte = " ".join([*notes, *([commentaire] if commentaire else [])]) or None
            self._historiser(numero, quand, auteur, action, de=de, vers=vers, commentaire=texte)
            return ligne.valeur()

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

    def _reference(self, numero: str, reference: str | None) -> str:
        if not reference:
            raise RegistreAnomaliesErreur(
                f"Marquer l'anomalie {numero} comme doublon demande le numéro de l'anomalie "
                "qu'elle répète."
            )
        reference = reference.strip().upper()
        if reference == numero:
            raise RegistreAnomaliesErreur(f"L'anomalie {numero} ne peut être son propre doublon.")
        origine = self._ligne(reference)
        if origine.statut == S.DOUBLON:
            raise RegistreAnomaliesErreur(
                f"{reference} est elle-même un doublon de {origine.reference_id} : indiquez "
                f"{origine.reference_id} comme référence de {numero}."
            )
        return reference

    # --- reading (outside transactions: see recette/modeles/lecture.py) -------------------------

    def lister(
        self, statut: StatutAnomalie | str | None = None, ouvertes: bool | None = None
    ) -> list[Anomalie]:
        """Anomalies in number order; ``ouvertes`` as the verdict counts them (until vérifiée)."""
        from recette.modeles import lecture

        filtre = cycle.statut_depuis(statut) if statut is not None else None
        return [
            a
            for a in lecture.anomalies()
            if (filtre is None or a.statut is filtre)
            and (ouvertes is None or a.est_ouverte == ouvertes)
        ]

    def voir(self, numero: str) -> Fiche:
        from recette.modeles import lecture

        return lecture.fiche(numero)

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
        from recette.modeles import lecture

        return lecture.seances()

    def seance(self, seance_id: str) -> SeanceEnregistree | None:
        from recette.modeles.models import Seance

        ligne = Seance.objects.filter(pk=seance_id).first()
        return ligne.valeur() if ligne is not None else None

    # --- helpers ------------------------------------------------------------------------------

    def _ligne(self, numero: str):
        """The anomaly's row, locked until the change's transaction ends."""
        from recette.modeles.models import Anomalie as Ligne

        numero = numero.strip().upper()
        try:
            return Ligne.objects.select_for_update().get(pk=numero)
        except Ligne.DoesNotExist:
            raise RegistreAnomaliesErreur(
                f"Anomalie {numero} introuvable dans {self.lieu}."
            ) from None

    def _historiser(
        self,
        numero: str,
        quand: datetime,
        auteur: str,
        action: str,
        *,
        de: StatutAnomalie | None = None,
        vers: StatutAnomalie | None = None,
        commentaire: str | None = None,
    ) -> None:
        from recette.modeles.models import Evenement

        Evenement.objects.create(
            anomalie_id=numero,
            date=quand,
            auteur=auteur,
            action=action,
            de=de.value if de else None,
            vers=vers.value if vers else None,
            commentaire=commentaire,
        )

    def _moment(self, quand: datetime) -> datetime:
        if not isinstance(quand, datetime) or quand.tzinfo is None or quand.utcoffset() is None:
            raise RegistreAnomaliesErreur(
                f"La date « {quand} » doit porter son fuseau horaire (Europe/Paris)."
            )
        return quand.astimezone(self.fuseau)

    def _instant(self, moment: str | datetime | None, seance_id: str, quoi: str):
        """A séance's start or end as the séance file gives it (ISO 8601 text); without an
        offset it is Paris time."""
        if moment is None or moment == "":
            return None
        if not isinstance(moment, datetime):
            try:
                moment = datetime.fromisoformat(str(moment))
            except ValueError:
                raise RegistreAnomaliesErreur(
                    f"Séance {seance_id} : date de {quoi} illisible « {moment} »."
                ) from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = moment.replace(tzinfo=self.fuseau)
        return moment.astimezone(self.fuseau)


# --- opening, pre-flight, evidence -----------------------------------------------------------


def chemin_registre(racine: Path) -> Path:
    """``reports/recette.sqlite`` beside the séance folders, or the file named by RECETTE_BASE."""
    return Path(os.environ.get("RECETTE_BASE") or dossier_rapports(racine) / "recette.sqlite")


def registre_existe(chemin: Path) -> bool:
    """Whether there is a register to read (documents refuse to be derived from none): the
    database ``RECETTE_BASE_URL`` names, else the SQLite file ``chemin``."""
    from recette.base import VARIABLE_URL

    return bool((os.environ.get(VARIABLE_URL) or "").strip()) or Path(chemin).is_file()


def _ouvrir(chemin: Path) -> str:
    """The register's database ready (recette.base.ouvrir), or a French message saying what a
    person can repair; returns where the data lives, for messages."""
    from recette import base

    if (os.environ.get(base.VARIABLE_URL) or "").strip():
        return base.ouvrir(chemin)
    try:
        chemin.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fichiers = [p for p in chemin.parents if p.exists() and not p.is_dir()]
        raison = f"{fichiers[0]} est un fichier" if fichiers else exc.strerror or str(exc)
        raise RegistreAnomaliesErreur(
            f"Le registre {chemin} ne peut pas être créé : son dossier {chemin.parent} est "
            f"inaccessible ({raison})."
        ) from None
    if chemin.is_dir():
        raise RegistreAnomaliesErreur(
            f"{chemin} est un dossier, pas un registre d'anomalies : corrigez RECETTE_BASE ou "
            "retirez ce dossier."
        )
    try:
        base.ouvrir(chemin)
    except base.BaseDonneesInvalide as exc:
        if exc.raison is None:  # not the file's fault (a newer bench's database…)
            raise
        raise _erreur_base(chemin, exc.raison) from None
    return str(chemin)


def _erreur_base(lieu: Path | str, texte: str) -> RegistreAnomaliesErreur:
    """What a person can do about it: a damaged file and a file the bench may not write are
    different repairs."""
    if "readonly" in texte or "unable to open" in texte or "disk I/O" in texte:
        return RegistreAnomaliesErreur(
            f"Le registre {lieu} ne peut pas être ouvert en écriture ({texte}) : vérifiez les "
            "droits du fichier et de son dossier, ou corrigez RECETTE_BASE."
        )
    return RegistreAnomaliesErreur(
        f"{lieu} n'est pas un registre d'anomalies lisible ({texte}) : fichier endommagé ou "
        "d'un autre format ; corrigez RECETTE_BASE ou restaurez une sauvegarde."
    )


def verifier_registre(racine: Path, contrat: Contrat) -> Path:
    """Pre-flight of every command that ends by writing to the register (a séance, a load
    check): the database opens, is of a known version, takes the write lock, and a SQLite
    file's folder takes new files (its WAL and shared-memory files live beside it). Found here,
    a bad register refuses the command before a séance folder exists, instead of after the
    séance was sealed (then never recorded)."""
    from recette.base import VARIABLE_URL

    chemin = chemin_registre(racine)
    distante = bool((os.environ.get(VARIABLE_URL) or "").strip())
    if not distante and not chemin.exists() and not chemin.is_symlink():
        # No register yet: the séance creates it. A pre-flight writes nothing (a refused command
        # leaves no file behind): only the nearest existing folder must take new files.
        _verifier_dossier_futur(chemin)
        return chemin
    with Registre(chemin, contrat) as registre:
        registre.verifier_ecriture()
    if distante:
        return chemin
    refus = _refus_d_ecriture(chemin.parent)
    if refus:
        raise RegistreAnomaliesErreur(
            f"Le dossier du registre {chemin.parent} refuse l'écriture ({refus}) : "
            "le registre ne pourrait pas enregistrer la séance."
        )
    return chemin


def _refus_d_ecriture(dossier: Path) -> str | None:
    """Why `dossier` does not take a new file (its WAL and shared-memory files, or the register
    itself), or None when it does; nothing is left behind."""
    try:
        with tempfile.TemporaryFile(dir=dossier):
            return None
    except OSError as exc:
        return str(exc.strerror or exc)


def _verifier_dossier_futur(chemin: Path) -> None:
    ancetre = chemin.parent
    while not ancetre.exists() and ancetre != ancetre.parent:
        ancetre = ancetre.parent
    if not ancetre.is_dir():
        nature = "est un fichier" if ancetre.is_file() else "existe"
        raise RegistreAnomaliesErreur(
            f"Le registre {chemin} ne peut pas être créé : {ancetre} {nature}, pas un dossier "
            "où le créer ; corrigez RECETTE_BASE ou déplacez ce fichier."
        )
    refus = _refus_d_ecriture(ancetre)
    if refus:
        raise RegistreAnomaliesErreur(
            f"Le registre {chemin} ne peut pas être créé : le dossier {ancetre} refuse "
            f"l'écriture ({refus})."
        )


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
