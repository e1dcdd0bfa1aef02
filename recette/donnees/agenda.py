"""The MSP's shared agenda, tasks and messages between professionals.

Appointments fall inside the opening hours of `centre.yaml`, last their motif's duration and
never overlap for a professional nor for a patient. Each professional's day is a bit mask of
5-minute units: placing an appointment is one AND and one OR, so 100,000 patients stay fast.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from recette.donnees import referentiels
from recette.donnees.ages import annees_revolues
from recette.donnees.dossiers import Dossier, TirageCumule, date_entre
from recette.donnees.identite import Patient
from recette.donnees.professionnels import Professionnel
from recette.donnees.referentiels import Centre, Motif

UNITE_MINUTES = 5
STATUTS_RENDEZVOUS = ("planifie", "honore", "annule", "absent")
STATUTS_TACHES = ("a_faire", "en_cours", "faite")
PRIORITES_TACHES = ("basse", "normale", "haute")
# A pregnancy lasts about 41 weeks: its follow-up appointments stay within that span.
DUREE_GROSSESSE_JOURS = 287


@dataclass(slots=True)
class RendezVous:
    id_rendezvous: str
    id_patient: str
    id_professionnel: str
    date: dt.date
    debut: int  # minutes since midnight, Europe/Paris
    duree: int  # minutes
    motif: str
    statut: str

    @property
    def fin(self) -> int:
        return self.debut + self.duree


@dataclass(slots=True)
class Tache:
    id_tache: str
    id_patient: str  # "" for a task about the MSP itself
    libelle: str
    cree_par: str
    attribuee_a: str
    date_creation: dt.date
    date_echeance: dt.date
    statut: str
    priorite: str


@dataclass(slots=True)
class Message:
    id_message: str
    id_patient: str
    expediteur: str
    destinataire: str
    date_envoi: dt.datetime
    objet: str
    corps: str
    lu: bool


def heure(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _bloc(debut: int, duree: int) -> int:
    return ((1 << (duree // UNITE_MINUTES)) - 1) << (debut // UNITE_MINUTES)


def motif_convient(motif: Motif, sexe: str, age: int, enceinte: bool) -> bool:
    return (
        (motif.sexe is None or motif.sexe == sexe)
        and (motif.age_min is None or age >= motif.age_min)
        and (motif.age_max is None or age <= motif.age_max)
        and (not motif.grossesse or enceinte)
    )


class Planificateur:
    """Places appointments for one generation run; holds the occupancy of every agenda."""

    def __init__(
        self,
        profil: dict[str, Any],
        equipe: list[Professionnel],
        rnd: random.Random,
        reference: dt.date,
    ):
        self.rnd = rnd
        self.reference = reference
        self.centre: Centre = referentiels.centre()
        agenda = profil["agenda"]
        self.essais = int(agenda["essais_par_rendezvous"])
        self.part_medecin_traitant = float(agenda["medecin_traitant"])
        self.nombre = TirageCumule(
            list(range(len(agenda["rendezvous_par_patient"]))), agenda["rendezvous_par_patient"]
        )
        self.statuts_passes = TirageCumule(
            list(self.centre.statuts_passes), list(self.centre.statuts_passes.values())
        )
        self.par_profession: dict[str, list[Professionnel]] = {}
        for p in equipe:
            self.par_profession.setdefault(p.profession, []).append(p)
        self.par_rpps = {p.rpps: p for p in equipe if p.rpps}
        self.repartition = {
            code: poids
            for code, poids in agenda["repartition"].items()
            if poids > 0 and self.par_profession.get(code) and self.centre.motifs.get(code)
        }
        # Start times follow each profession's grid: the gcd of its motif durations.
        self.pas = {
            code: math.gcd(*(m.duree for m in self.centre.motifs[code]))
            for code in self.repartition
        }
        premier = reference - dt.timedelta(days=int(agenda["jours_passes"]))
        dernier = reference + dt.timedelta(days=int(agenda["jours_futurs"]))
        self.jours_ouverts = [
            o
            for o in range(premier.toordinal(), dernier.toordinal() + 1)
            if self._jour_ouvert(dt.date.fromordinal(o))
        ]
        self._debuts: dict[tuple[int, int, int], list[int]] = {}
        self._tirages: dict[tuple[str, int, bool], TirageCumule | None] = {}
        self.occupation: dict[tuple[str, int], int] = {}
        self.non_places = 0
        self._suivant = 1

    def _jour_ouvert(self, jour: dt.date) -> bool:
        if not self.centre.ouverture[jour.weekday()]:
            return False
        return not (self.centre.fermee_jours_feries and jour in referentiels.jours_feries())

    def _debuts_possibles(self, jour_semaine: int, duree: int, pas: int) -> list[int]:
        cle = (jour_semaine, duree, pas)
        if cle not in self._debuts:
            debuts = []
            for a, b in self.centre.ouverture[jour_semaine]:
                debut = a
                while debut + duree <= b:
                    debuts.append(debut)
                    debut += pas
            self._debuts[cle] = debuts
        return self._debuts[cle]

    def _tirage_motifs(self, sexe: str, age: int, enceinte: bool) -> TirageCumule | None:
        cle = (sexe, age, enceinte)
        if cle not in self._tirages:
            valeurs, poids = [], []
            for code, poids_profession in self.repartition.items():
                motifs = [
                    m for m in self.centre.motifs[code] if motif_convient(m, sexe, age, enceinte)
                ]
                total = sum(m.poids for m in motifs)
                for m in motifs:
                    valeurs.append(m)
                    poids.append(poids_profession * m.poids / total)
            self._tirages[cle] = TirageCumule(valeurs, poids) if valeurs else None
        return self._tirages[cle]

    def planifier(self, patient: Patient, dossier: Dossier) -> list[RendezVous]:
        rnd = self.rnd
        n = self.nombre.tirer(rnd)
        if n == 0:
            return []
        naissance = patient.date_naissance
        age = annees_revolues(naissance, self.reference)
        grossesse = dossier.grossesse_en_cours_depuis()
        tirage = self._tirage_motifs(patient.sexe, age, grossesse is not None)
        if tirage is None:
            return []
        occupation_patient: dict[int, int] = {}
        resultat = []
        for _ in range(n):
            motif: Motif = tirage.tirer(rnd)
            professionnel = self._choisir_professionnel(motif.profession, patient)
            debut_fenetre, fin_fenetre = naissance, dt.date.max
            if motif.grossesse and grossesse is not None:
                debut_fenetre = grossesse
                fin_fenetre = grossesse + dt.timedelta(days=DUREE_GROSSESSE_JOURS)
            rdv = self._placer(
                patient, professionnel, motif, debut_fenetre, fin_fenetre, occupation_patient
            )
            if rdv is None:
                self.non_places += 1
            else:
                resultat.append(rdv)
        resultat.sort(key=lambda r: (r.date, r.debut))
        for r in resultat:
            r.id_rendezvous = f"R{self._suivant:07d}"
            self._suivant += 1
        return resultat

    def _choisir_professionnel(self, profession: str, patient: Patient) -> Professionnel:
        if profession == "medecin_generaliste":
            medecin = self.par_rpps.get(patient.rpps_medecin_traitant)
            if medecin is not None and self.rnd.random() < self.part_medecin_traitant:
                return medecin
        liste = self.par_profession[profession]
        return liste[int(self.rnd.random() * len(liste))]

    def _placer(
        self,
        patient: Patient,
        professionnel: Professionnel,
        motif: Motif,
        debut_fenetre: dt.date,
        fin_fenetre: dt.date,
        occupation_patient: dict[int, int],
    ) -> RendezVous | None:
        rnd = self.rnd
        jours = self.jours_ouverts
        bas = bisect_left(jours, debut_fenetre.toordinal())
        haut = bisect_right(jours, fin_fenetre.toordinal())
        if bas >= haut:
            return None
        pas = self.pas[motif.profession]
        for _ in range(self.essais):
            ordinal = jours[rnd.randrange(bas, haut)]
            jour = dt.date.fromordinal(ordinal)
            if motif.age_min is not None or motif.age_max is not None:
                age = annees_revolues(patient.date_naissance, jour)
                if (motif.age_min is not None and age < motif.age_min) or (
                    motif.age_max is not None and age > motif.age_max
                ):
                    continue
            debuts = self._debuts_possibles(jour.weekday(), motif.duree, pas)
            if not debuts:
                continue
            debut = debuts[int(rnd.random() * len(debuts))]
            bloc = _bloc(debut, motif.duree)
            cle = (professionnel.id_professionnel, ordinal)
            if self.occupation.get(cle, 0) & bloc or occupation_patient.get(ordinal, 0) & bloc:
                continue
            self.occupation[cle] = self.occupation.get(cle, 0) | bloc
            occupation_patient[ordinal] = occupation_patient.get(ordinal, 0) | bloc
            statut = "planifie" if jour >= self.reference else self.statuts_passes.tirer(rnd)
            return RendezVous(
                id_rendezvous="",
                id_patient=patient.id_patient,
                id_professionnel=professionnel.id_professionnel,
                date=jour,
                debut=debut,
                duree=motif.duree,
                motif=motif.libelle,
                statut=statut,
            )
        return None


class Coordination:
    """Tasks and messages between the MSP's professionals about (or beside) patients."""

    def __init__(
        self,
        profil: dict[str, Any],
        equipe: list[Professionnel],
        rnd: random.Random,
        reference: dt.date,
    ):
        self.rnd = rnd
        self.reference = reference
        self.centre = referentiels.centre()
        self.equipe = equipe
        self.soignants = [p for p in equipe if p.rpps]
        self.par_profession: dict[str, list[Professionnel]] = {}
        for p in equipe:
            self.par_profession.setdefault(p.profession, []).append(p)
        self.par_rpps = {p.rpps: p for p in equipe if p.rpps}
        proportions = profil["proportions"]
        self.p_tache = float(proportions["tache_par_patient"])
        self.p_message = float(proportions["message_par_patient"])
        self.jours_taches = int(profil["taches_jours"])
        self.jours_messages = int(profil["messages_jours"])
        self.statuts = TirageCumule(
            list(self.centre.statuts_taches), list(self.centre.statuts_taches.values())
        )
        self.priorites = TirageCumule(
            list(self.centre.priorites_taches), list(self.centre.priorites_taches.values())
        )
        self._tache_suivante = 1
        self._message_suivant = 1

    def _auteur(self, patient: Patient | None) -> Professionnel:
        if patient is not None:
            medecin = self.par_rpps.get(patient.rpps_medecin_traitant)
            if medecin is not None and self.rnd.random() < 0.6:
                return medecin
        liste = self.soignants or self.equipe
        return liste[int(self.rnd.random() * len(liste))]

    def _tache(
        self, patient: Patient | None, modeles: tuple[tuple[str, tuple[str, ...]], ...]
    ) -> Tache | None:
        rnd = self.rnd
        libelle, pour = modeles[int(rnd.random() * len(modeles))]
        candidats = [p for code in pour for p in self.par_profession.get(code, ())]
        if not candidats:
            return None
        attribuee = candidats[int(rnd.random() * len(candidats))]
        auteur = self._auteur(patient)
        if auteur.id_professionnel == attribuee.id_professionnel and len(self.equipe) > 1:
            autres = [p for p in self.equipe if p.id_professionnel != attribuee.id_professionnel]
            auteur = autres[int(rnd.random() * len(autres))]
        debut = self.reference - dt.timedelta(days=self.jours_taches)
        if patient is not None:
            debut = max(debut, patient.date_naissance)
        creation = date_entre(rnd, debut, self.reference)
        tache = Tache(
            id_tache=f"T{self._tache_suivante:06d}",
            id_patient=patient.id_patient if patient else "",
            libelle=libelle,
            cree_par=auteur.id_professionnel,
            attribuee_a=attribuee.id_professionnel,
            date_creation=creation,
            date_echeance=creation + dt.timedelta(days=rnd.randint(1, 30)),
            statut=self.statuts.tirer(rnd),
            priorite=self.priorites.tirer(rnd),
        )
        self._tache_suivante += 1
        return tache

    def taches_patient(self, patient: Patient) -> list[Tache]:
        if self.rnd.random() >= self.p_tache:
            return []
        tache = self._tache(patient, self.centre.taches_patient)
        return [tache] if tache else []

    def taches_generales(self, nombre: int) -> list[Tache]:
        resultat = []
        for _ in range(nombre):
            tache = self._tache(None, self.centre.taches_generales)
            if tache:
                resultat.append(tache)
        return resultat

    def messages_patient(self, patient: Patient) -> list[Message]:
        rnd = self.rnd
        if rnd.random() >= self.p_message:
            return []
        expediteur = self._auteur(patient)
        # Messages about a patient go to those who care for them, not to the administrator.
        autres = [
            p
            for p in self.equipe
            if p.id_professionnel != expediteur.id_professionnel and p.role != "administrateur"
        ]
        if not autres:
            return []
        destinataire = autres[int(rnd.random() * len(autres))]
        objet, modele = self.centre.messages[int(rnd.random() * len(self.centre.messages))]
        debut = max(patient.date_naissance, self.reference - dt.timedelta(days=self.jours_messages))
        jour = date_entre(rnd, debut, self.reference)
        minute = rnd.randrange(7 * 60, 21 * 60)
        nom = patient.nom_usage or patient.nom_naissance
        message = Message(
            id_message=f"M{self._message_suivant:06d}",
            id_patient=patient.id_patient,
            expediteur=expediteur.id_professionnel,
            destinataire=destinataire.id_professionnel,
            date_envoi=dt.datetime.combine(jour, dt.time(minute // 60, minute % 60)),
            objet=objet,
            corps=modele.replace("{patient}", f"{patient.premier_prenom} {nom}"),
            lu=rnd.random() < (0.85 if jour < self.reference else 0.4),
        )
        self._message_suivant += 1
        return [message]
