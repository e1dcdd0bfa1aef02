"""Coherent fictitious data for the MSP bench and its pivot files.

Generation (training environment, VA test sets, reprise and load trials):

    generer(profil, graine, sortie, date_reference=None, medecins_traitants=None,
            progression=None) -> Manifeste

Pivot files (CSV and JSON Lines, `dictionnaire.md`, `manifeste.json`):

    lire_pivot(dossier, format="csv", date_reference=None) -> JeuDeDonnees   # or PivotInvalide

Checks shared by the generator's tests and the reprise controls:

    nir_coherent(nir, sexe, date_naissance, code_lieu) -> list[str]
    incoherences(patient, dossier) -> list[str]
    incoherences_agenda(rendezvous, naissances, professions, centre) -> list[str]
"""

from recette.donnees.agenda import Message, RendezVous, Tache
from recette.donnees.coherence import (
    Constat,
    constats,
    constats_agenda,
    incoherences,
    incoherences_agenda,
)
from recette.donnees.dossiers import (
    Consentement,
    ContactParent,
    Correspondant,
    Dossier,
    ElementMedical,
)
from recette.donnees.generateur import Manifeste, PatientGenere, Population, generer
from recette.donnees.identite import Patient, calculer_nir, nir_coherent, trait_ins
from recette.donnees.lecture import JeuDeDonnees, lire_manifeste, lire_pivot
from recette.donnees.pivot import FICHIERS, SCHEMA, dictionnaire_markdown
from recette.donnees.professionnels import Professionnel, rpps_valide
from recette.donnees.referentiels import charger_profil, noms_profils
from recette.erreurs import PivotInvalide, ProfilDonneesInvalide

__all__ = [
    "FICHIERS",
    "SCHEMA",
    "Consentement",
    "Constat",
    "ContactParent",
    "Correspondant",
    "Dossier",
    "ElementMedical",
    "JeuDeDonnees",
    "Manifeste",
    "Message",
    "Patient",
    "PatientGenere",
    "PivotInvalide",
    "Population",
    "Professionnel",
    "ProfilDonneesInvalide",
    "RendezVous",
    "Tache",
    "calculer_nir",
    "charger_profil",
    "constats",
    "constats_agenda",
    "dictionnaire_markdown",
    "generer",
    "incoherences",
    "incoherences_agenda",
    "lire_manifeste",
    "lire_pivot",
    "nir_coherent",
    "noms_profils",
    "rpps_valide",
    "trait_ins",
]
