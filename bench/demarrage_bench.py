"""Start-up cost of the CLI now that the data layer is Django: ``recette --help`` (which must not
import Django) and a tiny script that sets the layer up and counts the anomalies (what
``recette anomalies lister`` pays before its first row).

    .venv/bin/python bench/demarrage_bench.py [--repetitions 7] [--anomalies 200]

Each figure is the median wall time of fresh processes (imports included, as a person waits
for them). The counting script runs against a temporary SQLite file holding ``--anomalies``
anomalies, migrated beforehand (not timed), through ``base.preparer()`` — the one query that
checks the migrations — then ``Anomalie.objects.count()``; then ``recette anomalies lister
--toutes`` itself (the contract loaded, the register opened, every anomaly read and printed).
``python -c pass`` is given as the floor of any Python process on this machine. Target: ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
OBJECTIF_SECONDES = 1.0
PYTHON = sys.executable
RECETTE = str(Path(PYTHON).parent / "recette")

COMPTER = (
    "from recette import base\n"
    "base.preparer()\n"
    "from recette.modeles.models import Anomalie\n"
    "print(Anomalie.objects.count())\n"
)

REMPLIR = """
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
from recette import base
base.preparer()
from recette.modeles.models import Seance
from recette.modeles.numerotation import creer_anomalie
quand = datetime(2026, 12, 24, 10, tzinfo=ZoneInfo("Europe/Paris"))
origine = Seance.objects.create(id="VA-20261224-100000-demo-a", phase="va", profil="demo-a",
    cible="http://127.0.0.1", statut="terminée", enregistree_le=quand, enregistree_par="banc")
for n in range(int(sys.argv[1])):
    creer_anomalie(quand, titre=f"Anomalie {n}", seance_origine=origine, scenario=f"s{n}",
        attendu="a", observe="o", gravite_proposee="bloquante", signature=f"{n:064d}",
        cree_par="banc")
"""


def chronometrer(
    commande: list[str], env: dict[str, str], repetitions: int
) -> tuple[list[float], list[float]]:
    """Wall times, and CPU times (user + system) that the machine's other load barely moves."""
    durees, cpu = [], []
    for _ in range(repetitions):
        avant = resource.getrusage(resource.RUSAGE_CHILDREN)
        debut = time.perf_counter()
        subprocess.run(commande, check=True, capture_output=True, env=env, cwd=RACINE)
        durees.append(time.perf_counter() - debut)
        apres = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(apres.ru_utime - avant.ru_utime + apres.ru_stime - avant.ru_stime)
    return durees, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--anomalies", type=int, default=200)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="recette-demarrage-") as dossier:
        env = {**os.environ, "RECETTE_BASE": str(Path(dossier) / "recette.sqlite")}
        env.pop("RECETTE_BASE_URL", None)
        subprocess.run(
            [PYTHON, "-c", REMPLIR, str(options.anomalies)], check=True, env=env, cwd=RACINE
        )
        mesures = {
            "python -c pass (plancher)": [PYTHON, "-c", "pass"],
            "recette --help": [RECETTE, "--help"],
            f"initialiser + compter {options.anomalies} anomalies": [PYTHON, "-c", COMPTER],
            # The register on the models, read and printed by the command itself.
            f"recette anomalies lister ({options.anomalies})": [
                RECETTE,
                "anomalies",
                "lister",
                "--toutes",
            ],
        }
        print(f"{options.repetitions} processus par mesure, médiane (min – max) du temps écoulé :")
        depasse = False
        for nom, commande in mesures.items():
            durees, cpu = chronometrer(commande, env, options.repetitions)
            mediane = statistics.median(durees)
            cible = "" if "plancher" in nom else f"  (objectif ≤ {OBJECTIF_SECONDES:.1f} s)"
            depasse |= bool(cible) and mediane > OBJECTIF_SECONDES
            print(
                f"  {nom:<38} {mediane:6.3f} s ({min(durees):.3f} – {max(durees):.3f}),"
                f" CPU {statistics.median(cpu):.3f} s{cible}"
            )
    return 1 if depasse else 0


if __name__ == "__main__":
    sys.exit(main())
