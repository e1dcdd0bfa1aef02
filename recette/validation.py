"""Reading the bench's YAML files (profiles, contract, grid mappings) with the line of every key,
and refusing keys nobody reads.

A misspelt key is worse than a missing one: `produciton: true` would leave a production profile
running as a test one. So every file declares the keys it knows (a `schema`), and any other key
is an error naming the file, the line, the key path and, when one is close, the key that was
probably meant. One mechanism for all three kinds of file.

A schema is plain data:

- ``QUELCONQUE`` (None): any value, not looked into;
- a ``dict`` {key: schema}: a section with these keys only (each optional here; whether a key
  is mandatory stays the reader's business);
- a one-element ``list`` [schema]: a list whose items follow that schema;
- ``Libre(schema)``: a section whose keys are free (names chosen by the author, such as the
  operations of a load plan) and whose values follow ``schema``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from recette.erreurs import RecetteErreur

QUELCONQUE = None


@dataclass(frozen=True)
class Libre:
    """A section with free keys; each value follows `valeurs`."""

    valeurs: Any = QUELCONQUE


class Carte(dict):
    """A YAML mapping that remembers the line (1-based) of each of its keys."""

    lignes: dict[Any, int]
    ligne: int | None = None


class ChargeurLigne(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A SafeLoader (no arbitrary objects) whose mappings are `Carte`s; dates stay text so that
    a wrong one (2027-02-30) is reported by key path and line, not as a bare ValueError.
    libyaml's parser when present: the pure-Python one made reading the fixtures the slowest
    part of every command."""


ChargeurLigne.yaml_implicit_resolvers = {
    debut: [(tag, motif) for tag, motif in resolveurs if tag != "tag:yaml.org,2002:timestamp"]
    for debut, resolveurs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construire_carte(chargeur: ChargeurLigne, noeud: yaml.MappingNode):
    carte = Carte()
    yield carte
    carte.update(chargeur.construct_mapping(noeud, deep=True))
    carte.lignes = {}
    carte.ligne = noeud.start_mark.line + 1
    for noeud_cle, _ in noeud.value:
        cle = chargeur.construct_object(noeud_cle, deep=True)
        if cle in carte.lignes:
            # PyYAML keeps the last value silently; a doubled key is almost always a mistake.
            raise yaml.constructor.ConstructorError(
                None, None, f"la clé « {cle} » apparaît deux fois", noeud_cle.start_mark
            )
        carte.lignes[cle] = noeud_cle.start_mark.line + 1


ChargeurLigne.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construire_carte)


def lire_yaml(chemin: Path, erreur: type[RecetteErreur] = RecetteErreur) -> Any:
    """The content of a YAML file, its mappings as `Carte`s; every fault is `erreur` with a
    French message naming the file (and the line when YAML knows it)."""
    try:
        texte = Path(chemin).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise erreur(f"{chemin} : le fichier est introuvable.") from None
    except UnicodeDecodeError:
        raise erreur(f"{chemin} : le fichier n'est pas en UTF-8.") from None
    except OSError as exc:
        raise erreur(f"{chemin} : le fichier est illisible ({exc.strerror or exc}).") from None
    return lire_yaml_texte(texte, chemin, erreur)


def lire_yaml_texte(texte: str, chemin: Path | str, erreur: type[RecetteErreur]) -> Any:
    try:
        return yaml.load(texte, Loader=ChargeurLigne)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        marque = getattr(exc, "problem_mark", None)
        ou = f", ligne {marque.line + 1}, colonne {marque.column + 1}" if marque else ""
        detail = getattr(exc, "problem", None) or exc.__class__.__name__
        raise erreur(
            f"{chemin}{ou} : le fichier n'est pas un YAML valide (détail : {detail})."
        ) from None


def ligne_de(section: Any, cle: Any) -> int | None:
    """The line of `cle` in a mapping read by `lire_yaml` (None when unknown)."""
    return getattr(section, "lignes", {}).get(cle)


def cle_proche(cle: Any, connues) -> str | None:
    proches = difflib.get_close_matches(str(cle), [str(c) for c in connues], n=1, cutoff=0.6)
    return proches[0] if proches else None


def message_cle_inconnue(
    fichier: Path | str, ligne: int | None, chemin: str, connues, normaliser=None
) -> str:
    """« fichier, ligne N : la clé « a.b » est inconnue — vouliez-vous dire c ? »; `connues` are
    the sibling keys a reader knows (the nearest is suggested, else they are listed)."""
    cle = chemin.rsplit(".", 1)[-1]
    ou = f", ligne {ligne}" if ligne else ""
    candidats = sorted(str(c) for c in connues)
    proche = cle_proche(normaliser(cle) if normaliser else cle, candidats)
    if proche:
        suite = f" — vouliez-vous dire {proche} ?"
    else:
        suite = f" (clés connues : {', '.join(candidats) or 'aucune'})."
    return f"{fichier}{ou} : la clé « {chemin} » est inconnue{suite}"


def cles_inconnues(donnees: Any, schema: Any, fichier: Path | str, prefixe: str = "") -> list[str]:
    """One message per key of `donnees` that `schema` does not declare, anywhere in the tree.
    Values of the wrong shape are left to the reader, which knows what to say about them."""
    messages: list[str] = []
    _parcourir(donnees, schema, fichier, prefixe, messages)
    return messages


def _parcourir(donnees: Any, schema: Any, fichier, chemin: str, messages: list[str]) -> None:
    if schema is QUELCONQUE:
        return
    if isinstance(schema, Libre):
        if isinstance(donnees, dict):
            for cle, valeur in donnees.items():
                _parcourir(valeur, schema.valeurs, fichier, _joindre(chemin, cle), messages)
        return
    if isinstance(schema, list):
        if isinstance(donnees, list):
            for i, element in enumerate(donnees):
                _parcourir(element, schema[0], fichier, f"{chemin}[{i + 1}]", messages)
        return
    if isinstance(schema, dict) and isinstance(donnees, dict):
        for cle, valeur in donnees.items():
            sous_chemin = _joindre(chemin, cle)
            if cle not in schema:
                messages.append(
                    message_cle_inconnue(fichier, ligne_de(donnees, cle), sous_chemin, schema)
                )
                continue
            _parcourir(valeur, schema[cle], fichier, sous_chemin, messages)


def _joindre(chemin: str, cle: Any) -> str:
    return f"{chemin}.{cle}" if chemin else str(cle)


def refuser_cles_inconnues(
    donnees: Any,
    schema: Any,
    fichier: Path | str,
    erreur: Callable[[str], RecetteErreur],
    prefixe: str = "",
) -> None:
    """Raises `erreur` listing every unknown key (one per line), if there is any."""
    messages = cles_inconnues(donnees, schema, fichier, prefixe)
    if messages:
        raise erreur("\n".join(messages))


def schema_depuis_cles(cles, libres: tuple[str, ...] = ()) -> dict:
    """A nested schema from dotted keys (« connexion.url »); a key of `libres` is a section with
    free keys (« habilitations.fonctions »)."""
    schema: dict = {}
    for cle in cles:
        noeud = schema
        *parents, feuille = cle.split(".")
        for parent in parents:
            noeud = noeud.setdefault(parent, {})
        noeud.setdefault(feuille, QUELCONQUE)
    for cle in libres:
        noeud = schema
        *parents, feuille = cle.split(".")
        for parent in parents:
            noeud = noeud.setdefault(parent, {})
        noeud[feuille] = Libre()
    return schema
