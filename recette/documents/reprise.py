"""Reports of the data checks (reprise, réversibilité): one self-contained HTML page (no script,
no font or style from elsewhere, printable) and an Excel workbook with every row.

Both are derived from a `DocumentControle` only, built by recette.reprise from its report: the
same facts give the same page. Files are written beside their destination then moved into
place, so a reader never sees half a document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from recette.documents import tableurs
from recette.documents.rendu import ecrire_atomiquement

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
    return ecrire_atomiquement(destination, lambda c: c.write_bytes(html.encode("utf-8")))


_GRAS = Font(bold=True)
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
    tableurs.cellule(synthese, 1, 1, document.titre).font = Font(bold=True, size=14)
    ligne = 3
    for libelle, valeur in document.informations:
        tableurs.ligne_de_cellules(synthese, ligne, (libelle, valeur))[0].font = _GRAS
        ligne += 1
    tableurs.cellule(synthese, ligne, 1, "Verdict").font = _GRAS
    cellule = tableurs.cellule(synthese, ligne, 2, document.verdict)
    texte, fond = _VERDICT[document.conforme]
    cellule.font = Font(bold=True, color=texte)
    cellule.fill = PatternFill("solid", fgColor=fond)
    ligne += 2
    tableurs.en_tete(synthese, ligne, ("Constat", "Attendu", "Observé", "Anomalie"))
    for constat in document.constats:
        ligne += 1
        valeurs = (constat.titre, constat.attendu, constat.observe, constat.anomalie or "")
        tableurs.ligne_de_cellules(synthese, ligne, valeurs)
    if not document.constats:
        tableurs.cellule(synthese, ligne + 1, 1, "Aucun écart constaté.")
    tableurs.largeurs(synthese, (34, 50, 90, 16))

    for tableau in document.tableaux:
        feuille = classeur.create_sheet(_nom_onglet(tableau.onglet or tableau.titre, pris))
        tableurs.en_tete(feuille, 1, tableau.colonnes)
        tableurs.largeurs(feuille, [max(14, min(60, len(t) + 4)) for t in tableau.colonnes])
        for numero, valeurs in enumerate(tableau.lignes, start=2):
            tableurs.ligne_de_cellules(feuille, numero, valeurs)
        if not tableau.lignes:
            tableurs.cellule(feuille, 2, 1, tableau.si_vide)
        else:
            feuille.auto_filter.ref = feuille.dimensions
        feuille.freeze_panes = "A2"
    classeur.properties.title = document.titre
    return tableurs.enregistrer_classeur(classeur, destination)


__all__ = [
    "ConstatDocument",
    "DocumentControle",
    "Tableau",
    "ecrire_html",
    "ecrire_xlsx",
    "rendre_html",
]
