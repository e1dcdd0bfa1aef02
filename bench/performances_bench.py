"""Bench of the load-test machinery itself, against the embedded demo solution.

1. Measurement error: per operation, the injector's time of each request against the
   solution's own time for the same request (Server-Timing), at 10 users.
2. The injector's own cost at 10 users: CPU of the Locust process (wait4's rusage).
3. How many users one core drives: users are added at a steady rate until the Locust process
   uses ~90 % of a core, or a cap on users or time is reached.

    .venv/bin/python bench/performances_bench.py [--duree 20] [--rampe-max 300] [--rampe-duree 60]

Prints French Markdown tables; the raw figures go to reports/bench-performances/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from recette import demo as demonstration  # noqa: E402
from recette.adaptateur.profil import charger_profil  # noqa: E402
from recette.performances.charge import TirDeCharge, verifier_cible  # noqa: E402
from recette.performances.evaluation import SOURCE_CHARGE, centile  # noqa: E402
from recette.performances.plan import lire_plan  # noqa: E402

TOPS = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float | None:
    """utime + stime of a live process, in seconds (from /proc)."""
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(champs[11]) + int(champs[12])) / TOPS


def _ms(valeur: float | None) -> str:
    return "—" if valeur is None else f"{valeur * 1000:.1f}".replace(".", ",")


def erreur_de_mesure(mesures) -> list[dict]:
    """Per operation: client vs server p95, the gap, and the per-request overhead."""
    par_operation: dict[str, list] = {}
    for m in mesures:
        if m.source == SOURCE_CHARGE and m.serveur_s is not None and m.succes:
            par_operation.setdefault(m.operation, []).append(m)
    lignes = []
    for operation, serie in sorted(par_operation.items()):
        client = [m.duree_s for m in serie]
        serveur = [m.serveur_s for m in serie]
        surcout = [m.duree_s - m.serveur_s for m in serie]
        p95c, p95s = centile(client, 95), centile(serveur, 95)
        ecart = p95c - p95s
        lignes.append(
            {
                "operation": operation,
                "n": len(serie),
                "p95_client_s": p95c,
                "p95_serveur_s": p95s,
                "ecart_p95_s": ecart,
                "dans_5pc_ou_5ms": ecart <= max(0.005, 0.05 * p95s),
                "surcout_min_s": min(surcout),
                "surcout_median_s": statistics.median(surcout),
                "surcout_p95_s": centile(surcout, 95),
                "client_sous_serveur": sum(1 for s in surcout if s < -0.0001),
            }
        )
    return lignes


def tir(plan, profil, cible, dossier, variables, utilisateurs, duree_s, cadence=None):
    return TirDeCharge(
        plan=plan,
        profil=profil,
        racine=RACINE,
        cible=cible,
        dossier=dossier,
        utilisateurs=utilisateurs,
        duree_s=duree_s,
        variables=variables,
        cadence=cadence,
        plafond_requetes=10**6,
    )


def rampe(plan, profil, cible, dossier, variables, plafond, cadence, duree_max, pid_serveur):
    """Adds `cadence` users per second; samples the Locust process's CPU each second."""
    essai = tir(plan, profil, cible, dossier, variables, plafond, duree_max, cadence)
    echantillons = []
    essai.demarrer()
    try:
        pid = essai.processus[0].popen.pid
        depart = time.monotonic()
        precedent = (depart, _cpu_s(pid) or 0.0, _cpu_s(pid_serveur) or 0.0)
        au_dessus = 0
        while essai.en_cours():
            time.sleep(1)
            maintenant, cpu, cpu_serveur = time.monotonic(), _cpu_s(pid), _cpu_s(pid_serveur)
            if cpu is None or maintenant - depart > duree_max:
                break
            part = (cpu - precedent[1]) / (maintenant - precedent[0])
            part_serveur = ((cpu_serveur or 0.0) - precedent[2]) / (maintenant - precedent[0])
            precedent = (maintenant, cpu, cpu_serveur or 0.0)
            mesures = essai.lire_mesures()
            connectes = len({m.utilisateur for m in mesures if m.operation == plan.connexion.nom})
            recents = [m for m in mesures if m.debut >= time.time() - 5]
            echantillons.append(
                {
                    "t_s": round(maintenant - depart, 1),
                    "utilisateurs": connectes,
                    "cpu_locust": round(part, 3),
                    "cpu_serveur": round(part_serveur, 3),
                    "requetes_par_s": round(len(recents) / 5, 1),
                    "p50_s": centile([m.duree_s for m in recents], 50),
                }
            )
            au_dessus = au_dessus + 1 if part >= 0.9 else 0
            if au_dessus >= 2:
                break
    finally:
        essai.arreter()
    return echantillons


_SERVEUR_SANS_LIMITE = """
import sys
from waitress import create_server
from demo_solution import create_app
serveur = create_server(create_app("a", (), sys.argv[1]), host="127.0.0.1", port=0, threads=16,
                        connection_limit=5000)
print(f"Solution de démonstration prête : http://127.0.0.1:{serveur.effective_port}/", flush=True)
serveur.run()
"""


def demarrer_sans_limite(secrets: dict, base: Path) -> tuple[subprocess.Popen, str]:
    """The demo application under waitress with a connection limit above the ramp's users (the
    demo's own server keeps waitress's default of 100 connections: every logged-in user holds
    one, so the 101st user could not log in)."""
    processus = subprocess.Popen(
        [sys.executable, "-c", _SERVEUR_SANS_LIMITE, str(base)],
        cwd=RACINE,
        env={**os.environ, **secrets, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ligne = processus.stdout.readline()
    if "http://" not in ligne:
        processus.kill()
        raise SystemExit(f"Le serveur de la rampe n'a pas démarré : {ligne!r}")
    return processus, ligne.split("prête : ", 1)[1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duree", type=float, default=20, help="tir à 10 utilisateurs (s)")
    parser.add_argument("--rampe-max", type=int, default=300, help="plafond d'utilisateurs")
    parser.add_argument("--rampe-cadence", type=float, default=5, help="utilisateurs/s")
    parser.add_argument("--rampe-duree", type=float, default=60, help="durée max de la rampe")
    options = parser.parse_args()

    sortie = RACINE / "reports" / "bench-performances"
    sortie.mkdir(parents=True, exist_ok=True)
    profil = charger_profil("demo-a", RACINE)
    secrets = demonstration.secrets_aleatoires(profil.variables_secretes)
    os.environ.update(secrets)
    resultats: dict = {"machine": {"coeurs": os.cpu_count(), "charge": os.getloadavg()}}
    with demonstration.demarrer("a", environnement=secrets) as serveur:
        profil = profil.avec_cible(serveur.url)
        plan = lire_plan(profil, RACINE)
        variables = verifier_cible(plan, profil, serveur.url)

        # 1 and 2: 10 users, the profile's think time.
        dix = tir(plan, profil, serveur.url, sortie / "dix", variables, 10, options.duree)
        dix.demarrer()
        dix.attendre_utilisateurs()
        pid = dix.processus[0].popen.pid
        regime = [(time.monotonic(), _cpu_s(pid))]
        time.sleep(max(1.0, options.duree - 3))
        regime.append((time.monotonic(), _cpu_s(pid)))
        charge = dix.attendre()
        erreurs = erreur_de_mesure(charge.mesures)
        [cout] = charge.couts
        requetes = len(charge.mesures)
        resultats["erreur_de_mesure"] = erreurs
        resultats["cout_10_utilisateurs"] = {
            "duree_s": charge.duree_s,
            "requetes": requetes,
            "cpu_s": cout.cpu_s,
            "part_d_un_coeur": cout.cpu_s / charge.duree_s,
            "cpu_ms_par_requete": 1000 * cout.cpu_s / max(1, requetes),
            "memoire_max_mio": cout.memoire_max_kio / 1024,
            # Steady state, users in place (without the interpreter's start and Locust's import).
            "part_d_un_coeur_en_regime": (regime[1][1] - regime[0][1])
            / (regime[1][0] - regime[0][0]),
        }

    # 3: ramp, against the same application served without waitress's connection limit.
    base = Path(tempfile.mkdtemp(prefix="recette-bench-")) / "msp.sqlite"
    processus, url = demarrer_sans_limite(secrets, base)
    try:
        profil = profil.avec_cible(url)
        plan = lire_plan(profil, RACINE)
        variables = verifier_cible(plan, profil, url)
        echantillons = rampe(
            plan,
            profil,
            url,
            sortie / "rampe",
            variables,
            options.rampe_max,
            options.rampe_cadence,
            options.rampe_duree,
            processus.pid,
        )
    finally:
        processus.terminate()
        processus.wait(timeout=15)
    resultats["rampe"] = echantillons

    (sortie / "bench.json").write_text(json.dumps(resultats, indent=2, ensure_ascii=False))

    print(f"Machine : {os.cpu_count()} cœurs, charge moyenne {resultats['machine']['charge']}\n")
    print("## Erreur de mesure : injecteur (Locust) vs Server-Timing, 10 utilisateurs\n")
    print(
        "| opération | n | 95e c. client (ms) | 95e c. serveur (ms) | écart (ms) | ≤ 5 % ou 5 ms "
        "| surcoût min (ms) | surcoût médian (ms) | surcoût 95e c. (ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for e in erreurs:
        print(
            f"| {e['operation']} | {e['n']} | {_ms(e['p95_client_s'])} | {_ms(e['p95_serveur_s'])}"
            f" | {_ms(e['ecart_p95_s'])} | {'oui' if e['dans_5pc_ou_5ms'] else 'non'}"
            f" | {_ms(e['surcout_min_s'])} | {_ms(e['surcout_median_s'])}"
            f" | {_ms(e['surcout_p95_s'])} |"
        )
    sous = sum(e["client_sous_serveur"] for e in erreurs)
    print(f"\nRequêtes dont le temps client est inférieur au temps serveur : {sous}.")
    c = resultats["cout_10_utilisateurs"]
    print("\n## Coût de l'injecteur à 10 utilisateurs\n")
    print(
        f"{c['requetes']} requêtes en {c['duree_s']:.0f} s ; processus Locust : "
        f"{c['cpu_s']:.2f} s de CPU ({100 * c['part_d_un_coeur']:.1f} % d'un cœur), "
        f"{c['cpu_ms_par_requete']:.2f} ms de CPU par requête (démarrage compris), "
        f"{c['memoire_max_mio']:.0f} Mio max ; en régime, utilisateurs en place : "
        f"{100 * c['part_d_un_coeur_en_regime']:.1f} % d'un cœur."
    )
    print("\n## Rampe : utilisateurs menés par un cœur\n")
    print("| t (s) | utilisateurs | CPU Locust | CPU serveur | requêtes/s | médiane (ms) |")
    print("|---|---|---|---|---|---|")
    for e in echantillons[:: max(1, len(echantillons) // 15)] + echantillons[-1:]:
        print(
            f"| {e['t_s']} | {e['utilisateurs']} | {100 * e['cpu_locust']:.0f} % "
            f"| {100 * e['cpu_serveur']:.0f} % | {e['requetes_par_s']} | {_ms(e['p50_s'])} |"
        )
    # Before the server saturates (median under 100 ms), Locust's CPU follows the request rate.
    lineaires = [
        e
        for e in echantillons
        if e["utilisateurs"] >= 10 and e["requetes_par_s"] > 0 and (e["p50_s"] or 1) < 0.1
    ]
    if lineaires:
        cpu_par_requete = statistics.median(
            e["cpu_locust"] / e["requetes_par_s"] for e in lineaires
        )
        rythme = statistics.median(e["requetes_par_s"] / e["utilisateurs"] for e in lineaires)
        pic = max(echantillons, key=lambda e: e["requetes_par_s"])
        resultats["extrapolation"] = {
            "cpu_ms_par_requete": 1000 * cpu_par_requete,
            "requetes_par_s_par_utilisateur": rythme,
            "utilisateurs_a_90pc": 0.9 / (cpu_par_requete * rythme),
            "pic_requetes_par_s": pic["requetes_par_s"],
            "utilisateurs_au_pic": pic["utilisateurs"],
        }
        (sortie / "bench.json").write_text(json.dumps(resultats, indent=2, ensure_ascii=False))
        print(
            f"\nAvant saturation du serveur : {1000 * cpu_par_requete:.2f} ms de CPU Locust par "
            f"requête, {rythme:.2f} requête/s par utilisateur ; un cœur à 90 % mènerait "
            f"~{0.9 / (cpu_par_requete * rythme):.0f} utilisateurs (extrapolation). Débit maximal "
            f"observé : {pic['requetes_par_s']} requêtes/s à {pic['utilisateurs']} utilisateurs "
            "(le serveur de démonstration sature ensuite)."
        )
    if echantillons:
        dernier = echantillons[-1]
        atteint = dernier["cpu_locust"] >= 0.9
        print(
            f"\n{'90 % d’un cœur atteint' if atteint else 'Plafond atteint avant 90 % d’un cœur'}"
            f" : {dernier['utilisateurs']} utilisateurs, CPU Locust "
            f"{100 * dernier['cpu_locust']:.0f} %, {dernier['requetes_par_s']} requêtes/s."
        )


if __name__ == "__main__":
    main()
