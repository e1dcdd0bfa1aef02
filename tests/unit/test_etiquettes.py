"""Tags: Allure labels, `--tags` selection, and the refusal of tags that name nothing."""

from pathlib import Path

import pytest

from recette.etiquettes import Selection, SelectionInvalide, labels
from recette.grille.features import FeatureInvalide, verifier_tags

RACINE = Path(__file__).resolve().parents[2]


def test_labels_allure():
    paires = set(
        labels(
            {"EXG-DP-04", "domaine:dossier-patient", "priorite:1"},
            {"dossier-patient": "Dossier patient"},
        )
    )
    assert ("story", "EXG-DP-04") in paires
    assert ("epic", "Dossier patient") in paires
    assert ("severity", "critical") in paires


def test_selection():
    selection = Selection("priorite:1 and not lecture-seule")
    assert selection.retient({"priorite:1", "EXG-DP-05"})
    assert not selection.retient({"priorite:1", "lecture-seule"})
    assert Selection(None).retient(set())
    assert Selection("EXG-DP-04").retient({"EXG-DP-04"})


def test_selection_illisible():
    with pytest.raises(SelectionInvalide, match="illisible"):
        Selection("priorite:1 and (")


def _features(tmp_path, texte):
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "essai.feature").write_text(texte, encoding="utf-8")
    return tmp_path / "features"


def test_etiquette_inconnue_nomme_fichier_et_ligne(tmp_path):
    dossier = _features(
        tmp_path,
        "# language: fr\nFonctionnalité: Essai\n\n  @EXG-DP-99 @urgent\n  Scénario: Un essai\n"
        "    Alors rien\n",
    )
    with pytest.raises(FeatureInvalide) as erreur:
        verifier_tags(dossier, {"EXG-DP-04"}, {"dossier-patient"}, set(), tmp_path)
    message = erreur.value.message
    assert "essai.feature, ligne 4 : l'étiquette @EXG-DP-99 ne désigne aucune exigence" in message
    assert "essai.feature, ligne 4 : étiquette @urgent inconnue" in message


def test_features_du_projet_valides():
    from recette.grille import charger_grille
    from recette.grille.referentiel import charger_referentiel

    grille = charger_grille(RACINE)
    professions = set(charger_referentiel(RACINE).professions)
    scenarios = verifier_tags(
        RACINE / "features", set(grille.exigences), set(grille.domaines), professions, RACINE
    )
    assert len(scenarios) >= 12
    assert all(s.exigences for s in scenarios if not s.a_ecrire)
