"""The CSV files of the offline Allure report go through the bench's one spreadsheet writer
(formulas neutralised). Runs Allure itself (Java), hence this tier."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")

RACINE = Path(__file__).resolve().parents[3]
LIEN = '=HYPERLINK("http://x","y")'


def test_exports_csv_du_rapport_allure(tmp_path):
    """The CSV files the offline Allure report offers for download go through the same
    writer: a scenario titled like a formula is text there too."""
    import base64
    import json

    from recette.documents import allure

    resultats = tmp_path / "allure-results"
    resultats.mkdir()
    for rang, titre in enumerate(["+cmd", LIEN, "@SUM(1)"]):
        (resultats / f"r{rang}-result.json").write_text(
            json.dumps(
                {
                    "uuid": f"r{rang}",
                    "historyId": f"r{rang}",
                    "name": titre,
                    "fullName": f"features/piege.feature:{rang}",
                    "description": "-2+3",
                    "status": "failed",
                    "stage": "finished",
                    "start": 1_767_000_000_000,
                    "stop": 1_767_000_001_000,
                    "labels": [{"name": "story", "value": "=1+1"}],
                }
            ),
            encoding="utf-8",
        )
    page = allure.generer(RACINE, resultats, tmp_path / "rapport", "Recette")
    exports = {
        nom: list(csv.reader(io.StringIO(base64.b64decode(b).decode("utf-8"), newline="")))
        for nom, b in re.findall(r"d\('(data/[^']+\.csv)','([^']*)'\)", page.read_text())
    }
    assert "data/suites.csv" in exports and "data/behaviors.csv" in exports
    cellules = [c for lignes in exports.values() for ligne in lignes for c in ligne]
    assert [c for c in cellules if c.startswith(DEBUTS_DANGEREUX)] == []
    for piege in ("+cmd", LIEN, "@SUM(1)", "-2+3", "=1+1"):
        # (the report defangs outside URLs too: see test_allure_hors_ligne)
        assert "'" + allure.desamorcer(piege) in cellules, piege
