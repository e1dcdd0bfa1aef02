"""Running a séance: checks before anything is written (profile, secrets, grid tags, target,
browser, accounts), then pytest in a subprocess, then sealing. A refused séance leaves no
folder; an interrupted one is sealed as « interrompue »."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from recette import seance as seances
from recette.adaptateur.profil import Profil, charger_profil
from recette.erreurs import CibleInjoignable, NavigateurIndisponible, RecetteErreur
from recette.etiquettes import Selection
from recette.grille import charger_grille
from recette.grille.features import verifier_tags
from recette.grille.referentiel import charger_referentiel
from recette.progression import MARQUE
from recette.reseau import contexte_garde, ouvreur
from recette.resultats import compter, lire_resultats

CATEGORIES_ALLURE = [
    {"name": "Exigence non satisfaite", "matchedStatuses": ["failed"]},
    {"name": "Scénario interrompu par une erreur", "matchedStatuses": ["broken"]},
    {"name": "Scénario non écrit", "matchedStatuses": ["skipped"], "messageRegex": ".*non écrit.*"},
]


class Interruption(Exception):
    """The séance was stopped from outside (Ctrl-C, SIGTERM)."""


@dataclass
class Preparation:
    profil: Profil
    dossier_features: Path
    secrets: set[str]
    version_cible: dict
    navigateur: dict
    nombre_scenarios: int


def sonder_cible(profil: Profil, delai: float = 10.0) -> dict:
    """The target answers, and says which version it is when the profile knows how to ask.
    Requests and redirects go only to the profile's hosts (recette.reseau)."""
    ouvrir = ouvreur(profil.politique).open
    try:
        with ouvrir(profil.cible, timeout=delai) as reponse:
            reponse.read(1)
    except urllib.error.HTTPError:
        pass  # it answered; a login page may well say 401 or 403
    except (urllib.error.URLError, OSError) as exc:
        raison = getattr(exc, "reason", exc)
        raise CibleInjoignable(
            f"La solution ne répond pas à l'adresse {profil.cible} ({raison}). Vérifiez qu'elle "
            f"est démarrée, ou corrigez « cible » dans {profil.fichier} ou l'option --cible."
        ) from None
    if not profil.url_version:
        return {}
    try:
        url = urljoin(profil.cible, profil.url_version)
        with ouvrir(url, timeout=delai) as reponse:
            return json.loads(reponse.read().decode("utf-8"))
    except (OSError, ValueError):
        return {"version": "inconnue"}


def resoudre_secrets(profil: Profil, racine: Path) -> set[str]:
    valeurs = set()
    for compte in profil.comptes:
        if compte.variable_mot_de_passe:
            valeurs.add(compte.mot_de_passe(racine))
        if compte.variable_pin:
            valeurs.add(compte.pin(racine))
    return valeurs


def verifier_navigateur_et_comptes(profil: Profil, racine: Path) -> dict:
    """Starts the browser the séance will use and logs every account in once: wrong
    credentials are found before a séance exists."""
    from playwright.sync_api import Error as ErreurPlaywright
    from playwright.sync_api import sync_playwright

    from recette.adaptateur.solution import Solution
    from recette.navigateur import executable_chromium, lancer_chromium

    with sync_playwright() as p:
        executable = executable_chromium(p.chromium.executable_path)
        try:
            navigateur = lancer_chromium(p, timeout=30000)
        except ErreurPlaywright as exc:
            premiere_ligne = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise NavigateurIndisponible(
                f"Le navigateur Chromium ne démarre pas ({executable or 'Chromium de Playwright'}"
                f" : {premiere_ligne}). Installez-le (apt-get install chromium) ou indiquez son "
                "chemin dans la variable RECETTE_CHROMIUM."
            ) from None
        infos = {
            "nom": "Chromium",
            "version": navigateur.version,
            "executable": executable or "playwright",
        }
        try:
            contexte, _ = contexte_garde(navigateur, profil.politique, locale="fr-FR")
            page = contexte.new_page()
            solution = Solution.sans_capture(page, profil, racine)
            for compte in profil.comptes:
                for mode in solution.modes_du_compte(compte):
                    solution.verifier_identifiants(compte, mode)
            contexte.close()
        finally:
            navigateur.close()
    return infos


def verifier_registre_de(racine: Path) -> None:
    """The register the séance will be recorded in, checked before the séance exists."""
    from recette.anomalies.registre import verifier_registre
    from recette.contrat import charger_contrat

    verifier_registre(racine, charger_contrat(racine / "fixtures"))


def preparer(
    racine: Path,
    nom_profil: str,
    cible: str | None,
    tags: str | None,
    dossier_features: Path | None = None,
) -> Preparation:
    """`dossier_features` is the campaign's `features/` unless a replay brings its own (it must
    lie under `racine`, where conftest.py applies)."""
    dossier_features = dossier_features or racine / "features"
    profil = charger_profil(nom_profil, racine).avec_cible(cible)
    verifier_registre_de(racine)
    secrets = resoudre_secrets(profil, racine)
    grille = charger_grille(racine)
    scenarios = verifier_tags(
        dossier_features,
        set(grille.exigences),
        set(grille.domaines),
        set(charger_referentiel(racine).professions),
        racine,
    )
    selection = Selection(tags)
    retenus = [
        s
        for s in scenarios
        if "manuel" not in s.tags
        and selection.retient(s.tags)
        and (not profil.production or s.lecture_seule)
    ]
    if not retenus:
        raise RecetteErreur(
            f"Aucun scénario ne correspond à la sélection « {tags or 'tous'} »"
            + (
                " (profil de production : seuls les scénarios @lecture-seule)."
                if profil.production
                else "."
            )
        )
    version = sonder_cible(profil)
    navigateur = verifier_navigateur_et_comptes(profil, racine)
    return Preparation(profil, dossier_features, secrets, version, navigateur, len(retenus))


def _environnement_allure(dossier: Path, seance: seances.Seance) -> None:
    resultats = dossier / "allure-results"
    resultats.mkdir(exist_ok=True)
    lignes = {
        "Séance": seance.id,
        "Phase": seance.phase.upper(),
        "Profil": seance.profil,
        "Cible": seance.cible,
        "Version de la solution": seance.version_cible.get("version", "inconnue"),
        "Navigateur": f"{seance.navigateur.get('nom')} {seance.navigateur.get('version')}",
    }
    # .properties keys escape their spaces
    texte = "".join(k.replace(" ", "\\ ") + f"={v}\n" for k, v in lignes.items())
    (resultats / "environment.properties").write_text(texte, encoding="utf-8")
    (resultats / "categories.json").write_text(
        json.dumps(CATEGORIES_ALLURE, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _sur_signal(signum, frame):
    raise Interruption(f"signal {signum}")


def executer(
    racine: Path,
    preparation: Preparation,
    phase: str = "va",
    tags: str | None = None,
    parallele: int = 1,
    video: bool = True,
    sur_evenement: Callable[[dict], None] | None = None,
) -> tuple[seances.Seance, object]:
    """Runs and seals the séance; returns it with what the anomaly register made of it."""
    profil = preparation.profil
    rapports = seances.dossier_rapports(racine)
    seances.recuperer_interrompues(rapports, preparation.secrets)
    seance = seances.creer(rapports, phase, profil.nom, profil.cible)
    seance.version_cible = preparation.version_cible
    seance.navigateur = preparation.navigateur
    seance.selection = {
        "tags": tags or "",
        "parallele": parallele,
        "scenarios": preparation.nombre_scenarios,
    }
    resultats = seance.dossier / "allure-results"
    commande = [
        sys.executable,
        "-m",
        "pytest",
        str(preparation.dossier_features),
        "-p",
        "no:locust",
        "-p",
        "no:cacheprovider",
        "-p",
        "recette.progression",
        "--rootdir",
        str(racine),
        "--alluredir",
        str(resultats),
        "--profil",
        str(profil.fichier),
        "--cible",
        profil.cible,
        "--preuves",
        str(seance.dossier / "preuves"),
        "--tb=short",
        "-q",
        "--color=no",
    ]
    if tags:
        commande += ["--tags", tags]
    if not video:
        commande.append("--sans-video")
    if parallele > 1:
        commande += ["-n", str(parallele)]
    ancien = signal.signal(signal.SIGTERM, _sur_signal)
    processus = None
    statut = "terminée"
    try:
        with open(seance.dossier / "journal.txt", "w", encoding="utf-8") as journal:
            processus = subprocess.Popen(
                commande,
                cwd=racine,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            assert processus.stdout is not None
            for ligne in processus.stdout:
                # pytest's progress dots may precede the marker on the same line.
                position = ligne.find(MARQUE)
                if position < 0:
                    journal.write(ligne)
                    continue
                journal.write(ligne[:position])
                if sur_evenement:
                    sur_evenement(json.loads(ligne[position + len(MARQUE) :]))
            code = processus.wait()
        if code not in (0, 1):
            seance.remarques.append(
                f"pytest s'est terminé avec le code {code} : voir journal.txt de la séance."
            )
            statut = "terminée avec erreur"
    except (KeyboardInterrupt, Interruption):
        statut = "interrompue"
        if processus and processus.poll() is None:
            processus.terminate()
            try:
                processus.wait(timeout=20)
            except subprocess.TimeoutExpired:
                processus.kill()
    finally:
        signal.signal(signal.SIGTERM, ancien)
        seance.compteurs = compter(lire_resultats(resultats)) if resultats.exists() else {}
        _environnement_allure(seance.dossier, seance)
        seances.sceller(seance, statut, preparation.secrets)
    return seance, enregistrer_anomalies(racine, seance)


def enregistrer_anomalies(racine: Path, seance: seances.Seance):
    """The register (the bench's mutable state, beside the sealed séances) learns the séance:
    failures become anomalies, deduplicated; scenarios passing again propose « vérifiée »."""
    from datetime import datetime

    from recette.anomalies import Registre, chemin_registre, preuves_allure
    from recette.contrat import charger_contrat

    with Registre(chemin_registre(racine), charger_contrat(racine / "fixtures")) as registre:
        return registre.enregistrer_seance(
            seance.id,
            seance.phase,
            seance.profil,
            seance.cible,
            lire_resultats(seance.dossier / "allure-results"),
            datetime.fromisoformat(seance.fin),
            debut=datetime.fromisoformat(seance.debut),
            fin=datetime.fromisoformat(seance.fin),
            statut=seance.statut,
            preuves=preuves_allure(seance.dossier),
        )
