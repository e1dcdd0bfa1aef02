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
from recette.validation import cles_inconnues, lire_yaml

CHAMPS = (
    "identifiant",
    "domaine",
    "libelle",
    "description",
    "priorite",
    "professions",
    "verification",
    "source",
)


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
    _domaines: dict[str, str]
    _professions: dict[str, str]
    _toutes: frozenset[str]
    _priorites: dict[str, int]
    _verifications: dict[str, str]

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


def _charger_domaines(fichier: Path, erreurs: list[str]) -> tuple[dict, dict]:
    donnees = _lire_yaml(fichier)
    if not isinstance(donnees, dict) or not donnees:
        raise GrilleInvalide(f"{fichier} : attendu une section par domaine (slug: …).")
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


def _charger_valeurs(fichier: Path, erreurs: list[str]) -> tuple[dict, dict, tuple, dict]:
    donnees = _lire_yaml(fichier)
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
    if erreurs:
        raise GrilleInvalide([f"{dossier} : " + e for e in erreurs])
    return Referentiel(
        dossier=dossier,
        domaines=domaines,
        professions=professions,
        priorites=priorites,
        verifications=verifications,
        colonnes=colonnes,
        _domaines=index_domaines,
        _professions=index_professions,
        _toutes=toutes,
        _priorites=index_priorites,
        _verifications=index_verifications,
    )
