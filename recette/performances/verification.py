"""One call: the contract's performance table checked against a solution.

The load injector (Locust, in subprocesses) holds the simultaneous users; meanwhile a real
Chromium, in this process, does the same operations and times them as the user sees them. Both
series are judged line by line against the table of fixtures/contrat/performances.yaml, and the
verdict is written as a French HTML page and JSON with its figures and measures.
"""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from recette.adaptateur.profil import charger_profil
from recette.contrat import charger_contrat
from recette.erreurs import ChargeImpossible, NavigateurIndisponible
from recette.performances.charge import (
    PLAFOND_DUREE_S,
    PLAFOND_REQUETES,
    PLAFOND_UTILISATEURS,
    TirDeCharge,
    verifier_bornes,
    verifier_cible,
)
from recette.performances.evaluation import Mesure, ResultatPerformances, evaluer
from recette.performances.plan import lire_plan
from recette.performances.rapport import ecrire_rapport
from recette.reseau import contexte_garde


def verifier_performances(
    racine: Path,
    profil_nom: str,
    cible: str | None = None,
    duree_s: float = 30,
    utilisateurs: int | None = None,
    workers: int = 0,
    dossier_sortie: Path | None = None,
    *,
    navigateur: bool = True,
    reflexion_s: tuple[float, float] | None = None,
    surcharge_contrat: Path | None = None,
    plafond_utilisateurs: int = PLAFOND_UTILISATEURS,
    plafond_duree_s: float = PLAFOND_DUREE_S,
    plafond_requetes: int = PLAFOND_REQUETES,
) -> ResultatPerformances:
    """Runs the load (`utilisateurs` simultaneous users, by default the contract's figure, for
    `duree_s` seconds, in one Locust process or a master and `workers` workers), times the same
    operations in a real browser meanwhile, and judges every line of the contract's table.
    `cible` replaces the profile's address. The report goes to `dossier_sortie` (default:
    reports/performances-<time>/)."""
    racine = Path(racine)
    profil = charger_profil(profil_nom, racine).avec_cible(cible)
    plan = lire_plan(profil, racine)
    tableau = charger_contrat(racine / "fixtures", surcharge_contrat).performances
    # « pour 10 utilisateurs simultanés »: the contract's figure unless the caller asks otherwise.
    utilisateurs = utilisateurs or tableau.utilisateurs_simultanes
    verifier_bornes(
        plan,
        profil,
        profil.cible,
        utilisateurs,
        duree_s,
        workers,
        plafond_utilisateurs,
        plafond_duree_s,
    )
    variables = verifier_cible(plan, profil, profil.cible)
    if dossier_sortie is None:
        horodatage = datetime.now(ZoneInfo("Europe/Paris")).strftime("%Y%m%d-%H%M%S")
        dossier_sortie = racine / "reports" / f"performances-{horodatage}"
    dossier = Path(dossier_sortie)
    dossier.mkdir(parents=True, exist_ok=True)
    tir = TirDeCharge(
        plan=plan,
        profil=profil,
        racine=racine,
        cible=profil.cible,
        dossier=dossier / "locust",
        utilisateurs=utilisateurs,
        duree_s=duree_s,
        workers=workers,
        variables=variables,
        reflexion=reflexion_s,
        plafond_requetes=plafond_requetes,
    )
    # A browser measure waits up to the largest single measure the rule tolerates, plus a
    # margin, but never much beyond the run: a longer one is recorded as a failure.
    multiple = tableau.statistique.multiple_max_mesure
    delais = {
        ligne.code: min(ligne.seuil_secondes * multiple + 10, duree_s + 60)
        for ligne in tableau.lignes
    }
    mesures_navigateur: list[Mesure] = []
    version_navigateur = ""
    try:
        if navigateur:
            mesures_navigateur, version_navigateur = _sous_charge(tir, profil, plan, racine, delais)
        else:
            tir.demarrer()
        charge = tir.attendre()
    finally:
        tir.arreter()

    mesures = charge.mesures + mesures_navigateur
    reflexion = reflexion_s or plan.reflexion
    contexte = {
        "profil": profil.nom,
        "profil_libelle": profil.libelle,
        "cible": profil.cible,
        "debut": charge.debut,
        "fin": charge.fin,
        "duree_s": duree_s,
        "utilisateurs": utilisateurs,
        "workers": workers,
        "reflexion_s": list(reflexion),
        "navigateur": version_navigateur,
        "mesure_decisive": tableau.mesure_decisive,
        "totaux_locust": {nom: list(t) for nom, t in charge.totaux.items()},
        "couts": [{**asdict(c), "cpu_s": c.cpu_s} for c in charge.couts],
        "plafond_atteint": charge.plafond_atteint,
        "variables": charge.variables,
    }
    resultat = ResultatPerformances(evaluer(tableau, mesures), tableau.statistique, contexte)
    fichiers = ecrire_rapport(resultat, mesures, dossier, charge.debut)
    return replace(resultat, fichiers=fichiers)


def _sous_charge(tir: TirDeCharge, profil, plan, racine: Path, delais: dict) -> tuple[list, str]:
    """Starts the browser and logs in, starts the load, then times the operations in the
    browser for as long as the load runs."""
    from playwright.sync_api import Error as ErreurPlaywright
    from playwright.sync_api import sync_playwright

    from recette.adaptateur.solution import OperationImpossible
    from recette.navigateur import executable_chromium, lancer_chromium
    from recette.performances.navigateur import Chronometre, mesurer_en_boucle

    with sync_playwright() as p:
        try:
            chromium = lancer_chromium(p, timeout=30000)
        except ErreurPlaywright as exc:
            executable = executable_chromium(p.chromium.executable_path) or "Chromium de Playwright"
            premiere = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise NavigateurIndisponible(
                f"Le navigateur Chromium ne démarre pas ({executable} : {premiere}). "
                "Installez-le (apt-get install chromium) ou indiquez son chemin dans la "
                "variable RECETTE_CHROMIUM."
            ) from None
        try:
            contexte, _ = contexte_garde(chromium, profil.politique, locale="fr-FR")
            page = contexte.new_page()
            chronometre = Chronometre(page, profil, plan, tir.variables, racine)
            try:
                chronometre.se_connecter()
            except OperationImpossible as exc:
                raise ChargeImpossible(f"Le navigateur ne peut pas se connecter : {exc}") from None
            tir.demarrer()
            tir.attendre_utilisateurs()
            fin = tir.debut + tir.duree_s

            def continuer() -> bool:
                return tir.en_cours() and time.time() < fin

            mesures = mesurer_en_boucle(chronometre, list(plan.operations), continuer, delais)
            return mesures, f"Chromium {chromium.version}"
        finally:
            chromium.close()
