"""Reports of the data checks (reprise, réversibilité): one self-contained HTML page (no script,
no font or style from elsewhere, printable) and an Excel workbook with every row.

Both are derived from a `DocumentControle` only, built by recette.reprise from its report: the
same facts give the same page. Files are written beside their destination then moved into
place, so a reader never sees half a document."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MODELES = Path(__file__).parent / "templates"
MODELE_HTML = "controle_donnees.html"
# Beyond this, a table of the page stops (the workbook keeps every row).
LIGNES_HTML = 1000


@dataclass(frozen=True)
class Tableau:
    titre: str
    explication: str
    colonnes: tuple[str, ...]
    lignes: list[tuple[Any, ...]]
    si_vide: str = "Aucune ligne."
    onglet: str = ""  # sheet name in the workbook (31 characters at most)


@dataclass(frozen=True)
class ConstatDocument:
    titre: str
    attendu: str
    observe: str
    anomalie: str | None = None


@dataclass
class DocumentControle:
    titre: str
    chapo: str
    informations: list[tuple[str, str]]
    conforme: bool
    constats: list[ConstatDocument]
    tableaux: list[Tableau] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "conforme" if self.conforme else "non conforme"


def _ecrire_atomiquement(destination: Path, ecrire: Callable[[Path], None]) -> Path:
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    descripteur, nom = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    os.close(descripteur)
    temporaire = Path(nom)
    try:
        ecrire(temporaire)
        temporaire.chmod(0o644)
        os.replace(temporaire, destination)
    finally:
        temporaire.unlink(missing_ok=True)
    return destination


def rendre_html(document: DocumentControle) -> str:
    environnement = Environment(
        loader=FileSystemLoader(MODELES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    return environnement.get_template(MODELE_HTML).render(document=document, limite=LIGNES_HTML)


def ecrire_html(document: DocumentControle, destination: Path) -> Path:
    html = rendre_html(document)
    return _ecrire_atomiquement(destination, lambda c: c.write_bytes(html.encode("utf-8")))


_EN_TETE_POLICE = Font(bold=True, color="FFFFFF")
_EN_TETE_FOND = PatternFill("solid", fgColor="2D4D7A")
_GRAS = Font(bold=True)
_RETOUR = Alignment(wrap_text=True, vertical="top")
_VERDICT = {True: ("1B6E35", "E2F3E7"), False: ("A8201A", "FDE4E2")}


def _nom_onglet(nom: str, pris: set[str]) -> str:
    propre = re.sub(r"[\[\]:*?/\\]", " ", nom).strip()[:31] or "Feuille"
    candidat, rang = propre, 2
    while candidat in pris:
        suffixe = f" ({rang})"
        candidat, rang = propre[: 31 - len(suffixe)] + suffixe, rang + 1
    pris.add(candidat)
    return candidat


def ecrire_xlsx(document: DocumentControle, destination: Path) -> Path:
    classeur = Workbook()
    synthese = classeur.active
    pris = {"Synthèse"}
    synthese.title = "Synthèse"
    synthese.cell(row=1, column=1, value=document.titre).font = Font(bold=True, size=14)
    ligne = 3
    for libelle, valeur in document.informations:
        synthese.cell(row=ligne, column=1, value=libelle).font = _GRAS
        synthese.cell(row=ligne, column=2, value=valeur).alignment = _RETOUR
        ligne += 1
    synthese.cell(row=ligne, column=1, value="Verdict").font = _GRAS
    cellule = synthese.cell(row=ligne, column=2, value=document.verdict)
    texte, fond = _VERDICT[document.conforme]
    cellule.font = Font(bold=True, color=texte)
    cellule.fill = PatternFill("solid", fgColor=fond)
    ligne += 2
    for colonne, titre in enumerate(("Constat", "Attendu", "Observé", "Anomalie"), start=1):
        entete = synthese.cell(row=ligne, column=colonne, value=titre)
        entete.font, entete.fill = _EN_TETE_POLICE, _EN_TETE_FOND
    for constat in document.constats:
        ligne += 1
        valeurs = (constat.titre, constat.attendu, constat.observe, constat.anomalie or "")
        for colonne, valeur in enumerate(valeurs, start=1):
            synthese.cell(row=ligne, column=colonne, value=valeur).alignment = _RETOUR
    if not document.constats:
        synthese.cell(row=ligne + 1, column=1, value="Aucun écart constaté.")
    for colonne, largeur in enumerate((34, 50, 90, 16), start=1):
        synthese.column_dimensions[get_column_letter(colonne)].width = largeur

    for tableau in document.tableaux:
        feuille = classeur.create_sheet(_nom_onglet(tableau.onglet or tableau.titre, pris))
        for colonne, titre in enumerate(tableau.colonnes, start=1):
            entete = feuille.cell(row=1, column=colonne, value=titre)
            entete.font, entete.fill = _EN_TETE_POLICE, _EN_TETE_FOND
            entete.alignment = Alignment(wrap_text=True, vertical="center")
            feuille.column_dimensions[get_column_letter(colonne)].width = max(
                14, min(60, len(titre) + 4)
            )
        for numero, valeurs in enumerate(tableau.lignes, start=2):
            for colonne, valeur in enumerate(valeurs, start=1):
                feuille.cell(row=numero, column=colonne, value=valeur).alignment = _RETOUR
        if not tableau.lignes:
            feuille.cell(row=2, column=1, value=tableau.si_vide)
        else:
            feuille.auto_filter.ref = feuille.dimensions
        feuille.freeze_panes = "A2"
    classeur.properties.title = document.titre
    return _ecrire_atomiquement(destination, lambda c: classeur.save(c))


__all__ = [
    "ConstatDocument",
    "DocumentControle",
    "Tableau",
    "ecrire_html",
    "ecrire_xlsx",
    "rendre_html",
]
