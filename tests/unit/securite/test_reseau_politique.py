"""The one URL and host policy (recette.reseau): every refusal, read as the HTTP clients read
the address; the profile's allow-list; the guards of the requests and urllib clients, checked at
send time on each request and redirect against a listener on 127.0.0.2 that must receive
nothing. No browser, no server process (local threads only)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
import yaml

from recette.adaptateur.echanges import ClientEchanges, config_donnees
from recette.adaptateur.profil import charger_profil
from recette.erreurs import ProfilInvalide
from recette.lanceur import sonder_cible
from recette.reseau import (
    AdresseRefusee,
    Politique,
    affichable,
    ouvreur,
    politique_du_profil,
    session_gardee,
    verifier_adresse,
)

RACINE = Path(__file__).resolve().parents[3]
LOCALE = Politique(("127.0.0.1", "localhost"), "clé « hotes_autorises » de essai.yaml")
AUTRE_HOTE = "127.0.0.2"


def refus(url: str, politique: Politique = LOCALE) -> str:
    with pytest.raises(AdresseRefusee) as erreur:
        verifier_adresse(url, politique, "option --cible")
    message = erreur.value.message
    assert "option --cible" in message and "refusée" in message
    return message


# --- the policy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "hote", "port"),
    [
        ("http://127.0.0.1:8765/", "127.0.0.1", 8765),
        ("https://localhost/", "localhost", 443),
        ("HTTP://LocalHost:80/chemin?q=1#x", "localhost", 80),
        ("http://127.0.0.1", "127.0.0.1", 80),
    ],
)
def test_une_adresse_autorisee_est_normalisee(url, hote, port):
    adresse = verifier_adresse(url, LOCALE, "option --cible")
    assert (adresse.hote, adresse.port) == (hote, port)
    assert adresse.url.startswith(f"{adresse.schema}://{hote}")


@pytest.mark.parametrize(
    ("url", "motif"),
    [
        ("notaurl", "http(s)"),
        ("", "vide"),
        ("file:///etc/hostname", "http(s)"),
        ("ftp://127.0.0.1/", "http(s)"),
        ("javascript:alert(1)", "http(s)"),
        ("//127.0.0.1/", "http(s)"),
        ("http://[::1", "illisible"),
        ("http://127.0.0.1:99999/", "illisible"),
        ("http://127.0.0.1:+80/", "illisible"),
        ("http://127.0.0.1:abc/", "illisible"),
        ("http://127.0.0.1:0/", "port"),
        ("http:///chemin", "hôte"),
        ("http://user:pw@127.0.0.1:9/", "identifiant"),
        ("http://user@127.0.0.1/", "identifiant"),
        ("http://127.0.0.1:9@127.0.0.2:9/", "identifiant"),
        ("http://127.0.0.2:9\\@127.0.0.1:9/", "barre oblique inverse"),
        ("http://127.0.0.1:9\\@127.0.0.2/", "barre oblique inverse"),
        ("http://127.0.0.1\t/", "caractère de contrôle"),
        ("http://127.0.0.1 /", "espace"),
        (" http://127.0.0.1/", "espace"),
        ("http://127.0.0.1/\r\nX: y", "caractère de contrôle"),
        ("http://127.0.0.%32/", "hôte"),  # urllib3 and urllib decode it to 127.0.0.2
        ("http://lo%63alhost/", "hôte"),
        ("http://127.0.0.1./", "n'est pas autorisé"),  # not the same name for a resolver
        ("http://127.1/", "n'est pas autorisé"),  # 127.0.0.1 for inet_aton, not in the list
        ("http://2130706433/", "n'est pas autorisé"),
        ("http://[::1]/", "n'est pas autorisé"),
        ("http://[::ffff:127.0.0.1]/", "n'est pas autorisé"),
        ("http://10.1.2.3/", "n'est pas autorisé"),
        ("http://exemple.fr/", "n'est pas autorisé"),
        ("http://lоcalhost/", "non ASCII"),  # a Cyrillic « о »
    ],
)
def test_chaque_refus_est_nomme_en_francais(url, motif):
    assert motif in refus(url)


def test_le_refus_ne_montre_jamais_les_identifiants():
    message = refus("http://medecin:PIN-4242@127.0.0.1:9/")
    assert "PIN-4242" not in message and "medecin" not in message
    assert "…@127.0.0.1:9" in message
    assert "PIN-4242" not in refus("http://x:PIN-4242\\@127.0.0.1/")
    assert affichable("http://a:b@h/p@q") == "http://…@h/p@q"
    assert affichable("http://h/\x1b[31m") == "http://h/\\x1b[31m"


def test_le_refus_nomme_les_hotes_autorises_et_leur_source():
    message = refus("http://10.1.2.3/")
    assert "« 10.1.2.3 »" in message and "127.0.0.1, localhost" in message
    assert "clé « hotes_autorises » de essai.yaml" in message


def test_ipv6_de_boucle_quand_le_profil_l_autorise():
    politique = Politique(("::1",), "essai")
    assert verifier_adresse("http://[::1]:8080/", politique, "x").hote == "::1"
    assert verifier_adresse("http://[0:0::1]/", politique, "x").hote == "::1"
    refus("http://127.0.0.1/", politique)


# --- the profile's allow-list ----------------------------------------------------------------


def _profil(tmp_path, modifier) -> Path:
    brut = yaml.safe_load((RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8"))
    modifier(brut)
    chemin = tmp_path / "fournisseur.yaml"
    chemin.write_text(yaml.safe_dump(brut, allow_unicode=True), encoding="utf-8")
    return chemin


def test_les_profils_de_demo_n_autorisent_que_cette_machine():
    for nom in ("demo-a", "demo-b"):
        assert charger_profil(nom, RACINE).politique.hotes == ("127.0.0.1", "localhost")


def test_sans_liste_l_hote_du_fichier_seul_est_autorise(tmp_path):
    def sans_liste(brut):
        brut.pop("hotes_autorises", None)
        brut["charge"].pop("hotes_autorises", None)
        brut["cible"] = "http://LOCALHOST:8765/"

    profil = charger_profil(str(_profil(tmp_path, sans_liste)), RACINE)
    assert profil.politique.hotes == ("localhost",)
    assert profil.cible == "http://localhost:8765/"
    # The default comes from the file, never from --cible.
    with pytest.raises(AdresseRefusee, match="« 127.0.0.1 » n'est pas autorisé"):
        profil.avec_cible("http://127.0.0.1:8765/")


def test_l_ancienne_liste_de_la_charge_s_ajoute(tmp_path):
    def ancienne(brut):
        brut["hotes_autorises"] = ["127.0.0.1"]
        brut["charge"]["hotes_autorises"] = ["LOCALHOST", "[::1]"]

    politique = charger_profil(str(_profil(tmp_path, ancienne)), RACINE).politique
    assert politique.hotes == ("127.0.0.1", "localhost", "::1")


@pytest.mark.parametrize(
    "valeur", ["127.0.0.1", [], ["http://127.0.0.1/"], ["127.0.0.1:80"], [""], [None], ["a b"]]
)
def test_une_liste_d_hotes_malformee_est_nommee(tmp_path, valeur):
    def malformee(brut):
        brut["hotes_autorises"] = valeur

    with pytest.raises(ProfilInvalide, match=r"fournisseur\.yaml : « hotes_autorises »"):
        charger_profil(str(_profil(tmp_path, malformee)), RACINE)


def test_la_cible_du_fichier_suit_la_politique(tmp_path):
    def ailleurs(brut):
        brut["cible"] = "http://10.1.2.3/"

    with pytest.raises(AdresseRefusee, match=r"clé « cible » de .*fournisseur\.yaml"):
        charger_profil(str(_profil(tmp_path, ailleurs)), RACINE)


def test_la_politique_lit_le_fichier_seul():
    politique = politique_du_profil({"cible": "http://[::1]:9/"}, Path("p.yaml"))
    assert politique.hotes == ("::1",)
    assert politique_du_profil({"cible": "http://[::1"}, Path("p.yaml")).hotes == ()


def test_la_cible_donnee_en_option_est_verifiee_avant_tout():
    profil = charger_profil("demo-a", RACINE)
    assert profil.avec_cible(None) is profil
    assert profil.avec_cible("http://LOCALHOST:9/").cible == "http://localhost:9/"
    for mauvaise in ("", "notaurl", "http://10.1.2.3/", "http://u:p@127.0.0.1/"):
        with pytest.raises(AdresseRefusee, match="option --cible"):
            profil.avec_cible(mauvaise)


# --- the clients, at send time ---------------------------------------------------------------


class _Ecouteur:
    """Records connections on 127.0.0.2 (a negative check proves it sees them)."""

    def __init__(self):
        self.socket = socket.create_server((AUTRE_HOTE, 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connexions = 0
        self._arret = threading.Event()
        self._fil = threading.Thread(target=self._servir, daemon=True)
        self._fil.start()

    def _servir(self):
        while not self._arret.is_set():
            try:
                connexion, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connexions += 1
            with connexion:
                try:
                    connexion.recv(65536)
                    connexion.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                except OSError:
                    pass


@pytest.fixture
def ecouteur():
    e = _Ecouteur()
    with socket.create_connection((AUTRE_HOTE, e.port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        s.recv(100)
    limite = time.monotonic() + 5
    while e.connexions == 0 and time.monotonic() < limite:
        time.sleep(0.02)
    assert e.connexions == 1  # it can see
    e.connexions = 0
    yield e
    e._arret.set()
    e._fil.join(timeout=5)
    e.socket.close()


@pytest.fixture
def serveur_local(ecouteur):
    """127.0.0.1: /ok answers, /ailleurs redirects to 127.0.0.2, /boucle to another allowed
    path."""

    class Gestionnaire(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/ailleurs"):
                self.send_response(302)
                self.send_header("Location", f"http://{AUTRE_HOTE}:{ecouteur.port}/vol")
            elif self.path.startswith("/boucle"):
                self.send_response(302)
                self.send_header("Location", "/ok")
            else:
                self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_POST = do_GET

        def log_message(self, *args):
            pass

    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gestionnaire)
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{serveur.server_address[1]}"
    serveur.shutdown()
    serveur.server_close()


def test_requests_refuse_chaque_requete_et_chaque_redirection(ecouteur, serveur_local):
    with session_gardee(LOCALE) as session:
        assert session.get(serveur_local + "/boucle", timeout=5).text == "ok"
        with pytest.raises(AdresseRefusee, match=r"127\.0\.0\.2.*n'est pas autorisé"):
            session.get(serveur_local + "/ailleurs", timeout=5)
        # requests rewrites the backslash to %5C: the guard sees the host it will reach.
        with pytest.raises(AdresseRefusee, match=r"« 127\.0\.0\.2 » n'est pas autorisé"):
            session.post(f"http://{AUTRE_HOTE}:{ecouteur.port}\\@127.0.0.1:9/", data={"pin": 1})
        with pytest.raises(AdresseRefusee):
            session.get(f"http://{AUTRE_HOTE}:{ecouteur.port}/", timeout=5)
    # Proof that the same client, unguarded, does reach the other host from that URL.
    assert ecouteur.connexions == 0
    with requests.Session() as libre:
        libre.trust_env = False
        libre.get(f"http://{AUTRE_HOTE}:{ecouteur.port}\\@127.0.0.1:9/", timeout=5)
    assert ecouteur.connexions == 1


def test_un_refus_compte_comme_un_echec_de_requete(ecouteur):
    """Locust catches requests' errors and counts them as failures: the refusal is one."""
    with session_gardee(LOCALE) as session:
        try:
            session.get(f"http://{AUTRE_HOTE}:{ecouteur.port}/", timeout=5)
        except requests.RequestException as exc:
            assert "n'est pas autorisé" in str(exc)
        else:
            pytest.fail("requête non refusée")
    assert ecouteur.connexions == 0


def test_urllib_refuse_chaque_requete_et_chaque_redirection(ecouteur, serveur_local):
    ouvrir = ouvreur(LOCALE).open
    with ouvrir(serveur_local + "/boucle", timeout=5) as reponse:
        assert reponse.read() == b"ok"
    with pytest.raises(AdresseRefusee, match=r"127\.0\.0\.2.*n'est pas autorisé"):
        ouvrir(serveur_local + "/ailleurs", timeout=5)
    for url in (
        f"http://{AUTRE_HOTE}:{ecouteur.port}/",
        "file:///etc/hostname",
        f"http://127.0.0.1:9@{AUTRE_HOTE}:{ecouteur.port}/",
    ):
        with pytest.raises(AdresseRefusee):
            ouvrir(url, timeout=5)
    assert ecouteur.connexions == 0


def test_la_sonde_et_les_echanges_ne_suivent_pas_une_redirection(ecouteur, serveur_local):
    profil = charger_profil("demo-a", RACINE).avec_cible(serveur_local + "/ailleurs")
    with pytest.raises(AdresseRefusee, match=r"127\.0\.0\.2"):
        sonder_cible(profil, delai=5)
    client = ClientEchanges(profil, config_donnees(profil), RACINE)
    with pytest.raises(AdresseRefusee, match=r"127\.0\.0\.2"):
        client._envoyer("Export", "/ailleurs")
    assert ecouteur.connexions == 0
