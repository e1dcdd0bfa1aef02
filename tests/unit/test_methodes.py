"""Verification methods per requirement: the grid's « méthodes » column (import, defaults from the
domain, errors), the coverage by method, the vendor profile's contractual exclusions, and the
demo's promise that no requirement is silently out of scope."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from recette.documents.couverture import rendre_couverture_html
from recette.erreurs import GrilleInvalide, ProfilInvalide
from recette.grille import charger_grille, charger_referentiel, ecrire_grille, lire_grille
from recette.grille.couverture import (
    A_VERIFIER,
    HORS_PERIMETRE_CONTRACTUEL,
    NON_COUVERT,
    NON_EXECUTE,
    REUSSI,
    calculer_couverture,
)
from recette.grille.features import lire_features
from recette.grille.perimetre import lire_exclusions
from recette.resultats import Resultat

RACINE = Path(__file__).resolve().parents[2]
REFERENTIEL = charger_referentiel(RACINE)
EN_TETE = "Réf.;Domaine;Libellé;Priorité;Phase;{}\n"


def grille_csv(tmp_path: Path, lignes: list[str], colonne: str | None = "Moyen de vérification"):
    en_tete = EN_TETE.format(colonne) if colonne else EN_TETE.replace(";{}", "")
    fichier = tmp_path / "grille-client.csv"
    fichier.write_text(en_tete + "".join(ligne + "\n" for ligne in lignes), encoding="utf-8")
    return fichier


# -- the column ------------------------------------------------------------------------------


def test_la_colonne_accepte_plusieurs_methodes_et_un_motif(tmp_path):
    fichier = grille_csv(
        tmp_path,
        [
            "EXG-AA-01;Sécurité;Carte CPS;1;VA;Automatisé, scénario manuel",
            'EXG-AA-02;Performances;Temps;1;VA+VSR;"temps de réponse ; VSR"',
            "EXG-AA-03;Facturation;Factures;2;VA;Hors périmètre: option non retenue, par la MSP",
        ],
    )
    grille = lire_grille(fichier, RACINE)
    assert grille["EXG-AA-01"].methodes == ("automatise", "manuel")
    assert grille["EXG-AA-02"].methodes == ("charge", "disponibilite")
    assert not grille["EXG-AA-01"].methodes_par_defaut
    exclue = grille["EXG-AA-03"]
    assert exclue.methodes == ("hors-perimetre",)
    assert exclue.motif_hors_perimetre == "option non retenue, par la MSP"
    # The normalised grid writes the column and reads back identically.
    destination = tmp_path / "normalisee.csv"
    ecrire_grille(grille, destination, RACINE)
    texte = destination.read_text(encoding="utf-8-sig")
    assert texte.splitlines()[0].endswith(";méthodes")
    assert "automatise|manuel" in texte
    assert "hors-perimetre: option non retenue, par la MSP" in texte
    relue = lire_grille(destination, RACINE)
    assert [(e.methodes, e.motif_hors_perimetre) for e in relue] == [
        (e.methodes, e.motif_hors_perimetre) for e in grille
    ]


def test_sans_colonne_les_methodes_viennent_du_domaine(tmp_path):
    fichier = grille_csv(
        tmp_path,
        ["EXG-AA-01;Performances;Temps;1;VA", "EXG-AA-02;Formation;Env;1;VA"],
        colonne=None,
    )
    grille = lire_grille(fichier, RACINE)
    assert grille["EXG-AA-01"].methodes == REFERENTIEL.methodes_par_domaine["performance"]
    assert grille["EXG-AA-01"].methodes == ("charge", "disponibilite")
    assert grille["EXG-AA-02"].methodes == ("environnement", "revue", "manuel")
    assert all(e.methodes_par_defaut for e in grille)
    # An empty cell defaults too, and the normalised grid keeps it empty (still a default).
    vide = lire_grille(grille_csv(tmp_path, ["EXG-AA-01;Reprise;Rep;1;VA;"]), RACINE)
    assert vide["EXG-AA-01"].methodes == ("reprise", "revue")
    assert vide["EXG-AA-01"].methodes_par_defaut
    destination = tmp_path / "normalisee.csv"
    ecrire_grille(vide, destination, RACINE)
    assert lire_grille(destination, RACINE)["EXG-AA-01"].methodes_par_defaut


def test_les_erreurs_de_methode_nomment_fichier_ligne_et_colonne(tmp_path):
    fichier = grille_csv(
        tmp_path,
        [
            "EXG-AA-01;Sécurité;Carte;1;VA;automatise|télépathie",
            "EXG-AA-02;Facturation;Factures;2;VA;hors-perimetre",
            "EXG-AA-03;Sécurité;Carte;1;VA;manuel: parce que",
            "EXG-AA-04;Sécurité;Carte;1;VA;revue|hors-perimetre: non retenue",
        ],
    )
    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)
    message = erreur.value.message
    colonne = "colonne « Moyen de vérification »"
    assert f"grille-client.csv, ligne 2, {colonne} : méthode « télépathie » inconnue" in message
    assert f"ligne 3, {colonne} : « hors-perimetre » demande son motif" in message
    assert f"ligne 4, {colonne} : seule la méthode « hors-perimetre » prend un motif" in message
    assert f"ligne 5, {colonne} : « hors-perimetre » exclut toute autre méthode" in message
    # Nothing was written.
    assert not (tmp_path / "normalisee.csv").exists()


def test_la_grille_par_defaut_donne_une_methode_a_chaque_exigence():
    grille = charger_grille(RACINE)
    assert len(grille) == 99
    for exigence in grille:
        assert exigence.methodes, exigence.id
        assert not exigence.methodes_par_defaut, exigence.id  # chosen per requirement
        assert set(exigence.methodes) <= set(REFERENTIEL.methodes)


# -- coverage by method ----------------------------------------------------------------------


def resultat_manuel(exigence: str, statut: str) -> Resultat:
    return Resultat(
        uuid=f"manuel-{exigence}",
        nom="scénario manuel",
        nom_complet="features/x.feature:scénario manuel",
        statut=statut,
        exigences=(exigence,),
        domaine=None,
        priorite=1,
        tags=("manuel",),
        message="",
        etape_en_echec=None,
        debut=1,
        fin=2,
        parametres=(),
    )


@pytest.fixture(scope="module")
def scenarios():
    return lire_features(RACINE / "features")


def test_couverture_par_methode(scenarios):
    grille = charger_grille(RACINE)
    exclusions = {"EXG-FAC-01": "option non retenue par la MSP"}
    couverture = calculer_couverture(
        grille, scenarios, [], methodes=REFERENTIEL.methodes, exclusions=exclusions
    )
    # Only manual: its cahier scenario, not executed until a référent fills the cahier.
    manuelle = couverture.ligne("EXG-ECH-05")
    assert [v.methode for v in manuelle.verifications] == ["manuel"]
    assert manuelle.manuels and not manuelle.scenarios
    assert manuelle.manuels[0].emplacement.startswith("features/echanges/dmp.feature:")
    assert manuelle.statut == NON_EXECUTE and manuelle.couverte
    # Only the load check: « à vérifier par recette charge », covered, not a gap.
    charge = couverture.ligne("EXG-PERF-01")
    assert [v.methode for v in charge.verifications] == ["charge"]
    assert charge.verifications[0].texte == "à vérifier par recette charge"
    assert charge.statut == A_VERIFIER and charge.couverte and not charge.non_couverte_p1
    # Excluded with its reason: shown, neither covered nor a gap.
    exclue = couverture.ligne("EXG-FAC-01")
    assert exclue.statut == HORS_PERIMETRE_CONTRACTUEL
    assert exclue.verifications[0].texte == "option non retenue par la MSP"
    assert not exclue.couverte and not exclue.non_couverte_p1
    assert exclue in couverture.lignes
    facturation = next(s for s in couverture.par_domaine if s.cle == "facturation")
    assert facturation.hors_perimetre == 1
    assert facturation.non_couvertes == 2  # FAC-02 and FAC-03 are manual and have no scenario
    methodes = {s.cle: s for s in couverture.par_methode}
    assert methodes["charge"].par_statut[A_VERIFIER] == methodes["charge"].total == 9
    assert methodes["hors-perimetre"].total == 1
    # A manual séance's result is the manual method's status.
    avec_cahier = calculer_couverture(
        grille,
        scenarios,
        [],
        methodes=REFERENTIEL.methodes,
        seances_manuelles=[("VA-cahier", [resultat_manuel("EXG-ECH-05", "passed")])],
    )
    assert avec_cahier.ligne("EXG-ECH-05").statut == REUSSI
    assert avec_cahier.ligne("EXG-ECH-05").verifications[0].statut == REUSSI
    assert avec_cahier.seances_manuelles == ("VA-cahier",)


def test_une_exigence_sans_aucune_methode_reste_un_manque(scenarios):
    grille = charger_grille(RACINE)
    # Declared automated, no scenario cites it: the method shows the gap.
    seule = dataclasses.replace(grille["EXG-FAC-01"], methodes=("automatise",))
    grille.exigences["EXG-FAC-01"] = seule
    couverture = calculer_couverture(grille, scenarios, [], methodes=REFERENTIEL.methodes)
    ligne = couverture.ligne("EXG-FAC-01")
    assert ligne.statut == NON_COUVERT and not ligne.couverte
    assert ligne.verifications[0].statut == NON_COUVERT


def test_le_rapport_dit_quelles_methodes_sont_prises_par_defaut(tmp_path, scenarios):
    grille = lire_grille(
        grille_csv(tmp_path, ["EXG-PERF-01;Performances;Temps;1;VA+VSR"], colonne=None), RACINE
    )
    couverture = calculer_couverture(grille, scenarios, [], methodes=REFERENTIEL.methodes)
    assert couverture.methodes_par_defaut == 1
    assert couverture.ligne("EXG-PERF-01").methodes_par_defaut == (
        "contrôle des temps de réponse",
        "mesure de la disponibilité (VSR)",
    )
    html = rendre_couverture_html(couverture)
    assert "reçu les méthodes par défaut" in html
    assert "(par défaut)" in html
    assert "à vérifier par recette charge" in html


# -- the vendor profile's exclusions ---------------------------------------------------------


def test_une_exclusion_inconnue_est_refusee_avec_fichier_et_ligne(tmp_path):
    profil = tmp_path / "essai.yaml"
    profil.write_text(
        "nom: essai\nperimetre:\n  exclusions:\n"
        '    EXG-FAC-01: "option non retenue"\n'
        '    EXG-FAC-99: "option non retenue"\n'
        '    EXG-FAC-02: ""\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfilInvalide) as erreur:
        lire_exclusions(profil, charger_grille(RACINE))
    message = erreur.value.message
    assert "essai.yaml, ligne 5 : l'exigence « EXG-FAC-99 »" in message
    assert "essai.yaml, ligne 6 : l'exclusion de « EXG-FAC-02 » doit donner son motif" in message


@pytest.mark.parametrize("profil", ["demo-a", "demo-b"])
def test_la_demo_ne_laisse_aucune_exigence_hors_champ(profil, scenarios):
    """Every requirement of the grid is, for the demo, automated, in the cahier, excluded with a
    reason, or verified by a bench check: never silently out of scope."""
    grille = charger_grille(RACINE)
    exclusions = lire_exclusions(RACINE / "fixtures" / "profils" / f"{profil}.yaml", grille)
    assert exclusions and all(motif.strip() for motif in exclusions.values())
    ecrits = [s for s in scenarios if not s.a_ecrire]
    automatises = {e for s in ecrits if "manuel" not in s.tags for e in s.exigences}
    manuels = {e for s in ecrits if "manuel" in s.tags for e in s.exigences}
    controles = set(REFERENTIEL.methodes) - {"automatise", "manuel", "hors-perimetre"}
    orphelines = [
        e.id
        for e in grille
        if e.id not in automatises | manuels
        and e.id not in exclusions
        and not controles & set(e.methodes)
    ]
    assert orphelines == []
    # A requirement whose grid method is « manuel » has its cahier scenario unless excluded.
    sans_cahier = [
        e.id
        for e in grille
        if "manuel" in e.methodes and e.id not in manuels and e.id not in exclusions
    ]
    assert sans_cahier == []
    couverture = calculer_couverture(
        grille, scenarios, [], methodes=REFERENTIEL.methodes, exclusions=exclusions
    )
    assert len(couverture.lignes) == len(grille)
    assert all(ligne.verifications for ligne in couverture.lignes)
    assert couverture.total.par_statut[NON_COUVERT] == 0
    assert couverture.total.hors_perimetre == len(exclusions)


def test_le_profil_de_demo_n_a_plus_de_perimetre_par_scenarios():
    for nom in ("demo-a", "demo-b"):
        texte = (RACINE / "fixtures" / "profils" / f"{nom}.yaml").read_text(encoding="utf-8")
        assert "mode: scenarios" not in texte


def test_copie_du_banc_sans_colonne(tmp_path):
    """A bench whose grid predates the column still loads: every method is a default."""
    racine = tmp_path / "banc"
    shutil.copytree(RACINE / "fixtures" / "grille", racine / "fixtures" / "grille")
    grille_csv_texte = (racine / "fixtures" / "grille" / "grille.csv").read_text(
        encoding="utf-8-sig"
    )
    lignes = [ligne.rsplit(";", 1)[0] for ligne in grille_csv_texte.splitlines()]
    (racine / "fixtures" / "grille" / "grille.csv").write_text(
        "\n".join(lignes) + "\n", encoding="utf-8-sig"
    )
    grille = charger_grille(racine)
    assert all(e.methodes_par_defaut and e.methodes for e in grille)
