"""Time per scenario: the bench (pytest-bdd + adapter + trace + video + Allure) against a plain
Playwright script doing the same actions on the same demo solution, in one run.

    .venv/bin/python bench/banc_vs_playwright.py [--repetitions 15]

Prints the median seconds per scenario of each, and their ratio (target: bench ≤ 1.15 × plain).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from recette import demo as demonstration  # noqa: E402
from recette.adaptateur.profil import charger_profil  # noqa: E402
from recette.navigateur import lancer_chromium  # noqa: E402
from recette.progression import MARQUE  # noqa: E402

SCENARIO = """
  @EXG-DP-04 @priorite:1 @lecture-seule
  Scénario: Le médecin traitant consulte la synthèse {n}
    Étant donné que je suis connecté comme "médecin généraliste" avec ma carte CPS
    Quand j'ouvre la fiche de synthèse de "Claire Martin"
    Alors je vois ses antécédents, ses allergies et ses traitements en cours
    Et je vois son médecin traitant parmi ses correspondants
"""


def banc(url: str, repetitions: int, env: dict) -> list[float]:
    dossier = RACINE / "bench" / "tmp_mesure"
    shutil.rmtree(dossier, ignore_errors=True)
    dossier.mkdir(parents=True)
    texte = "# language: fr\n@domaine:dossier-patient\nFonctionnalité: Mesure\n"
    texte += "".join(SCENARIO.format(n=i) for i in range(repetitions + 1))
    (dossier / "mesure.feature").write_text(texte, encoding="utf-8")
    (dossier / "test_mesure.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('.')\n", encoding="utf-8"
    )
    sortie = dossier / "sortie"
    commande = [
        sys.executable,
        "-m",
        "pytest",
        str(dossier),
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "-p",
        "recette.progression",
        "--rootdir",
        str(RACINE),
        "--alluredir",
        str(sortie / "allure"),
        "--profil",
        "demo-a",
        "--cible",
        url,
        "--preuves",
        str(sortie / "preuves"),
        "-q",
    ]
    instants = []
    journal = []
    with subprocess.Popen(commande, cwd=RACINE, stdout=subprocess.PIPE, text=True, env=env) as p:
        for ligne in p.stdout:
            journal.append(ligne)
            if MARQUE in ligne:
                evenement = json.loads(ligne.split(MARQUE, 1)[1])
                if evenement["evenement"] == "resultat":
                    assert evenement["statut"] == "passed", evenement
                    instants.append(time.perf_counter())
    shutil.rmtree(dossier, ignore_errors=True)
    if len(instants) < 2:
        raise SystemExit("La mesure du banc a échoué :\n" + "".join(journal[-30:]))
    # The first scenario also starts the browser: leave it out, as for the plain script.
    return [b - a for a, b in zip(instants, instants[1:], strict=False)]


def playwright_seul(url: str, repetitions: int, env: dict) -> list[float]:
    from playwright.sync_api import sync_playwright

    pin = env["RECETTE_DEMO_PIN_DURAND"]
    durees = []
    with sync_playwright() as p:
        navigateur = lancer_chromium(p)
        for _ in range(repetitions + 1):
            debut = time.perf_counter()
            contexte = navigateur.new_context(locale="fr-FR")
            page = contexte.new_page()
            page.goto(url + "connexion")
            page.get_by_label("Numéro de carte CPS").fill("2100000001")
            page.get_by_label("Code PIN").fill(pin)
            with page.expect_navigation():
                page.get_by_role("button", name="Valider la carte").click()
            page.get_by_role("navigation").get_by_role("link", name="Patients", exact=True).click()
            page.get_by_label("Rechercher un patient").fill("Martin")
            with page.expect_navigation():
                page.get_by_role("button", name="Rechercher", exact=True).click()
            ligne = page.get_by_role("row").filter(has_text="Claire")
            ligne.get_by_role("link").first.click()
            page.get_by_role("link", name="Fiche de synthèse").click()
            textes = page.locator("li").all_inner_texts()
            assert any("Ramipril" in t for t in textes)
            contexte.close()
            durees.append(time.perf_counter() - debut)
        navigateur.close()
    return durees[1:]


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--repetitions", type=int, default=15)
    options = arguments.parse_args()
    variables = charger_profil("demo-a", RACINE).variables_secretes
    secrets = demonstration.secrets_aleatoires(variables)
    env = {**os.environ, **secrets}
    with demonstration.demarrer("a", environnement=secrets) as demo:
        debut = time.perf_counter()
        simple = playwright_seul(demo.url, options.repetitions, env)
        temps_simple = time.perf_counter() - debut
        debut = time.perf_counter()
        mesure = banc(demo.url, options.repetitions, env)
        temps_banc = time.perf_counter() - debut
    m_simple, m_banc = statistics.median(simple), statistics.median(mesure)
    for nom, mediane, n, total in (
        ("Playwright seul", m_simple, len(simple), temps_simple),
        ("Banc complet   ", m_banc, len(mesure), temps_banc),
    ):
        print(f"{nom} : médiane {mediane:.3f} s par scénario ({n} mesures, {total:.1f} s au total)")
    print(f"Rapport banc / Playwright seul : {m_banc / m_simple:.2f}")


if __name__ == "__main__":
    main()
