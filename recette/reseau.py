"""Where the bench may send a request: the one URL and host policy, and its guards in every
client that sends (requests and Locust, urllib, Chromium).

A URL is read the way the clients that send it read it: urllib3's `parse_url` (requests builds
its URL with it) and `urllib.parse.urlsplit` (requests and urllib connect to the host it gives).
Anything they could read differently is refused outright: userinfo (`user:pass@`), a backslash,
whitespace or control characters, a percent sign in the host. What remains must name an http(s)
host of the profile's allow-list (`hotes_autorises`). The check is made again at send time, on
each request and each redirect, in the client itself, so that no code path can go around it.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from recette.erreurs import ProfilInvalide, RecetteErreur

SCHEMAS = ("http", "https")
PORTS_PAR_DEFAUT = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_INTERDITS = re.compile(r"[\x00-\x20\x7f\\]")
_AUTORITE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#]*)")


class AdresseRefusee(RecetteErreur):
    """An address the bench must not send to: unreadable, not http(s), carrying userinfo, or on
    a host the profile does not allow. The message names the address (never its userinfo) and
    where it came from."""


@dataclass(frozen=True)
class Politique:
    """The hosts a profile allows (normalised: lower case, IPv6 without brackets) and where that
    list comes from, for the messages."""

    hotes: tuple[str, ...]
    source: str

    def autorise(self, hote: str) -> bool:
        return _normaliser_hote(hote) in self.hotes


@dataclass(frozen=True)
class Adresse:
    """A URL the policy accepted: what every client will connect to."""

    url: str
    schema: str
    hote: str  # lower case, IPv6 without brackets
    port: int


def affichable(url: Any, longueur: int = 160) -> str:
    """The URL as a message may show it: no userinfo (it may hold a secret), no control
    character, bounded length."""
    texte = str(url)
    trouve = _AUTORITE.match(texte)
    if trouve and "@" in trouve.group(2):
        debut, fin = trouve.span(2)
        texte = texte[:debut] + "…@" + trouve.group(2).rsplit("@", 1)[1] + texte[fin:]
    texte = "".join(c if c.isprintable() else repr(c)[1:-1] for c in texte)
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def _normaliser_hote(hote: str) -> str:
    """Lower case; an IPv6 address without brackets, in its compressed form."""
    hote = hote.strip().lower().removeprefix("[").removesuffix("]")
    if ":" in hote:
        try:
            return str(ipaddress.IPv6Address(hote))
        except ValueError:
            return hote
    return hote


def verifier_adresse(
    url: Any, politique: Politique, origine: str, schemas: tuple[str, ...] = SCHEMAS
) -> Adresse:
    """The parsed, normalised address, or `AdresseRefusee` naming the address and `origine`
    (« option --cible », « clé « cible » de … », « requête du banc »…)."""

    def refus(raison: str) -> AdresseRefusee:
        return AdresseRefusee(f"Adresse « {affichable(url)} » ({origine}) refusée : {raison}.")

    if not isinstance(url, str) or not url:
        raise refus("elle est vide ou n'est pas un texte")
    if "\\" in url:
        raise refus(
            "elle contient une barre oblique inverse « \\ », que les bibliothèques HTTP ne "
            "lisent pas de la même façon"
        )
    if _INTERDITS.search(url):
        raise refus("elle contient une espace ou un caractère de contrôle")
    if not url.isascii():
        raise refus("elle contient des caractères non ASCII (écrivez-les en %XX)")
    try:
        decoupe = urlsplit(url)
        port_decoupe = decoupe.port
        analyse = parse_url(url)
    except (ValueError, LocationParseError):
        raise refus("elle est illisible (hôte ou port mal formé)") from None
    schema = (decoupe.scheme or "").lower()
    if schema not in schemas or (analyse.scheme or "").lower() != schema:
        raise refus("ce n'est pas une adresse http(s), par exemple http://127.0.0.1:8765/")
    if "@" in decoupe.netloc or analyse.auth is not None:
        raise refus(
            "elle contient un identifiant ou un mot de passe avant « @ » ; le banc n'envoie "
            "jamais de secret dans une adresse"
        )
    hote = _normaliser_hote(analyse.host or "")
    if not hote or "%" in hote or "%" in decoupe.netloc:
        raise refus("son hôte est absent ou illisible")
    if hote != _normaliser_hote(decoupe.hostname or "") or analyse.port != port_decoupe:
        raise refus("elle est ambiguë : les bibliothèques HTTP n'y lisent pas le même hôte")
    if port_decoupe == 0:
        raise refus("son port est invalide")
    if not politique.autorise(hote):
        raise refus(
            f"l'hôte « {hote} » n'est pas autorisé : le banc n'envoie de requête qu'aux hôtes "
            f"{', '.join(politique.hotes)} ({politique.source})"
        )
    return Adresse(
        url=analyse.url,
        schema=schema,
        hote=hote,
        port=port_decoupe or PORTS_PAR_DEFAUT[schema],
    )


# --- the allow-list of a profile -------------------------------------------------------------


def _hote_valide(valeur: Any) -> str | None:
    if not isinstance(valeur, str) or isinstance(valeur, bool):
        return None
    hote = _normaliser_hote(valeur)
    if not hote or _INTERDITS.search(hote) or any(c in hote for c in "/@%?#") or hote.isspace():
        return None
    if ":" in hote:
        try:
            ipaddress.IPv6Address(hote)
        except ValueError:
            return None
    return hote


def politique_du_profil(brut: dict, fichier: Path) -> Politique:
    """The allow-list of a profile file: its top-level `hotes_autorises`, else the host of its
    own `cible` (the file's, never a --cible option); `charge.hotes_autorises`, where the load
    kept its list before, is added (older profiles keep working)."""
    listes: list[tuple[str, Any]] = []
    if "hotes_autorises" in brut:
        listes.append(("hotes_autorises", brut["hotes_autorises"]))
    charge = brut.get("charge")
    if isinstance(charge, dict) and "hotes_autorises" in charge:
        listes.append(("charge.hotes_autorises", charge["hotes_autorises"]))
    hotes: list[str] = []
    for cle, valeur in listes:
        if not isinstance(valeur, list) or not valeur:
            raise ProfilInvalide(
                f"{fichier} : « {cle} » doit être une liste de noms d'hôtes ou d'adresses IP "
                "(par exemple [127.0.0.1, localhost])."
            )
        for element in valeur:
            hote = _hote_valide(element)
            if hote is None:
                raise ProfilInvalide(
                    f"{fichier} : « {cle} » : {element!r} n'est pas un nom d'hôte ni une adresse "
                    "IP (ni schéma, ni port, ni chemin)."
                )
            if hote not in hotes:
                hotes.append(hote)
    if listes:
        return Politique(tuple(hotes), f"clé « hotes_autorises » de {fichier}")
    cible = brut.get("cible")
    try:
        hote = _hote_valide(urlsplit(cible).hostname or "") if isinstance(cible, str) else None
    except ValueError:
        hote = None
    return Politique(
        (hote,) if hote else (),
        f"hôte de la clé « cible » de {fichier}, faute de clé « hotes_autorises »",
    )


# --- the guards, one per kind of client ------------------------------------------------------

ORIGINE_REQUETE = "requête du banc"


def session_gardee(politique: Politique, session: Any = None) -> Any:
    """A `requests.Session` (or Locust's HttpSession, which is one) whose every request, each
    redirect included, is checked at send time; no proxy, no .netrc (a proxy is another host)."""
    import requests

    session = session if session is not None else requests.Session()
    session.trust_env = False
    session.proxies = {}
    anciens = dict(session.adapters)
    session.adapters.clear()
    for prefixe in ("https://", "http://"):
        interne = anciens.get(prefixe) or requests.adapters.HTTPAdapter()
        session.mount(prefixe, _adaptateur_garde(interne, politique))
    return session


def _adaptateur_garde(interne: Any, politique: Politique) -> Any:
    from requests.adapters import BaseAdapter
    from requests.exceptions import ConnectionError as ErreurConnexion

    class RequeteRefusee(AdresseRefusee, ErreurConnexion):
        """Both the bench's refusal and a requests error, so that Locust counts it as a failed
        request (with this French message) instead of crashing the simulated user."""

        def __init__(self, message: str):
            AdresseRefusee.__init__(self, message)

    class AdaptateurGarde(BaseAdapter):
        def __init__(self):
            super().__init__()
            self.interne = interne

        def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
            try:
                verifier_adresse(request.url, politique, ORIGINE_REQUETE)
            except AdresseRefusee as exc:
                raise RequeteRefusee(exc.message) from None
            return self.interne.send(
                request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies={}
            )

        def close(self):
            self.interne.close()

    return AdaptateurGarde()


class _GardeUrllib(urllib.request.BaseHandler):
    """Checked before every open of an opener, redirects included (urllib opens each one
    anew); compares the host http.client will connect to with the policy's reading."""

    handler_order = 100

    def __init__(self, politique: Politique):
        self.politique = politique

    def default_open(self, requete: urllib.request.Request):
        adresse = verifier_adresse(requete.full_url, self.politique, ORIGINE_REQUETE)
        try:
            connexion = http.client.HTTPConnection(requete.host)
        except (http.client.InvalidURL, ValueError):
            connexion = None
        port = connexion.port if connexion is not None else None
        if (
            connexion is None
            or _normaliser_hote(connexion.host) != adresse.hote
            or (port or PORTS_PAR_DEFAUT[adresse.schema]) != adresse.port
        ):
            raise AdresseRefusee(
                f"Adresse « {affichable(requete.full_url)} » ({ORIGINE_REQUETE}) refusée : elle "
                "est ambiguë (le client HTTP n'y lit pas le même hôte)."
            )
        return None  # allowed: the http(s) handler opens it


def ouvreur(politique: Politique, *gestionnaires: urllib.request.BaseHandler):
    """A urllib opener that checks every request against the policy and ignores proxies."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _GardeUrllib(politique), *gestionnaires
    )


ORIGINE_NAVIGATEUR = "requête du navigateur"
_ECHECS_MANDATAIRE = ("ERR_PROXY_CONNECTION_FAILED", "ERR_TUNNEL_CONNECTION_FAILED")


def _regle_chromium(hote: str) -> str:
    return f"[{hote}]" if ":" in hote else hote


def contexte_garde(navigateur: Any, politique: Politique, **options: Any) -> tuple[Any, list]:
    """A Playwright browser context that reaches only the policy's hosts; returns the context and
    the list, filled as it happens, of the French refusals.

    Chromium itself decides, on the URL it is about to connect to: the policy's hosts bypass a
    proxy that refuses every connection (a loopback port bound and never listening), so every
    other request (documents, resources, redirects, fetch, WebSocket, service workers) fails
    before leaving the machine, DNS included. Nothing is intercepted on the allowed path: the
    browser's timings stay the browser's own."""
    mort = socket.socket()
    mort.bind(("127.0.0.1", 0))  # never listens: a connection to it is refused at once
    mandataire = {
        "server": f"http://127.0.0.1:{mort.getsockname()[1]}",
        # Chromium sends loopback hosts direct unless told otherwise: only the policy's are.
        "bypass": ",".join(["<-loopback>", *(_regle_chromium(h) for h in politique.hotes)]),
    }
    contexte = navigateur.new_context(proxy=mandataire, **options)
    refusees: list[str] = []

    def noter(url: str, schemas: tuple[str, ...] = SCHEMAS) -> None:
        try:
            verifier_adresse(url, politique, ORIGINE_NAVIGATEUR, schemas)
        except AdresseRefusee as exc:
            if exc.message not in refusees:
                refusees.append(exc.message)

    def echec(requete) -> None:
        if any(code in (requete.failure or "") for code in _ECHECS_MANDATAIRE):
            noter(requete.url)

    def surveiller(page) -> None:
        page.on(
            "websocket",
            lambda ws: ws.on("socketerror", lambda _: noter(ws.url, ("ws", "wss"))),
        )

    contexte.on("requestfailed", echec)
    contexte.on("page", surveiller)
    contexte.on("close", lambda _: mort.close())
    return contexte, refusees
