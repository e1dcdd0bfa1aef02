"""The register on the models, on SQLite and on a real PostgreSQL server: the sequence that
wrote the fixture with the former hand-written register (ecrire_registre_v2.py: séances,
qualification, transmission and deadlines, doublon, recurrence, « proposée vérifiée », a load
check, a rejection) gives, through today's register, exactly what the former one showed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ecrire_registre_v2 import RACINE, ecrire

from recette.anomalies.registre import registre_existe
from recette.contrat import charger_contrat

CONTRAT = charger_contrat(RACINE / "fixtures")

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


def _endommage(tmp_path: Path) -> Path:
    chemin = tmp_path / "recette.sqlite"
    chemin.write_bytes(b"ceci n'est pas une base SQLite\x00\xff" * 200)
    return chemin


def _dossier(tmp_path: Path) -> Path:
    chemin = tmp_path / "recette.sqlite"
    chemin.mkdir()
    return chemin


def _sous_un_fichier(tmp_path: Path) -> Path:
    (tmp_path / "archives").write_text("un fichier\n", encoding="utf-8")
    return tmp_path / "archives" / "recette.sqlite"


@pytest.mark.parametrize(
    ("preparer", "message"),
    [
        (_endommage, "n'est pas un registre d'anomalies lisible"),
        (_dossier, "est un dossier, pas un registre d'anomalies"),
        (_sous_un_fichier, "archives est un fichier"),
    ],
    ids=["octets-quelconques", "dossier-a-la-place", "dossier-parent-est-un-fichier"],
)
def test_un_registre_inutilisable_est_refuse_en_francais(
    tmp_path, monkeypatch, pointer_sur, preparer, message
):
    """The pre-flight's messages (recette lancer, demo, charge) name the file and the repair;
    nothing is written into a file that is not the bench's."""
    from recette.anomalies.registre import verifier_registre
    from recette.erreurs import RegistreAnomaliesErreur

    monkeypatch.delenv("RECETTE_BASE_URL", raising=False)
    chemin = preparer(tmp_path)
    monkeypatch.setenv("RECETTE_BASE", str(chemin))
    avant = chemin.read_bytes() if chemin.is_file() else None
    with pytest.raises(RegistreAnomaliesErreur, match=message) as refus:
        verifier_registre(tmp_path, CONTRAT)
    assert str(chemin) in str(refus.value)
    if avant is not None:
        assert chemin.read_bytes() == avant


def test_un_registre_sain_passe_le_controle_prealable(tmp_path, monkeypatch, pointer_sur):
    """The negative check of the test above: the same pre-flight on a usable register."""
    from recette.anomalies.registre import verifier_registre

    monkeypatch.delenv("RECETTE_BASE_URL", raising=False)
    monkeypatch.setenv("RECETTE_BASE", str(tmp_path / "recette.sqlite"))
    assert verifier_registre(tmp_path, CONTRAT) == tmp_path / "recette.sqlite"
