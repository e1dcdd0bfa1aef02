"""The coverage of the grid as documents: one self-contained HTML page (no script, font or style
from elsewhere; readable by a référent, printable) and an Excel workbook for the MOA.

Both are derived from a `Couverture` only: the same facts give a byte-identical page. They are
written to a temporary file beside the destination, then moved into place, so a reader never
sees half a document. Séance folders are sealed: documents go to `reports/documents/<séance>/`."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from recette import seance
from recette.adaptateur.profil import chemin_profil
from recette.cahier.execution import GENRE as GENRE_MANUEL
from recette.documents import tableurs
from recette.documents.rendu import ecrire_atomiquement
from recette.grille import charger_grille, charger_referentiel
from recette.grille.couverture import (
    A_VERIFIER,
    ECHOUE,
    EXPLICATIONS,
    HORS_PERIMETRE_CONTRACTUEL,
    INCOMPLET,
    NON_COUVERT,
    NON_ECRIT,
    NON_EXECUTE,
    REUSSI,
    STATUTS,
    Couverture,
    LigneCouverture,
    Synthese,
    calculer_couverture,
)
from recette.grille.features import lire_features
from recette.grille.perimetre import lire_exclusions
from recette.resultats import Resultat, lire_resultats

MODELES = Path(__file__).parent / "templates"
FICHIER_HTML = "couverture.html"
FICHIER_XLSX = "couverture.xlsx"
# A wider page stops being readable; older séances stay in the workbook.
SEANCES_AFFICHEES = 6

CLASSES = {
    REUSSI: "reussi",
    ECHOUE: "echoue",
    INCOMPLET: "incomplet",
    NON_EXECUTE: "non-execute",
    NON_ECRIT: "non-ecrit",
    NON_COUVERT: "non-couvert",
    A_VERIFIER: "a-verifier",
    HORS_PERIMETRE_CONTRACTUEL: "hors-perimetre",
}
# Text colour and fill of each status, shared by the page's CSS and the workbook.
COULEURS = {
    REUSSI: ("1B6E35", "E2F3E7"),
    ECHOUE: ("A8201A", "FDE4E2"),
    INCOMPLET: ("1F5A9E", "E3EDFA"),
    NON_EXECUTE: ("4B5563", "ECEEF1"),
    NON_ECRIT: ("8A5300", "FFF0D4"),
    NON_COUVERT: ("6A2482", "F1E4F7"),
    A_VERIFIER: ("0E6470", "DDF3F5"),
    HORS_PERIMETRE_CONTRACTUEL: ("555555", "F3F3F3"),
}


def pourcent(valeur: float | None) -> str:
    """French percentage: "42 %" with a narrow no-break space; "—" when it has no meaning."""
    if valeur is None:
        return "—"
    return f"{valeur:.0f}\u202f%"


# -- HTML ------------------------------------------------------------------------------------


def rendre_couverture_html(couverture: Couverture) -> str:
    environnement = Environment(
        loader=FileSystemLoader(MODELES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    modele = environnement.get_template(FICHIER_HTML)
    seances_affichees = couverture.seances[-SEANCES_AFFICHEES:]
    return modele.render(
        couverture=couverture,
        statuts=STATUTS,
        explications=EXPLICATIONS,
        classes=CLASSES,
        domaines={s.cle: s.libelle for s in couverture.par_domaine},
        pourcent=pourcent,
        syntheses=[
            ("Synthèse par domaine", "Domaine", [*couverture.par_domaine, couverture.total]),
            ("Synthèse par priorité", "Priorité", [*couverture.par_priorite, couverture.total]),
        ],
        synthese_methodes=couverture.par_methode,
        seances_affichees=seances_affichees,
        seances_masquees=len(couverture.seances) - len(seances_affichees),
    )


def ecrire_couverture_html(couverture: Couverture, destination: Path) -> Path:
    html = rendre_couverture_html(couverture)
    return ecrire_atomiquement(destination, lambda chemin: chemin.write_bytes(html.encode("utf-8")))


# -- XLSX ------------------------------------------------------------------------------------

_TOTAL_POLICE = Font(bold=True)
_TOTAL_FOND = PatternFill("solid", fgColor="EEF1F5")


def _colorer(cellule, statut: str) -> None:
    texte, fond = COULEURS[statut]
    cellule.font = Font(bold=True, color=texte)
    cellule.fill = PatternFill("solid", fgColor=fond)


def _fraction(valeur: float | None) -> float | None:
    return None if valeur is None else round(valeur / 100, 4)


def _feuille_synthese(feuille: Worksheet, couverture: Couverture) -> None:
    titres_statuts = [s.capitalize() for s in STATUTS]
    ligne = 1
    for premiere, syntheses in (
        ("Domaine", (*couverture.par_domaine, couverture.total)),
        ("Priorité", (*couverture.par_priorite, couverture.total)),
        # A requirement with two methods counts in both rows: no total for this block.
        ("Méthode", couverture.par_methode),
    ):
        if not syntheses:
            continue
        tableurs.en_tete(
            feuille,
            ligne,
            [premiere, "Exigences", "Couvertes", "% couvertes", *titres_statuts, "% réussies"],
        )
        for synthese in syntheses:
            ligne += 1
            _ligne_synthese(feuille, ligne, synthese)
        ligne += 2
    tableurs.cellule(feuille, ligne, 1, "Grille").font = _TOTAL_POLICE
    tableurs.cellule(feuille, ligne, 2, couverture.grille)
    tableurs.cellule(feuille, ligne + 1, 1, "Séance la plus récente").font = _TOTAL_POLICE
    tableurs.cellule(feuille, ligne + 1, 2, couverture.derniere_seance or "aucune")
    tableurs.cellule(feuille, ligne + 2, 1, "Séances manuelles").font = _TOTAL_POLICE
    tableurs.cellule(feuille, ligne + 2, 2, ", ".join(couverture.seances_manuelles) or "aucune")
    tableurs.cellule(feuille, ligne + 3, 1, "Méthodes prises par défaut").font = _TOTAL_POLICE
    tableurs.cellule(
        feuille,
        ligne + 3,
        2,
        f"{couverture.methodes_par_defaut} exigence(s) sans méthode dans la grille : méthodes "
        "par défaut de leur domaine (domaines.yaml)",
    )
    feuille.freeze_panes = "B2"
    tableurs.largeurs(feuille, [44, 11, 11, 12, *[13] * len(STATUTS), 12])


def _ligne_synthese(feuille: Worksheet, ligne: int, synthese: Synthese) -> None:
    valeurs = [
        synthese.libelle,
        synthese.total,
        synthese.couvertes,
        _fraction(synthese.pourcentage_couvert),
        *(synthese.par_statut[s] for s in STATUTS),
        _fraction(synthese.pourcentage_reussi),
    ]
    for colonne, cellule in enumerate(tableurs.ligne_de_cellules(feuille, ligne, valeurs, None), 1):
        if colonne in (4, len(valeurs)):
            cellule.number_format = "0%"
        if synthese.cle == "total":
            cellule.font = _TOTAL_POLICE
            cellule.fill = _TOTAL_FOND


def _scenarios(ligne: LigneCouverture) -> str:
    return "\n".join(
        f"{s.nom}{' (à écrire)' if s.a_ecrire else ''} — {s.emplacement}" for s in ligne.scenarios
    )


def _methodes(ligne: LigneCouverture) -> str:
    """One line per method: its label, « (par défaut) » when the domain gave it, and what
    covers it today (scenario status, command to run, or the reason it is out of scope)."""
    lignes = []
    for v in ligne.verifications:
        defaut = " (par défaut)" if v.par_defaut else ""
        lignes.append(f"{v.libelle}{defaut} : {v.texte}")
    return "\n".join(lignes)


def _manuels(ligne: LigneCouverture) -> str:
    return "\n".join(f"{s.nom} — {s.emplacement}" for s in ligne.manuels)


def _feuille_exigences(
    feuille: Worksheet, couverture: Couverture, domaines: dict[str, str]
) -> None:
    colonnes_seances = list(couverture.seances) or ["Statut"]
    tableurs.en_tete(
        feuille,
        1,
        [
            "Exigence",
            "Domaine",
            "Priorité",
            "Libellé",
            "Description",
            "Source",
            "Vérification",
            "Couverte",
            "Scénarios",
            *colonnes_seances,
            "Anomalies ouvertes",
            "Méthodes et état",
            "Scénarios manuels",
            "Statut manuel",
            "Statut d'ensemble",
        ],
    )
    for numero, ligne in enumerate(couverture.lignes, start=2):
        exigence = ligne.exigence
        statuts = list(ligne.statuts) or [ligne.statut]
        valeurs = [
            exigence.id,
            domaines.get(exigence.domaine, exigence.domaine),
            exigence.priorite,
            exigence.libelle,
            exigence.description,
            exigence.source,
            exigence.verification,
            "hors périmètre" if ligne.hors_perimetre else ("oui" if ligne.couverte else "non"),
            _scenarios(ligne),
            *statuts,
            ", ".join(ligne.anomalies),
            _methodes(ligne),
            _manuels(ligne),
            ligne.statut_manuel or "—",
            ligne.statut,
        ]
        tableurs.ligne_de_cellules(feuille, numero, valeurs)
        for decalage, statut in enumerate(statuts):
            _colorer(feuille.cell(row=numero, column=10 + decalage), statut)
        _colorer(feuille.cell(row=numero, column=len(valeurs)), ligne.statut)
    feuille.freeze_panes = "B2"
    feuille.auto_filter.ref = feuille.dimensions
    tableurs.largeurs(
        feuille,
        [14, 28, 9, 40, 60, 50, 12, 10, 60, *[16] * len(colonnes_seances), 20, 60, 60, 14, 16],
    )


def _feuille_non_couvertes(
    feuille: Worksheet, couverture: Couverture, domaines: dict[str, str]
) -> None:
    tableurs.en_tete(
        feuille,
        1,
        ["Exigence", "Domaine", "Libellé", "Description", "Source", "Statut", "Squelette"],
    )
    for numero, ligne in enumerate(couverture.non_couvertes_p1, start=2):
        exigence = ligne.exigence
        valeurs = [
            exigence.id,
            domaines.get(exigence.domaine, exigence.domaine),
            exigence.libelle,
            exigence.description,
            exigence.source,
            ligne.statut,
            "\n".join(s.emplacement for s in ligne.scenarios),
        ]
        tableurs.ligne_de_cellules(feuille, numero, valeurs)
        _colorer(feuille.cell(row=numero, column=6), ligne.statut)
    if not couverture.non_couvertes_p1:
        tableurs.cellule(
            feuille, 2, 1, "Toutes les exigences de priorité 1 ont une méthode qui les vérifie."
        )
    feuille.freeze_panes = "B2"
    tableurs.largeurs(feuille, [14, 28, 40, 60, 50, 14, 50])


def ecrire_couverture_xlsx(couverture: Couverture, destination: Path) -> Path:
    domaines = {s.cle: s.libelle for s in couverture.par_domaine}
    classeur = Workbook()
    synthese = classeur.active
    synthese.title = "Synthèse"
    _feuille_synthese(synthese, couverture)
    _feuille_exigences(classeur.create_sheet("Exigences"), couverture, domaines)
    _feuille_non_couvertes(classeur.create_sheet("Non couvertes P1"), couverture, domaines)
    classeur.properties.title = "Couverture de la grille d'exigences"
    return tableurs.enregistrer_classeur(classeur, destination)


# -- from the bench's folders ----------------------------------------------------------------


def resultats_des_seances(
    racine_rapports: Path, identifiants: list[str] | None = None, *, manuelles: bool = False
) -> list[tuple[str, list[Resultat]]]:
    """The results of sealed séances (all of them by default), oldest first by start time:
    the automated ones, or with `manuelles` the cahiers recorded as manual séances."""
    chargees = []
    for identifiant in identifiants if identifiants is not None else seance.lister(racine_rapports):
        dossier, donnees = seance.charger(racine_rapports, identifiant)
        if _manuelle(donnees) != manuelles:
            continue
        resultats = dossier / "allure-results"
        lus = lire_resultats(resultats) if resultats.is_dir() else []
        chargees.append((str(donnees.get("debut", "")), dossier.name, lus))
    chargees.sort(key=lambda c: (c[0], c[1]))
    return [(nom, lus) for _, nom, lus in chargees]


def _manuelle(donnees: dict) -> bool:
    selection = donnees.get("selection")
    return isinstance(selection, dict) and selection.get("genre") == GENRE_MANUEL


def produire_couverture(
    racine: Path,
    identifiants: list[str] | None = None,
    dossier: Path | None = None,
    profil: str | None = None,
) -> tuple[Path, Path]:
    """Reads the grid, the features and the séances of the bench at `racine`, and writes the
    coverage page and workbook into `dossier` (by default `reports/documents/<latest séance>/`,
    or `reports/documents/grille/` before any séance). `profil` names the vendor profile whose
    contractual exclusions are shown « hors périmètre ». Returns (html, xlsx)."""
    racine_rapports = seance.dossier_rapports(racine)
    grille = charger_grille(racine)
    referentiel = charger_referentiel(racine)
    exclusions = lire_exclusions(chemin_profil(profil, racine), grille) if profil else {}
    seances = resultats_des_seances(racine_rapports, identifiants)
    # Manual séances are all taken: a cahier's results stand until a newer cahier replaces them.
    manuelles = resultats_des_seances(racine_rapports, manuelles=True)
    couverture = calculer_couverture(
        grille,
        lire_features(racine / "features"),
        seances,
        priorites=referentiel.priorites,
        racine=racine,
        seances_manuelles=manuelles,
        methodes=referentiel.methodes,
        exclusions=exclusions,
    )
    if dossier is None:
        dossier = racine_rapports / "documents" / (couverture.derniere_seance or "grille")
    return (
        ecrire_couverture_html(couverture, dossier / FICHIER_HTML),
        ecrire_couverture_xlsx(couverture, dossier / FICHIER_XLSX),
    )


__all__ = [
    "ecrire_couverture_html",
    "ecrire_couverture_xlsx",
    "produire_couverture",
    "rendre_couverture_html",
    "resultats_des_seances",
]
