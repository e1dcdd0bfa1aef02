"""The one writer of the spreadsheets the bench makes for people (Excel workbooks, CSV files that
a person opens in Excel or LibreOffice): coverage, anomaly register, reprise and réversibilité.

Their text comes from people and vendors: grid labels, scenario titles, patient names, what a
screen showed. A cell whose text starts with « = », « + », « - », « @ », a tab or a line break
is read by a spreadsheet as a formula (OWASP « CSV injection »): `=HYPERLINK(…)` in a patient's
name would become a live link, `=cmd|…` a command. Every text cell therefore goes through
`neutraliser`: such text gets a leading apostrophe, and in a workbook the cell is also stored as
a string, so no formula is ever written. The text stays readable (the original follows the
apostrophe); numbers and dates the bench writes stay numbers and dates.

Machine formats are deliberately NOT written here: the pivot files (recette.donnees.pivot,
recette.donnees.tables), the vendor's import files and the normalised grid must round-trip to
the byte, and a program, not a person, reads them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from recette.documents.rendu import ecrire_atomiquement, ecrire_texte

# What makes a spreadsheet read a cell as a formula (or run it through DDE), full-width forms
# included: some spreadsheets fold them to their ASCII forms.
DEBUTS_DE_FORMULE = frozenset("=+-@\t\r\n＝＋－＠")
APOSTROPHE = "'"

EN_TETE_POLICE = Font(bold=True, color="FFFFFF")
EN_TETE_FOND = PatternFill("solid", fgColor="2D4D7A")
RETOUR = Alignment(wrap_text=True, vertical="top")
_EN_TETE_ALIGNEMENT = Alignment(wrap_text=True, vertical="center")


def neutraliser(valeur: Any) -> Any:
    """Text that a spreadsheet would read as a formula, prefixed with an apostrophe; any other
    value unchanged (numbers, dates and booleans are the bench's own)."""
    if isinstance(valeur, str) and valeur[:1] in DEBUTS_DE_FORMULE:
        return APOSTROPHE + valeur
    return valeur


# -- workbooks -------------------------------------------------------------------------------


def cellule(feuille: Worksheet, ligne: int, colonne: int, valeur: Any = None) -> Cell:
    """Writes one cell: text neutralised and stored as a string (never a formula, and without
    the control characters a workbook cannot hold), other values as they are."""
    cible = feuille.cell(row=ligne, column=colonne)
    if isinstance(valeur, datetime):
        # Excel has no time zones: the contract's local time is written, as displayed.
        valeur = valeur.replace(tzinfo=None)
    if isinstance(valeur, str):
        cible.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutraliser(valeur))
        cible.data_type = "s"
    else:
        cible.value = valeur
    return cible


def ligne_de_cellules(
    feuille: Worksheet, ligne: int, valeurs: Iterable[Any], alignement: Alignment | None = RETOUR
) -> list[Cell]:
    cellules = [cellule(feuille, ligne, c, v) for c, v in enumerate(valeurs, start=1)]
    if alignement is not None:
        for c in cellules:
            c.alignment = alignement
    return cellules


def en_tete(feuille: Worksheet, ligne: int, titres: Sequence[str]) -> None:
    """A styled header row (white bold text on the bench's blue)."""
    for colonne, titre in enumerate(titres, start=1):
        entete = cellule(feuille, ligne, colonne, titre)
        entete.font, entete.fill = EN_TETE_POLICE, EN_TETE_FOND
        entete.alignment = _EN_TETE_ALIGNEMENT


def largeurs(feuille: Worksheet, valeurs: Sequence[float]) -> None:
    for colonne, largeur in enumerate(valeurs, start=1):
        feuille.column_dimensions[get_column_letter(colonne)].width = largeur


def enregistrer_classeur(classeur: Workbook, destination: Path) -> Path:
    """Saves through a temporary file beside the destination (never half a workbook)."""
    return ecrire_atomiquement(destination, lambda chemin: classeur.save(chemin))


# -- CSV -------------------------------------------------------------------------------------


def texte_csv(
    en_tetes: Sequence[str], lignes: Iterable[Sequence[Any]], separateur: str = ";"
) -> str:
    """CSV text for a spreadsheet: « ; » as French Excel expects, CRLF, text neutralised.
    `None` is an empty cell; other values are written as their text."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator="\r\n")
    for valeurs in (en_tetes, *lignes):
        ecrivain.writerow(["" if v is None else neutraliser(v) for v in valeurs])
    return tampon.getvalue()


def ecrire_csv(destination: Path, texte: str) -> Path:
    """UTF-8 with a byte-order mark, so that Excel opens accents correctly."""
    return ecrire_texte(destination, texte, encodage="utf-8-sig")


__all__ = [
    "DEBUTS_DE_FORMULE",
    "EN_TETE_FOND",
    "EN_TETE_POLICE",
    "RETOUR",
    "cellule",
    "ecrire_csv",
    "en_tete",
    "enregistrer_classeur",
    "largeurs",
    "ligne_de_cellules",
    "neutraliser",
    "texte_csv",
]
