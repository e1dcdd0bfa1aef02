"""Generation of a coherent fictitious population, streamed to a pivot folder.

One seeded random stream (the Faker fr_FR instance's, shared by the bench's providers) drives
every draw in a fixed order: the same profile, seed, reference date and doctors give
byte-identical files. The reference date is a parameter, never the clock. Patients are written
as they are drawn, so memory stays flat whatever the volume; the folder is built under a
temporary name and renamed into place at the end, so nothing is ever half-written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faker
from faker import Factory

import recette
from recette.donnees import referentiels
from recette.donnees.agenda import Coordination, Message, Planificateur, RendezVous, Tache
from recette.donnees.ages import ajouter_annees, annees_revolues
from recette.donnees.dossiers import (
    CompositeurDossier,
    Dossier,
    TirageCumule,
    date_entre,
    tirer_consentement,
)
from recette.donnees.identite import STATUTS_IDENTITE, FournisseurIdentite, Patient
from recette.donnees.pivot import (
    DICTIONNAIRE,
    MANIFESTE,
    VERSION_FORMAT,
    EcrivainPivot,
    dictionnaire_markdown,
    ecrire_json,
    sha256_fichier,
)
from recette.donnees.professionnels import (
    FournisseurProfessionnels,
    Professionnel,
    annuaire_specialistes,
    constituer_equipe,
)
from recette.erreurs import RecetteErreur

Progression = Callable[[int, int], None]
# Street names are drawn from a pool Faker fills once per run: Faker's street_name() parses
# its format templates at every call, far too slow for the hot loop.
TAILLE_RESERVOIR_VOIES = 500


@dataclass(slots=True)
class PatientGenere:
    patient: Patient
    dossier: Dossier
    rendezvous: list[RendezVous]
    taches: list[Tache]
    messages: list[Message]


@dataclass
class Manifeste:
    """What a generation produced: the parameters to replay it and the fingerprint of each file."""

    profil: str
    graine: int
    date_reference: dt.date
    comptes: dict[str, int]
    fichiers: dict[str, dict[str, Any]]
    medecins_traitants: list[str] | None = None
    rendezvous_non_places: int = 0
    versions: dict[str, str] = field(default_factory=dict)
    dossier: Path | None = None

    def vers_dict(self) -> dict[str, Any]:
        return {
            "format": "pivot-msp",
            "version_format": VERSION_FORMAT,
            "profil": self.profil,
            "graine": self.graine,
            "date_reference": self.date_reference.isoformat(),
            "medecins_traitants_imposes": self.medecins_traitants,
            "comptes": self.comptes,
            "rendezvous_non_places": self.rendezvous_non_places,
            "fichiers": self.fichiers,
            "versions": self.versions,
        }

    @classmethod
    def depuis_dict(cls, d: dict[str, Any], dossier: Path | None = None) -> Manifeste:
        return cls(
            profil=d["profil"],
            graine=d["graine"],
            date_reference=dt.date.fromisoformat(d["date_reference"]),
            comptes=d["comptes"],
            fichiers=d["fichiers"],
            medecins_traitants=d.get("medecins_traitants_imposes"),
            rendezvous_non_places=d.get("rendezvous_non_places", 0),
            versions=d.get("versions", {}),
            dossier=dossier,
        )


class Population:
    """A fictitious MSP and its patients, drawn from one seed; `patients()` streams them."""

    def __init__(
        self,
        profil: dict[str, Any] | str,
        graine: int,
        date_reference: dt.date | None = None,
        medecins_traitants: list[str] | None = None,
        nombre_patients: int | None = None,
    ):
        if isinstance(profil, str):
            profil = referentiels.charger_profil(profil)
        self.profil = profil
        self.graine = graine
        self.reference: dt.date = date_reference or profil["date_reference"]
        self.nombre = int(nombre_patients if nombre_patients is not None else profil["patients"])
        self.generateur = Factory.create("fr_FR")
        self.generateur.seed_instance(graine)
        self.rnd = self.generateur.random
        self.identite = FournisseurIdentite(self.generateur)
        self.fournisseur_pro = FournisseurProfessionnels(self.generateur)
        self.generateur.add_provider(self.identite)
        self.generateur.add_provider(self.fournisseur_pro)

        rpps_utilises: set[str] = set()
        self.equipe: list[Professionnel] = constituer_equipe(
            profil["professionnels"],
            self.rnd,
            self.identite,
            self.fournisseur_pro,
            rpps_utilises,
            medecins_traitants,
        )
        self.medecins = [p for p in self.equipe if p.profession == "medecin_generaliste"]
        annuaire = annuaire_specialistes(
            int(profil["correspondants_par_specialite"]),
            self.rnd,
            self.identite,
            self.fournisseur_pro,
            rpps_utilises,
        )
        self.compositeur = CompositeurDossier(
            profil, self.rnd, self.identite, {m.rpps: m for m in self.medecins}, annuaire
        )
        self.planificateur = Planificateur(profil, self.equipe, self.rnd, self.reference)
        self.coordination = Coordination(profil, self.equipe, self.rnd, self.reference)
        self.collecteurs = [
            p for p in self.equipe if p.role in ("medecin", "soignant", "secretariat")
        ] or self.equipe
        self.voies = [self.generateur.street_name() for _ in range(TAILLE_RESERVOIR_VOIES)]

        self.proportions = profil["proportions"]
        self.tranches = TirageCumule(
            [(a, b) for a, b, _ in profil["tranches_age_adultes"]],
            [p for _, _, p in profil["tranches_age_adultes"]],
        )
        statuts = profil["statuts_identite"]
        self.statuts_identite = TirageCumule(
            [s for s in STATUTS_IDENTITE if s in statuts],
            [statuts[s] for s in STATUTS_IDENTITE if s in statuts],
        )
        pays = [p for p in referentiels.pays() if p.poids > 0]
        self.pays = TirageCumule(pays, [p.poids for p in pays])
        self.communes_naissance = [c for c in referentiels.communes() if c.lieu_naissance]
        self.communes_residence = [c for c in referentiels.communes() if c.residence]
        centre = referentiels.centre()
        self.commune_msp = next(
            c for c in referentiels.communes() if c.code_insee == centre.commune
        )
        self.part_residents = centre.part_residents_commune
        self._nirs: set[str] = set()
        self._emails: set[str] = set()

    def patients(self) -> Iterator[PatientGenere]:
        for rang in range(1, self.nombre + 1):
            patient = self._patient(rang)
            consentement = tirer_consentement(
                self.rnd,
                patient.date_naissance,
                self.reference,
                self.proportions,
                int(self.profil["anciennete_consentement_jours"]),
                self.collecteurs,
            )
            if consentement is not None:
                patient.consentement = consentement.statut
                patient.date_consentement = consentement.date
            dossier = self.compositeur.composer(patient, self.reference, consentement)
            yield PatientGenere(
                patient=patient,
                dossier=dossier,
                rendezvous=self.planificateur.planifier(patient, dossier),
                taches=self.coordination.taches_patient(patient),
                messages=self.coordination.messages_patient(patient),
            )

    def taches_generales(self) -> list[Tache]:
        return self.coordination.taches_generales(int(self.profil["taches_generales"]))

    def _naissance(self, pediatrique: bool) -> dt.date:
        rnd = self.rnd
        reference = self.reference
        if pediatrique:
            debut = ajouter_annees(reference, -18) + dt.timedelta(days=1)
            return date_entre(rnd, debut, reference)
        age_min, age_max = self.tranches.tirer(rnd)
        debut = ajouter_annees(reference, -(age_max + 1)) + dt.timedelta(days=1)
        return date_entre(rnd, debut, ajouter_annees(reference, -age_min))

    def _patient(self, rang: int) -> Patient:
        rnd = self.rnd
        ident = self.identite
        p = self.proportions
        sexe = "F" if rnd.random() < p["femmes"] else "M"
        naissance = self._naissance(rnd.random() < p["pediatrique"])
        age = annees_revolues(naissance, self.reference)
        if rnd.random() < p["ne_a_l_etranger"]:
            lieu = self.pays.tirer(rnd)
        else:
            lieu = self.communes_naissance[int(rnd.random() * len(self.communes_naissance))]
        code_lieu, libelle_lieu = lieu.code_insee, lieu.libelle
        nir = ident.nir_personne(sexe, naissance, code_lieu)
        while nir in self._nirs:
            nir = ident.nir_personne(sexe, naissance, code_lieu)
        self._nirs.add(nir)

        prenoms = [ident.prenom_personne(sexe)]
        if rnd.random() < p["prenoms_multiples"]:
            for _ in range(1 if rnd.random() < 0.7 else 2):
                autre = ident.prenom_personne(sexe)
                if autre not in prenoms:
                    prenoms.append(autre)
        nom = ident.nom_famille().upper()
        nom_usage = ""
        if sexe == "F" and age >= 22 and rnd.random() < p["nom_usage_femmes_mariees"]:
            nom_usage = ident.nom_famille().upper()
            if nom_usage == nom:
                nom_usage = ""

        if rnd.random() < self.part_residents:
            commune = self.commune_msp
        else:
            commune = self.communes_residence[int(rnd.random() * len(self.communes_residence))]
        numero = rnd.randint(1, 180)
        voie = self.voies[int(rnd.random() * len(self.voies))]
        adresse = f"{numero}{' bis' if rnd.random() < 0.03 else ''} {voie}"

        email = ""
        if age >= 15 and rnd.random() >= p["sans_email_adulte"]:
            base = ident.email_fictif(prenoms[0], nom_usage or nom)
            email = base
            suffixe = 2
            while email in self._emails:
                local, domaine = base.split("@")
                email = f"{local}{suffixe}@{domaine}"
                suffixe += 1
            self._emails.add(email)

        medecin = ""
        if rnd.random() >= p["sans_medecin_traitant"]:
            medecin = self.medecins[int(rnd.random() * len(self.medecins))].rpps

        return Patient(
            id_patient=f"P{rang:06d}",
            nom_naissance=nom,
            nom_usage=nom_usage,
            prenoms=tuple(prenoms),
            sexe=sexe,
            date_naissance=naissance,
            code_lieu_naissance=code_lieu,
            lieu_naissance=libelle_lieu,
            nir=nir,
            adresse=adresse,
            code_postal=commune.code_postal,
            ville=commune.ville,
            telephone=ident.telephone_fiction(mobile=rnd.random() < 0.8),
            email=email,
            rpps_medecin_traitant=medecin,
            consentement="",
            date_consentement=None,
            statut_identite=self.statuts_identite.tirer(rnd),
        )


def _versions() -> dict[str, str]:
    import stdnum

    return {
        "recette": recette.__version__,
        "faker": faker.VERSION,
        "python-stdnum": stdnum.__version__,
    }


def generer(
    profil: str,
    graine: int,
    sortie: Path | str,
    date_reference: dt.date | None = None,
    medecins_traitants: list[str] | None = None,
    progression: Progression | None = None,
    *,
    nombre_patients: int | None = None,
    remplacer: bool = False,
) -> Manifeste:
    """Generate profile `profil` with seed `graine` into the folder `sortie`.

    `medecins_traitants`: RPPS numbers of a target solution's fixed general practitioners; the
    MSP's doctors then carry exactly those numbers and every médecin traitant is one of them.
    `progression(n_fait, n_total)` is called as patients are written (for a progress bar).
    `nombre_patients` overrides the profile's volume; `remplacer` allows an existing folder.
    """
    sortie = Path(sortie)
    if sortie.exists() and (not sortie.is_dir() or any(sortie.iterdir())) and not remplacer:
        raise RecetteErreur(
            f"{sortie} existe déjà et n'est pas vide : choisir un autre dossier de sortie ou "
            "demander son remplacement"
        )
    population = Population(profil, graine, date_reference, medecins_traitants, nombre_patients)
    sortie.parent.mkdir(parents=True, exist_ok=True)
    temporaire = Path(tempfile.mkdtemp(prefix=f".{sortie.name}.", suffix=".tmp", dir=sortie.parent))
    try:
        manifeste = _ecrire(population, temporaire, progression)
        manifeste.medecins_traitants = (
            list(dict.fromkeys(medecins_traitants)) if medecins_traitants is not None else None
        )
        ecrire_json(temporaire / MANIFESTE, manifeste.vers_dict())
        if sortie.exists():
            corbeille = Path(tempfile.mkdtemp(prefix=f".{sortie.name}.", dir=sortie.parent))
            sortie.rename(corbeille / sortie.name)
            temporaire.rename(sortie)
            shutil.rmtree(corbeille)
        else:
            temporaire.rename(sortie)
    except BaseException:
        shutil.rmtree(temporaire, ignore_errors=True)
        raise
    manifeste.dossier = sortie
    return manifeste


def _ecrire(population: Population, dossier: Path, progression: Progression | None) -> Manifeste:
    total = population.nombre
    pas = max(1, total // 200)
    if progression:
        progression(0, total)
    with EcrivainPivot(dossier) as ecrivain:
        ecrivain.professionnels(population.equipe)
        for rang, g in enumerate(population.patients(), start=1):
            ecrivain.patient(g.patient, g.dossier, g.rendezvous, g.taches, g.messages)
            if progression and (rang % pas == 0 or rang == total):
                progression(rang, total)
        ecrivain.taches(population.taches_generales())
        comptes = ecrivain.comptes
    (dossier / DICTIONNAIRE).write_text(dictionnaire_markdown(), encoding="utf-8")
    fichiers = {}
    for chemin in sorted(dossier.iterdir()):
        if chemin.name == MANIFESTE:
            continue
        fichiers[chemin.name] = {
            "sha256": sha256_fichier(chemin),
            "octets": chemin.stat().st_size,
        }
    return Manifeste(
        profil=population.profil["nom"],
        graine=population.graine,
        date_reference=population.reference,
        comptes=comptes,
        fichiers=fichiers,
        rendezvous_non_places=population.planificateur.non_places,
        versions=_versions(),
    )
