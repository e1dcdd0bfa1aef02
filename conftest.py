"""Glue between pytest-bdd, Playwright, Allure and the recette library. Thin on purpose: the
logic lives in `recette/` (capture, etiquettes, adaptateur)."""

from __future__ import annotations

import os
from pathlib import Path

import allure
import pytest

RACINE = Path(__file__).resolve().parent

pytest_plugins = [
    "steps.generiques",
    "steps.connexion",
    "steps.dossier_patient",
    "steps.consentement",
    "steps.habilitations",
    "steps.coordination",
    "steps.echanges",
]


def pytest_addoption(parser):
    groupe = parser.getgroup("recette")
    groupe.addoption(
        "--profil", default=os.environ.get("RECETTE_PROFIL"), help="profil fournisseur"
    )
    groupe.addoption(
        "--cible", default=os.environ.get("RECETTE_CIBLE"), help="adresse de la solution"
    )
    groupe.addoption(
        "--preuves",
        default=os.environ.get("RECETTE_PREUVES"),
        help="dossier des preuves (traces, captures, vidéos)",
    )
    groupe.addoption(
        "--tags", default=os.environ.get("RECETTE_TAGS"), help="sélection par étiquettes"
    )
    groupe.addoption(
        "--sans-video", action="store_true", default=False, help="ne pas filmer les scénarios"
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "recette: scénario de recette")


def pytest_bdd_apply_tag(tag, function):
    """Tags stay on the function for `--tags` selection and Allure labels; none becomes a pytest
    mark (key:value tags could not be registered under --strict-markers anyway)."""
    etiquettes = getattr(function, "_recette_tags", set())
    etiquettes.add(tag)
    function._recette_tags = etiquettes
    return True


def pytest_collection_modifyitems(session, config, items):
    from recette.etiquettes import Selection

    # A référent's manual scenario is never played by the browser: it goes to the cahier.
    manuels = [
        i for i in items if "manuel" in getattr(getattr(i, "function", None), "_recette_tags", ())
    ]
    if manuels:
        config.hook.pytest_deselected(items=manuels)
        items[:] = [i for i in items if i not in manuels]
    if not config.getoption("--profil", default=None):
        return
    selection = Selection(config.getoption("--tags"))
    profil = _profil(config)
    gardes, ecartes = [], []
    for item in items:
        tags = getattr(getattr(item, "function", None), "_recette_tags", set())
        retenu = selection.retient(tags)
        if profil.production and "lecture-seule" not in tags:
            retenu = False  # production is read-only (DESIGN.md, Boundaries)
        (gardes if retenu else ecartes).append(item)
        if "a-ecrire" in tags:
            item.add_marker(pytest.mark.skip(reason="non écrit : scénario à écrire"))
    if ecartes:
        config.hook.pytest_deselected(items=ecartes)
        items[:] = gardes


def _profil(config):
    profil = getattr(config, "_recette_profil", None)
    if profil is None:
        from recette.adaptateur.profil import charger_profil

        profil = charger_profil(config.getoption("--profil"), RACINE).avec_cible(
            config.getoption("--cible")
        )
        config._recette_profil = profil
    return profil


@pytest.fixture(scope="session")
def profil(pytestconfig):
    if not pytestconfig.getoption("--profil"):
        pytest.exit("Précisez le profil fournisseur : --profil demo-a (ou RECETTE_PROFIL).", 2)
    return _profil(pytestconfig)


@pytest.fixture(scope="session")
def grille():
    from recette.grille import charger_grille

    return charger_grille(RACINE)


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import sync_playwright

    from recette.navigateur import lancer_chromium, preparer_ffmpeg

    preparer_ffmpeg()
    with sync_playwright() as p:
        browser = lancer_chromium(p)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def dossier_preuves(pytestconfig, tmp_path_factory):
    chemin = pytestconfig.getoption("--preuves")
    return Path(chemin) if chemin else tmp_path_factory.mktemp("preuves")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rapport = yield
    setattr(item, f"rapport_{rapport.when}", rapport)
    return rapport


@pytest.fixture
def capture(request, navigateur, dossier_preuves, pytestconfig, profil):
    from recette.capture import Capture, slug

    nom = slug(request.node.name.removeprefix("test_"), 90)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    dossier = dossier_preuves / (f"{nom}-{worker}" if worker else nom)
    cap = Capture.ouvrir(
        navigateur,
        dossier,
        politique=profil.politique,
        video=not pytestconfig.getoption("--sans-video"),
    )
    yield cap
    rapport = getattr(request.node, "rapport_call", None)
    echec = rapport is None or rapport.failed
    for fichier in cap.fermer(echec):
        relatif = fichier.relative_to(dossier_preuves.parent).as_posix()
        allure.dynamic.link(relatif, name=f"preuve : {fichier.name}")
        if fichier.name == "requetes-bloquees.txt":
            allure.attach.file(
                str(fichier),
                name="Requêtes bloquées par le banc",
                attachment_type=allure.attachment_type.TEXT,
            )
        if fichier.suffix == ".png":
            allure.attach.file(
                str(fichier),
                name="Capture d'écran de l'échec",
                attachment_type=allure.attachment_type.PNG,
            )


@pytest.fixture
def solution(capture, profil):
    from recette.adaptateur.solution import Solution

    return Solution(capture, profil, RACINE)


@pytest.fixture
def contexte():
    """What a scenario's steps remember between them (the patient being worked on, …)."""
    return {}


def pytest_bdd_before_scenario(request, feature, scenario):
    from recette.etiquettes import labels

    domaines = {}
    try:
        domaines = request.getfixturevalue("grille").domaines
    except Exception:  # a grid problem is reported by the séance's checks, not here
        pass
    for nom, valeur in labels(set(scenario.tags) | set(feature.tags), domaines):
        if nom == "epic":
            allure.dynamic.epic(valeur)
        elif nom == "story":
            allure.dynamic.story(valeur)
        elif nom == "severity":
            allure.dynamic.severity(valeur)
        elif nom == "tag":
            allure.dynamic.tag(valeur)
        else:
            allure.dynamic.label(nom, valeur)
