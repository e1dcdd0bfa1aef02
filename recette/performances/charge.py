"""Locust, run in subprocesses: one process, or a master and N workers on 127.0.0.1.

Locust is never imported here: importing it monkey-patches the standard library with gevent,
which hangs a Playwright session of the same process. Every run is bounded (users, duration,
requests, stop timeout, a wall-clock deadline) and refused on a host the profile does not allow
or on a production target. Before any load, the target must answer and every account of the
plan must log in: a wrong address or secret fails early, in French.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from recette.adaptateur.profil import Profil
from recette.erreurs import ChargeImpossible, ChargeRefusee, CibleInjoignable
from recette.performances.evaluation import SOURCE_CHARGE, Mesure
from recette.performances.plan import (
    PlanCharge,
    defaut_reponse,
    lire_variables,
    preparer,
)
from recette.reseau import AdresseRefusee, session_gardee, verifier_adresse

# The bench's own safety limits (not contract values): overridable per call or by environment.
PLAFOND_UTILISATEURS = int(os.environ.get("RECETTE_CHARGE_PLAFOND_UTILISATEURS", "50"))
PLAFOND_DUREE_S = int(os.environ.get("RECETTE_CHARGE_PLAFOND_DUREE", "600"))
PLAFOND_REQUETES = int(os.environ.get("RECETTE_CHARGE_PLAFOND_REQUETES", "50000"))
PLAFOND_WORKERS = 8
DELAI_ARRET_S = 10  # Locust's --stop-timeout: a user finishes its operation, not more
ATTENTE_WORKERS_S = 30
LOCUSTFILE = Path("load") / "locustfile.py"


@dataclass(frozen=True)
class CoutProcessus:
    """What one Locust process cost (from wait4's rusage)."""

    role: str
    pid: int
    code_retour: int | None
    cpu_utilisateur_s: float
    cpu_systeme_s: float
    memoire_max_kio: int

    @property
    def cpu_s(self) -> float:
        return self.cpu_utilisateur_s + self.cpu_systeme_s


@dataclass
class ResultatCharge:
    mesures: list[Mesure]
    totaux: dict[str, tuple[int, int]]  # Locust's JSON: name -> (requests, failures)
    couts: list[CoutProcessus]
    debut: float
    fin: float
    variables: dict[str, str]
    dossier: Path
    plafond_atteint: bool = False

    @property
    def duree_s(self) -> float:
        return self.fin - self.debut


def verifier_bornes(
    plan: PlanCharge,
    profil: Profil,
    cible: str,
    utilisateurs: int,
    duree_s: float,
    workers: int,
    plafond_utilisateurs: int = PLAFOND_UTILISATEURS,
    plafond_duree_s: float = PLAFOND_DUREE_S,
) -> None:
    """Refuses, in French, a load the bench must not send."""
    verifier_adresse(cible, profil.politique, "cible de la charge")
    if profil.production:
        raise ChargeRefusee(
            f"Le profil « {profil.nom} » désigne une production : le banc n'y envoie pas de "
            "charge (la production est en lecture seule)."
        )
    if not 1 <= utilisateurs <= plafond_utilisateurs:
        raise ChargeRefusee(
            f"{utilisateurs} utilisateurs simultanés demandés : le banc en accepte de 1 à "
            f"{plafond_utilisateurs}."
        )
    if not 1 <= duree_s <= plafond_duree_s:
        raise ChargeRefusee(
            f"Durée de tir de {duree_s:g} s demandée : le banc accepte de 1 à "
            f"{plafond_duree_s:g} s."
        )
    if not 0 <= workers <= PLAFOND_WORKERS:
        raise ChargeRefusee(f"{workers} processus injecteurs demandés : au plus {PLAFOND_WORKERS}.")
    if workers > utilisateurs:
        raise ChargeRefusee(
            f"{workers} processus injecteurs pour {utilisateurs} utilisateurs : au moins un "
            "utilisateur par processus."
        )


def verifier_cible(
    plan: PlanCharge, profil: Profil, cible: str, delai_s: float = 15
) -> dict[str, str]:
    """The target answers and every account of the plan logs in; returns the plan's variables
    read in the solution. Fails early with a French message. Every request, redirects included,
    goes through the profile's host policy."""
    try:
        with session_gardee(profil.politique) as session:
            reponse = session.get(cible, timeout=delai_s)
    except AdresseRefusee:
        raise
    except requests.RequestException as exc:
        raise CibleInjoignable(
            f"La solution ne répond pas à l'adresse {cible} ({exc.__class__.__name__}). "
            "Vérifiez l'adresse (--cible) et que la solution est démarrée."
        ) from None
    if reponse.status_code >= 500:
        raise CibleInjoignable(
            f"La solution répond en erreur à l'adresse {cible} (HTTP {reponse.status_code})."
        )
    variables: dict[str, str] | None = None
    for compte in plan.comptes:
        with session_gardee(profil.politique) as session:
            arguments = preparer(plan.connexion, cible, plan.contexte({}, compte))
            try:
                reponse = session.request(timeout=delai_s * 4, **arguments)
            except AdresseRefusee:
                raise
            except requests.RequestException as exc:
                raise CibleInjoignable(
                    f"La connexion de « {compte.nom} » n'aboutit pas ({exc.__class__.__name__})."
                ) from None
            defaut = defaut_reponse(plan.connexion, reponse, plan.page_connexion)
            if defaut:
                secret = compte.variable_pin or compte.variable_mot_de_passe
                raise ChargeImpossible(
                    f"La solution refuse la connexion de « {compte.nom} » ({compte.role}) : "
                    f"{defaut}. Vérifiez la variable {secret} et le compte dans {plan.fichier}."
                )
            if variables is None:
                variables = lire_variables(session, plan, cible)
            if plan.deconnexion is not None:
                session.request(timeout=delai_s, **preparer(plan.deconnexion, cible, {}))
    return variables or {}


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class _Processus:
    role: str
    popen: subprocess.Popen
    journal: Path
    cout: CoutProcessus | None = None

    def relever(self, bloquant: bool = False) -> bool:
        """Reaps the process when it has ended (keeping its rusage); True once ended. Popen's
        own poll() is never used: it would reap first and lose the rusage."""
        if self.cout is not None:
            return True
        pid, statut, usage = os.wait4(self.popen.pid, 0 if bloquant else os.WNOHANG)
        if pid == 0:
            return False
        code = os.waitstatus_to_exitcode(statut)
        self.popen.returncode = code
        self.cout = CoutProcessus(
            role=self.role,
            pid=self.popen.pid,
            code_retour=code,
            cpu_utilisateur_s=usage.ru_utime,
            cpu_systeme_s=usage.ru_stime,
            memoire_max_kio=usage.ru_maxrss,
        )
        return True


@dataclass
class TirDeCharge:
    """One Locust run in the background: `demarrer()`, then `en_cours()` while the browser
    measures, then `attendre()` for the measures. Always `arreter()` in a finally."""

    plan: PlanCharge
    profil: Profil
    racine: Path
    cible: str
    dossier: Path
    utilisateurs: int
    duree_s: float = 30
    workers: int = 0
    variables: dict[str, str] = field(default_factory=dict)
    reflexion: tuple[float, float] | None = None
    plafond_requetes: int = PLAFOND_REQUETES
    delai_arret_s: int = DELAI_ARRET_S
    cadence: float | None = None  # users started per second (default: all at once)
    processus: list[_Processus] = field(default_factory=list)
    debut: float = 0.0

    def _commande(self, *options: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(self.racine / LOCUSTFILE),
            "--exit-code-on-error",
            "0",
            *options,
        ]

    def _environnement(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            RECETTE_RACINE=str(self.racine),
            RECETTE_CHARGE_PROFIL=str(self.profil.fichier),
            RECETTE_CHARGE_MESURES=str(self.dossier_mesures),
            RECETTE_CHARGE_VARIABLES=json.dumps(self.variables),
            RECETTE_CHARGE_PLAFOND_REQUETES=str(self.plafond_requetes),
            PYTHONUNBUFFERED="1",
        )
        if self.reflexion is not None:
            env["RECETTE_CHARGE_REFLEXION_MIN"] = str(self.reflexion[0])
            env["RECETTE_CHARGE_REFLEXION_MAX"] = str(self.reflexion[1])
        return env

    @property
    def dossier_mesures(self) -> Path:
        return self.dossier / "mesures-charge"

    def _lancer(self, role: str, commande: list[str]) -> None:
        journal = self.dossier / f"locust-{role}.log"
        with open(journal, "w", encoding="utf-8") as sortie:
            popen = subprocess.Popen(
                commande,
                cwd=self.racine,
                env=self._environnement(),
                stdout=sortie,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.processus.append(_Processus(role, popen, journal))

    def demarrer(self) -> None:
        self.dossier.mkdir(parents=True, exist_ok=True)
        self.dossier_mesures.mkdir(exist_ok=True)
        # A previous run in the same folder must not mix into this one.
        for ancien in [*self.dossier_mesures.glob("mesures-*.jsonl"), self.dossier / "locust.json"]:
            ancien.unlink(missing_ok=True)
        communes = [
            "--headless",
            "--only-summary",
            "-u",
            str(self.utilisateurs),
            "-r",
            # All at once by default: « 10 utilisateurs simultanés ».
            f"{self.cadence or self.utilisateurs:g}",
            "-t",
            f"{int(round(self.duree_s))}s",
            "--stop-timeout",
            str(self.delai_arret_s),
            "--host",
            self.cible,
            "--json-file",
            str(self.dossier / "locust"),
        ]
        self.debut = time.time()
        if self.workers == 0:
            self._lancer("principal", self._commande(*communes))
            return
        port = _port_libre()
        self._lancer(
            "maitre",
            self._commande(
                *communes,
                "--master",
                "--master-bind-host",
                "127.0.0.1",
                "--master-bind-port",
                str(port),
                "--expect-workers",
                str(self.workers),
                "--expect-workers-max-wait",
                str(ATTENTE_WORKERS_S),
            ),
        )
        for numero in range(1, self.workers + 1):
            self._lancer(
                f"ouvrier-{numero}",
                self._commande(
                    "--worker",
                    "--master-host",
                    "127.0.0.1",
                    "--master-port",
                    str(port),
                    "--host",
                    self.cible,
                ),
            )

    @property
    def _principal(self) -> _Processus:
        return self.processus[0]

    def en_cours(self) -> bool:
        return bool(self.processus) and not self._principal.relever()

    def lire_mesures(self) -> list[Mesure]:
        mesures = []
        for fichier in sorted(self.dossier_mesures.glob("mesures-*.jsonl")):
            for ligne in fichier.read_text(encoding="utf-8").splitlines():
                try:
                    donnees = json.loads(ligne)
                except json.JSONDecodeError:
                    continue  # a line being written
                mesures.append(
                    Mesure(
                        operation=donnees["operation"],
                        source=SOURCE_CHARGE,
                        debut=float(donnees["debut"]),
                        duree_s=float(donnees["duree_s"]),
                        succes=bool(donnees["succes"]),
                        serveur_s=donnees.get("serveur_s"),
                        utilisateur=donnees.get("utilisateur", ""),
                    )
                )
        return mesures

    def attendre_utilisateurs(self, delai_s: float = 60) -> bool:
        """True once every simulated user has logged in (its first measure is the login)."""
        fin = time.monotonic() + delai_s
        nom = self.plan.connexion.nom
        while time.monotonic() < fin and self.en_cours():
            connectes = {m.utilisateur for m in self.lire_mesures() if m.operation == nom}
            if len(connectes) >= self.utilisateurs:
                return True
            time.sleep(0.2)
        return False

    def attendre(self) -> ResultatCharge:
        """Waits for the run to end (bounded), then reads Locust's JSON and the measures."""
        echeance = time.monotonic() + self.duree_s + self.delai_arret_s + ATTENTE_WORKERS_S + 60
        while time.monotonic() < echeance and not all(p.relever() for p in self.processus):
            time.sleep(0.1)
        depasse = not all(p.cout is not None for p in self.processus)
        self.arreter()
        fin = time.time()
        journal = self._principal.journal.read_text(encoding="utf-8", errors="replace")
        chemin_json = self.dossier / "locust.json"
        if depasse or not chemin_json.exists():
            dernieres = " / ".join(journal.strip().splitlines()[-4:]) or "aucune sortie"
            raison = "n'a pas fini dans le temps imparti" if depasse else "n'a rien produit"
            raise ChargeImpossible(f"L'injecteur de charge (Locust) {raison} : {dernieres}")
        totaux = {
            e["name"]: (int(e["num_requests"]), int(e["num_failures"]))
            for e in json.loads(chemin_json.read_text(encoding="utf-8"))
        }
        return ResultatCharge(
            mesures=self.lire_mesures(),
            totaux=totaux,
            couts=[p.cout for p in self.processus if p.cout is not None],
            debut=self.debut,
            fin=fin,
            variables=dict(self.variables),
            dossier=self.dossier,
            plafond_atteint="Plafond de" in journal,
        )

    def arreter(self) -> None:
        """Ends whatever still runs: SIGTERM (Locust writes its stats), then SIGKILL."""
        for p in self.processus:
            if not p.relever():
                p.popen.send_signal(signal.SIGTERM)
        limite = time.monotonic() + 15
        while time.monotonic() < limite and not all(p.relever() for p in self.processus):
            time.sleep(0.1)
        for p in self.processus:
            if not p.relever():
                p.popen.kill()
                p.relever(bloquant=True)


def lancer_charge(
    plan: PlanCharge,
    profil: Profil,
    racine: Path,
    cible: str,
    dossier: Path,
    utilisateurs: int,
    duree_s: float = 30,
    workers: int = 0,
    reflexion: tuple[float, float] | None = None,
    plafond_utilisateurs: int = PLAFOND_UTILISATEURS,
    plafond_duree_s: float = PLAFOND_DUREE_S,
    plafond_requetes: int = PLAFOND_REQUETES,
) -> ResultatCharge:
    """A bounded Locust run, without the browser: checks, pre-checks, load, measures."""
    verifier_bornes(
        plan, profil, cible, utilisateurs, duree_s, workers, plafond_utilisateurs, plafond_duree_s
    )
    variables = verifier_cible(plan, profil, cible)
    tir = TirDeCharge(
        plan,
        profil,
        racine,
        cible,
        Path(dossier),
        utilisateurs,
        duree_s,
        workers,
        variables,
        reflexion,
        plafond_requetes,
    )
    try:
        tir.demarrer()
        return tir.attendre()
    finally:
        tir.arreter()
