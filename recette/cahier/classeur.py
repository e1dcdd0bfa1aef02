"""The cahier de recette as a workbook a référent fills in, and the checks of a filled one.

One row per step: the requirement, priority and expected result are written by the bench; the
référent writes the result (OK / KO / bloqué), a comment, the file name of a piece of evidence
(a screenshot, a scanned print), their name and the date. The first column is the step's
reference, so that a workbook sorted or filtered by hand still reads right.

A filled workbook is checked whole before anything is recorded: every error names the sheet,
the row and the column as the spreadsheet shows them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from recette.cahier.lecture import ScenarioManuel
from recette.erreurs import RecetteErreur

FEUILLE = "Cahier de recette"
LIGNE_EN_TETE = 5
# (header, width) in order; the letters follow.
COLONNES = (
    ("Réf. étape", 24),
    ("Exigence(s)", 16),
    ("Priorité", 9),
    ("Scénario", 40),
    ("Préalables", 36),
    ("N°", 5),
    ("Action", 48),
    ("Résultat attendu", 48),
    ("Résultat (OK / KO / bloqué)", 14),
    ("Commentaire", 40),
    ("Preuve (nom de fichier)", 24),
    ("Référent", 18),
    ("Date (JJ/MM/AAAA)", 14),
)
RESULTATS = {"ok": "OK", "ko": "KO", "bloque": "bloqué"}
# Evidence files are screenshots and scans: a bound keeps a mistaken video or archive out.
TAILLE_MAX_PREUVE = 20 * 1024 * 1024
_NOM_SUR = re.compile(r"^[^/\\\x00]+$")


class CahierInvalide(RecetteErreur):
    def __init__(self, erreurs: list[str]):
        super().__init__("\n".join(erreurs))
        self.erreurs = erreurs


def reference(scenario: ScenarioManuel, numero: int) -> str:
    return f"{scenario.cle}#{numero}"


def lettre(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def ecrire_classeur(
    destination: Path, scenarios: list[ScenarioManuel], titre: str, sous_titre: str
) -> Path:
    """Through the bench's one spreadsheet writer: every text cell is stored as text, never a
    formula (a scenario title may start with « - »)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from recette.documents.tableurs import (
        cellule,
        en_tete,
        enregistrer_classeur,
        largeurs,
        ligne_de_cellules,
    )

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = FEUILLE
    cellule(feuille, 1, 1, titre).font = Font(bold=True, size=14)
    cellule(feuille, 2, 1, sous_titre)
    cellule(
        feuille,
        3,
        1,
        "Pour chaque étape : faites l'action, comparez au résultat attendu, puis écrivez OK, KO ou "
        "bloqué, un commentaire (obligatoire pour KO et bloqué), le nom du fichier de preuve "
        "éventuel, votre nom et la date. Ne modifiez pas la colonne « Réf. étape ».",
    )
    en_tete(feuille, LIGNE_EN_TETE, [en_tete_ for en_tete_, _ in COLONNES])
    largeurs(feuille, [largeur for _, largeur in COLONNES])
    choix = DataValidation(
        type="list",
        formula1='"OK,KO,bloqué"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Résultat",
        error="Écrivez OK, KO ou bloqué.",
    )
    feuille.add_data_validation(choix)
    ligne = LIGNE_EN_TETE
    for scenario in scenarios:
        for etape in scenario.etapes:
            ligne += 1
            ligne_de_cellules(
                feuille,
                ligne,
                (
                    reference(scenario, etape.numero),
                    " ".join(scenario.exigences),
                    scenario.priorite,
                    scenario.titre if etape.numero == 1 else None,
                    "\n".join(scenario.prealables) if etape.numero == 1 else None,
                    etape.numero,
                    etape.action,
                    etape.attendu,
                ),
            )
            choix.add(f"{lettre(8)}{ligne}")
    feuille.freeze_panes = f"B{LIGNE_EN_TETE + 1}"
    return enregistrer_classeur(classeur, destination)


# --- reading a filled workbook ----------------------------------------------------------------


@dataclass(frozen=True)
class Preuve:
    nom: str
    chemin: Path
    sha256: str
    taille: int


@dataclass(frozen=True)
class EtapeRemplie:
    reference: str
    scenario: ScenarioManuel
    numero: int
    resultat: str | None  # OK, KO, bloqué, or None when not done
    commentaire: str
    preuve: Preuve | None
    referent: str
    date: date | None
    ligne: int


def _normaliser(texte: str) -> str:
    sans = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return " ".join(sans.split()).casefold()


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


def _date(valeur) -> date | None:
    if isinstance(valeur, datetime):
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    texte = _texte(valeur)
    for format_ in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    raise ValueError(texte)


def _empreinte(chemin: Path) -> str:
    h = hashlib.sha256()
    with chemin.open("rb") as flux:
        for bloc in iter(lambda: flux.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


def lire_classeur(
    fichier: Path,
    scenarios: list[ScenarioManuel],
    dossier_preuves: Path | None,
    aujourd_hui: date,
) -> list[EtapeRemplie]:
    """Every filled step, or CahierInvalide with every error (sheet, row, column)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from recette.archives import verifier_archive

    nom = fichier.name
    try:
        verifier_archive(fichier, nom)
        classeur = load_workbook(fichier, read_only=True, data_only=True)
    except FileNotFoundError:
        raise CahierInvalide([f"{fichier} : fichier introuvable."]) from None
    except RecetteErreur as exc:
        raise CahierInvalide([f"{nom} : {exc.message}"]) from None
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise CahierInvalide(
            [f"{nom} : ce n'est pas un classeur XLSX lisible ({exc.__class__.__name__})."]
        ) from None
    if FEUILLE not in classeur.sheetnames:
        raise CahierInvalide(
            [
                f"{nom} : la feuille « {FEUILLE} » est absente "
                f"(feuilles : {', '.join(classeur.sheetnames)})."
            ]
        )
    feuille = classeur[FEUILLE]
    lignes = list(feuille.iter_rows(min_row=LIGNE_EN_TETE, values_only=True))
    classeur.close()
    attendus = [en_tete for en_tete, _ in COLONNES]
    trouves = [_texte(v) for v in (lignes[0] if lignes else ())][: len(attendus)]
    if trouves != attendus:
        raise CahierInvalide(
            [
                f"{nom}, feuille « {FEUILLE} », ligne {LIGNE_EN_TETE} : les en-têtes ont été "
                "modifiés ; repartez du cahier produit par « recette cahier »."
            ]
        )
    etapes = {reference(s, e.numero): (s, e.numero) for s in scenarios for e in s.etapes}
    erreurs: list[str] = []
    remplies: list[EtapeRemplie] = []
    vues: dict[str, int] = {}
    for decalage, valeurs in enumerate(lignes[1:], start=1):
        numero_ligne = LIGNE_EN_TETE + decalage
        valeurs = tuple(valeurs) + (None,) * (len(COLONNES) - len(valeurs))

        def erreur(colonne: int, texte: str, numero_ligne: int = numero_ligne) -> None:
            erreurs.append(
                f"{nom}, feuille « {FEUILLE} », ligne {numero_ligne}, colonne {lettre(colonne)} "
                f"({COLONNES[colonne][0]}) : {texte}"
            )

        ref = _texte(valeurs[0])
        if not ref and not any(_texte(v) for v in valeurs):
            continue
        if ref not in etapes:
            erreur(0, f"« {ref[:80]} » ne désigne aucune étape des scénarios manuels actuels.")
            continue
        if ref in vues:
            erreur(0, f"l'étape « {ref} » figure déjà ligne {vues[ref]}.")
            continue
        vues[ref] = numero_ligne
        scenario, numero = etapes[ref]
        brut = _texte(valeurs[8])
        resultat = RESULTATS.get(_normaliser(brut)) if brut else None
        if brut and resultat is None:
            erreur(8, f"« {brut[:40]} » n'est pas un résultat : écrivez OK, KO ou bloqué.")
        commentaire = _texte(valeurs[9])
        if resultat in ("KO", "bloqué") and not commentaire:
            erreur(9, f"un résultat « {resultat} » demande un commentaire qui explique l'écart.")
        preuve = None
        nom_preuve = _texte(valeurs[10])
        if nom_preuve:
            preuve = _preuve(nom_preuve, dossier_preuves, lambda t: erreur(10, t))
        referent = _texte(valeurs[11])
        quand = None
        if resultat or commentaire or nom_preuve:
            if not referent:
                erreur(11, "le nom du référent qui a fait l'étape est obligatoire.")
            if valeurs[12] in (None, ""):
                erreur(12, "la date de l'étape est obligatoire (JJ/MM/AAAA).")
            else:
                try:
                    quand = _date(valeurs[12])
                except ValueError:
                    erreur(12, f"« {_texte(valeurs[12])[:20]} » n'est pas une date (JJ/MM/AAAA).")
                else:
                    if quand > aujourd_hui:
                        erreur(12, f"le {quand:%d/%m/%Y} est dans le futur.")
        if resultat is None and (commentaire or nom_preuve):
            erreur(8, "un commentaire ou une preuve sans résultat : écrivez OK, KO ou bloqué.")
        remplies.append(
            EtapeRemplie(
                ref, scenario, numero, resultat, commentaire, preuve, referent, quand, numero_ligne
            )
        )
    if not erreurs and not any(e.resultat for e in remplies):
        erreurs.append(f"{nom} : aucune étape n'a de résultat ; rien à enregistrer.")
    if erreurs:
        raise CahierInvalide(erreurs)
    return remplies


def _preuve(nom: str, dossier: Path | None, erreur) -> Preuve | None:
    if dossier is None:
        erreur(
            f"la preuve « {nom[:80]} » est citée mais aucun dossier de preuves n'est donné "
            "(option --preuves)."
        )
        return None
    if not _NOM_SUR.match(nom) or nom in (".", ".."):
        erreur(f"« {nom[:80]} » : donnez seulement le nom du fichier, sans dossier.")
        return None
    chemin = dossier / nom
    if chemin.is_symlink() or not chemin.is_file():
        erreur(f"le fichier « {nom[:80]} » est introuvable dans {dossier}.")
        return None
    taille = chemin.stat().st_size
    if taille > TAILLE_MAX_PREUVE:
        erreur(
            f"le fichier « {nom[:80]} » pèse {taille // (1024 * 1024)} Mio "
            f"(au plus {TAILLE_MAX_PREUVE // (1024 * 1024)} Mio)."
        )
        return None
    return Preuve(nom, chemin, _empreinte(chemin), taille)
