"""The bench's traffic stays on the hosts the profile allows, whatever the target looks like.

A plain TCP listener on 127.0.0.2 stands for « another host »: the demo profiles allow only
127.0.0.1 and localhost, so it must receive nothing, from any command, any client (requests,
urllib, Locust, Chromium), on the first request or after a redirect. The real CLI, the real demo
server and a real Chromium; nothing is mocked. No test here ever aims at a non-loopback address
that the bench could reach: the private-range target is refused before any connection.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from recette import demo as demonstration
from recette.adaptateur.profil import charger_profil

RACINE = Path(__file__).resolve().parents[3]
AUTRE_HOTE = "127.0.0.2"  # loopback, but not in the demo profiles' hotes_autorises


class Ecouteur:
    """A plain socket server that records every connection and the bytes it received. It answers
    a minimal HTTP 200 so that a client that did reach it goes on and shows what it would send
    next (a login form, a PIN)."""

    def __init__(self, hote: str = AUTRE_HOTE):
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((hote, 0))
        self.socket.listen(32)
        self.socket.settimeout(0.2)
        self.hote, self.port = hote, self.socket.getsockname()[1]
        self.recu: list[bytes] = []
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._servir, daemon=True)
        self._fil.start()

    def _servir(self) -> None:
        while not self._arret.is_set():
            try:
                connexion, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            with connexion:
                connexion.settimeout(1)
                donnees = b""
                try:
                    while b"\r\n\r\n" not in donnees and len(donnees) < 65536:
                        morceau = connexion.recv(65536)
                        if not morceau:
                            break
                        donnees += morceau
                    connexion.settimeout(0.3)
                    donnees += connexion.recv(65536)  # a form body, if any
                except OSError:
                    pass
                self.recu.append(donnees)
                try:
                    connexion.sendall(
                        b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n"
                        b"Connection: close\r\n\r\nok"
                    )
                except OSError:
                    pass

    def fermer(self) -> None:
        self._arret.set()
        self._fil.join(timeout=5)
        self.socket.close()


@pytest.fixture
def ecouteur():
    e = Ecouteur()
    # The negative check first: the listener does see a connection when one is made.
    with socket.create_connection((e.hote, e.port), timeout=5) as s:
        s.sendall(b"GET /preuve HTTP/1.0\r\n\r\n")
        s.recv(100)
    limite = time.monotonic() + 5
    while not e.recu and time.monotonic() < limite:
        time.sleep(0.05)
    assert e.recu and e.recu[0].startswith(b"GET /preuve")
    e.recu.clear()
    yield e
    e.fermer()


class _Redirection(http.server.BaseHTTPRequestHandler):
    ailleurs = ""

    def _rediriger(self):
        self.send_response(302)
        self.send_header("Location", self.ailleurs + self.path.lstrip("/"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _rediriger

    def log_message(self, *args):
        pass


@pytest.fixture
def redirection(ecouteur):
    """An allowed server (127.0.0.1) that sends every request on to the other host."""
    gestionnaire = type("R", (_Redirection,), {"ailleurs": f"http://{AUTRE_HOTE}:{ecouteur.port}/"})
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gestionnaire)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_address[1]}/"
    serveur.shutdown()
    serveur.server_close()


@pytest.fixture(scope="module")
def secrets_uniques():
    valeurs = {}
    for i, variable in enumerate(charger_profil("demo-a", RACINE).variables_secretes):
        valeurs[variable] = f"7{31_415_926 + i * 97}" if "_PIN_" in variable else f"mdp-res-{i}z"
    return valeurs


@pytest.fixture(scope="module")
def serveur(secrets_uniques):
    with demonstration.demarrer("a", environnement=secrets_uniques) as demo:
        yield demo


def recette(args, env_en_plus, timeout=300):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env.update(env_en_plus)
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _refusee(execution, ecouteur: Ecouteur, rapports: Path, secrets: dict) -> str:
    sortie = execution.stdout + execution.stderr
    assert ecouteur.recu == [], f"{AUTRE_HOTE} a reçu : {ecouteur.recu!r}"
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie and "Erreur :" in execution.stderr, sortie
    assert all(v not in sortie for v in secrets.values())
    # Nothing half-made: no séance, running or sealed; no load report.
    if rapports.exists():
        assert not [p for p in rapports.rglob("seance.json")], sorted(rapports.rglob("*"))
        assert not (rapports / "performances").exists()
    return " ".join(execution.stderr.split())


def _contournements(ecouteur: Ecouteur, serveur_url: str) -> dict[str, str]:
    port_demo = serveur_url.rstrip("/").rsplit(":", 1)[1]
    p = ecouteur.port
    return {
        "barre-inverse": f"http://{AUTRE_HOTE}:{p}\\@127.0.0.1:{port_demo}/",
        "identifiants": f"http://127.0.0.1:{port_demo}@{AUTRE_HOTE}:{p}/",
        "autre-hote": f"http://{AUTRE_HOTE}:{p}/",
    }


@pytest.mark.parametrize("cas", ["barre-inverse", "identifiants", "autre-hote"])
def test_charge_vers_un_hote_non_autorise_refusee(
    cas, ecouteur, serveur, secrets_uniques, tmp_path
):
    cible = _contournements(ecouteur, serveur.url)[cas]
    execution = recette(
        ["charge", "--profil", "demo-a", "--cible", cible, "--duree", "5s", "--sans-navigateur"],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    message = _refusee(execution, ecouteur, tmp_path, secrets_uniques)
    assert "refusée" in message and "--cible" in message, message
    assert "hotes_autorises" in message or "identifiant" in message or "\\" in message, message


def test_charge_ne_suit_pas_une_redirection(ecouteur, redirection, secrets_uniques, tmp_path):
    execution = recette(
        ["charge", "--profil", "demo-a", "--cible", redirection, "--duree", "5s"],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    message = _refusee(execution, ecouteur, tmp_path, secrets_uniques)
    assert f"{AUTRE_HOTE}" in message and "refusée" in message, message


@pytest.mark.parametrize("cas", ["barre-inverse", "identifiants", "autre-hote"])
def test_lancer_vers_un_hote_non_autorise_refuse(cas, ecouteur, serveur, secrets_uniques, tmp_path):
    cible = _contournements(ecouteur, serveur.url)[cas]
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", cible],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    message = _refusee(execution, ecouteur, tmp_path, secrets_uniques)
    assert "refusée" in message and "--cible" in message, message


def test_lancer_ne_suit_pas_une_redirection(ecouteur, redirection, secrets_uniques, tmp_path):
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", redirection],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    message = _refusee(execution, ecouteur, tmp_path, secrets_uniques)
    assert AUTRE_HOTE in message and "refusée" in message, message


def _paquet(tmp_path: Path) -> Path:
    """A minimal, well-formed reproduction pack of a read-only scenario."""
    feature = RACINE / "features/dossier-patient/synthese.feature"
    chemin = tmp_path / "ANO-2026-0001.zip"
    with zipfile.ZipFile(chemin, "w") as archive:
        archive.writestr(
            "paquet.json",
            json.dumps(
                {
                    "numero": "ANO-2026-0001",
                    "titre": "Synthèse",
                    "exigences": ["EXG-DP-04"],
                    "scenario": "Le médecin traitant consulte la synthèse",
                    "feature": "features/dossier-patient/synthese.feature",
                    "ligne": 11,
                    "parametres": {},
                    "phase": "va",
                    "profil": "demo-a",
                    "seance": "VA-20260101-000000-demo-a",
                }
            ),
        )
        archive.writestr("scenario/synthese.feature", feature.read_text(encoding="utf-8"))
    return chemin


@pytest.mark.parametrize(
    "commande",
    [
        ["donnees", "environnement", "--profil", "demo-a", "--jeu", "formation"],
        ["reprise", "verifier", "--profil", "demo-a", "--pivot", "{pivot}"],
        ["reprise", "reversibilite", "--profil", "demo-a", "--pivot", "{pivot}"],
        ["rejouer", "{paquet}", "--profil", "demo-a"],
    ],
    ids=["donnees-environnement", "reprise-verifier", "reprise-reversibilite", "rejouer"],
)
@pytest.mark.parametrize("cas", ["barre-inverse", "autre-hote"])
def test_chaque_commande_refuse_la_cible(
    commande, cas, ecouteur, serveur, secrets_uniques, tmp_path
):
    pivot = tmp_path / "pivot"
    pivot.mkdir()
    valeurs = {"{pivot}": str(pivot), "{paquet}": str(_paquet(tmp_path))}
    args = [valeurs.get(a, a) for a in commande]
    cible = _contournements(ecouteur, serveur.url)[cas]
    rapports = tmp_path / "rapports"
    execution = recette(
        [*args, "--cible", cible], {**secrets_uniques, "RECETTE_RAPPORTS": str(rapports)}
    )
    message = _refusee(execution, ecouteur, rapports, secrets_uniques)
    assert "refusée" in message and "--cible" in message, message


def test_remplir_un_environnement_ne_suit_pas_une_redirection(
    ecouteur, redirection, secrets_uniques, tmp_path
):
    execution = recette(
        ["donnees", "environnement", "--profil", "demo-a", "--cible", redirection],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
    )
    message = _refusee(execution, ecouteur, tmp_path, secrets_uniques)
    assert AUTRE_HOTE in message and "refusée" in message, message


# Item 9: a bad --cible is a French refusal, exit 2, no séance; never a traceback.
CIBLES_INVALIDES = {
    "pas-une-adresse": ("notaurl", "http(s)"),
    "ipv6-non-fermee": ("http://[::1", "illisible"),
    "fichier-local": ("file:///etc/hostname", "http(s)"),
    "barre-inverse": ("http://AUTRE:1\\@127.0.0.1:9/", "barre oblique inverse"),
    "identifiants": ("http://utilisateur:secret-xyz@127.0.0.1:9/", "identifiant"),
    # Never reached: refused by the allow-list before any connection or name resolution.
    "adresse-privee": ("http://10.1.2.3/", "n'est pas autorisé"),
}


@pytest.mark.parametrize("cas", list(CIBLES_INVALIDES))
def test_une_cible_invalide_est_refusee_en_francais(cas, secrets_uniques, tmp_path):
    cible, motif = CIBLES_INVALIDES[cas]
    execution = recette(
        ["lancer", "--profil", "demo-a", "--cible", cible],
        {**secrets_uniques, "RECETTE_RAPPORTS": str(tmp_path)},
        timeout=60,
    )
    sortie = execution.stdout + execution.stderr
    assert execution.returncode == 2, sortie
    assert "Traceback" not in sortie and "Erreur :" in execution.stderr, sortie
    message = " ".join(execution.stderr.split())
    assert "--cible" in message and motif in message, message
    assert "secret-xyz" not in sortie  # a password written in an address is never echoed
    assert not list(tmp_path.rglob("seance.json")) and not list(tmp_path.rglob("*.json"))
    en_cours = tmp_path / ".en-cours"
    assert not en_cours.exists() or not any(en_cours.iterdir())


# The browser: every request of a séance's context (documents, resources, fetch, WebSocket,
# redirects) to another host is blocked and reported in French in the evidence.
PAGE_INDISCRETE = """<!doctype html><html lang="fr"><body><h1>Accueil</h1>
<img src="http://{ailleurs}/image.png">
<script>
  fetch("http://{ailleurs}/fetch", {{mode: "no-cors"}}).catch(() => {{}});
  try {{ new WebSocket("ws://{ailleurs}/ws"); }} catch (e) {{}}
</script></body></html>"""


def test_le_navigateur_ne_joint_que_les_hotes_du_profil(ecouteur, redirection, tmp_path):
    from playwright.sync_api import Error as ErreurPlaywright
    from playwright.sync_api import sync_playwright

    from recette.capture import Capture
    from recette.navigateur import lancer_chromium

    politique = charger_profil("demo-a", RACINE).politique
    ailleurs = f"{AUTRE_HOTE}:{ecouteur.port}"
    with sync_playwright() as p:
        navigateur = lancer_chromium(p)
        try:
            # The negative check: an unguarded context does reach the other host.
            libre = navigateur.new_context()
            libre.new_page().goto(f"http://{ailleurs}/libre", wait_until="load")
            libre.close()
            assert ecouteur.recu

            cap = Capture.ouvrir(navigateur, tmp_path / "preuves", politique=politique, video=False)
            with pytest.raises(ErreurPlaywright):
                cap.page.goto(redirection + "accueil", wait_until="load")
            with pytest.raises(ErreurPlaywright):
                cap.page.goto(f"http://{ailleurs}/direct", wait_until="load")
            cap.page.set_content(PAGE_INDISCRETE.format(ailleurs=ailleurs))
            cap.page.wait_for_timeout(1000)  # let the page's own requests be attempted
            gardes = cap.fermer(echec=False)
        finally:
            navigateur.close()
    # Only the unguarded page (and its favicon, whose Referer names it) ever got there.
    assert all(b"/libre" in recu for recu in ecouteur.recu), ecouteur.recu
    bloquees = tmp_path / "preuves" / "requetes-bloquees.txt"
    assert bloquees in gardes
    texte = bloquees.read_text(encoding="utf-8")
    assert texte.startswith("Requêtes du navigateur bloquées par le banc")
    for chemin in ("/accueil", "/direct", "/image.png", "/fetch", "/ws"):
        assert f"{ailleurs}{chemin}" in texte, texte
    assert "« 127.0.0.2 » n'est pas autorisé" in texte and "hotes_autorises" in texte


def test_locust_ne_suit_pas_une_redirection(ecouteur, redirection, secrets_uniques, tmp_path):
    """The load itself, past the pre-checks: each simulated user's requests are checked when
    sent; a redirect to another host is a failed request with the French reason."""
    from recette.performances.charge import TirDeCharge
    from recette.performances.plan import lire_plan

    profil = charger_profil("demo-a", RACINE).avec_cible(redirection)
    plan = lire_plan(profil, RACINE)
    anciens = {k: os.environ.get(k) for k in secrets_uniques}
    os.environ.update(secrets_uniques)
    try:
        tir = TirDeCharge(
            plan, profil, RACINE, redirection, tmp_path / "tir", utilisateurs=2, duree_s=3
        )
        try:
            tir.demarrer()
            resultat = tir.attendre()
        finally:
            tir.arreter()
    finally:
        for cle, valeur in anciens.items():
            if valeur is None:
                os.environ.pop(cle, None)
            else:
                os.environ[cle] = valeur
    assert ecouteur.recu == []
    lignes = [
        json.loads(ligne)
        for fichier in (tmp_path / "tir" / "mesures-charge").glob("*.jsonl")
        for ligne in fichier.read_text(encoding="utf-8").splitlines()
    ]
    assert lignes and all(not ligne["succes"] for ligne in lignes)
    assert all("« 127.0.0.2 » n'est pas autorisé" in ligne["erreur"] for ligne in lignes), lignes
    assert {m.operation for m in resultat.mesures} == {plan.connexion.nom}
