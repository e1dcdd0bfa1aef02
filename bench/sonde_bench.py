"""Cost of one VSR probe cycle with a warm browser: wall time, and CPU time of the probe's
Python process and of its browser (Playwright's driver and Chromium's processes), against the
demo solution on this machine.

    flock /tmp/recette-navigateur.lock .venv/bin/python bench/sonde_bench.py [--cycles 20]

Prints the median and the maximum per cycle (after one warm-up cycle, not counted).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from recette import demo as demonstration  # noqa: E402
from recette.adaptateur.profil import charger_profil  # noqa: E402
from recette.contrat import charger_contrat  # noqa: E402
from recette.vsr.depot import DepotFichiers  # noqa: E402
from recette.vsr.sonde import Sonde, configuration_sonde  # noqa: E402


def cpu_navigateur(moi: psutil.Process) -> float:
    total = 0.0
    for enfant in moi.children(recursive=True):
        try:
            temps = enfant.cpu_times()
            total += temps.user + temps.system
        except psutil.Error:
            pass
    return total


def main() -> None:
    analyseur = argparse.ArgumentParser()
    analyseur.add_argument("--cycles", type=int, default=20)
    cycles = analyseur.parse_args().cycles
    profil = charger_profil("demo-a", RACINE)
    secrets = demonstration.secrets_aleatoires(profil.variables_secretes)
    os.environ.update(secrets)
    with demonstration.demarrer("a", environnement=secrets) as demo:
        profil = profil.avec_cible(demo.url)
        sonde = Sonde(
            profil=profil,
            config=configuration_sonde(profil),
            contrat=charger_contrat(RACINE / "fixtures"),
            poste="banc",
            depot=DepotFichiers(Path(tempfile.mkdtemp(prefix="sonde-bench-"))),
            racine=RACINE,
            journal=lambda _texte: None,
            arret=threading.Event(),
        )
        from playwright.sync_api import sync_playwright

        moi = psutil.Process()
        murs, cpu_sonde, cpu_nav = [], [], []
        with sync_playwright() as playwright:
            navigateur, contexte, page = sonde._ouvrir(playwright)
            try:
                assert sonde.transaction(contexte, page).reussi  # warm-up
                for _ in range(cycles):
                    m0, p0, n0 = time.monotonic(), time.process_time(), cpu_navigateur(moi)
                    echantillon = sonde.transaction(contexte, page)
                    sonde.depot.ajouter(echantillon)
                    murs.append(time.monotonic() - m0)
                    cpu_sonde.append(time.process_time() - p0)
                    cpu_nav.append(cpu_navigateur(moi) - n0)
                    assert echantillon.reussi, echantillon.erreur
            finally:
                navigateur.close()
    for libelle, valeurs in (
        ("durée du cycle (mur)", murs),
        ("CPU de la sonde (Python)", cpu_sonde),
        ("CPU du navigateur (pilote + Chromium)", cpu_nav),
    ):
        print(
            f"{libelle} : médiane {statistics.median(valeurs):.3f} s, "
            f"max {max(valeurs):.3f} s ({cycles} cycles)"
        )


if __name__ == "__main__":
    main()
