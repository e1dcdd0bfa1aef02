"""Throughput and peak memory of the data generator against plain Faker, in one run.

    .venv/bin/python bench/donnees_bench.py [--patients 100000] [--faker-patients 100000]

1. The bench: profile `charge` (100,000 coherent patients with their medical files, agenda,
   tasks and messages), written as pivot files (CSV + JSON Lines) to a temporary folder.
2. Plain Faker fr_FR drawing the same patient fields without any coherence (name(), ssn(),
   date_of_birth(), address(), phone_number(), email()) and writing one CSV.

Each runs in its own process, so that each peak memory (ru_maxrss) is its own.
Targets: ≥ 2,000 coherent patients per second, ≤ 1 GiB peak memory for 100,000 patients.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

OBJECTIF_PATIENTS_PAR_SECONDE = 2000
OBJECTIF_MEMOIRE_MIO = 1024


def _memoire_pic_mio() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _banc(patients: int, file) -> None:
    from recette.donnees import generer

    with tempfile.TemporaryDirectory() as dossier:
        debut = time.perf_counter()
        manifeste = generer("charge", 2025, Path(dossier) / "charge", nombre_patients=patients)
        duree = time.perf_counter() - debut
        octets = sum(f["octets"] for f in manifeste.fichiers.values())
    file.put(
        {
            "duree": duree,
            "memoire": _memoire_pic_mio(),
            "comptes": manifeste.comptes,
            "octets": octets,
            "non_places": manifeste.rendezvous_non_places,
        }
    )


def _faker_brut(patients: int, file) -> None:
    from faker import Faker

    faux = Faker("fr_FR")
    faux.seed_instance(2025)
    with tempfile.TemporaryDirectory() as dossier:
        debut = time.perf_counter()
        with (Path(dossier) / "patients.csv").open("w", encoding="utf-8", newline="") as f:
            sortie = csv.writer(f, lineterminator="\n")
            sortie.writerow(["nom", "nir", "date_naissance", "adresse", "telephone", "email"])
            for _ in range(patients):
                sortie.writerow(
                    [
                        faux.name(),
                        faux.ssn(),
                        faux.date_of_birth(maximum_age=100).isoformat(),
                        faux.address().replace("\n", ", "),
                        faux.phone_number(),
                        faux.email(),
                    ]
                )
        duree = time.perf_counter() - debut
    file.put({"duree": duree, "memoire": _memoire_pic_mio()})


def _mesurer(cible, patients: int) -> dict:
    contexte = multiprocessing.get_context("spawn")
    file = contexte.Queue()
    processus = contexte.Process(target=cible, args=(patients, file))
    processus.start()
    resultat = file.get()
    processus.join()
    return resultat


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--patients", type=int, default=100_000)
    arguments.add_argument("--faker-patients", type=int, default=100_000)
    options = arguments.parse_args()

    banc = _mesurer(_banc, options.patients)
    debit = options.patients / banc["duree"]
    print(f"Banc (profil charge, {options.patients:,} patients cohérents avec dossiers) :")
    print(f"  durée             {banc['duree']:.1f} s")
    objectif = f"objectif ≥ {OBJECTIF_PATIENTS_PAR_SECONDE:,}"
    print(f"  débit             {debit:,.0f} patients/s ({objectif})")
    print(f"  mémoire de pointe {banc['memoire']:.0f} Mio (objectif ≤ {OBJECTIF_MEMOIRE_MIO} Mio)")
    print(f"  fichiers          {banc['octets'] / 2**20:.0f} Mio (CSV + JSON Lines)")
    print("  lignes            " + ", ".join(f"{k} {v:,}" for k, v in banc["comptes"].items()))
    print(f"  rendez-vous non placés (agendas pleins) : {banc['non_places']}")

    brut = _mesurer(_faker_brut, options.faker_patients)
    debit_brut = options.faker_patients / brut["duree"]
    print(
        f"Faker fr_FR brut ({options.faker_patients:,} patients, champs d'identité seuls, "
        "sans cohérence) :"
    )
    print(f"  durée             {brut['duree']:.1f} s")
    print(f"  débit             {debit_brut:,.0f} patients/s")
    print(f"  mémoire de pointe {brut['memoire']:.0f} Mio")
    print(f"Rapport de débit banc / Faker brut : {debit / debit_brut:.2f}")
    atteint = debit >= OBJECTIF_PATIENTS_PAR_SECONDE and banc["memoire"] <= OBJECTIF_MEMOIRE_MIO
    print("Objectifs atteints." if atteint else "Objectifs NON atteints.")
    sys.exit(0 if atteint else 1)


if __name__ == "__main__":
    main()
