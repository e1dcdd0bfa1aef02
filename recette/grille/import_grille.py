"""Import of the customer's grid (CSV or XLSX, French headers in any order) and the rules every
grid obeys, the default one included.

Validation collects every error before giving up, each naming the file, the line and the column
as the spreadsheet shows them, so that a référent fixes the whole file in one pass. Nothing is
replaced unless the whole file is valid: the normalised grid is written to a temporary file,
read back, then moved over `fixtures/grille/grille-client.csv` in one `os.replace`.

The normalised format (that of `fixtures/grille/grille.csv`) is CSV in UTF-8 with a byte order
mark and `;` separators, so that a French Excel opens it with its accents; headers are the
`en_tete` of `fixtures/grille/colonnes.yaml`, professions are joined by `|`."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from recette.erreurs import GrilleInvalide
from recette.grille.features import MOTIF_EXIGENCE
from recette.grille.lecture import Tableau, lire_tableau
from recette.grille.modele import TOUTES, Exigence, Grille
from recette.grille.referentiel import (
    CHAMPS,
    HORS_PERIMETRE,
    Referentiel,
    charger_referentiel,
    normaliser,
)
from recette.validation import ligne_de, lire_yaml, message_cle_inconnue

FICHIER_CLIENT = "grille-client.csv"
SEPARATEUR = ";"
SEPARATEUR_PROFESSIONS = "|"
# In a customer's cell, professions may also be separated by commas, semicolons or new lines.
SEPARATEURS_PROFESSIONS = r"[|,;\n]"
# Methods too; the normalised grid writes `|`. A reason follows « hors-perimetre » after a colon
# and runs to the end of the cell (it may hold commas), so it comes last.
SEPARATEUR_METHODES = "|"
SEPARATEURS_METHODES = r"[|,;\n]"

# The mandatory columns, each with what a message says when its cell is empty: the fields a
# recette cannot guess (the id is the scenarios' tag, the priority and the phase drive the PV).
OBLIGATOIRES = {
    "identifiant": "l'identifiant est vide",
    "domaine": "le domaine est vide",
    "libelle": "le libellé est vide",
    "priorite": "la priorité est vide",
    "verification": "la vérification (VA, VSR ou VA+VSR) est vide",
}

Correspondance = Mapping[str, str | list[str]]


# -- column mapping --------------------------------------------------------------------------


def _champ(nom: str) -> str | None:
    """The grid field for a name written by a person: "priorité", "Priorite", "priorite"."""
    cle = normaliser(nom).replace(" ", "_")
    return cle if cle in CHAMPS else None


def _verifier_correspondance(correspondance: Correspondance, origine: str) -> dict[str, list[str]]:
    resultat: dict[str, list[str]] = {}
    erreurs = []
    for nom, en_tetes in correspondance.items():
        champ = _champ(str(nom))
        if champ is None:
            erreurs.append(
                message_cle_inconnue(
                    origine,
                    ligne_de(correspondance, nom),
                    str(nom),
                    CHAMPS,
                    normaliser=lambda cle: normaliser(cle).replace(" ", "_"),
                )
            )
            continue
        valeurs = [en_tetes] if isinstance(en_tetes, str) else list(en_tetes or [])
        if not valeurs or not all(isinstance(v, str) and v.strip() for v in valeurs):
            erreurs.append(f"{origine} : le champ « {nom} » doit donner un en-tête (ou une liste).")
            continue
        resultat[champ] = valeurs
    if erreurs:
        raise GrilleInvalide(erreurs)
    return resultat


def lire_correspondance(fichier: Path) -> dict[str, list[str]]:
    """A column mapping file (YAML: field → header as written in the customer's file, or a list
    of headers), as given to the CLI."""
    if not Path(fichier).is_file():
        raise GrilleInvalide(f"{fichier} : fichier de correspondance introuvable.")
    donnees = lire_yaml(fichier, GrilleInvalide)
    if not isinstance(donnees, dict):
        raise GrilleInvalide(
            f"{fichier} : attendu « champ: en-tête » par ligne (par exemple « priorite: Niveau »)."
        )
    return _verifier_correspondance(donnees, str(fichier))


def _ecritures(referentiel: Referentiel, correspondance: dict[str, list[str]]) -> dict[str, str]:
    """Normalised header → field. A field given in the mapping is matched only by the headers
    the mapping names, so a customer's odd header cannot be shadowed by a default spelling."""
    index: dict[str, str] = {}
    for champ, colonne in referentiel.colonnes.items():
        ecritures = correspondance.get(champ) or [colonne.en_tete, *colonne.accepte]
        for ecriture in ecritures:
            cle = normaliser(ecriture)
            if champ not in correspondance and cle in index:
                continue
            index[cle] = champ
    return index


def _associer_colonnes(
    tableau: Tableau, referentiel: Referentiel, ecritures: dict[str, str], nom: str
) -> tuple[dict[str, int], list[str], list[str]]:
    """Field → column index, the errors (missing or doubled column) and the warnings."""
    colonnes: dict[str, int] = {}
    erreurs, avertissements = [], []
    ligne = tableau.ligne_en_tete
    for index, en_tete in enumerate(tableau.en_tetes):
        if not en_tete:
            continue
        champ = ecritures.get(normaliser(en_tete))
        if champ is None:
            avertissements.append(
                f"{nom}, ligne {ligne} : colonne {tableau.nom_colonne(index)} non reconnue, "
                "ignorée."
            )
            continue
        if champ in colonnes:
            erreurs.append(
                f"{nom}, ligne {ligne} : les colonnes {tableau.nom_colonne(colonnes[champ])} et "
                f"{tableau.nom_colonne(index)} désignent toutes deux le champ "
                f"« {referentiel.colonnes[champ].en_tete} » ; n'en garder qu'une."
            )
            continue
        colonnes[champ] = index
    for champ in OBLIGATOIRES:
        if champ not in colonnes:
            colonne = referentiel.colonnes[champ]
            acceptes = ", ".join(colonne.accepte) or colonne.en_tete
            erreurs.append(
                f"{nom}, ligne {ligne} : colonne obligatoire « {colonne.en_tete} » introuvable "
                f"(en-têtes acceptés : {acceptes} ; ou donner une correspondance)."
            )
    return colonnes, erreurs, avertissements


# -- rows ------------------------------------------------------------------------------------


def _professions(valeur: str, referentiel: Referentiel) -> tuple[tuple[str, ...], list[str]]:
    trouvees: list[str] = []
    inconnues: list[str] = []
    for morceau in re.split(SEPARATEURS_PROFESSIONS, valeur):
        morceau = morceau.strip()
        if not morceau:
            continue
        profession = referentiel.profession(morceau)
        if profession is None:
            inconnues.append(morceau)
        elif profession not in trouvees:
            trouvees.append(profession)
    if TOUTES in trouvees:
        return (TOUTES,), inconnues
    return tuple(trouvees), inconnues


def _lire_ligne(
    numero: int,
    cellules: list[str],
    colonnes: dict[str, int],
    tableau: Tableau,
    referentiel: Referentiel,
    nom: str,
) -> tuple[Exigence | None, list[str]]:
    erreurs: list[str] = []

    def cellule(champ: str) -> str:
        index = colonnes.get(champ)
        return cellules[index].strip() if index is not None and index < len(cellules) else ""

    def erreur(champ: str, texte: str) -> None:
        colonne = tableau.nom_colonne(colonnes[champ])
        erreurs.append(f"{nom}, ligne {numero}, colonne {colonne} : {texte}.")

    valeurs = {champ: cellule(champ) for champ in colonnes}
    for champ, texte in OBLIGATOIRES.items():
        if champ in colonnes and not valeurs[champ]:
            erreur(champ, texte)

    identifiant = valeurs.get("identifiant", "")
    if identifiant and re.search(r"\s", identifiant):
        erreur(
            "identifiant",
            f"l'identifiant « {identifiant} » contient un espace ; il sert d'étiquette aux "
            f"scénarios (@{identifiant.split()[0]}…) et doit être d'un seul tenant",
        )

    domaine = None
    if valeurs.get("domaine"):
        domaine = referentiel.domaine(valeurs["domaine"])
        if domaine is None:
            erreur(
                "domaine",
                f"domaine « {valeurs['domaine']} » inconnu ; domaines possibles : "
                f"{', '.join(referentiel.domaines)} (ou leur libellé, voir domaines.yaml)",
            )

    priorite = None
    if valeurs.get("priorite"):
        priorite = referentiel.priorite(valeurs["priorite"])
        if priorite is None:
            possibles = ", ".join(referentiel.priorites.values())
            chiffres = ", ".join(str(n) for n in referentiel.priorites)
            erreur(
                "priorite",
                f"priorité « {valeurs['priorite']} » inconnue ; écrire {chiffres} ou {possibles}",
            )

    verification = None
    if valeurs.get("verification"):
        verification = referentiel.verification(valeurs["verification"])
        if verification is None:
            erreur(
                "verification",
                f"vérification « {valeurs['verification']} » inconnue ; écrire "
                f"{', '.join(referentiel.verifications)}",
            )

    professions: tuple[str, ...] = ()
    if valeurs.get("professions"):
        professions, inconnues = _professions(valeurs["professions"], referentiel)
        for inconnue in inconnues:
            erreur(
                "professions",
                f"profession « {inconnue} » inconnue ; professions possibles : "
                f"{', '.join(referentiel.professions)} ou « {TOUTES} » (voir professions.yaml)",
            )

    methodes: tuple[str, ...] = ()
    motif = ""
    if valeurs.get("methodes"):
        methodes, motif, erreurs_methodes = _methodes(valeurs["methodes"], referentiel)
        for texte in erreurs_methodes:
            erreur("methodes", texte)
    par_defaut = not methodes
    if par_defaut and domaine is not None:
        methodes = referentiel.methodes_par_domaine.get(domaine, ())

    if erreurs or not set(OBLIGATOIRES) <= set(colonnes):
        return None, erreurs
    return (
        Exigence(
            id=identifiant,
            domaine=domaine,
            libelle=valeurs["libelle"],
            description=valeurs.get("description", ""),
            priorite=priorite,
            professions=professions,
            verification=verification,
            source=valeurs.get("source", ""),
            ligne=numero,
            methodes=methodes,
            methodes_par_defaut=par_defaut,
            motif_hors_perimetre=motif,
        ),
        erreurs,
    )


def _methodes(valeur: str, referentiel: Referentiel) -> tuple[tuple[str, ...], str, list[str]]:
    """(methods, reason of « hors-perimetre », errors) of a cell such as
    "automatise | manuel" or "hors-perimetre: option non retenue par la MSP"."""
    erreurs: list[str] = []
    motif = ""
    avant, deux_points, apres = valeur.partition(":")
    morceaux = [m.strip() for m in re.split(SEPARATEURS_METHODES, avant) if m.strip()]
    if deux_points:
        # Only the last method may carry a reason: "hors-perimetre: …".
        motif = apres.strip()
        dernier = referentiel.methode(morceaux[-1]) if morceaux else None
        if dernier != HORS_PERIMETRE:
            erreurs.append(
                f"seule la méthode « {HORS_PERIMETRE} » prend un motif après deux-points, en "
                f"dernier dans la cellule (lu : « {valeur} »)"
            )
    trouvees: list[str] = []
    for morceau in morceaux:
        methode = referentiel.methode(morceau)
        if methode is None:
            erreurs.append(
                f"méthode « {morceau} » inconnue ; méthodes possibles : "
                f"{', '.join(referentiel.methodes)} (voir valeurs.yaml)"
            )
        elif methode not in trouvees:
            trouvees.append(methode)
    if HORS_PERIMETRE in trouvees:
        if not motif:
            erreurs.append(
                f"« {HORS_PERIMETRE} » demande son motif, par exemple « {HORS_PERIMETRE}: "
                "option non retenue par la MSP »"
            )
        if len(trouvees) > 1:
            erreurs.append(
                f"« {HORS_PERIMETRE} » exclut toute autre méthode (lu : {', '.join(trouvees)})"
            )
    return tuple(trouvees), motif, erreurs


# -- whole grid ------------------------------------------------------------------------------


def _intertitre(champ: str, valeur: str) -> bool:
    """A customer's grid often groups requirements under section rows (« 1. Sécurité »): a row
    with a single filled cell that cannot be an id is one of those, not a broken requirement."""
    return champ != "identifiant" or bool(re.search(r"\s", valeur))


def lire_grille(
    fichier: Path,
    racine: Path,
    correspondance: Correspondance | Path | None = None,
    referentiel: Referentiel | None = None,
) -> Grille:
    """Reads and validates a grid file (CSV or XLSX) without writing anything.

    Raises `GrilleInvalide` listing every error of the file."""
    fichier = Path(fichier)
    referentiel = referentiel or charger_referentiel(racine)
    if isinstance(correspondance, Path):
        correspondance = lire_correspondance(correspondance)
    elif correspondance is not None:
        correspondance = _verifier_correspondance(correspondance, "correspondance des colonnes")
    ecritures = _ecritures(referentiel, correspondance or {})

    def evaluer(ligne: list[str]) -> int:
        return len({ecritures[normaliser(c)] for c in ligne if normaliser(c) in ecritures})

    tableau = lire_tableau(fichier, evaluer)
    nom = fichier.name
    colonnes, erreurs, avertissements = _associer_colonnes(tableau, referentiel, ecritures, nom)

    exigences: dict[str, Exigence] = {}
    premieres_lignes: dict[str, int] = {}
    for numero, cellules in tableau.lignes:
        lues = {c: cellules[i].strip() for c, i in colonnes.items() if i < len(cellules)}
        remplies = [champ for champ, valeur in lues.items() if valeur]
        if not remplies:
            continue
        if len(remplies) == 1 and _intertitre(remplies[0], lues[remplies[0]]):
            avertissements.append(
                f"{nom}, ligne {numero} : « {lues[remplies[0]]} » lu comme un intertitre, ignoré."
            )
            continue
        exigence, erreurs_ligne = _lire_ligne(numero, cellules, colonnes, tableau, referentiel, nom)
        erreurs.extend(erreurs_ligne)
        identifiant = lues.get("identifiant", "")
        if identifiant in premieres_lignes:
            colonne = tableau.nom_colonne(colonnes["identifiant"])
            erreurs.append(
                f"{nom}, ligne {numero}, colonne {colonne} : l'identifiant « {identifiant} » "
                f"est déjà utilisé ligne {premieres_lignes[identifiant]}."
            )
            continue
        if identifiant:
            premieres_lignes[identifiant] = numero
        if exigence is not None:
            exigences[exigence.id] = exigence

    if not premieres_lignes and not erreurs:
        erreurs.append(f"{nom} : la grille ne contient aucune exigence.")
    if erreurs:
        raise GrilleInvalide(erreurs)
    # Scenarios cite requirements by tag; an id of another shape is valid but cannot be cited.
    hors_motif = [i for i in exigences if not MOTIF_EXIGENCE.match(i)]
    if hors_motif:
        exemples = ", ".join(hors_motif[:5]) + (" …" if len(hors_motif) > 5 else "")
        avertissements.append(
            f"{nom} : {len(hors_motif)} identifiant(s) hors de la forme EXG-<DOMAINE>-<N> "
            f"({exemples}) ; aucun scénario ne pourra les citer en étiquette."
        )
    return Grille(
        exigences=exigences,
        domaines=referentiel.libelles_domaines,
        fichier=fichier,
        avertissements=tuple(tableau.avertissements + avertissements),
    )


def ecrire_grille(grille: Grille, destination: Path, racine: Path) -> None:
    """Writes the grid in the normalised format, atomically: the destination is either the old
    file or the complete new one, never half written."""
    referentiel = charger_referentiel(racine)
    en_tetes = [referentiel.colonnes[champ].en_tete for champ in CHAMPS]
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Same folder, so that os.replace is a rename; ".csv" so that it reads back as a CSV.
    descripteur, temporaire = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.stem}.", suffix=".tmp.csv"
    )
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8-sig", newline="") as flux:
            # The bench's own grid must read back identically: no formula neutralisation here
            # (recette.documents.tableurs does it for the spreadsheets made for people).
            ecrivain = csv.writer(flux, delimiter=SEPARATEUR, lineterminator="\n")
            ecrivain.writerow(en_tetes)
            for e in grille:
                ecrivain.writerow(
                    [
                        e.id,
                        e.domaine,
                        e.libelle,
                        e.description,
                        e.priorite,
                        SEPARATEUR_PROFESSIONS.join(e.professions),
                        e.verification,
                        e.source,
                        _cellule_methodes(e),
                    ]
                )
            flux.flush()
            os.fsync(flux.fileno())
        # What we wrote must read back as the same grid before it replaces anything.
        relue = lire_grille(Path(temporaire), racine, referentiel=referentiel)
        if _sans_lignes(relue) != _sans_lignes(grille):
            raise GrilleInvalide(
                f"{destination.name} : la grille écrite ne se relit pas à l'identique ; "
                "rien n'a été remplacé."
            )
        os.replace(temporaire, destination)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise


def _cellule_methodes(exigence: Exigence) -> str:
    """Defaulted methods are written empty, so the grid keeps saying they were not chosen."""
    if exigence.methodes_par_defaut:
        return ""
    cellule = SEPARATEUR_METHODES.join(exigence.methodes)
    motif = exigence.motif_hors_perimetre
    return f"{cellule}: {motif}" if motif else cellule


def _sans_lignes(grille: Grille) -> list[Exigence]:
    return [dataclasses.replace(e, ligne=0) for e in grille]


def chemin_grille_client(racine: Path) -> Path:
    return racine / "fixtures" / "grille" / FICHIER_CLIENT


def importer_grille(
    fichier: Path,
    racine: Path,
    correspondance: Correspondance | Path | None = None,
    destination: Path | None = None,
) -> Grille:
    """Validates the customer's grid and, only if the whole file is valid, makes it the grid of
    the bench (`fixtures/grille/grille-client.csv` unless `destination` says otherwise).

    Returns the grid as read from `fichier` (lines are those of the customer's file)."""
    grille = lire_grille(fichier, racine, correspondance)
    ecrire_grille(grille, destination or chemin_grille_client(racine), racine)
    return grille
