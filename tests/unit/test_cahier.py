"""The cahier de recette: manual scenarios read from the features, the workbook a référent fills,
its checks, and a filled cahier recorded as a sealed manual séance with its anomaly."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recette import preuves
from recette.anomalies import Registre
from recette.cahier import lire_scenarios_manuels, produire_cahier
from recette.cahier.classeur import FEUILLE, LIGNE_EN_TETE, CahierInvalide, lire_classeur
from recette.cahier.execution import enregistrer_execution
from recette.contrat import charger_contrat
from recette.grille.features import FeatureInvalide
from recette.seance import PARIS

RACINE = Path(__file__).resolve().parents[2]
QUAND = datetime(2026, 12, 3, 17, 0, tzinfo=PARIS)
# The 1x1 PNG a référent would attach (a real screenshot in real life).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_un_scenario_manuel_donne_ses_etapes_et_leurs_resultats_attendus():
    scenarios = {s.cle: s for s in lire_scenarios_manuels(RACINE / "features")}
    lecteur = scenarios["securite/lecteur-cps.feature:8"]
    assert lecteur.exigences == ("EXG-SEC-01",) and lecteur.priorite == 1
    assert lecteur.prealables == (
        "un poste de consultation équipé d'un lecteur de carte CPS agréé",
        "ma carte CPS personnelle",
    )
    assert [(e.numero, e.action) for e in lecteur.etapes] == [
        (1, "j'insère ma carte CPS dans le lecteur et que je saisis mon code PIN"),
        (2, "je retire ma carte CPS du lecteur"),
    ]
    assert lecteur.etapes[0].attendu == (
        "la solution m'identifie sans me demander d'identifiant ni de mot de passe ; "
        "mon nom et ma profession s'affichent dans le bandeau"
    )


def test_un_scenario_manuel_mal_forme_est_refuse_avec_son_fichier(tmp_path):
    (tmp_path / "x.feature").write_text(
        "# language: fr\nFonctionnalité: X\n  @manuel @EXG-SEC-01\n  Scénario: Sans attendu\n"
        "    Quand je fais quelque chose\n",
        encoding="utf-8",
    )
    with pytest.raises(FeatureInvalide, match=r"x\.feature, scénario « Sans attendu ».*Alors"):
        lire_scenarios_manuels(tmp_path)


@pytest.fixture(scope="module")
def cahier_produit(tmp_path_factory):
    # Rendering the PDF is most of the cost: produced once, and each test gets its own copy.
    return produire_cahier(RACINE, tmp_path_factory.mktemp("cahier"), "MSP Démo", "va", QUAND)


@pytest.fixture
def cahier(cahier_produit, tmp_path):
    dossier = Path(shutil.copytree(cahier_produit.classeur.parent, tmp_path / "cahier"))
    return dataclasses.replace(
        cahier_produit,
        **{
            champ: dossier
            / getattr(cahier_produit, champ).relative_to(cahier_produit.classeur.parent)
            for champ in ("classeur", "html", "pdf")
        },
    )


def remplir(classeur: Path, lignes: dict[str, tuple]) -> Path:
    """As a référent does in a spreadsheet: result, comment, evidence, name, date per row."""
    wb = load_workbook(classeur)
    feuille = wb[FEUILLE]
    for ligne in range(LIGNE_EN_TETE + 1, feuille.max_row + 1):
        ref = feuille.cell(row=ligne, column=1).value
        if ref in lignes:
            for colonne, valeur in zip(range(9, 14), lignes[ref], strict=True):
                feuille.cell(row=ligne, column=colonne, value=valeur)
    rempli = classeur.with_name("rempli.xlsx")
    wb.save(rempli)
    return rempli


def test_le_cahier_a_une_ligne_par_etape_avec_exigence_priorite_et_attendu(cahier):
    assert cahier.pdf.read_bytes().startswith(b"%PDF")
    feuille = load_workbook(cahier.classeur)[FEUILLE]
    lignes = list(feuille.iter_rows(min_row=LIGNE_EN_TETE + 1, values_only=True))
    assert len(lignes) == sum(len(s.etapes) for s in cahier.scenarios)
    premiere = next(ligne for ligne in lignes if ligne[0] == "securite/lecteur-cps.feature:8#1")
    assert premiere[1:4] == (
        "EXG-SEC-01",
        1,
        cahier_titre(cahier, "securite/lecteur-cps.feature:8"),
    )
    assert premiere[7].startswith("la solution m'identifie")
    assert all(ligne[8] is None for ligne in lignes)  # the bench never fills a result


def cahier_titre(cahier, cle):
    return next(s.titre for s in cahier.scenarios if s.cle == cle)


def test_le_cahier_d_une_profession_ne_garde_que_ses_scenarios(tmp_path):
    medecin = produire_cahier(RACINE, tmp_path, "MSP", "va", QUAND, "médecin généraliste")
    assert {s.cle for s in medecin.scenarios} >= {"securite/lecteur-cps.feature:8"}
    secretaire = produire_cahier(RACINE, tmp_path, "MSP", "va", QUAND, "secrétaire médicale")
    assert "securite/lecteur-cps.feature:8" not in {s.cle for s in secretaire.scenarios}
    assert medecin.classeur.name == "cahier-va-medecin-generaliste.xlsx"


def test_un_cahier_faux_est_refuse_entier_en_nommant_feuille_ligne_et_colonne(cahier, tmp_path):
    rempli = remplir(
        cahier.classeur,
        {
            "securite/lecteur-cps.feature:8#1": ("OK", None, None, "Dr Durand", "03/12/2026"),
            "securite/lecteur-cps.feature:8#2": (
                "peut-être",
                None,
                None,
                "Dr Durand",
                "03/12/2026",
            ),
            "echanges/dmp.feature:8#1": ("KO", None, "absente.png", "Dr Durand", "32/12/2026"),
        },
    )
    scenarios = list(cahier.scenarios)
    with pytest.raises(CahierInvalide) as erreur:
        lire_classeur(rempli, scenarios, tmp_path, date(2026, 12, 3))
    messages = erreur.value.erreurs
    ligne_dmp = next(
        LIGNE_EN_TETE + 1 + i
        for i, r in enumerate(load_workbook(rempli)[FEUILLE].iter_rows(min_row=LIGNE_EN_TETE + 1))
        if r[0].value == "echanges/dmp.feature:8#1"
    )
    assert any("colonne I (Résultat (OK / KO / bloqué)) : « peut-être »" in m for m in messages)
    assert any(f"ligne {ligne_dmp}, colonne J (Commentaire)" in m for m in messages)
    assert any(f"ligne {ligne_dmp}, colonne K" in m and "absente.png" in m for m in messages)
    assert any(f"ligne {ligne_dmp}, colonne M" in m and "32/12/2026" in m for m in messages)
    assert all(m.startswith("rempli.xlsx, feuille « Cahier de recette », ligne ") for m in messages)


def test_une_preuve_hors_du_dossier_est_refusee(cahier, tmp_path):
    rempli = remplir(
        cahier.classeur,
        {"securite/lecteur-cps.feature:8#1": ("KO", "x", "../etc/passwd", "Dr D", "01/12/2026")},
    )
    with pytest.raises(CahierInvalide, match="donnez seulement le nom du fichier"):
        lire_classeur(rempli, list(cahier.scenarios), tmp_path, date(2026, 12, 3))


def test_un_cahier_rempli_devient_une_seance_scellee_et_une_anomalie(cahier, tmp_path, monkeypatch):
    rapports = tmp_path / "rapports"
    monkeypatch.setenv("RECETTE_RAPPORTS", str(rapports))
    dossier_preuves = tmp_path / "captures"
    dossier_preuves.mkdir()
    (dossier_preuves / "lecteur.png").write_bytes(PNG)
    rempli = remplir(
        cahier.classeur,
        {
            "securite/lecteur-cps.feature:8#1": ("OK", None, None, "Dr Paul Durand", "03/12/2026"),
            "securite/lecteur-cps.feature:8#2": (
                "KO",
                "La session reste ouverte après le retrait de la carte.",
                "lecteur.png",
                "Dr Paul Durand",
                "03/12/2026",
            ),
            "dossier-patient/impression.feature:7#1": ("OK", None, None, "S. Leroy", "02/12/2026"),
            "dossier-patient/impression.feature:7#2": ("OK", None, None, "S. Leroy", "02/12/2026"),
        },
    )
    etapes = lire_classeur(rempli, list(cahier.scenarios), dossier_preuves, date(2026, 12, 3))
    with Registre(tmp_path / "registre.sqlite", charger_contrat(RACINE / "fixtures")) as registre:
        bilan = enregistrer_execution(
            RACINE, etapes, "va", "demo-a", "", QUAND, "Marie (AMOA)", registre, rempli
        )
        assert bilan.scenarios == {
            "securite/lecteur-cps.feature:8": "échoué",
            "dossier-patient/impression.feature:7": "réussi",
        }
        assert len(bilan.anomalies_nouvelles) == 1
        fiche = registre.voir(bilan.anomalies_nouvelles[0])
    dossier = bilan.seance.dossier
    assert dossier.parent == rapports and preuves.verifier_manifeste(dossier).intact
    assert fiche.anomalie.exigences == ("EXG-SEC-01",)
    assert "La session reste ouverte après le retrait de la carte." in fiche.anomalie.observe
    assert "je retire ma carte CPS du lecteur" in (fiche.anomalie.etape_en_echec or "")
    # The screenshot is in the sealed séance, hashed by its manifest, and is the anomaly's evidence.
    piece = next(p for p in fiche.occurrences[0].preuves if p.endswith(".png"))
    assert (dossier / piece).read_bytes() == PNG
    empreintes = {
        ligne.split("  ", 1)[1]: ligne.split("  ", 1)[0]
        for ligne in (dossier / preuves.MANIFESTE).read_text(encoding="utf-8").splitlines()
    }
    assert empreintes[piece] == hashlib.sha256(PNG).hexdigest()
    assert (dossier / "cahier-rempli.xlsx").exists()
    # The scenarios nobody filled (the DMP ones) are not results: they stay not executed.
    assert bilan.seance.compteurs["total"] == 2


def test_un_cahier_vide_n_enregistre_rien(cahier, tmp_path):
    copie = tmp_path / "vide.xlsx"
    shutil.copyfile(cahier.classeur, copie)
    with pytest.raises(CahierInvalide, match="aucune étape n'a de résultat"):
        lire_classeur(copie, list(cahier.scenarios), tmp_path, date(2026, 12, 3))


def test_la_commande_refuse_un_cahier_faux_sans_rien_enregistrer(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "RECETTE_RAPPORTS": str(tmp_path), "RECETTE_BASE": str(tmp_path / "r.db")}

    def recette(*args):
        return subprocess.run(
            [sys.executable, "-m", "recette.cli", *args],
            cwd=RACINE,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    produit = recette("cahier", "--profil", "demo-a")
    assert produit.returncode == 0, produit.stderr
    classeur = tmp_path / "documents" / "cahiers" / "demo-a" / "cahier-va.xlsx"
    rempli = remplir(
        classeur,
        {"securite/lecteur-cps.feature:8#1": ("oui", None, None, "Dr Paul Durand", "03/12/2026")},
    )
    refus = recette("cahier", "importer", str(rempli), "--profil", "demo-a", "--auteur", "AMOA")
    assert refus.returncode == 2
    feuille = load_workbook(classeur)[FEUILLE]
    rang = next(
        n
        for n in range(LIGNE_EN_TETE + 1, feuille.max_row + 1)
        if feuille.cell(row=n, column=1).value == "securite/lecteur-cps.feature:8#1"
    )
    assert f"feuille « Cahier de recette », ligne {rang}, colonne I" in refus.stderr
    assert "Rien n'a été enregistré" in refus.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("VA-")]
    correct = remplir(
        classeur,
        {"securite/lecteur-cps.feature:8#1": ("OK", None, None, "Dr Paul Durand", "03/12/2026")},
    )
    accepte = recette("cahier", "importer", str(correct), "--profil", "demo-a", "--auteur", "AMOA")
    assert accepte.returncode == 0, accepte.stderr
    assert "securite/lecteur-cps.feature:8 : incomplet" in accepte.stdout
    seances = [p for p in tmp_path.iterdir() if p.name.startswith("VA-")]
    assert len(seances) == 1 and (seances[0] / "manifeste.sha256").exists()
