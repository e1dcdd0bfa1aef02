"""Simultaneous health professionals doing the operations of the contract's performance table.

Each simulated user logs in with a CPS card account of the vendor profile, then does the
table's operations in the profile's weighted mix, thinking 1 to 3 s between two of them. Every
request is named by the operation code it realises, so Locust's statistics are per line of the
table; every request is also written, with the solution's own Server-Timing duration, to a JSON
Lines file so that the bench computes the contract's statistic itself.

Run by recette.performances.charge in a subprocess (importing Locust monkey-patches the
standard library with gevent). Environment:

  RECETTE_RACINE                    project root (default: the parent of this folder)
  RECETTE_CHARGE_PROFIL             profile name or YAML file (default: demo-a)
  RECETTE_CHARGE_MESURES            folder of the JSON Lines files, one per process (optional)
  RECETTE_CHARGE_VARIABLES          the profile's variables already read, as JSON (optional)
  RECETTE_CHARGE_REFLEXION_MIN/MAX  think time in seconds (default: the profile's)
  RECETTE_CHARGE_PLAFOND_REQUETES   stop the run after this many requests (default: 50000)

Manual run, against the demo solution only:
  locust -f load/locustfile.py --headless -u 10 -r 10 -t 30s --host http://127.0.0.1:PORT/
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import threading
from pathlib import Path

RACINE = Path(os.environ.get("RECETTE_RACINE") or Path(__file__).resolve().parent.parent)
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))

import gevent  # noqa: E402
from locust import HttpUser, between, events  # noqa: E402
from locust.exception import StopUser  # noqa: E402
from locust.runners import WorkerRunner  # noqa: E402

from recette.adaptateur.profil import charger_profil  # noqa: E402
from recette.performances.plan import (  # noqa: E402
    defaut_reponse,
    duree_serveur,
    lire_plan,
    lire_variables,
    preparer,
)
from recette.reseau import session_gardee  # noqa: E402

PROFIL = charger_profil(os.environ.get("RECETTE_CHARGE_PROFIL", "demo-a"), RACINE)
PLAN = lire_plan(PROFIL, RACINE)
REFLEXION = (
    float(os.environ.get("RECETTE_CHARGE_REFLEXION_MIN", PLAN.reflexion[0])),
    float(os.environ.get("RECETTE_CHARGE_REFLEXION_MAX", PLAN.reflexion[1])),
)
PLAFOND_REQUETES = int(os.environ.get("RECETTE_CHARGE_PLAFOND_REQUETES", "50000"))
VARIABLES = json.loads(os.environ.get("RECETTE_CHARGE_VARIABLES") or "{}")
_comptes = itertools.cycle(PLAN.comptes)
_numeros = itertools.count(1)
_verrou_variables = threading.Lock()
journal = logging.getLogger("recette.charge")


class _Mesures:
    """One JSON Lines file per process: a line per request, written as it ends."""

    def __init__(self):
        self.fichier = None

    def ecrire(self, ligne: dict) -> None:
        dossier = os.environ.get("RECETTE_CHARGE_MESURES")
        if not dossier:
            return
        if self.fichier is None:
            chemin = Path(dossier) / f"mesures-{os.getpid()}.jsonl"
            self.fichier = open(chemin, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        self.fichier.write(json.dumps(ligne, ensure_ascii=False) + "\n")


MESURES = _Mesures()


@events.request.add_listener
def noter_requete(
    request_type, name, response_time, response_length, response=None, context=None,
    exception=None, start_time=None, **_,
):  # fmt: skip
    MESURES.ecrire(
        {
            "operation": name,
            "debut": start_time,
            "duree_s": response_time / 1000,
            "succes": exception is None,
            "serveur_s": duree_serveur(response, PLAN.metrique_serveur),
            "utilisateur": (context or {}).get("utilisateur", ""),
            "erreur": str(exception) if exception else None,
        }
    )


@events.init.add_listener
def surveiller_plafond(environment, **_):
    """The bench's request cap: the master (or the single process) ends the run there."""
    if isinstance(environment.runner, WorkerRunner) or environment.runner is None:
        return

    def surveiller():
        while True:
            gevent.sleep(0.5)
            if environment.runner.stats.total.num_requests >= PLAFOND_REQUETES:
                journal.warning("Plafond de %s requêtes atteint : arrêt du tir.", PLAFOND_REQUETES)
                environment.runner.quit()
                return

    gevent.spawn(surveiller)


def _tache(code: str):
    def faire(utilisateur: Professionnel) -> None:
        utilisateur.faire(code)

    faire.__name__ = code
    return faire


class Professionnel(HttpUser):
    """A health professional of the health centre, logged in with the CPS card."""

    wait_time = between(*REFLEXION)
    tasks = {
        _tache(o.code): o.poids
        for o in PLAN.operations
        if o.poids > 0 and (o.requetes or o.reconnexion)
    }

    def on_start(self) -> None:
        # Every request of this user, redirects included, is checked against the profile's
        # hosts when sent; a refused one counts as a failure with the French reason.
        session_gardee(PROFIL.politique, self.client)
        self.compte = next(_comptes)
        self.nom = f"{self.compte.nom} #{os.getpid()}-{next(_numeros)}"
        self.se_connecter()
        with _verrou_variables:
            if not VARIABLES:
                VARIABLES.update(lire_variables(self.client, PLAN, self.host))

    def _envoyer(self, requete, contexte, page=None):
        arguments = preparer(requete, self.host, contexte, page)
        with self.client.request(
            name=requete.nom,
            catch_response=True,
            context={"utilisateur": self.nom},
            timeout=300,
            **arguments,
        ) as reponse:
            defaut = defaut_reponse(requete, reponse, PLAN.page_connexion)
            if defaut:
                reponse.failure(defaut)
            else:
                reponse.success()
        return reponse, defaut

    def se_connecter(self) -> None:
        _, defaut = self._envoyer(PLAN.connexion, PLAN.contexte(VARIABLES, self.compte))
        if defaut:
            journal.error("Connexion refusée pour « %s » : %s", self.compte.nom, defaut)
            raise StopUser()

    def faire(self, code: str) -> None:
        operation = PLAN.operation(code)
        if operation.reconnexion:
            if PLAN.deconnexion is not None:
                self._envoyer(PLAN.deconnexion, {})
            self.client.cookies.clear()
            self.se_connecter()
            return
        contexte = PLAN.contexte(VARIABLES)
        page = None
        for requete in operation.requetes:
            page, defaut = self._envoyer(requete, contexte, page)
            if defaut:
                return  # the rest of the operation depends on this answer
