"""The register on the models, on SQLite and on a real PostgreSQL server: the sequence that
wrote the fixture with the former hand-written register (ecrire_registre_v2.py: séances,
qualification, transmission and deadlines, doublon, recurrence, « proposée vérifiée », a load
check, a rejection) gives, through today's register, exactly what the former one showed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ecrire_registre_v2 import ecrire

from recette.anomalies.registre import registre_existe

ATTENDU_V2 = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "registre-v2.json").read_text(encoding="utf-8")
)


@pytest.fixture
def par_url(base_de_test, monkeypatch):
    """The database named as an organisation names it: by RECETTE_BASE_URL."""
    monkeypatch.setenv("RECETTE_BASE_URL", base_de_test)
    return base_de_test


def test_meme_registre_que_celui_d_avant(par_url, tmp_path):
    inutile = tmp_path / "nulle-part" / "recette.sqlite"
    assert ecrire(inutile) == ATTENDU_V2
    # With a database URL the file path selects nothing, and the register is there to read.
    assert not inutile.parent.exists()
    assert registre_existe(inutile)


def test_sans_url_le_chemin_choisit_le_fichier(tmp_path, monkeypatch, pointer_sur):
    monkeypatch.delenv("RECETTE_BASE_URL", raising=False)
    chemin = tmp_path / "ici" / "recette.sqlite"
    assert not registre_existe(chemin)
    ecrire(chemin)
    assert registre_existe(chemin)
