"""The unit tier stays fast: no browser, no server process. A test that starts the demo
solution, Chromium, Locust or PostgreSQL belongs in tests/e2e/."""

from __future__ import annotations

import re
from pathlib import Path

ICI = Path(__file__).resolve().parent
# What starts a browser or a server process (an in-thread SMTP server is neither).
INTERDITS = re.compile(
    r"demonstration\.demarrer\(|demo\.demarrer\(|sync_playwright|lancer_chromium|"
    r"serveur_postgres|pg_ctl|\"lancer\",|'lancer',"
)


def test_le_niveau_unitaire_ne_demarre_ni_navigateur_ni_serveur():
    fichiers = sorted(ICI.rglob("test_*.py"))
    assert len(fichiers) > 20  # the scan sees the tier
    fautifs = [
        f"{f.relative_to(ICI)} : {m.group(0)}"
        for f in fichiers
        if f.name != "test_tiers.py"
        for m in [INTERDITS.search(f.read_text(encoding="utf-8"))]
        if m
    ]
    assert not fautifs, f"À déplacer dans tests/e2e/ : {fautifs}"


def test_le_controle_voit_un_test_de_bout_en_bout():
    exemple = (ICI.parent / "e2e" / "test_seance_bout_en_bout.py").read_text(encoding="utf-8")
    assert INTERDITS.search(exemple)
