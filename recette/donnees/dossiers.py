"""A patient's medical file: history, allergies, treatments, correspondents, parents, consent.

Every element obeys the rules of `catalogue_medical.yaml` at its start date: sex, age bounds,
pregnancy only for a woman of child-bearing age, adult-only treatments never for a minor, no
treatment of a class the patient is allergic to, every date between birth and the reference
date. `coherence.py` checks the same rules on any file, generated or imported.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from recette.donnees import referentiels
from recette.donnees.ages import annees_revolues, date_a_l_age, dernier_jour_a_l_age
from recette.donnees.identite import FournisseurIdentite, Patient
from recette.donnees.professionnels import Professionnel, Specialiste
from recette.donnees.referentiels import Catalogue, ElementCatalogue

TYPES_ELEMENTS = ("antecedent", "allergie", "traitement")
STATUTS_CONSENTEMENT = ("accepte", "refuse")
LIENS_PARENT = ("mere", "pere", "tuteur")


@dataclass(slots=True)
class ElementMedical:
    type: str  # antecedent / allergie / traitement
    libelle: str
    date_debut: dt.date | None


@dataclass(slots=True)
class Correspondant:
    role: str  # medecin_traitant / specialiste
    nom: str
    prenom: str
    specialite: str  # French label
    rpps: str
    telephone: str
    ville: str


@dataclass(slots=True)
class ContactParent:
    lien: str  # mere / pere / tuteur
    nom: str
    prenom: str
    telephone: str


@dataclass(slots=True)
class Consentement:
    statut: str  # accepte / refuse
    date: dt.date | None
    id_professionnel: str  # who collected it (CSP: date and collector are kept)


@dataclass(slots=True)
class Dossier:
    id_patient: str
    # The day the file describes ("today" of the data): no fact may be dated after it.
    date_reference: dt.date | None
    elements: list[ElementMedical] = field(default_factory=list)
    correspondants: list[Correspondant] = field(default_factory=list)
    contacts_parents: list[ContactParent] = field(default_factory=list)
    consentement: Consentement | None = None

    def grossesse_en_cours_depuis(self, cat: Catalogue | None = None) -> dt.date | None:
        libelle = (cat or referentiels.catalogue()).grossesse_en_cours.libelle
        for e in self.elements:
            if e.type == "antecedent" and e.libelle == libelle:
                return e.date_debut
        return None


class TirageCumule:
    """Weighted choice with precomputed cumulative weights (random.choices recomputes them)."""

    def __init__(self, valeurs: list[Any], poids: list[float]):
        if not valeurs or sum(poids) <= 0:
            raise ValueError("tirage sans valeur ou de poids nul")
        self.valeurs = list(valeurs)
        self.cumul = list(accumulate(poids))
        self.total = self.cumul[-1]

    def tirer(self, rnd: random.Random) -> Any:
        return self.valeurs[bisect(self.cumul, rnd.random() * self.total)]


def tirage_nombre(poids: list[float]) -> TirageCumule:
    """A draw of a count 0, 1, 2… with the given weights."""
    return TirageCumule(list(range(len(poids))), poids)


def date_entre(rnd: random.Random, debut: dt.date, fin: dt.date) -> dt.date:
    return dt.date.fromordinal(rnd.randint(debut.toordinal(), fin.toordinal()))


def fenetre_element(
    element: ElementCatalogue, naissance: dt.date, reference: dt.date, majorite: int
) -> tuple[dt.date, dt.date] | None:
    """The start dates an element may take for this person (None: it cannot apply)."""
    debut = naissance
    fin = reference
    age_min = element.age_min
    if element.adulte:
        age_min = max(age_min or 0, majorite)
    if age_min:
        debut = max(debut, date_a_l_age(naissance, age_min))
    if element.age_max is not None:
        fin = min(fin, dernier_jour_a_l_age(naissance, element.age_max))
    if element.en_cours_jours is not None:
        debut = max(debut, reference - dt.timedelta(days=element.en_cours_jours))
    return (debut, fin) if debut <= fin else None


def tirer_consentement(
    rnd: random.Random,
    naissance: dt.date,
    reference: dt.date,
    proportions: dict[str, float],
    anciennete_jours: int,
    collecteurs: list[Professionnel],
) -> Consentement | None:
    """Accepted, refused or not yet collected (None), dated between birth and the reference."""
    tirage = rnd.random()
    if tirage < proportions["consentement_accepte"]:
        statut = "accepte"
    elif tirage < proportions["consentement_accepte"] + proportions["consentement_refuse"]:
        statut = "refuse"
    else:
        return None
    debut = max(naissance, reference - dt.timedelta(days=anciennete_jours))
    return Consentement(
        statut=statut,
        date=date_entre(rnd, debut, reference),
        id_professionnel=collecteurs[int(rnd.random() * len(collecteurs))].id_professionnel,
    )


class CompositeurDossier:
    """Draws coherent medical files; eligibility lists are cached by (sex, age)."""

    def __init__(
        self,
        profil: dict[str, Any],
        rnd: random.Random,
        identite: FournisseurIdentite,
        medecins: dict[str, Professionnel],
        annuaire: dict[str, list[Specialiste]],
    ):
        self.rnd = rnd
        self.identite = identite
        self.cat = referentiels.catalogue()
        self.medecins = medecins
        self.annuaire = annuaire
        self.libelles_specialites = referentiels.specialites()
        self.proportions = profil["proportions"]
        self.grossesse_min = int(profil["grossesse"]["age_min"])
        self.grossesse_max = int(profil["grossesse"]["age_max"])
        dossier = profil["dossier"]
        self.n_antecedents_enfant = tirage_nombre(dossier["antecedents_enfant"])
        self.n_antecedents_adulte = tirage_nombre(dossier["antecedents_adulte"])
        self.n_antecedents_senior = tirage_nombre(dossier["antecedents_senior"])
        self.n_allergies = tirage_nombre(dossier["allergies"])
        self._antecedents: dict[tuple[str, int], list[ElementCatalogue]] = {}
        self._allergies: dict[int, list[ElementCatalogue]] = {}
        self._traitements_par_indication: dict[str, list[ElementCatalogue]] = {}
        for t in self.cat.traitements:
            for indication in t.indications:
                self._traitements_par_indication.setdefault(indication, []).append(t)
        self._ponctuels = [t for t in self.cat.traitements if not t.indications]

    def _antecedents_possibles(self, sexe: str, age: int) -> list[ElementCatalogue]:
        cle = (sexe, age)
        if cle not in self._antecedents:
            self._antecedents[cle] = [
                a
                for a in self.cat.antecedents
                if (a.sexe is None or a.sexe == sexe) and (a.age_min or 0) <= age
            ]
        return self._antecedents[cle]

    def _allergies_possibles(self, age: int) -> list[ElementCatalogue]:
        if age not in self._allergies:
            self._allergies[age] = [a for a in self.cat.allergies if (a.age_min or 0) <= age]
        return self._allergies[age]

    def composer(self, patient: Patient, reference: dt.date, consentement: Consentement | None):
        """The file of `patient`; a child under 12 is then reached on a parent's phone."""
        rnd = self.rnd
        naissance = patient.date_naissance
        age = annees_revolues(naissance, reference)
        majorite = self.cat.majorite
        dossier = Dossier(id_patient=patient.id_patient, date_reference=reference)
        elements = dossier.elements

        classes_allergiques = set()
        allergies = self._allergies_possibles(age)
        for modele in rnd.sample(allergies, min(self.n_allergies.tirer(rnd), len(allergies))):
            fenetre = fenetre_element(modele, naissance, reference, majorite)
            if fenetre:
                elements.append(
                    ElementMedical("allergie", modele.libelle, date_entre(rnd, *fenetre))
                )
                if modele.classe:
                    classes_allergiques.add(modele.classe)

        if age < majorite:
            tirage_n = self.n_antecedents_enfant
        elif age < 60:
            tirage_n = self.n_antecedents_adulte
        else:
            tirage_n = self.n_antecedents_senior
        possibles = self._antecedents_possibles(patient.sexe, age)
        antecedents: list[ElementMedical] = []
        for modele in rnd.sample(possibles, min(tirage_n.tirer(rnd), len(possibles))):
            fenetre = fenetre_element(modele, naissance, reference, majorite)
            if fenetre:
                antecedents.append(
                    ElementMedical("antecedent", modele.libelle, date_entre(rnd, *fenetre))
                )
        if patient.sexe == "F":
            antecedents.extend(self._obstetrique(naissance, reference, age))
        elements.extend(antecedents)

        traitements: dict[str, ElementMedical] = {}
        for antecedent in antecedents:
            if rnd.random() >= self.proportions["traitement_par_antecedent"]:
                continue
            candidats = self._traitements_par_indication.get(antecedent.libelle, ())
            self._ajouter_traitement(
                traitements,
                candidats,
                patient.sexe,
                naissance,
                reference,
                classes_allergiques,
                au_plus_tot=antecedent.date_debut,
            )
        if rnd.random() < self.proportions["traitement_ponctuel"]:
            self._ajouter_traitement(
                traitements,
                self._ponctuels,
                patient.sexe,
                naissance,
                reference,
                classes_allergiques,
                au_plus_tot=reference - dt.timedelta(days=30),
            )
        elements.extend(traitements.values())

        if age < majorite:
            dossier.contacts_parents = self._parents(patient)
            if age < 12:
                patient.telephone = dossier.contacts_parents[0].telephone
        dossier.correspondants = self._correspondants(patient, antecedents, age < majorite)
        dossier.consentement = consentement
        return dossier

    def _obstetrique(self, naissance: dt.date, reference: dt.date, age: int):
        rnd = self.rnd
        resultat = []
        if age >= 25 and rnd.random() < self.proportions["accouchement_passe"]:
            debut = date_a_l_age(naissance, max(self.grossesse_min, 18))
            fin = min(
                reference - dt.timedelta(days=365),
                dernier_jour_a_l_age(naissance, self.grossesse_max),
            )
            if debut <= fin:
                modeles = self.cat.obstetrique_passee
                modele = modeles[int(rnd.random() * len(modeles))]
                resultat.append(
                    ElementMedical("antecedent", modele.libelle, date_entre(rnd, debut, fin))
                )
        if (
            self.grossesse_min <= age <= self.grossesse_max
            and rnd.random() < self.proportions["grossesse_en_cours"]
        ):
            modele = self.cat.grossesse_en_cours
            debut = max(
                reference - dt.timedelta(days=modele.en_cours_jours or 270),
                date_a_l_age(naissance, self.grossesse_min),
            )
            if debut <= reference:
                resultat.append(
                    ElementMedical("antecedent", modele.libelle, date_entre(rnd, debut, reference))
                )
        return resultat

    def _ajouter_traitement(
        self,
        traitements: dict[str, ElementMedical],
        candidats,
        sexe: str,
        naissance: dt.date,
        reference: dt.date,
        classes_allergiques: set[str],
        au_plus_tot: dt.date | None,
    ) -> None:
        possibles = []
        for t in candidats:
            if t.libelle in traitements or (t.sexe and t.sexe != sexe):
                continue
            if t.classe and t.classe in classes_allergiques:
                continue
            fenetre = fenetre_element(t, naissance, reference, self.cat.majorite)
            if fenetre is None:
                continue
            debut, fin = fenetre
            if au_plus_tot:
                debut = max(debut, au_plus_tot)
            if debut <= fin:
                possibles.append((t, debut, fin))
        if possibles:
            t, debut, fin = possibles[int(self.rnd.random() * len(possibles))]
            traitements[t.libelle] = ElementMedical(
                "traitement", t.libelle, date_entre(self.rnd, debut, fin)
            )

    def _parents(self, patient: Patient) -> list[ContactParent]:
        rnd = self.rnd
        ident = self.identite
        mere = ContactParent(
            lien="mere",
            # Many mothers keep their own birth name: the child's name is not hers then.
            nom=patient.nom_naissance if rnd.random() < 0.6 else ident.nom_famille().upper(),
            prenom=ident.prenom_personne("F"),
            telephone=ident.telephone_fiction(),
        )
        pere = ContactParent(
            lien="pere",
            nom=patient.nom_naissance,
            prenom=ident.prenom_personne("M"),
            telephone=ident.telephone_fiction(),
        )
        premier, second = (mere, pere) if rnd.random() < 0.7 else (pere, mere)
        if rnd.random() < self.proportions["deux_parents"]:
            return [premier, second]
        return [premier]

    def _correspondants(
        self, patient: Patient, antecedents: list[ElementMedical], mineur: bool
    ) -> list[Correspondant]:
        rnd = self.rnd
        resultat = []
        medecin = self.medecins.get(patient.rpps_medecin_traitant)
        if medecin is not None:
            resultat.append(
                Correspondant(
                    role="medecin_traitant",
                    nom=medecin.nom,
                    prenom=medecin.prenom,
                    specialite=referentiels.professions()["medecin_generaliste"].libelle,
                    rpps=medecin.rpps,
                    telephone=medecin.telephone,
                    ville=ville_msp(),
                )
            )
        specialites: list[str] = []
        for antecedent in antecedents:
            modele = self.cat.par_libelle.get(("antecedent", antecedent.libelle))
            if (
                modele
                and modele.specialite
                and modele.specialite not in specialites
                and rnd.random() < self.proportions["correspondant_par_antecedent"]
            ):
                specialites.append(modele.specialite)
        if mineur and "pediatre" not in specialites:
            if rnd.random() < self.proportions["pediatre_correspondant"]:
                specialites.append("pediatre")
        for code in specialites:
            liste = self.annuaire[code]
            s = liste[int(rnd.random() * len(liste))]
            resultat.append(
                Correspondant(
                    role="specialiste",
                    nom=s.nom,
                    prenom=s.prenom,
                    specialite=self.libelles_specialites[code],
                    rpps=s.rpps,
                    telephone=s.telephone,
                    ville=s.ville,
                )
            )
        return resultat


@functools.cache
def ville_msp() -> str:
    """The town of the MSP, where its doctors practise."""
    code = referentiels.centre().commune
    for c in referentiels.communes():
        if c.code_insee == code:
            return c.ville
    return ""
