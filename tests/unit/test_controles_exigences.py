"""The requirements each reprise and réversibilité finding verifies come from
fixtures/contrat/controles-exigences.yaml, checked against the findings and the grid."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from recette.erreurs import RecetteErreur
from recette.reprise import exigences_des_controles

RACINE = Path(__file__).resolve().parents[2]


def test_les_constats_de_reprise_portent_les_exigences_de_la_reprise():
    exigences = exigences_des_controles(RACINE)
    assert exigences["reprise"]["doublons"] == ("EXG-REP-04", "EXG-DP-11")
    assert exigences["reprise"]["rejets"] == ("EXG-REP-03",)
    assert set(exigences["reversibilite"].values()) == {("EXG-REV-01",)}


@pytest.fixture
def projet(tmp_path):
    shutil.copytree(RACINE / "fixtures", tmp_path / "fixtures")
    return tmp_path


@pytest.mark.parametrize(
    ("avant", "apres", "message"),
    [
        ("  rejets: [EXG-REP-03]", "  rejet: [EXG-REP-03]", "constat(s) inconnu(s)"),
        ("  rejets: [EXG-REP-03]", "  rejets: [EXG-REP-99]", "absentes de la grille : EXG-REP-99"),
    ],
)
def test_une_correspondance_fausse_est_refusee(projet, avant, apres, message):
    fichier = projet / "fixtures" / "contrat" / "controles-exigences.yaml"
    texte = fichier.read_text(encoding="utf-8")
    assert texte.count(avant) == 1
    fichier.write_text(texte.replace(avant, apres), encoding="utf-8")
    with pytest.raises(RecetteErreur, match=re.escape(message)):
        exigences_des_controles(projet)
