"""Rich markup in user data: a grid domain `[/b]`, an anomaly titled `Recherche [/] piège`, a
folder with brackets in its name are printed literally by the real `recette` command, never
read as markup (which crashed the command, for everyone, as long as the title was there)."""

from __future__ import annotations

import ast
import csv
import io
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recette.anomalies import Registre
from recette.contrat import charger_contrat
from recette.resultats import Resultat

RACINE = Path(__file__).resolve().parents[3]
QUAND = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
TITRE = "Recherche [/] piège"
OBSERVE = "[red]rouge[/red] [bold]gras"


def recette(
    *arguments: str,
    racine: Path,
    base: Path | None = None,
    rapports: Path | None = None,
):
    """The real command (typer's runner, in this process) on a bench folder of the test's own."""
    from typer.testing import CliRunner

    from recette import cli

    environnement = {"RECETTE_RAPPORTS": str(rapports or racine / "reports")}
    environnement["RECETTE_BASE"] = str(base or racine / "reports" / "recette.sqlite")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "RACINE", racine)
        execution = CliRunner().invoke(cli.app, list(arguments), env=environnement)
    # A crash is an exception the runner caught; a refusal is an exit code.
    assert execution.exception is None or isinstance(execution.exception, SystemExit), (
        execution.exception
    )
    return execution


@pytest.fixture
def banc(tmp_path) -> Path:
    racine = tmp_path / "banc"
    shutil.copytree(RACINE / "fixtures", racine / "fixtures")
    shutil.copytree(RACINE / "features", racine / "features")
    return racine


def grille_modifiee(tmp_path: Path, colonne: str, valeur: str) -> Path:
    lignes = list(
        csv.reader(
            io.StringIO((RACINE / "fixtures/grille/grille.csv").read_text(encoding="utf-8-sig")),
            delimiter=";",
        )
    )
    lignes[1][lignes[0].index(colonne)] = valeur
    chemin = tmp_path / "grille [client].csv"
    with chemin.open("w", encoding="utf-8", newline="") as flux:
        csv.writer(flux, delimiter=";").writerows(lignes)
    return chemin


def test_domaine_de_grille_en_balise_refuse_sans_trace(banc, tmp_path):
    execution = recette(
        "grille", "importer", str(grille_modifiee(tmp_path, "domaine", "[/b]")), racine=banc
    )
    assert execution.exit_code == 2, execution.stderr
    assert "« [/b] » inconnu" in execution.stderr
    assert not (banc / "fixtures/grille/grille-client.csv").exists()


def test_libelle_en_balise_importe_puis_couverture(banc, tmp_path):
    fichier = grille_modifiee(tmp_path, "libellé", "[/b] Liste [red]des patients")
    execution = recette("grille", "importer", str(fichier), racine=banc)
    assert execution.exit_code == 0, execution.stderr
    assert f"→ {fichier}" in execution.stdout

    # A reports folder whose name holds markup: the paths printed must come out as they are.
    rapports = tmp_path / "rapports [/] [bold]"
    execution = recette("grille", "couverture", racine=banc, rapports=rapports)
    assert execution.exit_code == 0, execution.stderr
    assert f"Couverture (classeur) : {rapports}/documents/grille/couverture.xlsx" in (
        execution.stdout
    )


@pytest.fixture
def registre_piege(tmp_path) -> Path:
    base = tmp_path / "recette.sqlite"
    resultat = Resultat(
        uuid="u1",
        nom=TITRE,
        nom_complet="features/recherche.feature:Recherche",
        statut="failed",
        exigences=("EXG-DP-02",),
        domaine="dossier-patient",
        priorite=1,
        tags=(),
        message=OBSERVE,
        etape_en_echec="je cherche « [/] »",
        debut=1,
        fin=2,
        parametres=(),
    )
    with Registre(base, charger_contrat(RACINE / "fixtures")) as registre:
        registre.enregistrer_seance(
            "VA-20260302-100000-essai", "va", "essai", "http://127.0.0.1:1/", [resultat], QUAND
        )
        assert [a.titre for a in registre.lister()] == [TITRE]
    return base


def test_anomalie_titre_en_balise_lister_et_voir(banc, registre_piege):
    execution = recette("anomalies", "lister", racine=banc, base=registre_piege)
    assert execution.exit_code == 0, execution.stderr
    assert TITRE in execution.stdout
    numero = next(m for m in execution.stdout.split() if m.startswith("ANO-"))

    execution = recette("anomalies", "voir", numero, racine=banc, base=registre_piege)
    assert execution.exit_code == 0, execution.stderr
    assert f"{numero} — {TITRE}" in execution.stdout
    assert OBSERVE in execution.stdout
    assert "je cherche « [/] »" in execution.stdout


def test_message_d_erreur_qui_cite_l_utilisateur(banc, tmp_path):
    """An error that quotes the user's input (here a missing file) prints it literally."""
    absent = tmp_path / "[/] [red]absent.csv"
    execution = recette("grille", "importer", str(absent), racine=banc)
    assert execution.exit_code == 2
    assert str(absent) in execution.stderr


# -- every print of the CLI escapes what it did not write itself -----------------------------

# Variables holding markup the CLI builds from its own literals only (a colour, a verdict word)
# or a rich object (a table whose cells were escaped when added).
MARQUAGES_DU_BANC = {"couleur", "marque", "verdict", "tableau"}
APPELS_AFFICHES = {"print", "status", "add_row"}


def _sur(noeud: ast.expr) -> bool:
    """Whether an argument cannot carry markup it did not choose: a literal, a call to
    `echapper` (or `len`), a number or date formatted by a spec, markup of the bench."""
    if isinstance(noeud, ast.Constant):
        return True
    if isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Name):
        if noeud.func.id in ("echapper", "len"):
            return True
        if noeud.func.id == "map" and noeud.args:
            return isinstance(noeud.args[0], ast.Name) and noeud.args[0].id == "echapper"
    if isinstance(noeud, ast.Name):
        return noeud.id in MARQUAGES_DU_BANC
    if isinstance(noeud, ast.JoinedStr):
        return all(_sur(v) for v in noeud.values)
    if isinstance(noeud, ast.FormattedValue):
        return noeud.format_spec is not None or _sur(noeud.value)
    if isinstance(noeud, ast.BinOp):
        return _sur(noeud.left) and _sur(noeud.right)
    if isinstance(noeud, ast.IfExp):
        return _sur(noeud.body) and _sur(noeud.orelse)
    if isinstance(noeud, ast.Starred):
        return _sur(noeud.value)
    return False


def affichages_non_echappes(source: str) -> list[str]:
    trouves = []
    for noeud in ast.walk(ast.parse(source)):
        if not isinstance(noeud, ast.Call):
            continue
        fonction = noeud.func
        arguments: list[ast.expr] = []
        if isinstance(fonction, ast.Attribute) and fonction.attr in APPELS_AFFICHES:
            arguments = list(noeud.args)
        if isinstance(fonction, ast.Attribute) and fonction.attr == "update":
            arguments = [k.value for k in noeud.keywords if k.arg == "dernier"]
        if isinstance(fonction, ast.Name) and fonction.id == "Table":
            arguments = [k.value for k in noeud.keywords if k.arg == "title"]
        trouves += [f"ligne {a.lineno} : {ast.unparse(a)[:80]}" for a in arguments if not _sur(a)]
    return trouves


def test_le_controle_statique_voit_un_affichage_non_echappe():
    """Negative check first: the check below does see an unescaped title."""
    assert affichages_non_echappes('console.print(f"[bold]{a.numero}[/] — {a.titre}")')
    assert affichages_non_echappes("tableau.add_row(a.numero, a.titre)")
    assert not affichages_non_echappes('console.print(f"{echapper(a.titre)} ({len(x)})")')


def test_chaque_affichage_de_la_commande_echappe_les_donnees():
    modules = [
        p
        for p in sorted((RACINE / "recette").rglob("*.py"))
        if "recette.console import" in p.read_text(encoding="utf-8")
    ]
    assert RACINE / "recette" / "cli.py" in modules
    for module in modules:
        assert affichages_non_echappes(module.read_text(encoding="utf-8")) == [], module
