"""Coverage of the grid by the scenarios and the séances, its documents (HTML, XLSX) and the
skeleton scenarios written for the requirements nobody cites yet."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recette.documents.couverture import (
    ecrire_couverture_html,
    ecrire_couverture_xlsx,
    produire_couverture,
    rendre_couverture_html,
)
from recette.grille import charger_grille, charger_referentiel
from recette.grille.couverture import (
    ECHOUE,
    INCOMPLET,
    NON_COUVERT,
    NON_ECRIT,
    NON_EXECUTE,
    REUSSI,
    STATUTS,
    calculer_couverture,
)
from recette.grille.features import lire_feature, lire_features, verifier_tags
from recette.grille.squelettes import ecrire_squelettes
from recette.resultats import Resultat

RACINE = Path(__file__).resolve().parents[2]
REUSSIE = "EXG-DP-04"  # cited by the synthesis scenarios
ECHOUEE = "EXG-SEC-01"  # cited by the CPS login scenario
NON_EXECUTEE = "EXG-CONS-01"
# Neither automated nor manual scenario: billing and telemedicine are options the demo's MSP did
# not buy (its profile excludes them), so the cahier has no scenario for them.
SANS_SCENARIO = ("EXG-ECH-06", "EXG-FAC-01")


@pytest.fixture(scope="module")
def grille():
    return charger_grille(RACINE)


@pytest.fixture(scope="module")
def scenarios():
    return lire_features(RACINE / "features")


def resultat(
    exigence: str, statut: str, nom: str = "", debut: int = 1, tags: tuple[str, ...] = ()
) -> Resultat:
    nom = nom or f"scénario de {exigence}"
    return Resultat(
        uuid=f"{nom}-{debut}",
        nom=nom,
        nom_complet=f"features/essai.feature:{nom}",
        statut=statut,
        exigences=(exigence,),
        domaine=None,
        priorite=1,
        tags=tags,
        message="",
        etape_en_echec=None,
        debut=debut,
        fin=debut + 1,
        parametres=(),
    )


def memes_seances() -> list[tuple[str, list[Resultat]]]:
    ancienne = [resultat(REUSSIE, "failed"), resultat(ECHOUEE, "passed")]
    recente = [
        resultat(REUSSIE, "passed", "synthèse du médecin"),
        resultat(REUSSIE, "passed", "synthèse de l'infirmier"),
        resultat(ECHOUEE, "failed"),
        # A rerun counts by its latest run only.
        resultat("EXG-SEC-02", "failed", "mot de passe", debut=1),
        resultat("EXG-SEC-02", "passed", "mot de passe", debut=5),
        resultat("EXG-SEC-05", "passed", "pin erroné"),
        resultat("EXG-SEC-05", "skipped", "mot de passe erroné"),
    ]
    return [("VA-1-ancienne", ancienne), ("VA-2-recente", recente)]


def calculer(grille, scenarios, anomalies):
    return calculer_couverture(
        grille,
        scenarios,
        memes_seances(),
        anomalies,
        priorites=charger_referentiel(RACINE).priorites,
        racine=RACINE,
    )


@pytest.fixture(scope="module")
def couverture(grille, scenarios):
    return calculer(grille, scenarios, {REUSSIE: ["ANO-0002", "ANO-0001", "ANO-0002"]})


def test_statuts_par_seance(couverture):
    assert couverture.seances == ("VA-1-ancienne", "VA-2-recente")
    assert couverture.ligne(REUSSIE).statuts == (ECHOUE, REUSSI)
    assert couverture.ligne(ECHOUEE).statuts == (REUSSI, ECHOUE)
    assert couverture.ligne("EXG-SEC-02").statut == REUSSI
    assert couverture.ligne("EXG-SEC-05").statut == INCOMPLET
    assert couverture.ligne(NON_EXECUTEE).statut == NON_EXECUTE
    for identifiant in SANS_SCENARIO:
        ligne = couverture.ligne(identifiant)
        assert ligne.scenarios == ()
        assert ligne.statuts == (NON_COUVERT, NON_COUVERT)
        assert not ligne.couverte


def test_scenarios_et_anomalies_d_une_exigence(couverture):
    ligne = couverture.ligne(REUSSIE)
    assert ligne.couverte
    assert [s.emplacement for s in ligne.scenarios] == sorted(
        (s.emplacement for s in ligne.scenarios),
        key=lambda e: (e.split(":")[0], int(e.split(":")[1])),
    )
    assert all(s.emplacement.startswith("features/dossier-patient/") for s in ligne.scenarios)
    assert "Le médecin traitant consulte la synthèse" in {s.nom for s in ligne.scenarios}
    assert ligne.anomalies == ("ANO-0001", "ANO-0002")
    assert couverture.ligne(ECHOUEE).anomalies == ()


def test_statut_non_ecrit():
    from recette.grille.couverture import ScenarioCouvrant, statut_en_seance

    squelette = (ScenarioCouvrant("features/x/a-ecrire-exg-x-01.feature:13", "X", True),)
    assert statut_en_seance([], squelette) == NON_ECRIT
    non_ecrit = resultat("EXG-X-01", "skipped", tags=("a-ecrire",))
    assert statut_en_seance([non_ecrit], squelette) == NON_ECRIT


def test_non_couvertes_p1_en_tete(grille, scenarios):
    # Every priority-1 requirement of the default grid has a method that verifies it: make two
    # of them automated-only without any scenario, as a customer's grid may.
    exigences = dict(grille.exigences)
    for identifiant in ("EXG-SEC-09", "EXG-DISPO-01"):
        exigences[identifiant] = dataclasses.replace(
            exigences[identifiant], methodes=("automatise",)
        )
    exigences["EXG-FAC-01"] = dataclasses.replace(exigences["EXG-FAC-01"], methodes=("automatise",))
    couverture = calculer_couverture(
        dataclasses.replace(grille, exigences=exigences), scenarios, memes_seances()
    )
    p1 = couverture.non_couvertes_p1
    assert p1 and all(lig.exigence.priorite == 1 and not lig.couverte for lig in p1)
    assert couverture.lignes[: len(p1)] == p1
    assert {lig.exigence.id for lig in p1} == {"EXG-SEC-09", "EXG-DISPO-01"}
    assert "EXG-FAC-01" not in {lig.exigence.id for lig in p1}  # priority 2
    # Grid order is kept inside each group.
    reste = couverture.lignes[len(p1) :]
    ordre = [lig.exigence.ligne for lig in reste]
    assert ordre == sorted(ordre)


def test_pourcentages(couverture, grille):
    total = couverture.total
    assert total.total == len(grille)
    assert sum(s.total for s in couverture.par_domaine) == total.total
    assert sum(s.total for s in couverture.par_priorite) == total.total
    assert sum(s.couvertes for s in couverture.par_domaine) == total.couvertes
    assert sum(s.couvertes for s in couverture.par_priorite) == total.couvertes
    for synthese in (*couverture.par_domaine, *couverture.par_priorite, total):
        assert sum(synthese.par_statut.values()) == synthese.total
        assert synthese.pourcentage_couvert + synthese.pourcentage_non_couvert == pytest.approx(100)
        somme = sum(synthese.pourcentage(synthese.par_statut[s]) for s in STATUTS)
        assert somme == pytest.approx(100)
    assert total.reussies == sum(lig.statut == REUSSI for lig in couverture.lignes)
    assert total.pourcentage_reussi == pytest.approx(100 * total.reussies / len(grille))
    assert [s.cle for s in couverture.par_priorite] == ["1", "2", "3"]
    assert couverture.par_priorite[0].libelle == "1 – obligatoire"


def test_sans_seance(grille, scenarios):
    couverture = calculer_couverture(grille, scenarios, [])
    assert couverture.derniere_seance is None
    assert couverture.total.pourcentage_reussi is None
    assert couverture.ligne(REUSSIE).statut == NON_EXECUTE
    assert couverture.ligne("EXG-FAC-01").statut == NON_COUVERT
    html = rendre_couverture_html(couverture)
    assert "Aucune séance enregistrée" in html


def test_html_autonome_et_deterministe(couverture, grille, scenarios, tmp_path):
    premier = ecrire_couverture_html(couverture, tmp_path / "a" / "couverture.html")
    # Same facts computed again, from features read again: the same bytes.
    encore = calculer(
        grille, lire_features(RACINE / "features"), {REUSSIE: ["ANO-0001", "ANO-0002"]}
    )
    second = ecrire_couverture_html(encore, tmp_path / "b" / "couverture.html")
    assert premier.read_bytes() == second.read_bytes()
    html = premier.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "http" not in html.lower()
    assert '<html lang="fr">' in html
    assert "Exigences obligatoires (priorité 1) non couvertes" in html
    assert 'class="statut s-echoue">échoué</span>' in html
    assert 'class="statut s-non-couvert">non couvert</span>' in html
    assert "EXG-ECH-03" in html and "ANO-0001, ANO-0002" in html
    # The uncovered P1 list comes before the full table.
    assert html.index("non couvertes</h2>") < html.index("Détail des exigences")
    assert not list(tmp_path.glob("a/.*.tmp"))


def test_xlsx(couverture, tmp_path):
    chemin = ecrire_couverture_xlsx(couverture, tmp_path / "couverture.xlsx")
    classeur = load_workbook(chemin)
    assert classeur.sheetnames == ["Synthèse", "Exigences", "Non couvertes P1"]
    exigences = classeur["Exigences"]
    assert exigences.freeze_panes == "B2"
    en_tetes = [c.value for c in exigences[1]]
    assert en_tetes[:3] == ["Exigence", "Domaine", "Priorité"]
    assert "VA-2-recente" in en_tetes
    assert exigences["A1"].font.bold
    assert exigences.max_row == 1 + len(couverture.lignes)
    ids = [exigences.cell(row=n, column=1).value for n in range(2, exigences.max_row + 1)]
    assert ids == [lig.exigence.id for lig in couverture.lignes]
    non_couvertes = classeur["Non couvertes P1"]
    # Every P1 requirement of the default grid has a method: the sheet says so in one row.
    assert couverture.non_couvertes_p1 == ()
    assert non_couvertes.max_row == 2
    assert non_couvertes["A2"].value.startswith("Toutes les exigences de priorité 1")
    synthese = classeur["Synthèse"]
    assert synthese["A1"].value == "Domaine"
    assert synthese.cell(row=2, column=1).value == couverture.par_domaine[0].libelle


def test_squelettes(grille, tmp_path):
    dossier = tmp_path / "features"
    shutil.copytree(RACINE / "features", dossier)
    avant = lire_features(dossier)
    citees = {i for sc in avant for i in sc.exigences}
    ecrits = ecrire_squelettes(grille, avant, dossier)
    attendus = [e.id for e in grille if e.id not in citees]
    assert len(ecrits) == len(attendus)
    assert dossier / "facturation" / "a-ecrire-exg-fac-01.feature" in ecrits
    assert dossier / "echanges" / "a-ecrire-exg-ech-07.feature" in ecrits
    # A requirement with a manual scenario gets no automated skeleton.
    assert dossier / "echanges" / "a-ecrire-exg-ech-03.feature" not in ecrits

    for chemin in ecrits:
        lus, _ = lire_feature(chemin)
        assert len(lus) == 1
        (scenario,) = lus
        exigence = grille[scenario.exigences[0]]
        assert scenario.a_ecrire
        assert scenario.domaine == exigence.domaine
        assert scenario.priorite == exigence.priorite
        assert scenario.nom == exigence.libelle
        assert chemin.read_text(encoding="utf-8").startswith("# language: fr\n")
    referentiel = charger_referentiel(RACINE)
    verifier_tags(
        dossier, set(grille.exigences), set(grille.domaines), set(referentiel.professions)
    )

    # Every requirement is now cited: the coverage says "non écrit" instead of "non couvert".
    apres = lire_features(dossier)
    couverture = calculer_couverture(grille, apres, [])
    assert couverture.ligne("EXG-FAC-01").statut == NON_ECRIT
    assert couverture.total.par_statut[NON_COUVERT] == 0

    # A second call writes nothing, whether it reads the features again or not, and leaves the
    # first files (even one a référent has begun to fill in) untouched.
    commence = dossier / "facturation" / "a-ecrire-exg-fac-01.feature"
    commence.write_text(commence.read_text(encoding="utf-8") + "# en cours\n", encoding="utf-8")
    contenus = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in ecrits}
    assert ecrire_squelettes(grille, apres, dossier) == []
    assert ecrire_squelettes(grille, avant, dossier) == []
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in ecrits} == contenus
    assert not list(dossier.rglob(".*.tmp"))


def test_produire_sans_seance(tmp_path, monkeypatch):
    monkeypatch.setenv("RECETTE_RAPPORTS", str(tmp_path / "reports"))
    html, xlsx = produire_couverture(RACINE)
    assert html == tmp_path / "reports" / "documents" / "grille" / "couverture.html"
    assert xlsx.is_file() and "Aucune séance enregistrée" in html.read_text(encoding="utf-8")
