"""Judging a whole VSR: two months of samples from 10 postes every 30 s (about 1.75 million).

    .venv/bin/python bench/vsr_bench.py [--postes 10] [--jours 61] [--pas 30]

The samples are generated as columns (numpy), as a data layer would hand them over: each has
four timed steps (log in, patient list, search, patient file), a start jittered by up to 2 s,
and the period holds outages (one of 26 h), slow hours, probe gaps of some postes and declared
maintenance windows, so that every rule has work to do. Generation is not measured.

Measured: ``juger_vsr`` (timeline, maintenance, daily bands, VSR end, centiles per day, hour and
poste for every line) in wall time; its peak of traced allocations (tracemalloc, which sees
numpy's arrays); and the process's peak resident memory (ru_maxrss, samples included).
Targets: ≤ 2 s and ≤ 500 MiB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from recette.contrat import charger_contrat  # noqa: E402
from recette.vsr.echantillons import CadenceSonde, FenetreMaintenance, Serie  # noqa: E402
from recette.vsr.jugement import juger_vsr  # noqa: E402
from recette.vsr.temps import SECONDE_US, en_us  # noqa: E402

OBJECTIF_SECONDES = 2.0
OBJECTIF_MIO = 500
PARIS = ZoneInfo("Europe/Paris")
# VA prononcée on 1 March 2027 at 9:00: the VSR crosses the spring DST change.
DEBUT_VSR = datetime(2027, 3, 1, 9, tzinfo=PARIS)
ETAPES = (
    ("ouverture_application", 1.2),
    ("liste_100", 1.8),
    ("requete_simple", 0.9),
    ("ouverture_ecran", 0.6),
)


def generer(postes: int, jours: int, pas_s: int, graine: int = 2027) -> Serie:
    """Samples in instant order, postes interleaved, as a database hands them over."""
    alea = np.random.default_rng(graine)
    debut = en_us(DEBUT_VSR)
    cycles = jours * 86400 // pas_s
    n = postes * cycles
    poste = np.tile(np.arange(postes, dtype=np.int32), cycles)
    cycle = np.repeat(np.arange(cycles, dtype=np.int64), postes)
    # Each poste starts its cycle up to 2 s late, so the order is by instant within a cycle.
    instant = debut + cycle * pas_s * SECONDE_US + poste * (2 * SECONDE_US // postes)
    instant += alea.integers(0, 2 * SECONDE_US // postes, n)
    del cycle
    reussi = alea.random(n, dtype=np.float32) > 0.002  # scattered failures
    # A 26-hour outage seen by every poste on day 10, a 20-minute one on day 20 at 22:50.
    for depart_h, duree_h in ((10 * 24 + 3, 26), (20 * 24 + 13 + 50 / 60, 20 / 60)):
        a = debut + int(depart_h * 3600 * SECONDE_US)
        reussi &= ~((instant >= a) & (instant < a + int(duree_h * 3600 * SECONDE_US)))
    # Probe gaps: poste 3 silent on day 5 for 3 hours, poste 7 on day 30 for a whole day.
    depuis = (instant - debut) // SECONDE_US
    garder = ~(
        ((poste == 3) & (depuis // 86400 == 5) & (depuis % 86400 < 3 * 3600))
        | ((poste == 7) & (depuis // 86400 == 30))
    )
    poste, instant, reussi = poste[garder], instant[garder], reussi[garder]
    n, m = len(instant), len(ETAPES)
    secondes = np.empty((n, m), dtype=np.float32)
    for j, (_, moyenne) in enumerate(ETAPES):
        secondes[:, j] = alea.gamma(4.0, moyenne / 4.0, n).astype(np.float32)
    # Lunch rush on poste 0: the list is three times slower between 12 h and 13 h (Paris, CEST).
    secondes[(poste == 0) & ((instant // (3600 * SECONDE_US)) % 24 == 10), 1] *= 3
    # A failed transaction measured nothing.
    mesurees = np.repeat(reussi, m)
    return Serie(
        postes=tuple(f"poste-{i:02d}" for i in range(postes)),
        lignes=tuple(code for code, _ in ETAPES),
        poste=poste,
        instant=instant,
        reussi=reussi,
        mesure_echantillon=np.repeat(np.arange(n, dtype=np.int32), m)[mesurees],
        mesure_ligne=np.tile(np.arange(m, dtype=np.int8), n)[mesurees],
        mesure_secondes=secondes.reshape(-1)[mesurees],
    )


def main() -> int:
    parametres = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parametres.add_argument("--postes", type=int, default=10)
    parametres.add_argument("--jours", type=int, default=61)
    parametres.add_argument("--pas", type=int, default=30, help="secondes entre deux échantillons")
    parametres.add_argument("--repetitions", type=int, default=5)
    args = parametres.parse_args()

    contrat = charger_contrat(RACINE / "fixtures")
    serie = generer(args.postes, args.jours, args.pas)
    fenetres = tuple(
        FenetreMaintenance(
            DEBUT_VSR + timedelta(days=d, hours=17),
            DEBUT_VSR + timedelta(days=d, hours=19),
            "prestataire",
            DEBUT_VSR,
        )
        for d in (14, 40)
    )
    jusqu_au = DEBUT_VSR + timedelta(days=args.jours)
    cadence = CadenceSonde(timedelta(seconds=args.pas), timedelta(seconds=10))

    def juger():
        return juger_vsr(
            serie,
            contrat,
            debut_vsr=DEBUT_VSR,
            jusqu_au=jusqu_au,
            cadence=cadence,
            maintenances=fenetres,
        )

    # The machine is shared: several runs, the median decides; memory in a run of its own
    # (tracemalloc slows allocations down).
    durees = []
    for _ in range(args.repetitions):
        depart = time.perf_counter()
        jugement = juger()
        durees.append(time.perf_counter() - depart)
    duree = statistics.median(durees)
    tracemalloc.start()
    juger()
    _, pic_trace = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pic_processus = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pic_trace_mio = pic_trace / 2**20
    print(
        f"échantillons : {len(serie)} ({args.postes} postes, {args.jours} jours, pas "
        f"{args.pas} s) ; mesures d'étapes : {len(serie.mesure_secondes)}"
    )
    print(
        f"jugement : {duree:.2f} s, médiane de {len(durees)} (de {min(durees):.2f} à "
        f"{max(durees):.2f} s ; objectif ≤ {OBJECTIF_SECONDES:g} s)"
    )
    print(f"mémoire du jugement (tracemalloc, pic) : {pic_trace_mio:.0f} Mio")
    print(
        f"mémoire du processus (ru_maxrss, échantillons compris) : {pic_processus:.0f} Mio "
        f"(objectif ≤ {OBJECTIF_MIO} Mio)"
    )
    print(
        f"journées : {len(jugement.journees)}, en dépassement : "
        f"{len(jugement.journees_en_depassement)} ; segments de la chronologie : "
        f"{len(jugement.chronologie.etats)}"
    )
    print(jugement.fin.motif)
    atteint = duree <= OBJECTIF_SECONDES and pic_processus <= OBJECTIF_MIO
    print("objectifs atteints" if atteint else "objectifs NON atteints")
    return 0 if atteint else 1


if __name__ == "__main__":
    raise SystemExit(main())
