"""The VSR probe against the real demo server, in real Chromium, alerting a real SMTP server on
loopback (aiosmtpd). Run under the browser lock:
flock /tmp/recette-navigateur.lock .venv/bin/python -m pytest -q tests/test_vsr_sonde.py"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import psutil
import pytest
import yaml
from aiosmtpd.controller import Controller

from recette.adaptateur.profil import charger_profil
from recette.contrat import charger_contrat
from recette.demo import demarrer
from recette.erreurs import ProfilInvalide
from recette.vsr.alertes import Observation, Surveillance
from recette.vsr.chronologie import Etat, echantillons_indisponibles
from recette.vsr.courriel import ConfigurationCourriel
from recette.vsr.depot import DepotFichiers, PosteInvalide, dossier_du_poste, lire
from recette.vsr.echantillons import (
    CadenceSonde,
    Echantillon,
    Etape,
    Serie,
    presences_depuis_battements,
)
from recette.vsr.jugement import juger_vsr
from recette.vsr.sonde import Alerteur, configuration_sonde, masquer

RACINE = Path(__file__).resolve().parents[2]
INTERVALLE = 5
PATIENT = "Paul Girard"
CONTRAT = charger_contrat(RACINE / "fixtures")
LIGNES = tuple(ligne.code for ligne in CONTRAT.performances.lignes)


# ----------------------------------------------------------------------------- fixtures


class _Boite:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def sujets(self) -> list[str]:
        return [str(make_header(decode_header(m["Subject"]))) for m in self.messages]


def _port_libre() -> int:
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        return libre.getsockname()[1]


@pytest.fixture
def relais():
    boite = _Boite()
    port = _port_libre()
    controleur = Controller(boite, hostname="127.0.0.1", port=port)
    controleur.start()
    try:
        yield boite, port
    finally:
        controleur.stop()


@pytest.fixture(scope="module")
def secrets_uniques() -> dict[str, str]:
    """Fresh values for every secret of the profile: the demo and the probe share them, and
    every record is scanned for them afterwards."""
    profil = charger_profil("demo-a", RACINE)
    return {
        v: (f"{os.getpid()}{i:02d}7319" if "_PIN_" in v else f"mdp-sonde-{os.getpid()}-{i}")
        for i, v in enumerate(profil.variables_secretes)
    }


def profil_de_test(dossier: Path, port_smtp: int, production: bool = False) -> Path:
    brut = yaml.safe_load((RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8"))
    brut["production"] = production
    brut["sonde"].update(
        intervalle_secondes=INTERVALLE,
        tolerance_secondes=INTERVALLE,
        echecs_consecutifs=2,
        delai_detection_max_secondes=30,
    )
    brut["sonde"]["alerte"]["port"] = port_smtp
    chemin = dossier / ("profil-production.yaml" if production else "profil.yaml")
    chemin.write_text(yaml.safe_dump(brut, allow_unicode=True, sort_keys=False), "utf-8")
    return chemin


def _env(rapports: Path, secrets: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    return {**env, **secrets, "RECETTE_RAPPORTS": str(rapports), "PYTHONUNBUFFERED": "1"}


def sonde(profil: Path, cible: str, rapports: Path, secrets, *options, poste="accueil-1"):
    commande = [sys.executable, "-m", "recette.cli", "sonde", "--profil", str(profil)]
    commande += ["--poste", poste, "--cible", cible, *options]
    return subprocess.run(
        commande,
        cwd=RACINE,
        env=_env(rapports, secrets),
        capture_output=True,
        text=True,
        timeout=600,
    )


def fenetre_de_panne(demo) -> tuple[datetime, datetime]:
    for ligne in demo.sortie:
        trouve = re.search(r"Panne simulée : du (\S+) au (\S+) \(UTC\)", ligne)
        if trouve:
            return datetime.fromisoformat(trouve.group(1)), datetime.fromisoformat(trouve.group(2))
    raise AssertionError(f"fenêtre de panne non annoncée : {demo.sortie}")


def disponibles(echantillons) -> list[bool]:
    serie = Serie.depuis(list(echantillons), LIGNES)
    return list(~echantillons_indisponibles(serie, CONTRAT.performances, CONTRAT.disponibilite))


def sans_fuite(dossier: Path, secrets: dict[str, str], *textes: str) -> None:
    contenus = [f.read_text(encoding="utf-8") for f in dossier.rglob("*") if f.is_file()]
    for contenu in [*contenus, *textes]:
        for valeur in secrets.values():
            assert valeur not in contenu
        assert "Girard" not in contenu and "Paul" not in contenu


# ------------------------------------------------------------- unit tests (no browser)


def test_les_erreurs_masquent_le_patient_de_test_et_les_secrets():
    texte = masquer(
        "ouverture du dossier : Patient « Paul Girard » introuvable en recherchant « girard » "
        "(mot de passe s3cret)",
        PATIENT,
        ("s3cret",),
    )
    assert "Girard" not in texte and "girard" not in texte and "s3cret" not in texte
    assert texte.count("[patient de test]") == 2 and "[secret]" in texte
    # A word that merely contains the name is not a patient identity.
    assert masquer("Paulette", PATIENT) == "Paulette"


def test_section_sonde_du_profil_controlee(tmp_path):
    config = configuration_sonde(charger_profil("demo-a", RACINE))
    assert config.echecs_consecutifs == 2 and config.courriel.hote == "127.0.0.1"
    brut = yaml.safe_load((RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8"))

    def avec(modifier) -> Path:
        copie = yaml.safe_load(yaml.safe_dump(brut, allow_unicode=True))
        modifier(copie["sonde"])
        chemin = tmp_path / "p.yaml"
        chemin.write_text(yaml.safe_dump(copie, allow_unicode=True), "utf-8")
        return chemin

    def refus(modifier, attendu: str) -> None:
        with pytest.raises(ProfilInvalide, match=attendu):
            configuration_sonde(charger_profil(str(avec(modifier)), RACINE))

    refus(lambda s: s["alerte"].update(hote="smtp.example.org"), "hôtes autorisés")
    refus(lambda s: s.update(echecs_consecutifs=5), "délai maximal de détection")
    refus(lambda s: s.update(compte="robot"), "aucun compte « robot »")
    refus(lambda s: s.update(intervalle_secondes=0), "intervalle_secondes")
    # An unknown key is refused at load time, like every section of a profile.
    with pytest.raises(ProfilInvalide, match="intervale_secondes"):
        charger_profil(str(avec(lambda s: s.update(intervale_secondes=5))), RACINE)


def test_depot_ajoute_relit_et_survit_a_une_ligne_coupee(tmp_path):
    dossier = dossier_du_poste(tmp_path, "demo-a", "accueil-1")
    depot = DepotFichiers(dossier)
    t0 = datetime.fromisoformat("2027-03-28T23:59:58+00:00")
    depot.ajouter(Echantillon("accueil-1", t0, True, (Etape("liste", "liste_100", 0.5),)))
    depot.battement(t0 + timedelta(seconds=1), {"statut": 200, "secondes": 0.01})
    # Across UTC midnight: a second day's file.
    depot.ajouter(Echantillon("accueil-1", t0 + timedelta(seconds=5), False, (), "échec"))
    with open(dossier / "echantillons-2027-03-28.jsonl", "a", encoding="utf-8") as f:
        f.write('{"type": "echantillon", "poste": "acc')  # a crash in mid-write
    lecture = lire(dossier)
    assert sorted(p.name for p in dossier.iterdir()) == [
        "echantillons-2027-03-28.jsonl",
        "echantillons-2027-03-29.jsonl",
    ]
    assert [e.reussi for e in lecture.echantillons] == [True, False]
    assert lecture.echantillons[0].etapes == (Etape("liste", "liste_100", 0.5),)
    assert lecture.battements == (t0 + timedelta(seconds=1),)
    assert lecture.controles[0]["statut"] == 200 and lecture.lignes_illisibles == 1
    for poste in ("../x", "a/b", "", ".cache"):
        with pytest.raises(PosteInvalide):
            dossier_du_poste(tmp_path, "demo-a", poste)


def test_relais_en_panne_journalise_puis_renvoie_au_prochain_evenement(relais):
    boite, port = relais
    journal: list[str] = []
    alerteur = Alerteur(
        Surveillance(2),
        ConfigurationCourriel("127.0.0.1", _port_libre(), "s@msp.invalid", ("m@msp.invalid",), 2),
        "MSP Démo",
        journal.append,
    )
    t0 = datetime.fromisoformat("2027-01-04T10:00:00+00:00")
    for i, ok in enumerate((False, False)):
        alerteur.observer(Observation("accueil-1", t0 + timedelta(seconds=5 * i), ok))
    assert any("n'a pas pu être envoyée" in ligne for ligne in journal)
    assert alerteur.en_attente and not boite.messages
    # The relay comes back: the end event goes out, and the start kept from before first.
    alerteur.courriel = ConfigurationCourriel(
        "127.0.0.1", port, "s@msp.invalid", ("m@msp.invalid",)
    )
    alerteur.observer(Observation("accueil-1", t0 + timedelta(seconds=10), True))
    sujets = boite.sujets()
    assert len(sujets) == 2 and "Interruption" in sujets[0] and "Fin" in sujets[1]


def test_cli_refuse_un_poste_ou_une_duree_illisible(tmp_path, secrets_uniques):
    profil = RACINE / "fixtures/profils/demo-a.yaml"
    for options, attendu in (
        (("--poste", "../etc"), "Nom de poste"),
        (("--poste", "accueil-1", "--duree", "dix minutes"), "durée"),
        (("--poste", "accueil-1", "--cible", "http://10.0.0.1/"), "n'est pas autorisé"),
    ):
        commande = [sys.executable, "-m", "recette.cli", "sonde", "--profil", str(profil)]
        execution = subprocess.run(
            [*commande, *options],
            cwd=RACINE,
            env=_env(tmp_path, secrets_uniques),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert execution.returncode == 2, execution.stdout + execution.stderr
        assert attendu in execution.stdout + execution.stderr
        assert "Traceback" not in execution.stderr
    assert not (tmp_path / "vsr").exists()


def test_demo_refuse_une_fenetre_de_panne_illisible():
    execution = subprocess.run(
        [sys.executable, "-m", "demo_solution", "--defauts", "panne"],
        cwd=RACINE,
        env={**os.environ, "RECETTE_DEMO_PANNE": "80-40"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert execution.returncode == 2 and "RECETTE_DEMO_PANNE" in execution.stderr


# ----------------------------------------------------- end to end (browser lock)


def test_une_panne_est_mesuree_a_un_intervalle_pres_et_signalee_par_courriel(
    tmp_path, relais, secrets_uniques
):
    boite, port = relais
    profil = profil_de_test(tmp_path, port)
    rapports = tmp_path / "rapports"
    environnement = {**secrets_uniques, "RECETTE_DEMO_PANNE": "40-80"}
    with demarrer("a", ("panne",), environnement=environnement) as demo:
        debut_panne, fin_panne = fenetre_de_panne(demo)
        execution = sonde(profil, demo.url, rapports, secrets_uniques, "--duree", "125s")
    assert execution.returncode == 0, execution.stdout + execution.stderr
    dossier = rapports / "vsr" / "demo-a" / "accueil-1"
    lecture = lire(dossier)
    echantillons = lecture.echantillons
    etats = disponibles(echantillons)
    # Negative check first: before the outage the probe sees the solution available (one
    # sample may be slow on a loaded machine: slow counts as down, it is not a failure).
    avant = [ok for e, ok in zip(echantillons, etats, strict=True) if e.instant < debut_panne]
    assert len(avant) >= 5 and sum(avant[:-1]) >= len(avant) - 2
    assert [e.ligne for e in echantillons[0].etapes] == [
        "ouverture_application",
        "liste_100",
        "requete_simple",
        "ouverture_ecran",
    ]
    # The outage makes the transaction fail (503): those failures date it.
    echecs = [e for e in echantillons if not e.reussi]
    premier_echec, dernier_echec = echecs[0], echecs[-1]
    retour = next(e for e in echantillons if e.reussi and e.instant > dernier_echec.instant)
    pas = timedelta(seconds=INTERVALLE)
    marge = timedelta(seconds=0.5)  # the demo's two clock readings, the probe's start of cycle
    assert abs(premier_echec.instant - debut_panne) <= pas + marge
    assert abs(retour.instant - fin_panne) <= pas + marge
    # Failures only inside the outage (a cycle started just before may fail in it).
    assert all(debut_panne - pas <= e.instant <= fin_panne for e in echecs)
    assert all("503" in e.erreur or "n'est pas venu" in e.erreur for e in echecs)

    # Exactly one start and one end e-mail reached the local SMTP server.
    sujets = boite.sujets()
    assert len(sujets) == 2, sujets
    assert "Interruption de service détectée" in sujets[0] and "« accueil-1 »" in sujets[0]
    assert "Fin de l'interruption" in sujets[1]
    assert "Courriel envoyé" in execution.stdout

    # The contract's judgement on those samples counts the outage, within two intervals.
    cadence = CadenceSonde(pas, pas)
    jugement = juger_vsr(
        Serie.depuis(list(echantillons), LIGNES),
        CONTRAT,
        debut_vsr=echantillons[0].instant,
        jusqu_au=echantillons[-1].instant + pas,
        cadence=cadence,
        presences=presences_depuis_battements("accueil-1", lecture.battements, cadence.validite),
    )
    debuts, fins = jugement.chronologie.segments(Etat.INDISPONIBLE)
    indisponible_s = float((fins - debuts).sum()) / 1e6
    assert abs(indisponible_s - (fin_panne - debut_panne).total_seconds()) <= 2 * INTERVALLE
    # Light HTTP checks between cycles went with the heartbeats; some saw the 503.
    statuts = {c["statut"] for c in lecture.controles}
    assert 200 in statuts and 503 in statuts
    sans_fuite(rapports, secrets_uniques, execution.stdout, execution.stderr)


def test_une_lenteur_rend_les_echantillons_indisponibles(tmp_path, relais, secrets_uniques):
    boite, port = relais
    profil = profil_de_test(tmp_path, port)
    rapports = tmp_path / "rapports"
    environnement = {**secrets_uniques, "RECETTE_DEMO_LENTEUR": "1.2"}
    with demarrer("a", ("lenteur",), environnement=environnement) as demo:
        execution = sonde(profil, demo.url, rapports, secrets_uniques, "--duree", "35s")
    assert execution.returncode == 0, execution.stdout + execution.stderr
    echantillons = lire(rapports / "vsr" / "demo-a" / "accueil-1").echantillons
    assert len(echantillons) >= 2
    # Every screen came (no failure), yet every sample is unavailable: slow counts as down.
    assert all(e.reussi for e in echantillons)
    assert not any(disponibles(echantillons))
    dossier = {e.nom: e.secondes for e in echantillons[0].etapes}["ouverture du dossier"]
    assert dossier >= CONTRAT.performances.ligne("ouverture_ecran").seuil_secondes
    assert "trop lent" in execution.stdout
    assert len(boite.sujets()) == 1 and "Interruption" in boite.sujets()[0]


def _empreinte_metier(base: Path) -> str:
    """The solution's business tables (the audit of logins is the solution's own reading log)."""
    empreinte = hashlib.sha256()
    with sqlite3.connect(f"file:{base}?mode=ro", uri=True) as connexion:
        for table in (
            "utilisateurs",
            "habilitations",
            "patients",
            "elements_medicaux",
            "correspondants",
            "rendezvous",
            "taches",
            "messages",
        ):
            for ligne in connexion.execute(f"SELECT * FROM {table} ORDER BY 1"):  # noqa: S608
                empreinte.update(repr(ligne).encode())
    return empreinte.hexdigest()


def test_production_lecture_seule_sans_capture_arret_propre_et_reprise(
    tmp_path, relais, secrets_uniques
):
    _, port = relais
    profil = profil_de_test(tmp_path, port, production=True)
    rapports = tmp_path / "rapports"
    with demarrer("a", environnement=secrets_uniques) as demo:
        avant = _empreinte_metier(demo.base)
        commande = [sys.executable, "-m", "recette.cli", "sonde", "--profil", str(profil)]
        commande += ["--poste", "accueil-1", "--cible", demo.url]
        processus = subprocess.Popen(
            commande,
            cwd=RACINE,
            env=_env(rapports, secrets_uniques),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lignes: list[str] = []
        deux_cycles, relance = threading.Event(), threading.Event()

        def lire_sortie():
            for ligne in processus.stdout:
                lignes.append(ligne)
                if sum("UTC :" in x for x in lignes) >= 2:
                    deux_cycles.set()
                vus = [i for i, x in enumerate(lignes) if "relance" in x]
                if vus and any("UTC :" in x for x in lignes[vus[0] :]):
                    relance.set()

        threading.Thread(target=lire_sortie, daemon=True).start()
        assert deux_cycles.wait(180), "".join(lignes) + processus.stderr.read()
        # The probe's browser crashes (killed here, by id: this test started it): relaunched.
        navigateurs = [
            p
            for p in psutil.Process(processus.pid).children(recursive=True)
            if "chrom" in p.name().lower()
        ]
        assert navigateurs
        for navigateur in navigateurs:
            navigateur.kill()
        assert relance.wait(120), "".join(lignes)
        processus.send_signal(signal.SIGTERM)
        assert processus.wait(60) == 0
        time.sleep(0.2)
        dossier = rapports / "vsr" / "demo-a" / "accueil-1"
        premiers = lire(dossier).echantillons
        assert len(premiers) >= 2 and all(e.reussi for e in premiers)
        assert any("Sonde arrêtée" in x for x in lignes)

        # A restart goes on appending to the same records.
        reprise = sonde(profil, demo.url, rapports, secrets_uniques, "--duree", "8s")
        assert reprise.returncode == 0, reprise.stdout + reprise.stderr
        apres = _empreinte_metier(demo.base)
    tous = lire(dossier).echantillons
    assert len(tous) > len(premiers) and tous[: len(premiers)] == premiers
    # Nothing written to the solution; no capture of any kind, only samples and heartbeats.
    assert apres == avant
    fichiers = [f for f in rapports.rglob("*") if f.is_file()]
    assert fichiers and all(
        re.fullmatch(r"echantillons-\d{4}-\d\d-\d\d\.jsonl", f.name) for f in fichiers
    ), fichiers
    assert not [f for f in fichiers if f.suffix in (".png", ".zip", ".webm", ".har", ".jpeg")]
    sans_fuite(rapports, secrets_uniques, "".join(lignes), reprise.stdout)
