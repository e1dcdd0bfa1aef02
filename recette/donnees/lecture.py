"""Reading a pivot folder back, with validation of every file before anything is returned.

Checks, all collected before `PivotInvalide` is raised: encoding (UTF-8), header (missing,
unknown, duplicated or misordered columns), each field's type and format, mandatory values,
duplicated ids, references between files, the manifest's SHA-256 fingerprints and counts, then
the coherence rules of `coherence.py` (NIR against the person, medical coherence, agenda).
Every message is French and names the file, the line and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stdnum.fr import nir as stdnum_nir

from recette.donnees import referentiels
from recette.donnees.agenda import Message, RendezVous, Tache, heure
from recette.donnees.coherence import constats, constats_agenda
from recette.donnees.dossiers import (
    Consentement,
    ContactParent,
    Correspondant,
    Dossier,
    ElementMedical,
)
from recette.donnees.identite import STATUTS_AVEC_MATRICULE, Patient, trait_ins
from recette.donnees.pivot import (
    MANIFESTE,
    SCHEMA,
    Colonne,
    FichierPivot,
    sha256_fichier,
)
from recette.donnees.professionnels import Professionnel, probleme_rpps
from recette.erreurs import PivotInvalide

# Beyond this many faults in one file the rest are counted, not listed: a wholly wrong file
# of 100,000 lines would otherwise bury the first, telling messages.
LIMITE_ERREURS_PAR_FICHIER = 1000

_RE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RE_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_RE_HEURE = re.compile(r"\d{2}:\d{2}")
_RE_CODE_LIEU = re.compile(r"(\d{5}|2[AB]\d{3})")
_RE_TELEPHONE = re.compile(r"0[1-9]\d{8}")
_RE_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_RE_PRENOM = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")


def _date_valide(v: str) -> dt.date | None:
    if not _RE_DATE.fullmatch(v):
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


def _controler(col: Colonne, v: str) -> tuple[Any, str | None]:
    """The typed value of a non-empty field, or None and the French reason it is invalid."""
    t = col.type
    if t in ("texte", "identifiant"):
        if t == "identifiant" and (" " in v or v != v.strip()):
            return None, f"identifiant « {v} » invalide (pas d'espace attendu)"
        return v, None
    if t == "date":
        d = _date_valide(v)
        return (d, None) if d else (None, f"date invalide « {v} » (format attendu AAAA-MM-JJ)")
    if t == "datetime":
        if _RE_DATETIME.fullmatch(v):
            try:
                return dt.datetime.fromisoformat(v), None
            except ValueError:
                pass
        return None, f"date et heure invalides « {v} » (format attendu AAAA-MM-JJTHH:MM)"
    if t == "heure":
        if _RE_HEURE.fullmatch(v) and int(v[:2]) < 24 and int(v[3:]) < 60:
            return int(v[:2]) * 60 + int(v[3:]), None
        return None, f"heure invalide « {v} » (format attendu HH:MM)"
    if t == "entier":
        return (int(v), None) if v.isdigit() and v.isascii() else (None, f"entier invalide « {v} »")
    if t == "enum":
        if v in col.valeurs:
            return v, None
        return None, f"valeur « {v} » inconnue (valeurs admises : {', '.join(col.valeurs)})"
    if t == "booleen":
        if v in ("oui", "non"):
            return v == "oui", None
        return None, f"valeur « {v} » invalide (oui ou non attendu)"
    if t == "nir":
        compact = stdnum_nir.compact(v)
        if len(compact) != 15 or not re.fullmatch(r"\d{5}(\d{2}|2[AB])\d{8}", compact):
            return None, (
                f"NIR « {v} » mal formé (15 caractères attendus : sexe, année, mois, lieu de "
                "naissance, numéro d'ordre et clé)"
            )
        cle = stdnum_nir.calc_check_digits(compact)
        if cle != compact[13:]:
            return (
                None,
                f"NIR « {v} » : clé de contrôle invalide « {compact[13:]} » (attendue « {cle} »)",
            )
        return compact, None
    if t == "rpps":
        probleme = probleme_rpps(v)
        return (None, probleme) if probleme else (v, None)
    if t == "code_lieu":
        if not _RE_CODE_LIEU.fullmatch(v):
            return None, f"code lieu « {v} » invalide (code COG à 5 caractères attendu)"
        if v == "99100":
            return None, "code lieu « 99100 » invalide (la France n'est pas un pays étranger)"
        return v, None
    if t == "code_postal":
        ok = len(v) == 5 and v.isdigit() and v.isascii()
        return (v, None) if ok else (None, f"code postal « {v} » invalide (5 chiffres attendus)")
    if t == "telephone":
        if _RE_TELEPHONE.fullmatch(v):
            return v, None
        return None, f"téléphone « {v} » invalide (10 chiffres commençant par 0 attendus)"
    if t == "email":
        ok = _RE_EMAIL.fullmatch(v)
        return (v, None) if ok else (None, f"adresse électronique « {v} » invalide")
    if t == "prenoms":
        prenoms = v.split(" ")
        if all(_RE_PRENOM.fullmatch(p) for p in prenoms):
            return tuple(prenoms), None
        return None, f"prénoms « {v} » invalides (prénoms séparés par une seule espace attendus)"
    raise AssertionError(f"type de colonne inconnu : {t}")


class _Erreurs:
    """Collects French messages, at most LIMITE_ERREURS_PAR_FICHIER listed per file, and
    hands them back sorted by file (manifest first, then the schema's order) and line."""

    def __init__(self) -> None:
        self._constats: list[tuple[int, int, int, str]] = []
        self._par_fichier: dict[str, int] = {}

    @staticmethod
    def _rang(fichier: str) -> int:
        base = fichier.rsplit(".", 1)[0]
        noms = [f.nom for f in SCHEMA]
        return noms.index(base) + 1 if base in noms else 0

    def ajouter(
        self, fichier: str, message: str, ligne: int | None = None, champ: str | None = None
    ):
        n = self._par_fichier.get(fichier, 0) + 1
        self._par_fichier[fichier] = n
        if n > LIMITE_ERREURS_PAR_FICHIER:
            return
        lieu = fichier
        if ligne is not None:
            lieu += f", ligne {ligne}"
        if champ is not None:
            lieu += f", champ « {champ} »"
        self._constats.append(
            (self._rang(fichier), ligne or 0, len(self._constats), f"{lieu} : {message}")
        )

    def terminer(self) -> list[str]:
        messages = [m for *_, m in sorted(self._constats)]
        for fichier, n in self._par_fichier.items():
            if n > LIMITE_ERREURS_PAR_FICHIER:
                messages.append(
                    f"{fichier} : {n - LIMITE_ERREURS_PAR_FICHIER} autres erreurs non détaillées"
                )
        return messages


@dataclass
class _Table:
    """The rows of one file that passed the field checks, with their line numbers."""

    lignes: list[int] = field(default_factory=list)
    valeurs: list[dict[str, Any]] = field(default_factory=list)
    # Every id seen, valid row or not, so that a faulty row does not also raise dangling refs.
    ids: set[str] = field(default_factory=set)
    present: bool = False


def _lire_texte(chemin: Path, nom: str, erreurs: _Erreurs) -> str:
    brut = chemin.read_bytes()
    if brut.startswith(b"\xef\xbb\xbf"):
        brut = brut[3:]
    try:
        return brut.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lignes_brutes = brut.split(b"\n")
    entete = lignes_brutes[0].decode("utf-8", "replace").rstrip("\r").split(",")
    for numero, ligne in enumerate(lignes_brutes, start=1):
        try:
            ligne.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Name the field: the bytes before the fault, split on commas, give its rank.
            rang = ligne[: exc.start].count(b",")
            champ = entete[rang] if rang < len(entete) and nom.endswith(".csv") else None
            erreurs.ajouter(
                nom,
                f"encodage invalide : octet 0x{ligne[exc.start]:02X} non UTF-8 en position "
                f"{exc.start + 1} (encodage attendu UTF-8 ; fichier enregistré en Latin-1 ou "
                "Windows-1252 ?)",
                numero,
                champ,
            )
    return brut.decode("utf-8", "replace")


def _lignes_csv(
    texte: str, nom: str, fichier: FichierPivot, erreurs: _Erreurs
) -> Iterator[tuple[int, dict[str, str]]]:
    lecteur = csv.reader(io.StringIO(texte, newline=""))
    try:
        entete = next(lecteur)
    except StopIteration:
        erreurs.ajouter(nom, "fichier vide (une ligne d'en-tête est attendue)", 1)
        return
    attendues = fichier.noms_colonnes
    for col in attendues:
        if col not in entete:
            erreurs.ajouter(nom, "colonne absente de l'en-tête", 1, col)
    vues = set()
    for col in entete:
        if col in vues:
            erreurs.ajouter(nom, "colonne en double dans l'en-tête", 1, col)
        elif col not in attendues:
            erreurs.ajouter(
                nom, f"colonne inconnue (colonnes attendues : {', '.join(attendues)})", 1, col
            )
        vues.add(col)
    if entete and [c for c in entete if c in attendues] != [c for c in attendues if c in entete]:
        erreurs.ajouter(
            nom, f"ordre des colonnes différent de l'ordre attendu ({', '.join(attendues)})", 1
        )
    fin_precedente = lecteur.line_num
    for valeurs in lecteur:
        numero = fin_precedente + 1
        fin_precedente = lecteur.line_num
        if not valeurs:
            continue
        if len(valeurs) != len(entete):
            erreurs.ajouter(
                nom, f"{len(valeurs)} valeurs pour {len(entete)} colonnes d'en-tête", numero
            )
            continue
        yield numero, {c: v for c, v in zip(entete, valeurs, strict=True) if c in attendues}


def _lignes_jsonl(
    texte: str, nom: str, fichier: FichierPivot, erreurs: _Erreurs
) -> Iterator[tuple[int, dict[str, str]]]:
    types = {c.nom: c.type for c in fichier.colonnes}
    for numero, ligne in enumerate(texte.split("\n"), start=1):
        if not ligne.strip():
            continue
        try:
            objet = json.loads(ligne)
        except json.JSONDecodeError as exc:
            erreurs.ajouter(nom, f"JSON invalide ({exc.msg}, colonne {exc.colno})", numero)
            continue
        if not isinstance(objet, dict):
            erreurs.ajouter(nom, "un objet JSON est attendu sur chaque ligne", numero)
            continue
        valeurs = {}
        for cle, v in objet.items():
            if cle not in types:
                erreurs.ajouter(nom, "clé inconnue", numero, cle)
            elif v is None:
                valeurs[cle] = ""
            elif isinstance(v, bool) and types[cle] == "booleen":
                valeurs[cle] = "oui" if v else "non"
            elif isinstance(v, int) and not isinstance(v, bool) and types[cle] == "entier":
                valeurs[cle] = str(v)
            elif isinstance(v, str):
                valeurs[cle] = v
            else:
                erreurs.ajouter(
                    nom, f"valeur JSON de type inattendu ({type(v).__name__})", numero, cle
                )
                valeurs[cle] = ""
        for cle in types:
            if cle not in objet:
                erreurs.ajouter(nom, "clé absente", numero, cle)
        yield numero, valeurs


def _lire_table(dossier: Path, fichier: FichierPivot, extension: str, erreurs: _Erreurs) -> _Table:
    nom = f"{fichier.nom}.{extension}"
    chemin = dossier / nom
    table = _Table()
    if not chemin.is_file():
        if fichier.obligatoire:
            erreurs.ajouter(nom, "fichier obligatoire absent")
        return table
    table.present = True
    texte = _lire_texte(chemin, nom, erreurs)
    lignes = (_lignes_csv if extension == "csv" else _lignes_jsonl)(texte, nom, fichier, erreurs)
    premiere: dict[str, int] = {}
    for numero, brut in lignes:
        typees: dict[str, Any] = {}
        valide = True
        for col in fichier.colonnes:
            v = brut.get(col.nom)
            if v is None:
                valide = False  # the missing column was reported once, on the header
                continue
            if v == "":
                if col.obligatoire:
                    erreurs.ajouter(nom, "valeur obligatoire absente", numero, col.nom)
                    valide = False
                typees[col.nom] = None
                continue
            valeur, probleme = _controler(col, v)
            if probleme:
                erreurs.ajouter(nom, probleme, numero, col.nom)
                valide = False
            typees[col.nom] = valeur
        if fichier.cle:
            ident = brut.get(fichier.cle, "")
            if ident:
                if ident in premiere:
                    erreurs.ajouter(
                        nom,
                        f"identifiant « {ident} » en double (déjà présent ligne {premiere[ident]})",
                        numero,
                        fichier.cle,
                    )
                    valide = False
                else:
                    premiere[ident] = numero
                    table.ids.add(ident)
        if valide:
            table.lignes.append(numero)
            table.valeurs.append(typees)
    return table


@dataclass
class JeuDeDonnees:
    """A validated pivot folder, as objects of the generator's model."""

    dossier: Path
    manifeste: dict[str, Any] | None
    date_reference: dt.date | None
    patients: list[Patient]
    professionnels: list[Professionnel]
    dossiers: dict[str, Dossier]
    rendezvous: list[RendezVous]
    taches: list[Tache]
    messages: list[Message]

    @property
    def comptes(self) -> dict[str, int]:
        return {
            "patients": len(self.patients),
            "professionnels": len(self.professionnels),
            "elements_medicaux": sum(len(d.elements) for d in self.dossiers.values()),
            "correspondants": sum(len(d.correspondants) for d in self.dossiers.values()),
            "contacts_parents": sum(len(d.contacts_parents) for d in self.dossiers.values()),
            "consentements": sum(1 for d in self.dossiers.values() if d.consentement),
            "rendezvous": len(self.rendezvous),
            "taches": len(self.taches),
            "messages": len(self.messages),
        }


def lire_manifeste(dossier: Path) -> dict[str, Any]:
    return json.loads((Path(dossier) / MANIFESTE).read_text(encoding="utf-8"))


def _controler_manifeste(dossier: Path, erreurs: _Erreurs) -> dict[str, Any] | None:
    chemin = dossier / MANIFESTE
    if not chemin.is_file():
        return None
    try:
        manifeste = json.loads(chemin.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        erreurs.ajouter(MANIFESTE, f"manifeste illisible ({exc})")
        return None
    if not isinstance(manifeste, dict):
        erreurs.ajouter(MANIFESTE, "un objet JSON est attendu")
        return None
    for nom, attendu in sorted((manifeste.get("fichiers") or {}).items()):
        chemin_fichier = dossier / nom
        if not chemin_fichier.is_file():
            erreurs.ajouter(MANIFESTE, f"fichier {nom} listé mais absent", champ="fichiers")
        elif sha256_fichier(chemin_fichier) != attendu.get("sha256"):
            erreurs.ajouter(
                MANIFESTE,
                f"empreinte SHA-256 de {nom} différente de celle du manifeste (fichier modifié "
                "depuis la génération)",
                champ="fichiers",
            )
    return manifeste


def lire_pivot(
    dossier: Path | str,
    format: str = "csv",
    date_reference: dt.date | None = None,
) -> JeuDeDonnees:
    """Read and validate a pivot folder; every fault is reported at once in `PivotInvalide`.

    The reference date (no fact after it) comes from the argument, else from the manifest;
    without either, dates are only checked against births. Opening hours and motif durations
    are those of the bench's MSP (`centre.yaml`), checked only for a folder carrying a
    manifest of this generator.
    """
    dossier = Path(dossier)
    if format not in ("csv", "jsonl"):
        raise ValueError(f"format « {format} » inconnu (csv ou jsonl)")
    if not dossier.is_dir():
        raise PivotInvalide([f"{dossier} : dossier introuvable"], str(dossier))
    erreurs = _Erreurs()
    manifeste = _controler_manifeste(dossier, erreurs)
    if date_reference is None and manifeste and manifeste.get("date_reference"):
        date_reference = _date_valide(str(manifeste["date_reference"]))
    tables = {f.nom: _lire_table(dossier, f, format, erreurs) for f in SCHEMA}
    _controler_references(tables, format, erreurs)
    jeu = _construire(dossier, manifeste, date_reference, tables)
    _controler_coherence(jeu, tables, format, manifeste is not None, erreurs)
    if manifeste:
        for nom, attendu in (manifeste.get("comptes") or {}).items():
            table = tables.get(nom)
            if table is not None and table.present and len(table.lignes) != attendu:
                erreurs.ajouter(
                    MANIFESTE,
                    f"{attendu} lignes annoncées pour {nom}, "
                    f"{len(table.lignes)} lignes valides lues",
                    champ="comptes",
                )
    messages = erreurs.terminer()
    if messages:
        raise PivotInvalide(messages, str(dossier))
    return jeu


def _controler_references(tables: dict[str, _Table], extension: str, erreurs: _Erreurs) -> None:
    rpps_professionnels = {v["rpps"] for v in tables["professionnels"].valeurs if v.get("rpps")}
    for f in SCHEMA:
        table = tables[f.nom]
        nom = f"{f.nom}.{extension}"
        for col in f.colonnes:
            if col.reference is None:
                continue
            cible_fichier, cible_colonne = col.reference
            cible = tables[cible_fichier]
            if not cible.present:
                continue
            connus = rpps_professionnels if cible_colonne == "rpps" else cible.ids
            libelle = "RPPS" if cible_colonne == "rpps" else "identifiant"
            for numero, valeurs in zip(table.lignes, table.valeurs, strict=True):
                v = valeurs.get(col.nom)
                if v and v not in connus:
                    erreurs.ajouter(
                        nom,
                        f"{libelle} « {v} » inconnu dans {cible_fichier}.{extension}",
                        numero,
                        col.nom,
                    )


def _construire(
    dossier: Path,
    manifeste: dict[str, Any] | None,
    reference: dt.date | None,
    tables: dict[str, _Table],
) -> JeuDeDonnees:
    patients = [
        Patient(
            id_patient=v["id_patient"],
            nom_naissance=v["nom_naissance"],
            nom_usage=v["nom_usage"] or "",
            prenoms=v["prenoms"],
            sexe=v["sexe"],
            date_naissance=v["date_naissance"],
            code_lieu_naissance=v["code_lieu_naissance"],
            lieu_naissance=v["lieu_naissance"],
            nir=v["nir"],
            adresse=v["adresse"],
            code_postal=v["code_postal"],
            ville=v["ville"],
            telephone=v["telephone"] or "",
            email=v["email"] or "",
            rpps_medecin_traitant=v["rpps_medecin_traitant"] or "",
            consentement=v["consentement"] or "",
            date_consentement=v["date_consentement"],
        )
        for v in tables["patients"].valeurs
    ]
    statuts = {v["id_patient"]: v["statut_identite"] for v in tables["identites_ins"].valeurs}
    for p in patients:
        p.statut_identite = statuts.get(p.id_patient, "")
    dossiers = {p.id_patient: Dossier(p.id_patient, reference) for p in patients}
    for v in tables["elements_medicaux"].valeurs:
        if v["id_patient"] in dossiers:
            dossiers[v["id_patient"]].elements.append(
                ElementMedical(v["type"], v["libelle"], v["date_debut"])
            )
    for v in tables["correspondants"].valeurs:
        if v["id_patient"] in dossiers:
            dossiers[v["id_patient"]].correspondants.append(
                Correspondant(
                    v["role"],
                    v["nom"],
                    v["prenom"],
                    v["specialite"],
                    v["rpps"] or "",
                    v["telephone"] or "",
                    v["ville"] or "",
                )
            )
    for v in tables["contacts_parents"].valeurs:
        if v["id_patient"] in dossiers:
            dossiers[v["id_patient"]].contacts_parents.append(
                ContactParent(v["lien"], v["nom"], v["prenom"], v["telephone"])
            )
    for v in tables["consentements"].valeurs:
        if v["id_patient"] in dossiers:
            dossiers[v["id_patient"]].consentement = Consentement(
                v["statut"], v["date"], v["recueilli_par"]
            )
    return JeuDeDonnees(
        dossier=dossier,
        manifeste=manifeste,
        date_reference=reference,
        patients=patients,
        professionnels=[
            Professionnel(
                v["id_professionnel"],
                v["nom"],
                v["prenom"],
                v["sexe"],
                v["profession"],
                v["rpps"] or "",
                v["role"],
                v["email"],
                v["telephone"] or "",
            )
            for v in tables["professionnels"].valeurs
        ],
        dossiers=dossiers,
        rendezvous=[
            RendezVous(
                v["id_rendezvous"],
                v["id_patient"],
                v["id_professionnel"],
                v["date"],
                v["heure_debut"],
                v["duree_minutes"],
                v["motif"],
                v["statut"],
            )
            for v in tables["rendezvous"].valeurs
        ],
        taches=[
            Tache(
                v["id_tache"],
                v["id_patient"] or "",
                v["libelle"],
                v["cree_par"],
                v["attribuee_a"],
                v["date_creation"],
                v["date_echeance"],
                v["statut"],
                v["priorite"],
            )
            for v in tables["taches"].valeurs
        ],
        messages=[
            Message(
                v["id_message"],
                v["id_patient"] or "",
                v["expediteur"],
                v["destinataire"],
                v["date_envoi"],
                v["objet"],
                v["corps"],
                v["lu"],
            )
            for v in tables["messages"].valeurs
        ],
    )


def _controler_coherence(
    jeu: JeuDeDonnees,
    tables: dict[str, _Table],
    extension: str,
    horaires_du_banc: bool,
    erreurs: _Erreurs,
) -> None:
    reference = jeu.date_reference
    # Line numbers of each patient's facts, in the order the dossier lists them.
    lignes: dict[str, dict[str, list[int]]] = {
        nom: {}
        for nom in ("elements_medicaux", "correspondants", "contacts_parents", "consentements")
    }
    for nom, par_patient in lignes.items():
        for numero, v in zip(tables[nom].lignes, tables[nom].valeurs, strict=True):
            par_patient.setdefault(v["id_patient"], []).append(numero)
    for patient, numero in zip(jeu.patients, tables["patients"].lignes, strict=True):
        dossier = jeu.dossiers[patient.id_patient]
        for c in constats(patient, dossier):
            if c.fichier == "patients":
                ligne = numero
            else:
                ligne = lignes[c.fichier].get(patient.id_patient, [None])[c.index]
            erreurs.ajouter(f"{c.fichier}.{extension}", c.message, ligne, c.champ)

    nom = f"professionnels.{extension}"
    rpps_vus: dict[str, int] = {}
    professions = referentiels.professions()
    for p, numero in zip(jeu.professionnels, tables["professionnels"].lignes, strict=True):
        if professions[p.profession].rpps and not p.rpps:
            erreurs.ajouter(
                nom, f"RPPS obligatoire pour la profession « {p.profession} »", numero, "rpps"
            )
        if p.rpps:
            if p.rpps in rpps_vus:
                erreurs.ajouter(
                    nom,
                    f"RPPS « {p.rpps} » en double (déjà présent ligne {rpps_vus[p.rpps]})",
                    numero,
                    "rpps",
                )
            rpps_vus.setdefault(p.rpps, numero)

    nom = f"identites_ins.{extension}"
    par_id = {p.id_patient: p for p in jeu.patients}
    for v, numero in zip(
        tables["identites_ins"].valeurs, tables["identites_ins"].lignes, strict=True
    ):
        patient = par_id.get(v["id_patient"])
        if v["statut_identite"] in STATUTS_AVEC_MATRICULE and not v["matricule_ins"]:
            erreurs.ajouter(
                nom,
                f"matricule INS absent pour une identité « {v['statut_identite']} »",
                numero,
                "matricule_ins",
            )
        if patient is None:
            continue
        if v["matricule_ins"] and v["matricule_ins"] != patient.nir:
            erreurs.ajouter(
                nom, "matricule INS différent du NIR du patient", numero, "matricule_ins"
            )
        attendus = {
            "nom_naissance": trait_ins(patient.nom_naissance),
            "prenoms_naissance": trait_ins(" ".join(patient.prenoms)),
            "premier_prenom": trait_ins(patient.premier_prenom),
            "sexe": patient.sexe,
            "date_naissance": patient.date_naissance,
            "code_lieu_naissance": patient.code_lieu_naissance,
        }
        for champ, attendu in attendus.items():
            if v[champ] != attendu:
                erreurs.ajouter(
                    nom,
                    f"trait « {v[champ]} » différent de celui du patient (« {attendu} »)",
                    numero,
                    champ,
                )

    naissances = {p.id_patient: p.date_naissance for p in jeu.patients}
    nom = f"rendezvous.{extension}"
    for r, v, numero in zip(
        jeu.rendezvous, tables["rendezvous"].valeurs, tables["rendezvous"].lignes, strict=True
    ):
        if v["heure_fin"] != r.fin:
            erreurs.ajouter(
                nom,
                f"heure de fin {heure(v['heure_fin'])} différente de début + durée "
                f"({heure(r.fin)})",
                numero,
                "heure_fin",
            )
    centre = referentiels.centre() if horaires_du_banc else None
    professions_par_id = {p.id_professionnel: p.profession for p in jeu.professionnels}
    for i, champ, message in constats_agenda(
        jeu.rendezvous, naissances, professions_par_id, centre
    ):
        erreurs.ajouter(nom, message, tables["rendezvous"].lignes[i], champ)

    nom = f"taches.{extension}"
    for t, numero in zip(jeu.taches, tables["taches"].lignes, strict=True):
        if t.date_echeance < t.date_creation:
            erreurs.ajouter(
                nom, f"échéance {t.date_echeance} antérieure à la création", numero, "date_echeance"
            )
        if reference is not None and t.date_creation > reference:
            erreurs.ajouter(
                nom,
                f"tâche créée le {t.date_creation}, après la date de référence {reference}",
                numero,
                "date_creation",
            )
        naissance = naissances.get(t.id_patient)
        if naissance is not None and t.date_creation < naissance:
            erreurs.ajouter(
                nom,
                f"tâche créée le {t.date_creation}, avant la naissance du patient",
                numero,
                "date_creation",
            )

    nom = f"messages.{extension}"
    for m, numero in zip(jeu.messages, tables["messages"].lignes, strict=True):
        if m.expediteur == m.destinataire:
            erreurs.ajouter(nom, "expéditeur et destinataire identiques", numero, "destinataire")
        if reference is not None and m.date_envoi.date() > reference:
            erreurs.ajouter(
                nom,
                f"message envoyé le {m.date_envoi.date()}, après la date de référence {reference}",
                numero,
                "date_envoi",
            )
        naissance = naissances.get(m.id_patient)
        if naissance is not None and m.date_envoi.date() < naissance:
            erreurs.ajouter(
                nom, "message antérieur à la naissance du patient", numero, "date_envoi"
            )
