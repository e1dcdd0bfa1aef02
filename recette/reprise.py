"""Reprise and réversibilité checks: what the solution holds against the pivot files it was given.

Cahier des charges type, § « Reprise initiale des données » : « Une vérification des données
reprises sera réalisée au terme du processus de reprise […]. En cas d'erreurs et rejets, le
prestataire s'engage à traiter les dysfonctionnements constatés » ; the vendor must ensure
« la cohérence et l'intégrité des données » and de-duplication is part of the reprise.
§ « Réversibilité complète des données en fin de contrat » : the vendor returns every data of
the solution, with what is needed to reload it.

    verifier_reprise(racine, pivot_dir, profil_nom, cible=None) -> RapportReprise
    verifier_reversibilite(racine, pivot_dir, profil_nom, cible=None) -> RapportReversibilite

Reprise: the solution's patient CSV export (and, for medical elements, its full export) is
compared with the source pivot files: counts per entity, field-by-field differences after
explained normalisations (spaces, case, accents, date formats, an empty usage name), duplicates
by INS identity traits, rows the import rejected (from its report). Réversibilité: the full ZIP
export must hold every expected file and, for what was loaded, every row and column, no value
truncated and accents intact (compared exactly, no normalisation of case or accents).

Both write a French report (self-contained HTML and XLSX) into `sortie` and turn each kind of
problem into one anomaly of the register (see recette/anomalies/constats.py). Both only read the
solution, so they also run against production (the report then names real patients).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from recette.adaptateur.echanges import ClientEchanges, ConfigDonnees, config_donnees
from recette.adaptateur.profil import Profil, charger_profil
from recette.anomalies.constats import (
    ConstatAnomalie,
    ouvrir_anomalies_constat,
    rapport_relatif,
)
from recette.anomalies.registre import Registre, chemin_registre
from recette.archives import ArchiveIllisible, ArchiveSure
from recette.contrat import charger_contrat
from recette.documents.reprise import (
    ConstatDocument,
    DocumentControle,
    Tableau,
    ecrire_html,
    ecrire_xlsx,
)
from recette.donnees.identite import trait_ins
from recette.donnees.tables import (
    Ligne,
    Table,
    cle_identite,
    date_iso,
    libelle_patient,
    lire_csv,
    lire_octets_csv,
)
from recette.environnement import Bilan, RejetImport, chemin_bilan
from recette.erreurs import PivotInvalide, RecetteErreur
from recette.seance import dossier_rapports

CONTROLE_REPRISE = "reprise"
CONTROLE_REVERSIBILITE = "reversibilite"
DOMAINE = "echanges"
# Requirements of the default grid that a reprise check verifies.
# Which requirements each finding verifies: fixtures/contrat/controles-exigences.yaml.
FICHIER_EXIGENCES = ("fixtures", "contrat", "controles-exigences.yaml")
# In an anomaly's text, the first items of a list; the report holds them all.
ELEMENTS_CITES = 10

# Pivot columns of a patient compared field by field, with the nature that picks their rule.
CHAMPS_PATIENT: dict[str, tuple[str, str]] = {
    "nom_naissance": ("Nom de naissance", "texte"),
    "nom_usage": ("Nom d'usage", "texte"),
    "prenoms": ("Prénoms", "texte"),
    "sexe": ("Sexe", "code"),
    "date_naissance": ("Date de naissance", "date"),
    "code_lieu_naissance": ("Code du lieu de naissance", "code"),
    "lieu_naissance": ("Lieu de naissance", "texte"),
    "nir": ("NIR", "code"),
    "adresse": ("Adresse", "texte"),
    "code_postal": ("Code postal", "code"),
    "ville": ("Ville", "texte"),
    "telephone": ("Téléphone", "code"),
    "email": ("Courriel", "courriel"),
    "rpps_medecin_traitant": ("RPPS du médecin traitant", "code"),
    "consentement": ("Consentement", "texte"),
    "date_consentement": ("Date du consentement", "date"),
}
LIBELLES_TYPES = {"antecedent": "antécédent", "allergie": "allergie", "traitement": "traitement"}


@dataclass(frozen=True)
class Normalisation:
    code: str
    libelle: str
    explication: str


NORMALISATIONS = (
    Normalisation(
        "espaces",
        "Espaces et séparateurs",
        "Espaces en début et en fin de valeur ignorés, espaces répétés comptés pour un seul ; "
        "dans les codes (NIR, téléphone, code postal, code du lieu de naissance, RPPS, sexe), "
        "espaces, points et tirets de séparation ignorés (« 06 39 98 07 83 » = « 0639980783 »).",
    ),
    Normalisation(
        "casse",
        "Majuscules et minuscules",
        "Comparaison sans tenir compte des majuscules (« Chambéry » = « CHAMBÉRY ») : le format "
        "pivot écrit les noms de naissance en capitales, une solution peut les écrire autrement.",
    ),
    Normalisation(
        "accents",
        "Accents et ligatures",
        "Comparaison sans accents ni ligatures, comme les traits d'identité INS (« Lévêque » = "
        "« LEVEQUE », « Œ » = « OE »). La réversibilité, elle, exige les accents à l'identique.",
    ),
    Normalisation(
        "dates",
        "Formats de date",
        "Dates comparées jour pour jour quel que soit leur format (« 1968-04-12 » = "
        "« 12/04/1968 » = « 1968-04-12T00:00:00 »).",
    ),
    Normalisation(
        "nom_usage",
        "Nom d'usage vide",
        "Un nom d'usage vide dans la source équivaut au nom de naissance : une solution qui ne "
        "distingue pas les deux affiche le nom de naissance comme nom d'usage.",
    ),
)
_PAR_CODE = {n.code: n for n in NORMALISATIONS}


# --- comparing values (pure) ------------------------------------------------------------------


def _espaces(texte: str) -> str:
    return " ".join(unicodedata.normalize("NFC", texte or "").split())


def _code(texte: str) -> str:
    return re.sub(r"[\s.\-]", "", texte or "").upper()


def comparer_valeur(
    nature: str, source: str, cible: str, *, stricte: bool = False
) -> tuple[bool, str | None]:
    """(equal, the normalisation that made them equal or None when they are identical).

    `stricte` (réversibilité) keeps case and accents: only spaces, separators and date formats
    are forgiven."""
    if source == cible:
        return True, None
    if nature == "date":
        a, b = date_iso(source), date_iso(cible)
        if a is not None and a == b:
            return True, "dates"
        if not _espaces(source) and not _espaces(cible):
            return True, "espaces"
        return False, None
    if nature == "code":
        egal = _code(source) == _code(cible)
        return egal, ("espaces" if egal else None)
    a, b = _espaces(source), _espaces(cible)
    if a == b:
        return True, "espaces"
    if stricte:
        return False, None
    if a.casefold() == b.casefold():
        return True, "casse"
    if trait_ins(a) == trait_ins(b):
        return True, "accents"
    return False, None


def comparer_champ(
    champ: str, source: Ligne, cible: Ligne, *, stricte: bool = False
) -> tuple[bool, str | None]:
    nature = CHAMPS_PATIENT[champ][1]
    egal, regle = comparer_valeur(nature, source[champ], cible[champ], stricte=stricte)
    if not egal and champ == "nom_usage" and not _espaces(source[champ]):
        # No usage name in the source: the solution may show the birth name in its place.
        egal_naissance, _ = comparer_valeur(
            "texte", source["nom_naissance"], cible[champ], stricte=stricte
        )
        if egal_naissance:
            return True, "nom_usage"
    return egal, regle


def _cle_element(ligne: Ligne, *, stricte: bool = False) -> tuple[str, str, str]:
    libelle = _espaces(ligne["libelle"])
    if not stricte:
        libelle = trait_ins(libelle)
    return (
        ligne["type"].strip().casefold(),
        libelle,
        date_iso(ligne["date_debut"]) or _espaces(ligne["date_debut"]),
    )


def _citer(elements: list[str]) -> str:
    texte = " ; ".join(elements[:ELEMENTS_CITES])
    if len(elements) > ELEMENTS_CITES:
        texte += f" ; … et {len(elements) - ELEMENTS_CITES} autre(s) (voir le rapport)"
    return texte


def _identite_lisible(cle: tuple[str, ...]) -> str:
    nom, prenom, date, sexe, lieu = cle
    return f"{nom} | {prenom} | {date} | {sexe} | {lieu}"


# --- reprise ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompteEntite:
    entite: str
    source: int
    solution: int  # rows the solution holds (for elements: those of the reloaded patients)
    repris: int
    rejetes: int
    absents_sans_rejet: int
    fusionnes: int  # source duplicates found merged in the solution (dé-doublonnage)
    en_trop: int  # extra copies in the solution


@dataclass(frozen=True)
class EcartChamp:
    id_patient: str
    patient: str
    champ: str
    source: str
    solution: str


@dataclass(frozen=True)
class Doublon:
    patient: str
    identite: str
    ids: tuple[str, ...]  # the solution's ids of the copies
    deja_dans_la_source: bool


@dataclass(frozen=True)
class PatientAbsent:
    ligne: int
    id_patient: str
    patient: str
    motif: str  # the import's reason, or that none was given
    rejete: bool  # the import report names this line


@dataclass(frozen=True)
class EcartElement:
    id_patient: str
    patient: str
    type: str
    libelle: str
    date_debut: str
    constat: str  # « absent de la solution », « rejeté : … », « en trop dans la solution »…
    rejete: bool = False
    patient_repris: bool = True  # False: a consequence of its patient not being reloaded


@dataclass
class RapportReprise:
    profil: str
    cible: str
    source: Path
    quand: datetime
    seance: str
    comptes: list[CompteEntite] = field(default_factory=list)
    ecarts: list[EcartChamp] = field(default_factory=list)
    doublons: list[Doublon] = field(default_factory=list)
    absents: list[PatientAbsent] = field(default_factory=list)
    rejets: list[RejetImport] = field(default_factory=list)
    rejets_sans_perte: list[RejetImport] = field(default_factory=list)
    ecarts_elements: list[EcartElement] = field(default_factory=list)
    normalisations: Counter = field(default_factory=Counter)  # code -> values reconciled
    patients_hors_source: int = 0
    bilan_fourni: bool = False
    constats: list[ConstatAnomalie] = field(default_factory=list)
    anomalies: dict[str, str] = field(default_factory=dict)  # constat code -> anomaly number
    html: Path | None = None
    xlsx: Path | None = None

    @property
    def conforme(self) -> bool:
        return not self.constats

    @property
    def verdict(self) -> str:
        return "conforme" if self.conforme else "non conforme"

    def document(self) -> DocumentControle:
        return _document_reprise(self)


def comparer_reprise(
    source_patients: Table,
    source_elements: Table | None,
    solution_patients: Table,
    solution_elements: Table | None,
    rejets: Iterable[RejetImport] = (),
) -> RapportReprise:
    """The pure comparison; `verifier_reprise` adds the I/O, documents and anomalies."""
    rapport = RapportReprise(profil="", cible="", source=Path(), quand=datetime.min, seance="")
    rejets = list(rejets)
    rejets_par_ligne: dict[tuple[str, int], list[RejetImport]] = defaultdict(list)
    for r in rejets:
        if r.ligne is not None:
            rejets_par_ligne[(r.fichier, r.ligne)].append(r)

    par_id: dict[str, list[Ligne]] = defaultdict(list)
    par_identite: dict[tuple, list[Ligne]] = defaultdict(list)
    for ligne in solution_patients.lignes:
        par_id[ligne["id_patient"].strip()].append(ligne)
        par_identite[cle_identite(ligne)].append(ligne)
    identites_source = Counter(cle_identite(ligne) for ligne in source_patients.lignes)

    trouves: dict[str, Ligne] = {}  # source id -> the solution's row
    repris = fusionnes = 0
    lignes_solution_reprises: set[int] = set()
    patients_source: dict[str, Ligne] = {}
    # Rows the solution knows by their id first, then the others by their identity traits.
    for ligne in sorted(
        source_patients.lignes, key=lambda s: s["id_patient"].strip() not in par_id
    ):
        ident = ligne["id_patient"].strip()
        patients_source[ident] = ligne
        copies = par_id.get(ident) or par_identite.get(cle_identite(ligne)) or []
        if copies:
            # Found but rejected all the same (« déjà présent »…): nothing was lost.
            rapport.rejets_sans_perte.extend(
                rejets_par_ligne.get(("patients.csv", ligne.numero), [])
            )
        if copies and ident not in par_id and id(copies[0]) in lignes_solution_reprises:
            # A source duplicate whose twin was already reloaded: merged, as a reprise should.
            trouves[ident] = copies[0]
            fusionnes += 1
            continue
        if copies:
            trouves[ident] = copies[0]
            repris += 1
            lignes_solution_reprises.update(id(c) for c in copies)
            for champ in CHAMPS_PATIENT:
                if champ not in source_patients.entetes:
                    continue
                egal, regle = comparer_champ(champ, ligne, copies[0])
                if not egal:
                    rapport.ecarts.append(
                        EcartChamp(
                            ident,
                            libelle_patient(ligne),
                            CHAMPS_PATIENT[champ][0],
                            ligne[champ],
                            copies[0][champ] if champ in solution_patients.entetes else "(absent)",
                        )
                    )
                elif regle:
                    rapport.normalisations[regle] += 1
            continue
        motifs = rejets_par_ligne.get(("patients.csv", ligne.numero), [])
        rapport.rejets.extend(motifs)
        rapport.absents.append(
            PatientAbsent(
                ligne.numero,
                ident,
                libelle_patient(ligne),
                " ; ".join(f"{r.champ} : {r.motif}" for r in motifs)
                or "absent de la solution, aucun rejet signalé par l'import",
                rejete=bool(motifs),
            )
        )

    en_trop = 0
    for cle, copies in par_identite.items():
        if len(copies) < 2 or not any(id(c) in lignes_solution_reprises for c in copies):
            continue
        en_trop += len(copies) - 1
        rapport.doublons.append(
            Doublon(
                patient=libelle_patient(copies[0]),
                identite=_identite_lisible(cle),
                ids=tuple(c["id_patient"].strip() for c in copies),
                deja_dans_la_source=identites_source[cle] > 1,
            )
        )
    rapport.patients_hors_source = sum(
        1
        for ligne in solution_patients.lignes
        if id(ligne) not in lignes_solution_reprises
        and ligne["id_patient"].strip() not in patients_source
    )
    rapport.comptes.append(
        CompteEntite(
            "Patients",
            len(source_patients),
            len(solution_patients),
            repris,
            sum(1 for a in rapport.absents if a.rejete),
            sum(1 for a in rapport.absents if not a.rejete),
            fusionnes,
            en_trop,
        )
    )
    if source_elements is not None:
        _comparer_elements(
            rapport, source_elements, solution_elements, trouves, patients_source, rejets_par_ligne
        )
    return rapport


def _comparer_elements(
    rapport: RapportReprise,
    source: Table,
    solution: Table | None,
    trouves: dict[str, Ligne],
    patients_source: dict[str, Ligne],
    rejets_par_ligne: dict[tuple[str, int], list[RejetImport]],
) -> None:
    if solution is None:
        # The profile gives no full export: elements cannot be read back, say so.
        rapport.comptes.append(
            CompteEntite(
                "Éléments médicaux (non vérifiés : pas d'export complet)",
                len(source),
                0,
                0,
                0,
                0,
                0,
                0,
            )  # fmt: skip
        )
        return
    presents: dict[str, Counter] = defaultdict(Counter)
    libelles: dict[tuple, str] = {}  # the solution's own wording of each element
    for ligne in solution.lignes:
        ident, cle = ligne["id_patient"].strip(), _cle_element(ligne)
        presents[ident][cle] += 1
        libelles.setdefault((ident, cle), ligne["libelle"])
    # One pool per patient of the solution: merged source duplicates share theirs.
    reserves: dict[str, Counter] = {}
    noms_solution: dict[str, tuple[str, str]] = {}
    repris = rejetes = absents = 0
    for ligne in source.lignes:
        ident = ligne["id_patient"].strip()
        patient = patients_source.get(ident)
        nom = libelle_patient(patient) if patient else ident
        cible = trouves.get(ident)
        reserve = Counter()
        if cible is not None:
            id_solution = cible["id_patient"].strip()
            reserve = reserves.setdefault(id_solution, Counter(presents.get(id_solution, {})))
            noms_solution.setdefault(id_solution, (ident, nom))
        cle = _cle_element(ligne)
        if reserve[cle] > 0:
            reserve[cle] -= 1
            repris += 1
            continue
        motifs = rejets_par_ligne.get(("elements_medicaux.csv", ligne.numero), [])
        if motifs:
            rejetes += 1
            rapport.rejets.extend(motifs)
            constat = "rejeté : " + " ; ".join(f"{r.champ} : {r.motif}" for r in motifs)
        else:
            absents += 1
            constat = "absent de la solution"
        if cible is None:
            constat += " (patient non repris)"
        rapport.ecarts_elements.append(
            EcartElement(
                ident,
                nom,
                LIBELLES_TYPES.get(ligne["type"], ligne["type"]),
                ligne["libelle"],
                ligne["date_debut"],
                constat,
                rejete=bool(motifs),
                patient_repris=cible is not None,
            )
        )
    en_trop = 0
    for id_solution, reserve in reserves.items():
        ident, nom = noms_solution[id_solution]
        for (type_, libelle, date), reste in reserve.items():
            for _ in range(max(0, reste)):
                en_trop += 1
                rapport.ecarts_elements.append(
                    EcartElement(
                        ident,
                        nom,
                        LIBELLES_TYPES.get(type_, type_),
                        libelles.get((id_solution, (type_, libelle, date)), libelle),
                        date,
                        "en trop dans la solution",
                    )
                )
    dans_solution = sum(sum(presents.get(i, Counter()).values()) for i in reserves)
    rapport.comptes.append(
        CompteEntite(
            "Éléments médicaux",
            len(source),
            dans_solution,
            repris,
            rejetes,
            absents,
            0,
            en_trop,
        )
    )


def _constats_reprise(rapport: RapportReprise) -> list[ConstatAnomalie]:
    constats = []

    def constat(code: str, titre: str, attendu: str, observe: str):
        constats.append(
            ConstatAnomalie(CONTROLE_REPRISE, code, titre, attendu, observe, (), DOMAINE)
        )

    if rapport.doublons:
        constat(
            "doublons",
            "Reprise des données : patients en double dans la solution",
            "Chaque patient du fichier source est présent une seule fois dans la solution "
            "(mêmes traits d'identité INS : nom de naissance, premier prénom, date de "
            "naissance, sexe, lieu de naissance).",
            f"{len(rapport.doublons)} patient(s) en plusieurs exemplaires : "
            + _citer(
                [
                    f"{d.patient} ({len(d.ids)} fiches, identifiants {', '.join(d.ids)})"
                    + (
                        " — déjà en double dans la source, fusion attendue"
                        if d.deja_dans_la_source
                        else ""
                    )
                    for d in rapport.doublons
                ]
            )
            + ".",
        )
    rejetes = [a for a in rapport.absents if a.rejete]
    rejets_elements = [e for e in rapport.ecarts_elements if e.rejete and e.patient_repris]
    if rejetes or rejets_elements:
        cites = [f"ligne {a.ligne} ({a.id_patient}, {a.patient}) : {a.motif}" for a in rejetes]
        cites += [f"élément de {e.patient} « {e.libelle} » : {e.constat}" for e in rejets_elements]
        constat(
            "rejets",
            "Reprise des données : lignes rejetées à l'import",
            "Toutes les lignes des fichiers source sont reprises sans rejet.",
            f"{len(rejetes)} patient(s) et {len(rejets_elements)} élément(s) médical(aux) "
            f"rejeté(s) : {_citer(cites)}.",
        )
    absents = [a for a in rapport.absents if not a.rejete]
    if absents:
        constat(
            "absents",
            "Reprise des données : patients absents sans rejet signalé",
            "Tout patient du fichier source non rejeté par l'import est présent dans la solution.",
            f"{len(absents)} patient(s) absent(s) de l'export de la solution sans rejet signalé : "
            + _citer([f"ligne {a.ligne} ({a.id_patient}, {a.patient})" for a in absents])
            + ".",
        )
    if rapport.ecarts:
        patients = len({e.id_patient for e in rapport.ecarts})
        constat(
            "ecarts",
            "Reprise des données : valeurs différentes de la source",
            "Chaque champ repris est identique à la source, aux normalisations documentées près "
            "(espaces, majuscules, accents, formats de date, nom d'usage vide).",
            f"{len(rapport.ecarts)} valeur(s) différente(s) sur {patients} patient(s) : "
            + _citer(
                [
                    f"{e.patient} ({e.id_patient}), {e.champ} : « {e.source} » devenu "
                    f"« {e.solution} »"
                    for e in rapport.ecarts
                ]
            )
            + ".",
        )
    elements = [e for e in rapport.ecarts_elements if not e.rejete and e.patient_repris]
    if elements:
        constat(
            "elements",
            "Reprise des données : éléments médicaux manquants ou en trop",
            "Chaque patient repris a exactement les antécédents, allergies et traitements de la "
            "source.",
            f"{len(elements)} écart(s) : "
            + _citer([f"{e.patient}, {e.type} « {e.libelle} » : {e.constat}" for e in elements])
            + ".",
        )
    return constats


def _document_reprise(rapport: RapportReprise) -> DocumentControle:
    informations = [
        ("Profil de la solution", rapport.profil),
        ("Adresse", rapport.cible),
        ("Fichiers source", str(rapport.source)),
        ("Date", rapport.quand.strftime("%d/%m/%Y %H:%M")),
        ("Contrôle", rapport.seance),
        (
            "Compte rendu d'import",
            "fourni : ses rejets sont rapprochés des lignes source"
            if rapport.bilan_fourni
            else "non fourni : les lignes absentes sont signalées sans leur motif de rejet",
        ),
    ]
    if rapport.patients_hors_source:
        informations.append(
            (
                "Patients hors du jeu source",
                f"{rapport.patients_hors_source} (déjà présents dans la solution, non contrôlés)",
            )
        )
    tableaux = [
        Tableau(
            "Volumes par entité",
            "Pour chaque entité : lignes des fichiers source, lignes de la solution, lignes "
            "reprises, rejetées par l'import, absentes sans rejet, fusionnées (doublons de la "
            "source retrouvés en une seule fiche) et en trop (copies en double).",
            (
                "Entité",
                "Source",
                "Solution",
                "Reprises",
                "Rejetées",
                "Absentes sans rejet",
                "Fusionnées",
                "En trop",
            ),
            [
                (
                    c.entite,
                    c.source,
                    c.solution,
                    c.repris,
                    c.rejetes,
                    c.absents_sans_rejet,
                    c.fusionnes,
                    c.en_trop,
                )
                for c in rapport.comptes
            ],
            onglet="Volumes",
        ),
        Tableau(
            "Normalisations appliquées",
            "Avant de conclure à un écart, les valeurs sont comparées après ces normalisations ; "
            "la dernière colonne dit combien de valeurs n'ont été égales que grâce à chacune.",
            ("Normalisation", "Explication", "Valeurs rapprochées"),
            [
                (n.libelle, n.explication, rapport.normalisations.get(n.code, 0))
                for n in NORMALISATIONS
            ],
            onglet="Normalisations",
        ),
        Tableau(
            "Doublons (dé-doublonnage)",
            "Patients présents plusieurs fois dans la solution avec les mêmes traits d'identité "
            "INS (nom de naissance, premier prénom, date de naissance, sexe, lieu de naissance).",
            (
                "Patient",
                "Traits d'identité",
                "Identifiants dans la solution",
                "Déjà en double dans la source",
            ),
            [
                (d.patient, d.identite, ", ".join(d.ids), "oui" if d.deja_dans_la_source else "non")
                for d in rapport.doublons
            ],
            "Aucun doublon.",
            onglet="Doublons",
        ),
        Tableau(
            "Patients non repris",
            "Patients du fichier source absents de la solution, avec le motif du rejet quand "
            "l'import en donne un.",
            ("Ligne source", "Identifiant", "Patient", "Motif"),
            [(a.ligne, a.id_patient, a.patient, a.motif) for a in rapport.absents],
            "Tous les patients du fichier source sont dans la solution.",
            onglet="Non repris",
        ),
        Tableau(
            "Écarts de valeurs",
            "Champs dont la valeur dans la solution diffère de la source après normalisation.",
            ("Identifiant", "Patient", "Champ", "Source", "Solution"),
            [(e.id_patient, e.patient, e.champ, e.source, e.solution) for e in rapport.ecarts],
            "Aucun écart de valeur.",
            onglet="Écarts",
        ),
        Tableau(
            "Éléments médicaux",
            "Antécédents, allergies et traitements manquants, rejetés ou en trop.",
            ("Identifiant", "Patient", "Type", "Libellé", "Date de début", "Constat"),
            [
                (e.id_patient, e.patient, e.type, e.libelle, e.date_debut, e.constat)
                for e in rapport.ecarts_elements
            ],
            "Tous les éléments médicaux sont repris à l'identique.",
            onglet="Éléments médicaux",
        ),
        Tableau(
            "Lignes rejetées par l'import",
            "Rejets du compte rendu d'import, rapprochés des lignes des fichiers source ; un "
            "rejet « sans perte » concerne un patient pourtant présent dans la solution (déjà "
            "présent, par exemple).",
            ("Fichier", "Ligne source", "Identifiant", "Champ", "Motif", "Perte"),
            [
                (r.fichier, r.ligne or "", r.id_patient, r.champ, r.motif, "oui")
                for r in rapport.rejets
            ]
            + [
                (r.fichier, r.ligne or "", r.id_patient, r.champ, r.motif, "non")
                for r in rapport.rejets_sans_perte
            ],
            "Aucun rejet.",
            onglet="Rejets",
        ),
    ]
    return DocumentControle(
        titre="Vérification de la reprise des données",
        chapo="Comparaison des données reprises dans la solution avec les fichiers source au "
        "format pivot (cahier des charges, § « Reprise initiale des données » : vérification "
        "des données reprises, traitement des erreurs et rejets, dé-doublonnage).",
        informations=informations,
        conforme=rapport.conforme,
        constats=[
            ConstatDocument(c.titre, c.attendu, c.observe, rapport.anomalies.get(c.code))
            for c in rapport.constats
        ],
        tableaux=tableaux,
    )


# --- réversibilité ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FichierRestitue:
    nom: str
    attendu: bool
    present: bool
    lignes: int | None
    colonnes: tuple[str, ...]
    probleme: str = ""


@dataclass(frozen=True)
class ProblemeValeur:
    fichier: str
    id_patient: str
    patient: str
    champ: str
    source: str
    restitue: str
    nature: str  # « tronquée », « encodage altéré », « valeur modifiée », « ligne absente »


@dataclass
class RapportReversibilite:
    profil: str
    cible: str
    source: Path
    quand: datetime
    seance: str
    fichiers: list[FichierRestitue] = field(default_factory=list)
    comptes: list[tuple[str, int, int, int]] = field(default_factory=list)  # entity, src, zip, ok
    colonnes_absentes: list[tuple[str, str]] = field(default_factory=list)
    problemes: list[ProblemeValeur] = field(default_factory=list)
    valeurs_comparees: int = 0
    valeurs_accentuees: int = 0  # values with non-ASCII letters restored identically
    constats: list[ConstatAnomalie] = field(default_factory=list)
    anomalies: dict[str, str] = field(default_factory=dict)
    html: Path | None = None
    xlsx: Path | None = None

    @property
    def conforme(self) -> bool:
        return not self.constats

    @property
    def verdict(self) -> str:
        return "conforme" if self.conforme else "non conforme"

    def document(self) -> DocumentControle:
        return _document_reversibilite(self)


_MOJIBAKE = re.compile(r"[ÃÂ][\x80-\xbf©¨®ª§´¹º»¼½¾]|\ufffd")


def _nature_probleme(source: str, restitue: str) -> str:
    a, b = _espaces(source), _espaces(restitue)
    if len(b) < len(a) and a.startswith(b):
        return "tronquée"
    if _MOJIBAKE.search(restitue) or (
        not a.isascii() and trait_ins(a) == trait_ins(b) and a.casefold() != b.casefold()
    ):
        return "encodage altéré"
    if not a.isascii() and (
        ("?" in b and len(b) == len(a)) or "".join(c for c in a if c.isascii()) == b
    ):
        # Accented letters replaced by « ? » or dropped on the way out.
        return "encodage altéré"
    return "valeur modifiée"


def comparer_reversibilite(
    archive: bytes,
    source_patients: Table,
    source_elements: Table | None,
    fichiers_attendus: Iterable[str],
) -> RapportReversibilite:
    """The pure check of a full export (ZIP bytes) against the pivot files that were loaded."""
    rapport = RapportReversibilite(
        profil="", cible="", source=Path(), quand=datetime.min, seance=""
    )
    attendus = list(dict.fromkeys(["patients.csv", *fichiers_attendus]))
    if source_elements is not None and "elements_medicaux.csv" not in attendus:
        attendus.append("elements_medicaux.csv")
    try:
        # The vendor's archive: read within the bench's limits (a bomb is refused, not inflated).
        with ArchiveSure(archive, "L'export complet de la solution") as zip_:
            contenus = {Path(n).name: zip_.lire(n) for n in zip_.noms()}
    except ArchiveIllisible:
        rapport.fichiers = [
            FichierRestitue(n, True, False, None, (), "archive illisible") for n in attendus
        ]
        _constats_reversibilite(rapport)
        return rapport
    tables: dict[str, Table] = {}
    for nom in [*attendus, *sorted(set(contenus) - set(attendus))]:
        if nom not in contenus:
            rapport.fichiers.append(
                FichierRestitue(nom, True, False, None, (), "absent de l'export")
            )
            continue
        contenu = contenus[nom]
        probleme = ""
        table = None
        if nom.endswith(".csv"):
            try:
                table = lire_octets_csv(contenu, nom)
            except PivotInvalide as exc:
                probleme = "; ".join(exc.erreurs)
        if table is not None:
            tables[nom] = table
        rapport.fichiers.append(
            FichierRestitue(
                nom,
                nom in attendus,
                True,
                len(table) if table is not None else None,
                table.entetes if table is not None else (),
                probleme,
            )
        )

    restitues = tables.get("patients.csv")
    _verifier_patients(rapport, source_patients, restitues)
    if source_elements is not None:
        _verifier_elements(
            rapport, source_elements, tables.get("elements_medicaux.csv"), source_patients
        )
    _constats_reversibilite(rapport)
    return rapport


def _verifier_patients(
    rapport: RapportReversibilite, source: Table, restitues: Table | None
) -> None:
    if restitues is None:
        rapport.comptes.append(("Patients", len(source), 0, 0))
        return
    for colonne in source.entetes:
        if colonne not in restitues.entetes:
            rapport.colonnes_absentes.append(("patients.csv", colonne))
    par_id: dict[str, Ligne] = {}
    for ligne in restitues.lignes:
        par_id.setdefault(ligne["id_patient"].strip(), ligne)
    retrouves = 0
    for ligne in source.lignes:
        ident = ligne["id_patient"].strip()
        restitue = par_id.get(ident)
        if restitue is None:
            rapport.problemes.append(
                ProblemeValeur(
                    "patients.csv",
                    ident,
                    libelle_patient(ligne),
                    "(ligne entière)",
                    ident,
                    "",
                    "ligne absente",
                )
            )
            continue
        retrouves += 1
        for champ in CHAMPS_PATIENT:
            if champ not in source.entetes or champ not in restitues.entetes:
                continue
            rapport.valeurs_comparees += 1
            egal, _ = comparer_champ(champ, ligne, restitue, stricte=True)
            if egal:
                if not _espaces(ligne[champ]).isascii():
                    rapport.valeurs_accentuees += 1
                continue
            rapport.problemes.append(
                ProblemeValeur(
                    "patients.csv",
                    ident,
                    libelle_patient(ligne),
                    CHAMPS_PATIENT[champ][0],
                    ligne[champ],
                    restitue[champ],
                    _nature_probleme(ligne[champ], restitue[champ]),
                )
            )
    rapport.comptes.append(("Patients", len(source), len(restitues), retrouves))


def _verifier_elements(
    rapport: RapportReversibilite, source: Table, restitues: Table | None, patients: Table
) -> None:
    if restitues is None:
        rapport.comptes.append(("Éléments médicaux", len(source), 0, 0))
        return
    for colonne in source.entetes:
        if colonne not in restitues.entetes:
            rapport.colonnes_absentes.append(("elements_medicaux.csv", colonne))
    noms = {p["id_patient"].strip(): libelle_patient(p) for p in patients.lignes}
    exacts: dict[str, Counter] = defaultdict(Counter)
    approches: dict[str, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    for ligne in restitues.lignes:
        ident = ligne["id_patient"].strip()
        exacts[ident][_cle_element(ligne, stricte=True)] += 1
        approches[ident][_cle_element(ligne)[:1] + _cle_element(ligne)[2:]].append(ligne["libelle"])
    retrouves = 0
    for ligne in source.lignes:
        ident = ligne["id_patient"].strip()
        cle = _cle_element(ligne, stricte=True)
        rapport.valeurs_comparees += 1
        if exacts[ident][cle] > 0:
            exacts[ident][cle] -= 1
            retrouves += 1
            if not _espaces(ligne["libelle"]).isascii():
                rapport.valeurs_accentuees += 1
            continue
        # Same type and date for this patient: the label came back altered, not missing.
        candidats = approches[ident].get(cle[:1] + cle[2:], [])
        proche = next(
            (c for c in candidats if trait_ins(c)[:4] == trait_ins(ligne["libelle"])[:4]), None
        )
        rapport.problemes.append(
            ProblemeValeur(
                "elements_medicaux.csv",
                ident,
                noms.get(ident, ident),
                "Libellé",
                ligne["libelle"],
                proche or "",
                _nature_probleme(ligne["libelle"], proche)
                if proche is not None
                else "ligne absente",
            )
        )
    rapport.comptes.append(("Éléments médicaux", len(source), len(restitues), retrouves))


def _constats_reversibilite(rapport: RapportReversibilite) -> list[ConstatAnomalie]:
    constats = rapport.constats
    constats.clear()

    def constat(code: str, titre: str, attendu: str, observe: str) -> None:
        constats.append(
            ConstatAnomalie(CONTROLE_REVERSIBILITE, code, titre, attendu, observe, (), DOMAINE)
        )

    manquants = [f for f in rapport.fichiers if f.attendu and (not f.present or f.probleme)]
    if manquants:
        constat(
            "fichiers",
            "Réversibilité : fichiers absents ou illisibles dans l'export complet",
            "L'export complet contient chaque fichier attendu, lisible (CSV en UTF-8).",
            _citer([f"{f.nom} : {f.probleme or 'absent'}" for f in manquants]) + ".",
        )
    if rapport.colonnes_absentes:
        constat(
            "champs",
            "Réversibilité : champs absents de l'export complet",
            "Chaque champ chargé dans la solution figure dans l'export complet.",
            _citer([f"{fichier} : {colonne}" for fichier, colonne in rapport.colonnes_absentes])
            + ".",
        )
    for nature, code, titre, attendu in (
        ("ligne absente", "lignes", "Réversibilité : données chargées absentes de l'export",
         "Chaque ligne chargée dans la solution est restituée."),
        ("tronquée", "troncature", "Réversibilité : valeurs tronquées",
         "Aucune valeur n'est raccourcie à la restitution (longueurs comparées)."),
        ("encodage altéré", "encodage", "Réversibilité : accents ou caractères altérés",
         "Les caractères accentués sont restitués à l'identique (UTF-8)."),
        ("valeur modifiée", "valeurs", "Réversibilité : valeurs modifiées",
         "Chaque valeur est restituée telle qu'elle a été chargée."),
    ):  # fmt: skip
        problemes = [p for p in rapport.problemes if p.nature == nature]
        if problemes:
            constat(
                code,
                titre,
                attendu,
                f"{len(problemes)} cas : "
                + _citer(
                    [
                        f"{p.patient} ({p.fichier}), {p.champ} : « {p.source} » restitué "
                        f"« {p.restitue} »"
                        for p in problemes
                    ]
                )
                + ".",
            )
    return constats


def _document_reversibilite(rapport: RapportReversibilite) -> DocumentControle:
    return DocumentControle(
        titre="Vérification de la réversibilité des données",
        chapo="Contrôle de l'export complet de la solution contre les données qui y ont été "
        "chargées (cahier des charges, § « Réversibilité complète des données en fin de "
        "contrat ») : chaque entité et chaque champ présents, aucune valeur tronquée, accents "
        "restitués à l'identique.",
        informations=[
            ("Profil de la solution", rapport.profil),
            ("Adresse", rapport.cible),
            ("Données chargées", str(rapport.source)),
            ("Date", rapport.quand.strftime("%d/%m/%Y %H:%M")),
            ("Contrôle", rapport.seance),
            ("Valeurs comparées", str(rapport.valeurs_comparees)),
            ("Valeurs accentuées restituées à l'identique", str(rapport.valeurs_accentuees)),
        ],
        conforme=rapport.conforme,
        constats=[
            ConstatDocument(c.titre, c.attendu, c.observe, rapport.anomalies.get(c.code))
            for c in rapport.constats
        ],
        tableaux=[
            Tableau(
                "Fichiers de l'export complet",
                "Fichiers attendus (section donnees.export.fichiers_complet du profil) et fichiers "
                "trouvés dans l'archive.",
                ("Fichier", "Attendu", "Présent", "Lignes", "Colonnes", "Problème"),
                [
                    (
                        f.nom,
                        "oui" if f.attendu else "non",
                        "oui" if f.present else "non",
                        f.lignes if f.lignes is not None else "",
                        ", ".join(f.colonnes),
                        f.probleme,
                    )
                    for f in rapport.fichiers
                ],
                onglet="Fichiers",
            ),
            Tableau(
                "Volumes par entité chargée",
                "Lignes chargées, lignes de l'export et lignes chargées retrouvées à l'identique.",
                ("Entité", "Chargées", "Dans l'export", "Retrouvées"),
                list(rapport.comptes),
                onglet="Volumes",
            ),
            Tableau(
                "Champs absents",
                "Colonnes des fichiers chargés que l'export ne restitue pas.",
                ("Fichier", "Champ"),
                list(rapport.colonnes_absentes),
                "Tous les champs chargés sont restitués.",
                onglet="Champs absents",
            ),
            Tableau(
                "Valeurs non restituées à l'identique",
                "Seuls les espaces autour des valeurs, les séparateurs des codes, le format des "
                "dates et un nom d'usage vide (restitué par le nom de naissance) sont tolérés ; "
                "majuscules et accents doivent revenir à l'identique.",
                ("Fichier", "Identifiant", "Patient", "Champ", "Chargé", "Restitué", "Nature"),
                [
                    (p.fichier, p.id_patient, p.patient, p.champ, p.source, p.restitue, p.nature)
                    for p in rapport.problemes
                ],
                "Toutes les valeurs chargées sont restituées à l'identique.",
                onglet="Valeurs",
            ),
        ],
    )


# --- orchestration ----------------------------------------------------------------------------


def _maintenant() -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Paris"))


def _priorite(racine: Path, exigences: tuple[str, ...]) -> int | None:
    if not exigences:
        return None
    try:
        from recette.grille import charger_grille

        grille = charger_grille(racine)
    except RecetteErreur:
        return None
    priorites = [grille[e].priorite for e in exigences if e in grille]
    return min(priorites) if priorites else None


def _source(pivot_dir: Path, config: ConfigDonnees) -> tuple[Table, Table | None]:
    pivot_dir = Path(pivot_dir)
    patients = lire_csv(pivot_dir / "patients.csv", exiger=("id_patient",))
    elements = None
    if (
        "elements_medicaux" in config.entites_importees
        and (pivot_dir / "elements_medicaux.csv").is_file()
    ):
        elements = lire_csv(
            pivot_dir / "elements_medicaux.csv", exiger=("id_patient", "type", "libelle")
        )
    return patients, elements


def _rejets_fournis(
    bilan_import: Bilan | dict[str, Any] | Path | str | None, config: ConfigDonnees
) -> list[RejetImport] | None:
    """The import report's rejects: a Bilan (or its JSON file) of recette.environnement, or the
    solution's raw JSON report, whose line numbers are then those of the source files."""
    if bilan_import is None:
        return None
    if isinstance(bilan_import, str | Path):
        bilan_import = Bilan.lire(Path(bilan_import))
    if isinstance(bilan_import, Bilan):
        return list(bilan_import.rejets)
    rejets = []
    for entite, cle in config.bilan_import.items():
        rapport = bilan_import.get(cle) or {}
        if rapport.get("erreur"):
            rejets.append(
                RejetImport(f"{entite}.csv", None, "", "(fichier entier)", str(rapport["erreur"]))
            )
        for r in rapport.get("rejets") or []:
            try:
                ligne = int(r.get("ligne"))
            except (TypeError, ValueError):
                ligne = None
            rejets.append(
                RejetImport(
                    f"{entite}.csv", ligne, "", str(r.get("champ") or ""), str(r.get("motif") or "")
                )
            )
    return rejets


def _preparer(
    racine: Path, profil_nom: str, cible: str | None
) -> tuple[Profil, ConfigDonnees, ClientEchanges]:
    profil = charger_profil(profil_nom, Path(racine)).avec_cible(cible)
    config = config_donnees(profil)
    client = ClientEchanges(profil, config, Path(racine))
    client.connecter()
    return profil, config, client


def exigences_des_controles(racine: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """{check: {finding code: requirement ids}} from the fixture, checked against the codes the
    checks raise and the grid's ids."""
    from recette.grille import charger_grille

    chemin = Path(racine).joinpath(*FICHIER_EXIGENCES)
    brut = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    connus = {
        CONTROLE_REPRISE: {"doublons", "rejets", "absents", "ecarts", "elements"},
        CONTROLE_REVERSIBILITE: {
            "fichiers",
            "champs",
            "lignes",
            "troncature",
            "encodage",
            "valeurs",
        },
    }
    grille = charger_grille(racine)
    resultat: dict[str, dict[str, tuple[str, ...]]] = {}
    for controle, codes in connus.items():
        section = brut.get(controle) or {}
        inconnus = sorted(set(section) - codes)
        if inconnus:
            raise RecetteErreur(
                f"{chemin} : constat(s) inconnu(s) dans « {controle} » : {', '.join(inconnus)} "
                f"(connus : {', '.join(sorted(codes))})."
            )
        resultat[controle] = {}
        for code, ids in section.items():
            absentes = [i for i in ids if i not in grille]
            if absentes:
                raise RecetteErreur(
                    f"{chemin} : « {controle}.{code} » nomme des exigences absentes de la "
                    f"grille : {', '.join(absentes)}."
                )
            resultat[controle][code] = tuple(ids)
    return resultat


def _enregistrer(
    racine: Path,
    rapport: RapportReprise | RapportReversibilite,
    profil: Profil,
    registre: Path | None,
    quand: datetime,
    genre: str,
    document: Path,
    phase: str,
) -> None:
    # Each finding verifies the requirements the fixture names; the proposed gravity follows the
    # priority the grid gives them.
    exigences = exigences_des_controles(racine)[genre]
    constats = [
        replace(
            c,
            exigences=exigences.get(c.code, ()),
            priorite=_priorite(racine, exigences.get(c.code, ())),
        )
        for c in rapport.constats
    ]
    chemin = Path(registre) if registre else chemin_registre(racine)
    with Registre(chemin, charger_contrat(racine / "fixtures")) as reg:
        ouvertes = ouvrir_anomalies_constat(
            reg,
            constats,
            seance=rapport.seance,
            phase=phase,
            profil=profil.nom,
            cible=profil.cible,
            quand=quand,
            genre=genre,
            rapport=rapport_relatif(racine, document),
        )
    rapport.anomalies.update(ouvertes.par_constat)


def _ecrire_documents(
    rapport: RapportReprise | RapportReversibilite, sortie: Path, nom: str
) -> None:
    document = rapport.document()
    rapport.html = ecrire_html(document, Path(sortie) / f"{nom}.html")
    rapport.xlsx = ecrire_xlsx(document, Path(sortie) / f"{nom}.xlsx")


def _seance(controle: str, quand: datetime) -> str:
    return f"{controle}-{quand:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def verifier_reprise(
    racine: Path,
    pivot_dir: Path,
    profil_nom: str,
    cible: str | None = None,
    *,
    bilan_import: Bilan | dict[str, Any] | Path | str | None = None,
    sortie: Path | None = None,
    registre: Path | None = None,
    enregistrer_anomalies: bool = True,
    quand: datetime | None = None,
    phase: str = "va",
) -> RapportReprise:
    """Compares the source pivot files `pivot_dir` with what the solution holds, writes
    `reprise.html` and `reprise.xlsx` into `sortie` (default `reports/documents/<contrôle>/`)
    and opens one anomaly per kind of problem in the register (default the bench's).

    `bilan_import`: the import report (a Bilan, its JSON file, or the solution's raw JSON
    report); by default the one remplir_environnement left beside `pivot_dir`, if any."""
    racine = Path(racine)
    quand = quand or _maintenant()
    profil, config, client = _preparer(racine, profil_nom, cible)
    source_patients, source_elements = _source(pivot_dir, config)
    solution_patients = lire_octets_csv(client.exporter_patients(), "export des patients")
    solution_elements = None
    if source_elements is not None and config.url_export_complet:
        with ArchiveSure(client.exporter_complet(), "L'export complet de la solution") as archive:
            noms = {Path(n).name: n for n in archive.noms()}
            if "elements_medicaux.csv" in noms:
                solution_elements = lire_octets_csv(
                    archive.lire(noms["elements_medicaux.csv"]), "elements_medicaux.csv"
                )
    if bilan_import is None and chemin_bilan(Path(pivot_dir)).is_file():
        bilan_import = chemin_bilan(Path(pivot_dir))
    rejets = _rejets_fournis(bilan_import, config)
    if rejets is not None:
        rejets = _rattacher_rejets(rejets, source_patients, source_elements)
    rapport = comparer_reprise(
        source_patients, source_elements, solution_patients, solution_elements, rejets or ()
    )
    rapport.profil, rapport.cible, rapport.source = profil.nom, profil.cible, Path(pivot_dir)
    rapport.quand, rapport.seance = quand, _seance(CONTROLE_REPRISE, quand)
    rapport.bilan_fourni = rejets is not None
    rapport.constats = _constats_reprise(rapport)
    sortie = Path(sortie) if sortie else dossier_rapports(racine) / "documents" / rapport.seance
    if rapport.constats and enregistrer_anomalies:
        _enregistrer(
            racine, rapport, profil, registre, quand, "reprise", sortie / "reprise.html", phase
        )
    _ecrire_documents(rapport, sortie, "reprise")
    return rapport


def _rattacher_rejets(
    rejets: list[RejetImport], patients: Table, elements: Table | None
) -> list[RejetImport]:
    """Fills the patient id of rejects given by source line only (a raw report)."""
    par_ligne = {("patients.csv", p.numero): p for p in patients.lignes}
    if elements is not None:
        par_ligne.update({("elements_medicaux.csv", e.numero): e for e in elements.lignes})
    complets = []
    for r in rejets:
        source = par_ligne.get((r.fichier, r.ligne)) if r.ligne is not None else None
        if not r.id_patient and source is not None:
            r = RejetImport(r.fichier, r.ligne, source["id_patient"].strip(), r.champ, r.motif)
        complets.append(r)
    return complets


def verifier_reversibilite(
    racine: Path,
    pivot_dir: Path,
    profil_nom: str,
    cible: str | None = None,
    *,
    sortie: Path | None = None,
    registre: Path | None = None,
    enregistrer_anomalies: bool = True,
    quand: datetime | None = None,
    phase: str = "va",
) -> RapportReversibilite:
    """Checks the solution's full export (ZIP) against the pivot files loaded into it, writes
    `reversibilite.html` and `reversibilite.xlsx` into `sortie` and opens one anomaly per kind
    of problem."""
    racine = Path(racine)
    quand = quand or _maintenant()
    profil, config, client = _preparer(racine, profil_nom, cible)
    source_patients, source_elements = _source(pivot_dir, config)
    rapport = comparer_reversibilite(
        client.exporter_complet(),
        source_patients,
        source_elements,
        config.fichiers_export_complet,
    )
    rapport.profil, rapport.cible, rapport.source = profil.nom, profil.cible, Path(pivot_dir)
    rapport.quand, rapport.seance = quand, _seance(CONTROLE_REVERSIBILITE, quand)
    sortie = Path(sortie) if sortie else dossier_rapports(racine) / "documents" / rapport.seance
    if rapport.constats and enregistrer_anomalies:
        _enregistrer(
            racine,
            rapport,
            profil,
            registre,
            quand,
            "reversibilite",
            sortie / "reversibilite.html",
            phase,
        )
    _ecrire_documents(rapport, sortie, "reversibilite")
    return rapport


__all__ = [
    "NORMALISATIONS",
    "CompteEntite",
    "Doublon",
    "EcartChamp",
    "EcartElement",
    "FichierRestitue",
    "Normalisation",
    "PatientAbsent",
    "ProblemeValeur",
    "RapportReprise",
    "RapportReversibilite",
    "comparer_reprise",
    "comparer_reversibilite",
    "comparer_valeur",
    "verifier_reprise",
    "verifier_reversibilite",
]
