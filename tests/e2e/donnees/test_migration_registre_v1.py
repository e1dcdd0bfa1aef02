"""A register written by the hand-written register of the bench (schema 2, before the switch to
the models: tests/e2e/donnees/fixtures/registre-v2.sqlite, written by ecrire_registre_v2.py with
that code) is migrated into the models when the register opens it, not lost: every anomaly
reads back as the former register showed it (occurrences and history included), the séance
index too, the next number continues, and the former tables are kept (renamed), to the point
that reversing the migration gives the former code its file back as it was.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from ecrire_registre_v2 import en_json, resultat

from recette import base
from recette.anomalies import Registre
from recette.contrat import charger_contrat
from recette.erreurs import RegistreAnomaliesErreur
from recette.modeles.models import Anomalie, Evenement, Numerotation, Occurrence, Seance

PARIS = ZoneInfo("Europe/Paris")
ICI = Path(__file__).resolve().parent
FIXTURES = ICI.parents[2] / "fixtures"
CONTRAT = charger_contrat(FIXTURES)
FICHIER_V2 = ICI / "fixtures" / "registre-v2.sqlite"
ATTENDU_V2 = json.loads((ICI / "fixtures" / "registre-v2.json").read_text(encoding="utf-8"))
TABLES_V1 = ("meta", "seances", "anomalies", "occurrences", "historique")
SEANCE_MANUELLE = "VA-20261230-090000-demo-a"
CHARGE = "CHARGE-20261229-100000-demo-a"


def tables(chemin: Path) -> set[str]:
    cx = sqlite3.connect(chemin)
    try:
        return {n for (n,) in cx.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        cx.close()


def lignes_v1(chemin: Path, prefixe: str = "") -> dict[str, list]:
    cx = sqlite3.connect(chemin)
    try:
        return {
            t: cx.execute(f"SELECT * FROM {prefixe}{t} ORDER BY 1").fetchall() for t in TABLES_V1
        }
    finally:
        cx.close()


@pytest.fixture
def registre_v2(tmp_path, pointer_sur):
    """A copy of the former register file where the bench looks for it, beside the folder of
    its cahier de recette séance (the folder says « manuel », the former index did not)."""
    chemin = tmp_path / "reports" / "recette.sqlite"
    chemin.parent.mkdir()
    shutil.copyfile(FICHIER_V2, chemin)
    dossier = chemin.parent / SEANCE_MANUELLE
    dossier.mkdir()
    (dossier / "seance.json").write_text(
        json.dumps({"id": SEANCE_MANUELLE, "selection": {"genre": "manuel"}}), encoding="utf-8"
    )
    pointer_sur(chemin)
    return chemin


def test_le_fichier_de_reference_est_celui_du_registre_d_avant():
    """A check of the fixture itself: what the former code wrote and showed."""
    cx = sqlite3.connect(FICHIER_V2)
    try:
        meta = dict(cx.execute("SELECT cle, valeur FROM meta").fetchall())
    finally:
        cx.close()
    assert meta == {"application": "recette : registre des anomalies", "version_schema": "2"}
    fiches = ATTENDU_V2["fiches"]
    assert list(fiches) == [f"ANO-2026-000{n}" for n in range(1, 6)]
    assert fiches["ANO-2026-0001"]["anomalie"]["echeance_correction"] is not None
    assert fiches["ANO-2026-0002"]["anomalie"]["verification_proposee"]
    assert fiches["ANO-2026-0003"]["anomalie"]["reference"] == "ANO-2026-0002"
    assert len(fiches["ANO-2026-0001"]["occurrences"]) == 2
    assert [e["action"] for e in fiches["ANO-2026-0001"]["historique"]] == [
        "création",
        "qualification",
        "transmission",
    ]


def test_le_registre_ouvre_un_fichier_du_registre_d_avant_sans_rien_perdre(registre_v2):
    chemin = registre_v2
    avant = lignes_v1(chemin)
    with Registre(chemin, CONTRAT) as registre:
        fiches = {a.numero: en_json(registre.voir(a.numero)) for a in registre.lister()}
        seances = en_json(registre.seances())
        assert fiches == ATTENDU_V2["fiches"]
        attendues = ATTENDU_V2["seances"]
        for s in attendues:
            if s["id"] == SEANCE_MANUELLE:
                s["genre"] = "manuel"  # from its folder; still a séance, not a check
        assert seances == attendues
        assert not registre.seance(SEANCE_MANUELLE).est_controle
        assert registre.seance(CHARGE).est_controle
        # The next number continues the former register's; the rules go on with its rows.
        bilan = registre.enregistrer_seance(
            "VA-20261231-090000-demo-a",
            "va",
            "demo-a",
            "http://127.0.0.1:8000",
            [resultat("A", uuid="a4"), resultat("F", uuid="f1")],
            datetime(2026, 12, 31, 10, 0, tzinfo=PARIS),
        )
        assert bilan.recurrentes == ("ANO-2026-0001",)
        assert bilan.nouvelles == ("ANO-2026-0006",)
        fiche = registre.voir("ANO-2026-0001")
        assert len(fiche.occurrences) == 3
        assert en_json(fiche.historique) == fiches["ANO-2026-0001"]["historique"]
    # Ids continue after the copied ones (the history's order).
    plus_haut = max(h["id"] for h in _historique_v1(chemin))
    assert Evenement.objects.filter(anomalie_id="ANO-2026-0006").get().id > plus_haut
    # The former tables are kept, renamed, with every row.
    assert not tables(chemin) & set(TABLES_V1)
    assert lignes_v1(chemin, "ancien_v1_") == avant


def _historique_v1(chemin: Path) -> list[dict]:
    cx = sqlite3.connect(chemin)
    cx.row_factory = sqlite3.Row
    try:
        return [dict(h) for h in cx.execute("SELECT * FROM ancien_v1_historique")]
    finally:
        cx.close()


def test_migrer_deux_fois_ne_copie_rien_de_plus(registre_v2):
    base.migrer()
    avant = [m.objects.count() for m in (Seance, Anomalie, Occurrence, Evenement, Numerotation)]
    base.migrer()
    base.preparer()
    Registre(registre_v2, CONTRAT).fermer()
    assert [
        m.objects.count() for m in (Seance, Anomalie, Occurrence, Evenement, Numerotation)
    ] == avant
    assert avant[1] == len(ATTENDU_V2["fiches"])


def test_revenir_en_arriere_rend_son_fichier_au_code_d_avant(registre_v2, pointer_sur):
    chemin = registre_v2
    avant = lignes_v1(chemin)
    Registre(chemin, CONTRAT).fermer()
    pointer_sur(chemin)
    call_command("migrate", "recette", "0001", verbosity=0)
    pointer_sur(None)
    assert set(TABLES_V1) <= tables(chemin)
    assert lignes_v1(chemin) == avant


def test_schema_inconnu_refuse_et_rien_ne_bouge(registre_v2):
    chemin = registre_v2
    cx = sqlite3.connect(chemin)
    with cx:
        cx.execute("UPDATE meta SET valeur = '3' WHERE cle = 'version_schema'")
    cx.close()
    with pytest.raises(RegistreAnomaliesErreur, match="schéma « 3 » inconnu"):
        Registre(chemin, CONTRAT)
    assert set(TABLES_V1) <= tables(chemin)
    assert Anomalie.objects.count() == 0


def test_tables_d_une_autre_application_laissees(tmp_path, pointer_sur):
    chemin = tmp_path / "autre.sqlite"
    cx = sqlite3.connect(chemin)
    with cx:
        cx.execute("CREATE TABLE meta (cle TEXT PRIMARY KEY, valeur TEXT)")
        cx.execute("INSERT INTO meta VALUES ('application', 'autre chose')")
        for table in TABLES_V1[1:]:
            cx.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    cx.close()
    pointer_sur(chemin)
    base.migrer()
    assert Seance.objects.count() == 0
    assert set(TABLES_V1) <= tables(chemin)


def test_un_registre_v1_aussi(registre_v2):
    """A file of schema 1 (no « genre », no « rapport »): the kind of check is read back from
    the identifiers the former code gave."""
    chemin = registre_v2
    cx = sqlite3.connect(chemin)
    with cx:
        cx.execute("ALTER TABLE seances DROP COLUMN genre")
        cx.execute("ALTER TABLE seances DROP COLUMN rapport")
        cx.execute("UPDATE meta SET valeur = '1' WHERE cle = 'version_schema'")
    cx.close()
    with Registre(chemin, CONTRAT) as registre:
        assert registre.seance(CHARGE).genre == "charge"
        assert registre.seance(CHARGE).rapport is None
        assert registre.seance(SEANCE_MANUELLE).genre == "manuel"
        assert len(registre.lister()) == len(ATTENDU_V2["fiches"])
