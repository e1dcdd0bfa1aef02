"""The vocabulary a grid is checked against, read from `fixtures/grille/`: domains, professions,
priority words, verification phases and accepted column headers. Data, not code: a customer
with another profession or another header spelling edits (or overrides) these files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recette.erreurs import GrilleInvalide
from recette.validation import Libre, cles_inconnues, ligne_de, lire_yaml

CHAMPS = (
    "identifiant",
    "domaine",
    "libelle",
    "description",
    "priorite",
    "professions",
    "verification",
    "source",
    "methodes",
)
# The one verification method that needs a reason, written in the cell after a colon.
HORS_PERIMETRE = "hors-perimetre"


def dossier_grille(racine: Path) -> Path:
    return racine / "fixtures" / "grille"


def normaliser(texte: str) -> str:
    """The comparison key of a header or a value: no case, no accents, punctuation as spaces.

    "Réf.", "REF" and " ref " compare equal; so do "VA+VSR" and "va / vsr"."""
    sans_accents = "".join(
        c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)
    )
    return " ".join(re.sub(r"[\W_]+", " ", sans_accents.casefold()).split())


@dataclass(frozen=True)
class Domaine:
    slug: str
    libelle: str
    ordre: int
    code: str


@dataclass(frozen=True)
class Methode:
    """A way of verifying a requirement (valeurs.yaml `methodes`): `commande` is the bench's
    command that does it, empty for the scenarios (their status comes from the séances)."""

    cle: str
    libelle: str
    commande: str


@dataclass(frozen=True)
class Colonne:
    champ: str
    en_tete: str
    accepte: tuple[str, ...]


@dataclass(frozen=True)
class Referentiel:
    dossier: Path
    domaines: dict[str, Domaine]  # in display order
    professions: tuple[str, ...]
    priorites: dict[int, str]  # 1 → "obligatoire"
    verifications: tuple[str, ...]
    colonnes: dict[str, Colonne]  # in the order of CHAMPS
    methodes: dict[str, Methode]  # in the order of valeurs.yaml
    methodes_par_domaine: dict[str, tuple[str, ...]]  # domain slug → default methods
    _domaines: dict[str, str]
    _professions: dict[str, str]
    _toutes: frozenset[str]
    _priorites: dict[str, int]
    _verifications: dict[str, str]
    _methodes: dict[str, str]

    def domaine(self, valeur: str) -> str | None:
        """The slug for a slug, a libellé, a code or an alias; None when unknown."""
        return self._domaines.get(normaliser(valeur))

    def profession(self, valeur: str) -> str | None:
        """The canonical name (or "toutes") for a name or an alias; None when unknown."""
        cle = normaliser(valeur)
        if cle in self._toutes:
            return "toutes"
        return self._professions.get(cle)

    def priorite(self, valeur: str) -> int | None:
        """1, 2 or 3 from "1", "P1", "obligatoire", "1 - Obligatoire"…; None when unreadable or
        when the number and the word disagree."""
        cle = normaliser(valeur)
        if cle in self._priorites:
            return self._priorites[cle]
        chiffre = re.fullmatch(r"p?(\d+)(?: (.+))?", cle)
        if not chiffre:
            return None
        niveau = int(chiffre.group(1))
        if niveau not in self.priorites:
            return None
        mot = chiffre.group(2)
        if mot is not None and self._priorites.get(mot) != niveau:
            return None
        return niveau

    def verification(self, valeur: str) -> str | None:
        return self._verifications.get(normaliser(valeur))

    def methode(self, valeur: str) -> str | None:
        """The method key for a key or an accepted spelling; None when unknown."""
        return self._methodes.get(normaliser(valeur))

    @property
    def libelles_domaines(self) -> dict[str, str]:
        return {slug: d.libelle for slug, d in self.domaines.items()}


def _lire_yaml(fichier: Path) -> Any:
    return lire_yaml(fichier, GrilleInvalide)


def _indexer(
    index: dict[str, Any], ecritures: list[str], valeur: Any, fichier: Path, erreurs: list[str]
) -> None:
    """Adds every spelling to the index; two values sharing a spelling would make the import
    guess, so that is an error of the referential file."""
    for ecriture in ecritures:
        cle = normaliser(str(ecriture))
        if not cle:
            continue
        if cle in index and index[cle] != valeur:
            erreurs.append(
                f"{fichier.name} : « {ecriture} » désigne à la fois « {index[cle]} » et "
                f"« {valeur} »."
            )
            continue
        index[cle] = valeur


def _liste(valeur: Any) -> list[str]:
    if valeur is None:
        return []
    if isinstance(valeur, (str, int)):
        return [str(valeur)]
    return [str(v) for v in valeur]


SCHEMA_DOMAINES = Libre(
    {"libelle": None, "ordre": None, "code": None, "alias": None, "methodes": None}
)


def _charger_domaines(fichier: Path, erreurs: list[str]) -> tuple[dict, dict]:
    donnees = _lire_yaml(fichier)
    if not isinstance(donnees, dict) or not donnees:
        raise GrilleInvalide(f"{fichier} : attendu une section par domaine (slug: …).")
    erreurs.extend(cles_inconnues(donnees, SCHEMA_DOMAINES, fichier))
    domaines: list[Domaine] = []
    index: dict[str, str] = {}
    for slug, section in donnees.items():
        if not isinstance(section, dict):
            erreurs.append(f"{fichier.name} : le domaine « {slug} » doit être une section.")
            continue
        manquantes = [cle for cle in ("libelle", "ordre", "code") if section.get(cle) in (None, "")]
        if manquantes:
            erreurs.append(
                f"{fichier.name} : le domaine « {slug} » n'a pas de {', '.join(manquantes)}."
            )
            continue
        if not isinstance(section["ordre"], int):
            erreurs.append(f"{fichier.name} : l'ordre du domaine « {slug} » doit être un entier.")
            continue
        domaine = Domaine(
            str(slug), str(section["libelle"]), section["ordre"], str(section["code"])
        )
        domaines.append(domaine)
        ecritures = [domaine.slug, domaine.libelle, domaine.code, *_liste(section.get("alias"))]
        _indexer(index, ecritures, domaine.slug, fichier, erreurs)
    ordres = [d.ordre for d in domaines]
    if len(set(ordres)) != len(ordres):
        erreurs.append(f"{fichier.name} : deux domaines ont le même ordre.")
    domaines.sort(key=lambda d: d.ordre)
    return {d.slug: d for d in domaines}, index


def _charger_professions(fichier: Path, erreurs: list[str]) -> tuple[tuple, dict, frozenset]:
    donnees = _lire_yaml(fichier)
    if not isinstance(donnees, dict) or not isinstance(donnees.get("professions"), dict):
        raise GrilleInvalide(f"{fichier} : attendu une section « professions ».")
    professions = tuple(str(nom) for nom in donnees["professions"])
    index: dict[str, str] = {}
    for nom, alias in donnees["professions"].items():
        _indexer(index, [str(nom), *_liste(alias)], str(nom), fichier, erreurs)
    toutes = frozenset(normaliser(m) for m in ["toutes", *_liste(donnees.get("toutes"))])
    for cle in sorted(toutes & index.keys()):
        erreurs.append(f"{fichier.name} : « {cle} » est à la fois une profession et « toutes ».")
    return professions, index, toutes


SCHEMA_VALEURS = {
    "priorites": Libre({"libelle": None, "mots": None}),
    "verifications": None,
    "methodes": Libre({"libelle": None, "commande": None, "ecritures": None}),
}


def _charger_methodes(
    fichier: Path, donnees: dict, erreurs: list[str]
) -> tuple[dict[str, Methode], dict[str, str]]:
    section = donnees.get("methodes")
    if not isinstance(section, dict) or not section:
        erreurs.append(f"{fichier.name} : attendu une section « methodes ».")
        return {}, {}
    methodes: dict[str, Methode] = {}
    index: dict[str, str] = {}
    for cle, valeur in section.items():
        ligne = ligne_de(section, cle)
        ou = f"{fichier.name}, ligne {ligne}" if ligne else fichier.name
        if not isinstance(valeur, dict) or not valeur.get("libelle"):
            erreurs.append(f"{ou} : la méthode « {cle} » doit avoir un libelle.")
            continue
        methodes[str(cle)] = Methode(
            str(cle), str(valeur["libelle"]), str(valeur.get("commande") or "")
        )
        ecritures = [str(cle), str(valeur["libelle"]), *_liste(valeur.get("ecritures"))]
        _indexer(index, ecritures, str(cle), fichier, erreurs)
    if HORS_PERIMETRE not in methodes:
        erreurs.append(f"{fichier.name} : la méthode « {HORS_PERIMETRE} » doit être déclarée.")
    return methodes, index


def _methodes_par_domaine(
    fichier: Path, domaines: dict[str, Domaine], methodes: dict[str, Methode], erreurs: list[str]
) -> dict[str, tuple[str, ...]]:
    """Each domain's default methods, checked against the vocabulary (a domain without a list
    would leave its requirements without any method when the grid says nothing)."""
    donnees = _lire_yaml(fichier)
    resultat: dict[str, tuple[str, ...]] = {}
    for slug in domaines:
        section = donnees.get(slug) or {}
        liste = _liste(section.get("methodes"))
        ligne = ligne_de(section, "methodes") or ligne_de(donnees, slug)
        ou = f"{fichier.name}, ligne {ligne}" if ligne else fichier.name
        if not liste:
            erreurs.append(f"{ou} : le domaine « {slug} » n'a pas de methodes par défaut.")
            continue
        inconnues = [m for m in liste if m not in methodes]
        if inconnues:
            erreurs.append(
                f"{ou} : méthode(s) {', '.join(inconnues)} inconnue(s) pour le domaine "
                f"« {slug} » ; méthodes possibles : {', '.join(methodes)}."
            )
            continue
        if HORS_PERIMETRE in liste:
            erreurs.append(
                f"{ou} : « {HORS_PERIMETRE} » ne peut pas être une méthode par défaut (il "
                "demande un motif, propre à chaque exigence)."
            )
            continue
        resultat[slug] = tuple(liste)
    return resultat


def _charger_valeurs(fichier: Path, erreurs: list[str]) -> tuple[dict, dict, tuple, dict]:
    donnees = _lire_yaml(fichier)
    if isinstance(donnees, dict):
        erreurs.extend(cles_inconnues(donnees, SCHEMA_VALEURS, fichier))
    if not isinstance(donnees, dict) or not isinstance(donnees.get("priorites"), dict):
        raise GrilleInvalide(
            f"{fichier} : attendu les sections « priorites » et « verifications »."
        )
    if not isinstance(donnees.get("verifications"), dict):
        raise GrilleInvalide(f"{fichier} : attendu une section « verifications ».")
    priorites: dict[int, str] = {}
    index_priorites: dict[str, int] = {}
    for niveau, section in donnees["priorites"].items():
        if not isinstance(niveau, int) or not isinstance(section, dict) or "libelle" not in section:
            erreurs.append(
                f"{fichier.name} : la priorité « {niveau} » doit être un entier avec un libelle."
            )
            continue
        priorites[niveau] = str(section["libelle"])
        mots = [section["libelle"], *_liste(section.get("mots"))]
        _indexer(index_priorites, mots, niveau, fichier, erreurs)
    index_verifications: dict[str, str] = {}
    for valeur, ecritures in donnees["verifications"].items():
        _indexer(index_verifications, [valeur, *_liste(ecritures)], str(valeur), fichier, erreurs)
    verifications = tuple(str(v) for v in donnees["verifications"])
    return dict(sorted(priorites.items())), index_priorites, verifications, index_verifications


def _charger_colonnes(fichier: Path, erreurs: list[str]) -> dict[str, Colonne]:
    donnees = _lire_yaml(fichier)
    if not isinstance(donnees, dict):
        raise GrilleInvalide(f"{fichier} : attendu une section par champ de la grille.")
    # A misspelt field or « acceptes: » would silently drop the spellings it lists.
    erreurs.extend(cles_inconnues(donnees, SCHEMA_COLONNES, fichier))
    colonnes: dict[str, Colonne] = {}
    index: dict[str, str] = {}
    for champ in CHAMPS:
        section = donnees.get(champ)
        if not isinstance(section, dict) or not section.get("en_tete"):
            erreurs.append(f"{fichier.name} : le champ « {champ} » n'a pas d'en_tete.")
            continue
        accepte = tuple(_liste(section.get("accepte")))
        colonnes[champ] = Colonne(champ, str(section["en_tete"]), accepte)
        _indexer(index, [section["en_tete"], *accepte], champ, fichier, erreurs)
    return colonnes


SCHEMA_COLONNES = {champ: {"en_tete": None, "accepte": None} for champ in CHAMPS}


def charger_referentiel(racine: Path) -> Referentiel:
    dossier = dossier_grille(racine)
    erreurs: list[str] = []
    domaines, index_domaines = _charger_domaines(dossier / "domaines.yaml", erreurs)
    professions, index_professions, toutes = _charger_professions(
        dossier / "professions.yaml", erreurs
    )
    priorites, index_priorites, verifications, index_verifications = _charger_valeurs(
        dossier / "valeurs.yaml", erreurs
    )
    colonnes = _charger_colonnes(dossier / "colonnes.yaml", erreurs)
    methodes, index_methodes = _charger_methodes(
        dossier / "valeurs.yaml", _lire_yaml(dossier / "valeurs.yaml"), erreurs
    )
    methodes_par_domaine = _methodes_par_domaine(
        dossier / "domaines.yaml", domaines, methodes, erreurs
    )
    if erreurs:
        raise GrilleInvalide([f"{dossier} : " + e for e in erreurs])
    return Referentiel(
        dossier=dossier,
        domaines=domaines,
        professions=professions,
        priorites=priorites,
        verifications=verifications,
        colonnes=colonnes,
        methodes=methodes,
        methodes_par_domaine=methodes_par_domaine,
        _domaines=index_domaines,
        _professions=index_professions,
        _toutes=toutes,
        _priorites=index_priorites,
        _verifications=index_verifications,
        _methodes=index_methodes,
    )
