"""The VSR probe: a synthetic transaction from one client poste, over and over.

Source: cahier des charges type, § « Exigences de performance du système » (times « observés par
l'utilisateur à partir du poste client ») and § « Exigences de sécurité — Disponibilité » (« toute
interruption de service doit être détectée dans les meilleurs délais »).

Each cycle, in a Chromium kept warm between cycles and routed through the profile's host policy,
the probe logs in with its account, opens the patient list, searches the test patient and opens
their file, through the adapter and without any capture (no screenshot, trace, video or HAR: on a
production solution the records must hold no patient data). Each step is timed on the monotonic
clock and attached to its line of the contract's table. Halfway between cycles a light HTTP check
of the target goes with the heartbeat. Samples feed the interruption detection, whose start and
end go out by e-mail; a relay that is down is logged and retried at the next event.

A stop (SIGTERM, SIGINT, end of ``duree``) is honoured between two steps: the transaction under
way is then not recorded, since half a transaction says nothing about the service.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from recette.adaptateur.profil import Profil
from recette.contrat import Contrat
from recette.erreurs import ProfilInvalide
from recette.reseau import contexte_garde, ouvreur
from recette.vsr.alertes import Evenement, Observation, Surveillance
from recette.vsr.chronologie import echantillons_indisponibles
from recette.vsr.courriel import AlerteNonEnvoyee, ConfigurationCourriel, envoyer
from recette.vsr.depot import Depot
from recette.vsr.echantillons import CadenceSonde, Echantillon, Etape, Serie

MASQUE_PATIENT = "[patient de test]"

# The synthetic transaction: (step, line of performances.yaml). The lines are the contract's:
# « Ouverture de l'application (à la connexion) », « Ouverture d'une liste de valeurs de 100
# enregistrements », « Requête simple », « Ouverture d'un écran de consultation ».
ETAPES = (
    ("ouverture de l'application", "ouverture_application"),
    ("liste des patients", "liste_100"),
    ("recherche du patient de test", "requete_simple"),
    ("ouverture du dossier", "ouverture_ecran"),
)

SCHEMA_SONDE = {
    "intervalle_secondes": None,
    "tolerance_secondes": None,
    "compte": None,
    "patient_test": None,
    "echecs_consecutifs": None,
    "delai_detection_max_secondes": None,
    "alerte": {"hote": None, "port": None, "expediteur": None, "destinataires": None},
}


@dataclass(frozen=True)
class ConfigurationSonde:
    cadence: CadenceSonde
    compte: str
    patient_test: str
    echecs_consecutifs: int
    delai_detection_max: timedelta
    courriel: ConfigurationCourriel | None


def _nombre(section: dict, cle: str, fichier: Path, entier: bool = False) -> float:
    valeur = section.get(cle)
    if isinstance(valeur, bool) or not isinstance(valeur, int | float) or valeur <= 0:
        raise ProfilInvalide(
            f"{fichier} : « sonde.{cle} » doit être un nombre positif (trouvé : {valeur!r})."
        )
    if entier and not isinstance(valeur, int):
        raise ProfilInvalide(f"{fichier} : « sonde.{cle} » doit être un nombre entier.")
    return valeur


def _texte(section: dict, cle: str, fichier: Path, chemin: str = "sonde.") -> str:
    valeur = section.get(cle)
    if not isinstance(valeur, str) or not valeur.strip():
        raise ProfilInvalide(f"{fichier} : la clé « {chemin}{cle} » doit être un texte non vide.")
    return valeur.strip()


def configuration_sonde(profil: Profil) -> ConfigurationSonde:
    """The profile's ``sonde:`` section, checked: a bad one is refused before anything runs."""
    fichier = profil.fichier
    section = profil.extra.get("sonde")
    if not isinstance(section, dict):
        raise ProfilInvalide(
            f"{fichier} : pas de section « sonde: » (intervalle, compte de la sonde, patient de "
            "test, échecs consécutifs, délai de détection, alerte par courriel)."
        )
    intervalle = _nombre(section, "intervalle_secondes", fichier)
    tolerance = section.get("tolerance_secondes", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
        raise ProfilInvalide(f"{fichier} : « sonde.tolerance_secondes » doit être positif ou nul.")
    compte = _texte(section, "compte", fichier)
    profil.compte(compte)  # refused here, with the known accounts, when unknown
    patient = _texte(section, "patient_test", fichier)
    echecs = int(_nombre(section, "echecs_consecutifs", fichier, entier=True))
    delai = _nombre(section, "delai_detection_max_secondes", fichier)
    if echecs * intervalle > delai:
        raise ProfilInvalide(
            f"{fichier} : {echecs} échecs consécutifs toutes les {intervalle:g} s font une "
            f"détection en {echecs * intervalle:g} s, au-delà du délai maximal de détection "
            f"(« sonde.delai_detection_max_secondes » : {delai:g} s)."
        )
    courriel = None
    alerte = section.get("alerte")
    if alerte is not None:
        if not isinstance(alerte, dict):
            raise ProfilInvalide(f"{fichier} : « sonde.alerte » doit être une section.")
        hote = _texte(alerte, "hote", fichier, "sonde.alerte.")
        if not profil.politique.autorise(hote):
            raise ProfilInvalide(
                f"{fichier} : le relais SMTP « {hote} » (« sonde.alerte.hote ») n'est pas dans "
                f"les hôtes autorisés ({', '.join(profil.politique.hotes)})."
            )
        port = alerte.get("port")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise ProfilInvalide(f"{fichier} : « sonde.alerte.port » doit être un port (1-65535).")
        destinataires = alerte.get("destinataires")
        if (
            not isinstance(destinataires, list)
            or not destinataires
            or not all(isinstance(d, str) and "@" in d for d in destinataires)
        ):
            raise ProfilInvalide(
                f"{fichier} : « sonde.alerte.destinataires » doit être une liste d'adresses."
            )
        courriel = ConfigurationCourriel(
            hote=hote,
            port=port,
            expediteur=_texte(alerte, "expediteur", fichier, "sonde.alerte."),
            destinataires=tuple(destinataires),
        )
    return ConfigurationSonde(
        cadence=CadenceSonde(timedelta(seconds=intervalle), timedelta(seconds=tolerance)),
        compte=compte,
        patient_test=patient,
        echecs_consecutifs=echecs,
        delai_detection_max=timedelta(seconds=delai),
        courriel=courriel,
    )


def masquer(texte: str, patient: str, secrets: tuple[str, ...] = ()) -> str:
    """An error text fit for a record: secrets and the test patient's identity replaced (the
    whole name, then each of its words: the adapter searches by the family name alone)."""
    for secret in secrets:
        if secret:
            texte = texte.replace(secret, "[secret]")
    texte = re.sub(re.escape(patient), MASQUE_PATIENT, texte, flags=re.IGNORECASE)
    for mot in sorted(patient.split(), key=len, reverse=True):
        if len(mot) >= 2:
            texte = re.sub(rf"\b{re.escape(mot)}\b", MASQUE_PATIENT, texte, flags=re.IGNORECASE)
    return texte


class EchecEtape(AssertionError):
    """A step whose screen came but was wrong (error status, patient missing)."""


def _texte_erreur(exc: BaseException, delai_s: float) -> str:
    from playwright.sync_api import Error as ErreurPlaywright
    from playwright.sync_api import TimeoutError as DelaiPlaywright

    if isinstance(exc, DelaiPlaywright):
        return f"l'écran attendu n'est pas venu en {delai_s:g} s"
    if isinstance(exc, ErreurPlaywright):
        premiere = (exc.message or "").strip().splitlines()[0:1]
        trouve = re.search(r"net::ERR_[A-Z_]+", premiere[0]) if premiere else None
        if trouve:
            return f"la solution ne répond pas ({trouve.group(0)})"
        return "erreur du navigateur (" + (premiere[0][:120] if premiere else "sans message") + ")"
    message = str(exc).strip().splitlines()
    return (message[0][:200] if message else exc.__class__.__name__) or exc.__class__.__name__


@dataclass
class Alerteur:
    """Turns samples into interruption events and sends them; never raises."""

    surveillance: Surveillance
    courriel: ConfigurationCourriel | None
    solution: str
    journal: Callable[[str], None]
    en_attente: list[Evenement] | None = None

    def observer(self, observation: Observation) -> Evenement | None:
        evenement = self.surveillance.observer(observation)
        if evenement is None:
            return None
        self.journal(f"Alerte : {evenement.sujet()}.")
        if self.courriel is None:
            return evenement
        if self.en_attente is None:
            self.en_attente = []
        self.en_attente.append(evenement)
        while self.en_attente:
            suivant = self.en_attente[0]
            try:
                envoyer(suivant, self.courriel, self.solution)
            except AlerteNonEnvoyee as exc:
                self.journal(f"{exc.message} Nouvel essai au prochain événement.")
                break
            self.en_attente.pop(0)
            self.journal(
                f"Courriel envoyé à {', '.join(self.courriel.destinataires)} : {suivant.sujet()}."
            )
        return evenement


@dataclass
class Sonde:
    profil: Profil
    config: ConfigurationSonde
    contrat: Contrat
    poste: str
    depot: Depot
    racine: Path | None
    journal: Callable[[str], None]
    arret: threading.Event

    def __post_init__(self) -> None:
        lignes = {code for _, code in ETAPES}
        self._lignes = tuple(ligne.code for ligne in self.contrat.performances.lignes)
        manquantes = lignes - set(self._lignes)
        if manquantes:
            raise ProfilInvalide(
                "Le tableau des performances n'a pas les lignes de la transaction de la sonde : "
                + ", ".join(sorted(manquantes))
            )
        seuils = [self.contrat.performances.ligne(c).seuil_secondes for c in lignes]
        # Beyond the largest threshold a step is unavailable anyway: waiting longer tells nothing.
        self.delai_etape_s = max(seuils) * self.contrat.disponibilite.lenteur_multiple_du_seuil
        self.alerteur = Alerteur(
            Surveillance(self.config.echecs_consecutifs),
            self.config.courriel,
            self.profil.libelle,
            self.journal,
        )
        compte = self.profil.compte(self.config.compte)
        self._mode = "mot de passe" if compte.variable_mot_de_passe else "carte"
        self._compte = compte
        self.cycles = 0
        self.relances = 0

    # ------------------------------------------------------------------ judgement of a sample
    def disponible(self, echantillon: Echantillon) -> bool:
        serie = Serie.depuis([echantillon], self._lignes)
        return not bool(
            echantillons_indisponibles(
                serie, self.contrat.performances, self.contrat.disponibilite
            )[0]
        )

    # ------------------------------------------------------------------------- the browser
    def _ouvrir(self, playwright) -> tuple[Any, Any, Any]:
        from recette.navigateur import lancer_chromium

        navigateur = lancer_chromium(playwright, timeout=30000)
        contexte, _ = contexte_garde(navigateur, self.profil.politique, locale="fr-FR")
        page = contexte.new_page()
        page.set_default_timeout(self.delai_etape_s * 1000)
        page.set_default_navigation_timeout(self.delai_etape_s * 1000)
        return navigateur, contexte, page

    # ------------------------------------------------------------------ the transaction
    def transaction(self, contexte, page) -> Echantillon | None:
        """One synthetic transaction; None when a stop came between two steps."""
        from urllib.parse import urljoin

        from recette.adaptateur.solution import Solution

        solution = Solution.sans_capture(page, self.profil, self.racine)
        patient = self.config.patient_test
        statuts: list[int] = []

        def sur_reponse(reponse) -> None:
            requete = reponse.request
            if requete.is_navigation_request() and requete.frame == page.main_frame:
                statuts.append(reponse.status)

        def ouverture() -> None:
            # The application's opening as a user sees it: its login page must answer first
            # (a 503 then fails at once instead of waiting for a form that will not come).
            reponse = page.goto(urljoin(self.profil.cible, self.profil.url_connexion))
            if reponse is not None and reponse.status >= 400:
                raise EchecEtape(f"la solution répond {reponse.status}")
            solution.se_connecter(self._compte.nom, self._mode)

        def liste() -> None:
            if not solution.lister_patients():
                raise EchecEtape("la liste des patients est vide ou absente")

        def recherche() -> None:
            if patient not in solution.rechercher_patient(patient):
                raise EchecEtape(f"« {patient} » absent des résultats de la recherche")

        actions = (
            ouverture,
            liste,
            recherche,
            lambda: solution.ouvrir_dossier(patient),
        )
        contexte.clear_cookies()  # each cycle logs in afresh, as a user opening the application
        instant = datetime.now(UTC)
        etapes: list[Etape] = []
        page.on("response", sur_reponse)
        try:
            for (nom, ligne), action in zip(ETAPES, actions, strict=True):
                if self.arret.is_set():
                    return None
                statuts.clear()
                debut = time.monotonic()
                try:
                    action()
                    mauvais = [s for s in statuts if s >= 400]
                    if mauvais:
                        raise EchecEtape(f"la solution répond {mauvais[-1]}")
                except Exception as exc:  # any failure of the solution is a failed sample
                    texte = masquer(
                        f"{nom} : {_texte_erreur(exc, self.delai_etape_s)}",
                        patient,
                        self._secrets(),
                    )
                    return Echantillon(self.poste, instant, False, tuple(etapes), texte)
                etapes.append(Etape(nom, ligne, time.monotonic() - debut))
        finally:
            page.remove_listener("response", sur_reponse)
        return Echantillon(self.poste, instant, True, tuple(etapes))

    def _secrets(self) -> tuple[str, ...]:
        valeurs = []
        for lire in (self._compte.mot_de_passe, self._compte.pin):
            try:
                valeurs.append(lire(self.racine))
            except Exception:  # no such secret for this account
                pass
        return tuple(valeurs)

    # ------------------------------------------------------------------ the light check
    def controle_http(self) -> dict:
        debut = time.monotonic()
        try:
            with ouvreur(self.profil.politique).open(self.profil.cible, timeout=10) as reponse:
                statut: int | None = reponse.status
                erreur = ""
        except urllib.error.HTTPError as exc:
            statut, erreur = exc.code, ""
        except (OSError, ValueError) as exc:
            statut, erreur = None, exc.__class__.__name__
        except Exception as exc:  # the policy's refusal (RecetteErreur) or anything else
            statut, erreur = None, getattr(exc, "message", exc.__class__.__name__)
        resultat: dict = {"statut": statut, "secondes": round(time.monotonic() - debut, 4)}
        if erreur:
            resultat["erreur"] = erreur
        return resultat

    # ------------------------------------------------------------------------ the loop
    def _attendre_jusqu_a(self, echeance: float) -> None:
        self.arret.wait(max(0.0, echeance - time.monotonic()))

    def _compte_rendu(self, echantillon: Echantillon, disponible: bool) -> str:
        heure = echantillon.instant.strftime("%H:%M:%S")
        total = sum(e.secondes for e in echantillon.etapes)
        if not echantillon.reussi:
            return f"{heure} UTC : échec — {echantillon.erreur}"
        if disponible:
            return f"{heure} UTC : disponible ({total:.2f} s)".replace(".", ",")
        multiple = self.contrat.disponibilite.lenteur_multiple_du_seuil
        lentes = []
        for e in echantillon.etapes:
            seuil = self.contrat.performances.ligne(e.ligne).seuil_secondes
            if e.secondes >= seuil * multiple:
                lentes.append(f"{e.nom} {e.secondes:.1f} s ≥ {seuil * multiple:g} s")
        return f"{heure} UTC : indisponible, trop lent ({'; '.join(lentes)})".replace(".", ",")

    def executer(self, duree: timedelta | None = None) -> None:
        from playwright.sync_api import Error as ErreurPlaywright
        from playwright.sync_api import sync_playwright

        intervalle = self.config.cadence.intervalle.total_seconds()
        fin = time.monotonic() + duree.total_seconds() if duree is not None else None

        def termine() -> bool:
            return self.arret.is_set() or (fin is not None and time.monotonic() >= fin)

        with sync_playwright() as playwright:
            navigateur = contexte = page = None
            try:
                self.depot.battement(datetime.now(UTC))  # up from now, before the first sample
                prochain = time.monotonic()
                while not termine():
                    if navigateur is None or not navigateur.is_connected() or page.is_closed():
                        if navigateur is not None:
                            self.relances += 1
                            self.journal("Le navigateur s'est arrêté : relance.")
                            try:
                                navigateur.close()
                            except Exception:  # already gone
                                pass
                        navigateur, contexte, page = self._ouvrir(playwright)
                    try:
                        echantillon = self.transaction(contexte, page)
                    except ErreurPlaywright:  # outside a step: the browser itself went away
                        echantillon = None
                    if not navigateur.is_connected() or page.is_closed():
                        # The probe's own browser died: that says nothing about the solution.
                        self.journal(
                            "Le navigateur de la sonde s'est arrêté pendant la transaction : "
                            "échantillon non compté."
                        )
                        echantillon = None
                    elif echantillon is not None:
                        self.depot.ajouter(echantillon)
                        disponible = self.disponible(echantillon)
                        self.cycles += 1
                        self.journal(self._compte_rendu(echantillon, disponible))
                        self.alerteur.observer(
                            Observation(self.poste, echantillon.instant, disponible)
                        )
                    elif self.arret.is_set():
                        self.journal("Arrêt demandé : la transaction en cours n'est pas comptée.")
                    self.depot.battement(datetime.now(UTC))
                    prochain = max(prochain + intervalle, time.monotonic())
                    self._attendre_jusqu_a(prochain - intervalle / 2)
                    if termine():
                        break
                    self.depot.battement(datetime.now(UTC), self.controle_http())
                    self._attendre_jusqu_a(prochain)
            finally:
                if navigateur is not None:
                    try:
                        navigateur.close()
                    except Exception:  # a crashed browser cannot be closed twice
                        pass
        self.journal(f"Sonde arrêtée après {self.cycles} cycle(s).")
