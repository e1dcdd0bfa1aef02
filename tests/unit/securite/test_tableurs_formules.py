"""Spreadsheet formula injection: text from a grid, a scenario or a patient that starts like a
formula is written by the bench's real document builders (couverture.xlsx, the register's XLSX
and CSV, reprise.xlsx) as text that no spreadsheet evaluates, and stays readable."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from recette.anomalies import Registre
from recette.contrat import charger_contrat
from recette.documents.couverture import produire_couverture
from recette.documents.registre import ecrire_registre_csv, ecrire_registre_xlsx
from recette.documents.reprise import ecrire_xlsx
from recette.donnees.tables import lire_texte_csv
from recette.grille import importer_grille
from recette.reprise import comparer_reprise
from recette.resultats import Resultat

RACINE = Path(__file__).resolve().parents[3]
QUAND = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
# What a spreadsheet reads as a formula (OWASP, « CSV injection »); written out here rather than
# imported, so that the test does not trust the list it checks.
DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
LIEN = '=HYPERLINK("http://x","y")'


def _lisible(texte: str) -> str:
    # XML turns a bare CR into LF when a workbook is read back; the text is otherwise intact.
    return texte.replace("\r", "\n")


def textes_du_classeur(chemin: Path) -> list[str]:
    """Every text cell of a workbook, after checking that none holds a formula."""
    with zipfile.ZipFile(chemin) as archive:
        for nom in archive.namelist():
            if nom.startswith("xl/worksheets/"):
                xml = archive.read(nom).decode("utf-8")
                assert not re.search(r"<f[ >]", xml), f"{chemin.name}:{nom} stores a formula"
    textes = []
    for feuille in load_workbook(chemin):
        for rangee in feuille.iter_rows():
            for c in rangee:
                assert c.data_type != "f", (chemin.name, feuille.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(DEBUTS_DANGEREUX), (
                        chemin.name,
                        feuille.title,
                        c.coordinate,
                        c.value,
                    )
                    textes.append(c.value)
    return textes


def assert_neutralises(textes: list[str], pieges: list[str]) -> None:
    for piege in pieges:
        assert any(_lisible(t).startswith("'" + _lisible(piege)) for t in textes), (
            piege,
            [t for t in textes if piege.strip()[:3] in t],
        )


def test_la_neutralisation_voit_une_formule():
    """Negative check first: an unprotected openpyxl cell does store a formula, so the checks
    below can see one."""
    from openpyxl import Workbook

    classeur = Workbook()
    classeur.active["A1"] = LIEN
    assert classeur.active["A1"].data_type == "f"


def test_couverture_xlsx_grille_et_scenario_pieges(tmp_path, monkeypatch):
    racine = tmp_path / "banc"
    shutil.copytree(RACINE / "fixtures", racine / "fixtures")
    shutil.copytree(RACINE / "features", racine / "features")
    # A scenario titled like a formula, alone on a requirement, so its cell starts with it.
    (racine / "features" / "piege.feature").write_text(
        "# language: fr\n"
        "Fonctionnalité: Piège\n\n"
        "  @EXG-FAC-01 @priorite:2\n"
        "  Scénario: +cmd|' /C calc'!A0\n"
        '    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de '
        "passe\n",
        encoding="utf-8",
    )
    lignes = list(
        csv.reader(
            io.StringIO((RACINE / "fixtures/grille/grille.csv").read_text(encoding="utf-8-sig")),
            delimiter=";",
        )
    )
    en_tetes = lignes[0]
    libelle, description, source = (
        en_tetes.index("libellé"),
        en_tetes.index("description"),
        en_tetes.index("source"),
    )
    # (Leading tabs and line breaks never reach a grid: its import trims every value.)
    pieges = [LIEN, "-2+3", "@SUM(1)"]
    for ligne, texte in zip(lignes[1:], pieges, strict=False):
        ligne[libelle] = texte
    lignes[1][description] = "@SUM(1)"
    lignes[2][source] = "=1+1"
    grille = tmp_path / "grille-client.csv"
    with grille.open("w", encoding="utf-8", newline="") as flux:
        csv.writer(flux, delimiter=";").writerows(lignes)
    importer_grille(grille, racine)

    monkeypatch.setenv("RECETTE_RAPPORTS", str(tmp_path / "reports"))
    _, xlsx = produire_couverture(racine)

    textes = textes_du_classeur(xlsx)
    assert_neutralises(textes, [*pieges, "=1+1", "+cmd|' /C calc'!A0"])
    # The bench's own figures stay numbers.
    synthese = load_workbook(xlsx)["Synthèse"]
    assert isinstance(synthese["B2"].value, int)


def _registre_piege(tmp_path) -> list:
    titres = ["+cmd", LIEN, "@SUM(1)", "-2+3", "\tx", "\rx"]
    resultats = [
        Resultat(
            uuid=f"u{i}",
            nom=titre,
            nom_complet=f"features/piege.feature:{i}",
            statut="failed",
            exigences=("EXG-DP-01",),
            domaine="dossier-patient",
            priorite=1,
            tags=(),
            message="=observé",
            etape_en_echec="-étape",
            debut=1,
            fin=2,
            parametres=(),
        )
        for i, titre in enumerate(titres)
    ]
    with Registre(tmp_path / "recette.sqlite", charger_contrat(RACINE / "fixtures")) as registre:
        registre.enregistrer_seance(
            "VA-20260302-100000-essai", "va", "essai", "http://127.0.0.1:1/", resultats, QUAND
        )
        return titres, registre.lister()


def test_registre_xlsx_et_csv_pieges(tmp_path):
    titres, anomalies = _registre_piege(tmp_path)
    assert len(anomalies) == len(titres)

    xlsx = ecrire_registre_xlsx(anomalies, QUAND, tmp_path / "registre.xlsx")
    textes = textes_du_classeur(xlsx)
    assert_neutralises(textes, titres)
    feuille = load_workbook(xlsx).active
    # Dates and counts the bench writes stay dates and numbers.
    en_tetes = [c.value for c in feuille[1]]
    assert isinstance(feuille.cell(2, en_tetes.index("Créée le") + 1).value, datetime)
    assert isinstance(feuille.cell(2, en_tetes.index("Échecs constatés") + 1).value, int)

    chemin = ecrire_registre_csv(anomalies, QUAND, tmp_path / "registre.csv")
    with chemin.open(encoding="utf-8-sig", newline="") as flux:
        lignes = list(csv.reader(flux, delimiter=";"))
    cellules = [v for ligne in lignes for v in ligne]
    assert not [v for v in cellules if v.startswith(DEBUTS_DANGEREUX)]
    for titre in titres:
        assert "'" + titre in cellules
    assert "'=observé" in cellules and "'-étape" in cellules
    assert lignes[1][lignes[0].index("Échecs constatés")] == "1"


def test_reprise_xlsx_patients_pieges(tmp_path):
    colonnes = ["id_patient", "nom_naissance", "prenoms", "sexe", "date_naissance", "adresse"]

    def table(*lignes):
        tampon = io.StringIO()
        csv.writer(tampon, lineterminator="\n").writerows([colonnes, *lignes])
        return lire_texte_csv(tampon.getvalue(), "patients.csv")

    source = table(["P1", "@SUM(1)", "Claire", "F", "1968-04-12", "=1+1"])
    solution = table(["P1", "-2+3", "Claire", "F", "1968-04-12", "+33 rue"])
    rapport = comparer_reprise(source, None, solution, None)
    assert rapport.ecarts, "the test needs a difference to be written"

    xlsx = ecrire_xlsx(rapport.document(), tmp_path / "reprise.xlsx")
    textes = textes_du_classeur(xlsx)
    assert_neutralises(textes, ["@SUM(1)", "-2+3", "=1+1", "+33 rue"])


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice n'est pas installé")
def test_libreoffice_n_evalue_rien(tmp_path):  # pragma: no cover - optional tool
    import subprocess

    _, anomalies = _registre_piege(tmp_path)
    xlsx = ecrire_registre_xlsx(anomalies, QUAND, tmp_path / "registre.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        timeout=120,
    )
    texte = (tmp_path / "registre.csv").read_text(encoding="utf-8", errors="replace")
    assert "'+cmd" in texte and '=HYPERLINK("http://x","y")' in texte
