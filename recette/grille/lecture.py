"""Reading a spreadsheet (CSV or XLSX) into rows of text, numbered as the spreadsheet shows
them. Knows nothing of requirements: the grid rules live in `import_grille.py`."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from recette.archives import ArchiveIllisible, ArchiveRefusee, verifier_archive
from recette.erreurs import GrilleInvalide
from recette.grille.referentiel import normaliser

EXTENSIONS_CSV = (".csv", ".txt", ".tsv")
EXTENSIONS_XLSX = (".xlsx", ".xlsm")
SEPARATEURS = (";", ",", "\t")
# A title or a note often sits above the header in a customer's workbook: look that far down.
LIGNES_AVANT_EN_TETE = 10
FEUILLE_PREFEREE = "Grille"


@dataclass(frozen=True)
class Tableau:
    """The rows of one sheet. `lignes` pairs each row with its line number (1-based, as the
    spreadsheet shows it); `lettres` is True when columns have letters (XLSX)."""

    fichier: Path
    ligne_en_tete: int
    en_tetes: list[str]
    lignes: list[tuple[int, list[str]]]
    lettres: bool
    avertissements: list[str] = field(default_factory=list)

    def nom_colonne(self, index: int) -> str:
        """How a message names a column: its header as written, and its letter for XLSX."""
        nom = f"« {self.en_tetes[index]} »"
        return f"{nom} ({get_column_letter(index + 1)})" if self.lettres else nom


# Scores a candidate header row: how many of its cells are known headers.
Evaluateur = Callable[[list[str]], int]


def lire_tableau(fichier: Path, evaluer: Evaluateur) -> Tableau:
    if not fichier.is_file():
        raise GrilleInvalide(f"{fichier} : fichier introuvable.")
    extension = fichier.suffix.lower()
    if extension in EXTENSIONS_XLSX:
        return _lire_xlsx(fichier, evaluer)
    if extension in EXTENSIONS_CSV:
        return _lire_csv(fichier, evaluer)
    if extension in (".xls", ".ods"):
        raise GrilleInvalide(
            f"{fichier.name} : format {extension} non pris en charge ; enregistrer le classeur "
            "au format Excel .xlsx (ou en CSV) puis recommencer."
        )
    raise GrilleInvalide(
        f"{fichier.name} : extension « {fichier.suffix} » inconnue ; la grille doit être un "
        "classeur .xlsx ou un fichier .csv."
    )


def _choisir_en_tete(lignes: list[list[str]], evaluer: Evaluateur) -> int:
    """Index of the header row: the first row with the most known headers among the first rows,
    or the first non-empty row when none has any."""
    meilleur, meilleur_score = None, 0
    premier_non_vide = None
    for index, ligne in enumerate(lignes[:LIGNES_AVANT_EN_TETE]):
        if not any(ligne):
            continue
        if premier_non_vide is None:
            premier_non_vide = index
        score = evaluer(ligne)
        if score > meilleur_score:
            meilleur, meilleur_score = index, score
    if meilleur is not None:
        return meilleur
    return premier_non_vide if premier_non_vide is not None else 0


def _tableau(
    fichier: Path,
    lignes: list[list[str]],
    evaluer: Evaluateur,
    lettres: bool,
    avertissements: list[str],
) -> Tableau:
    if not any(any(ligne) for ligne in lignes):
        raise GrilleInvalide(f"{fichier.name} : le fichier est vide.")
    index_en_tete = _choisir_en_tete(lignes, evaluer)
    return Tableau(
        fichier=fichier,
        ligne_en_tete=index_en_tete + 1,
        en_tetes=lignes[index_en_tete],
        lignes=[
            (numero, ligne)
            for numero, ligne in enumerate(lignes[index_en_tete + 1 :], start=index_en_tete + 2)
        ],
        lettres=lettres,
        avertissements=avertissements,
    )


# -- CSV -------------------------------------------------------------------------------------


def _decoder(fichier: Path, octets: bytes, avertissements: list[str]) -> str:
    if octets.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's « Texte Unicode » export.
        return octets.decode("utf-16")
    try:
        return octets.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        texte = octets.decode("cp1252")
    except UnicodeDecodeError:
        raise GrilleInvalide(
            f"{fichier.name} : encodage illisible (ni UTF-8, ni Windows-1252) ; enregistrer le "
            "fichier en « CSV UTF-8 » puis recommencer."
        ) from None
    avertissements.append(
        f"{fichier.name} : le fichier n'est pas en UTF-8 ; il a été lu comme un CSV Windows "
        "(cp1252). Vérifier les accents de la grille importée."
    )
    return texte


def _lire_csv(fichier: Path, evaluer: Evaluateur) -> Tableau:
    avertissements: list[str] = []
    texte = _decoder(fichier, fichier.read_bytes(), avertissements)
    candidats = []
    for separateur in SEPARATEURS:
        try:
            lignes = [
                [cellule.replace("\r\n", "\n").strip() for cellule in ligne]
                for ligne in csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
            ]
        except csv.Error as exc:
            # A quote left open ends the file inside one cell: report it rather than guess.
            candidats.append((-1, 0, None, str(exc)))
            continue
        en_tete = lignes[_choisir_en_tete(lignes, evaluer)] if lignes else []
        candidats.append((evaluer(en_tete), len(en_tete), lignes, ""))
    # The separator that reveals the most known headers wins; then the one that cuts most.
    _, _, lignes, erreur = max(candidats, key=lambda c: (c[0], c[1]))
    if lignes is None:
        raise GrilleInvalide(f"{fichier.name} : CSV illisible ({erreur}).")
    return _tableau(fichier, lignes, evaluer, lettres=False, avertissements=avertissements)


# -- XLSX ------------------------------------------------------------------------------------


def _texte_cellule(valeur: object) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, float) and valeur.is_integer():
        # Excel stores every number as a float: priority 1 must read "1", not "1.0".
        return str(int(valeur))
    if isinstance(valeur, datetime):
        return valeur.date().isoformat() if valeur.time() == time() else valeur.isoformat()
    if isinstance(valeur, date):
        return valeur.isoformat()
    return str(valeur).replace("\r\n", "\n").strip()


def _lire_xlsx(fichier: Path, evaluer: Evaluateur) -> Tableau:
    # openpyxl inflates whatever the workbook holds: the bench's limits are checked first.
    try:
        verifier_archive(fichier, f"Le classeur {fichier.name}")
    except ArchiveIllisible:
        pass  # not a workbook at all: openpyxl's refusal below says so in the usual words
    except ArchiveRefusee as exc:
        raise GrilleInvalide(exc.message) from None
    try:
        classeur = load_workbook(fichier, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise GrilleInvalide(
            f"{fichier.name} : classeur Excel illisible ({exc.__class__.__name__}) ; l'ouvrir "
            "dans Excel et l'enregistrer au format .xlsx."
        ) from None
    try:
        feuilles = {normaliser(f.title): f for f in classeur.worksheets}
        feuille = feuilles.get(normaliser(FEUILLE_PREFEREE), classeur.worksheets[0])
        lignes = [
            [_texte_cellule(v) for v in ligne]
            for ligne in feuille.iter_rows(min_row=1, min_col=1, values_only=True)
        ]
    finally:
        classeur.close()
    # Trailing empty cells vary from row to row in a workbook; trim them so rows compare.
    lignes = [_sans_vides_finaux(ligne) for ligne in lignes]
    avertissements = []
    if len(classeur.worksheets) > 1:
        avertissements.append(f"{fichier.name} : grille lue dans la feuille « {feuille.title} ».")
    return _tableau(fichier, lignes, evaluer, lettres=True, avertissements=avertissements)


def _sans_vides_finaux(ligne: list[str]) -> list[str]:
    fin = len(ligne)
    while fin and not ligne[fin - 1]:
        fin -= 1
    return ligne[:fin]
