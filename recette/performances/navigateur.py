"""The user's station: a real Chromium doing the table's operations while the load runs, each
timed from the user's action (a click, a key) to the result on screen.

The contract's figure is « le temps de réponse réellement constaté et observé par l'utilisateur
à partir du poste client ». Each operation of the profile's `charge.operations.<code>.navigateur`
says where the user stands (untimed: the screen opened, fields filled), the action that is
timed, and what the user waits to see. Words are keys of the profile's vocabulary or, failing
that, the text shown. Logging in and out go through the vendor adapter (Solution).

Playwright runs in this process; Locust must run in another one (see charge.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Error as ErreurPlaywright
from playwright.sync_api import Page

from recette.adaptateur.profil import Compte, Profil
from recette.adaptateur.solution import Solution
from recette.performances.evaluation import SOURCE_NAVIGATEUR, Mesure
from recette.performances.plan import (
    ActionNavigateur,
    OperationCharge,
    PlanCharge,
    lire_server_timing,
)

_ECOUTER_TOUCHE = """() => {
    const m = (window.__recette_touche = {});
    document.addEventListener('keydown', () => { m.debut = performance.now(); },
                              {once: true, capture: true});
    document.addEventListener('focusin', () => { m.fin = performance.now(); },
                              {once: true, capture: true});
}"""
_LIRE_TOUCHE = """() => {
    const m = window.__recette_touche || {};
    return (m.debut !== undefined && m.fin !== undefined) ? m.fin - m.debut : null;
}"""


class Chronometre:
    """One user at a real browser, timing the plan's operations."""

    def __init__(
        self,
        page: Page,
        profil: Profil,
        plan: PlanCharge,
        variables: Mapping[str, str],
        racine: Path | None = None,
        compte: Compte | None = None,
    ):
        self.page = page
        self.profil = profil
        self.plan = plan
        self.variables = dict(variables)
        self.compte = compte or plan.comptes[0]
        self.solution = Solution.sans_capture(page, profil, racine)
        self.utilisateur = f"navigateur ({self.compte.nom})"
        # (time, seconds) of every document the browser received, from its Server-Timing.
        self.serveur: list[tuple[float, float]] = []
        page.on("response", self._noter_reponse)

    def _noter_reponse(self, reponse) -> None:
        if reponse.request.resource_type != "document":
            return
        duree = lire_server_timing(
            reponse.headers.get("server-timing", ""), self.plan.metrique_serveur
        )
        if duree is not None:
            self.serveur.append((time.time(), duree))

    def mot(self, texte: str) -> str:
        return self.profil.vocabulaire.get(texte, texte)

    def se_connecter(self) -> None:
        """Untimed: the browser user's first login (by CPS card when the account has one)."""
        mode = "carte" if self.compte.numero_carte else "mot de passe"
        self.solution.se_connecter(self.compte.nom, mode)

    # ------------------------------------------------------------------ locating, as a person
    def _champ(self, libelle: str):
        # The label as shown, allowing the asterisk of a mandatory field.
        motif = re.compile(rf"^\s*{re.escape(self.mot(libelle))}\s*\*?\s*$")
        return self.page.get_by_label(motif).first

    def _saisir(self, libelle: str, valeur: str) -> None:
        champ = self._champ(libelle)
        if champ.evaluate("e => e.tagName.toLowerCase()") == "select":
            champ.select_option(label=self.mot(valeur))
        else:
            champ.fill(valeur)

    def _cible_action(self, genre: str, mot: str):
        if genre == "lien":
            return self.page.get_by_role("link", name=mot, exact=True).first
        if genre == "bouton":
            return self.page.get_by_role("button", name=mot, exact=True).first
        navigation = self.page.get_by_role("navigation")
        return navigation.get_by_role("link", name=mot, exact=True).first

    def _attendre_resultat(self, genre: str, mot: str, delai_ms: float, avant) -> None:
        if genre == "focus_quitte":
            self.page.wait_for_function(
                "el => document.activeElement !== el", arg=avant, timeout=delai_ms
            )
            return
        if genre == "titre":
            cible = self.page.get_by_role("heading", name=mot, exact=True)
        elif genre == "tableau":
            cible = self.page.get_by_role("table", name=mot, exact=True)
        elif genre == "statut":
            cible = self.page.get_by_role("status").filter(has_text=mot)
        elif genre == "bouton":
            cible = self.page.get_by_role("button", name=mot, exact=True)
        else:
            cible = self.page.get_by_text(mot)
        cible.first.wait_for(state="visible", timeout=delai_ms)

    # ---------------------------------------------------------------------------- measuring
    def mesurer(self, operation: OperationCharge, delai_s: float = 60) -> Mesure | None:
        """Prepares the screen, then times the action until its result is visible. A result
        that does not come within `delai_s` is a failed measure."""
        action: ActionNavigateur | None = operation.navigateur
        if action is None:
            return None
        contexte = self.plan.contexte(self.variables, self.compte)
        delai_ms = delai_s * 1000
        try:
            self._preparer(action, contexte)
        except ErreurPlaywright as exc:
            return self._echec(operation.code, time.time(), 0.0, exc)
        genre, mot = action.action[0], self.mot(action.action[1])
        focus = self.page.evaluate_handle("document.activeElement") if action.focus else None
        element = None if genre == "touche" else self._cible_action(genre, mot)
        if element is not None:
            element.wait_for(state="visible", timeout=delai_ms)  # found before the clock starts
        if element is None:
            self.page.evaluate(_ECOUTER_TOUCHE)
        debut = time.time()
        depart = time.perf_counter()
        try:
            if element is None:
                self.page.keyboard.press(mot)
            else:
                with self.page.expect_navigation(wait_until="load", timeout=delai_ms):
                    element.click()
            genre_resultat, mot_resultat = action.resultat
            self._attendre_resultat(genre_resultat, self.mot(mot_resultat), delai_ms, focus)
        except ErreurPlaywright as exc:
            return self._echec(operation.code, debut, time.perf_counter() - depart, exc)
        duree = time.perf_counter() - depart
        if element is None:
            # A key handled in the page: timed by the page itself, from the key to the focus
            # moving, without the round trips between the bench and the browser.
            dans_la_page = self.page.evaluate(_LIRE_TOUCHE)
            if dans_la_page is not None:
                duree = dans_la_page / 1000
        serveur = [s for t, s in self.serveur if t >= debut]
        return Mesure(
            operation=operation.code,
            source=SOURCE_NAVIGATEUR,
            debut=debut,
            duree_s=duree,
            succes=True,
            serveur_s=sum(serveur) if serveur else None,
            utilisateur=self.utilisateur,
        )

    def _preparer(self, action: ActionNavigateur, contexte: Mapping[str, str]) -> None:
        if action.deconnecter:
            self.solution.se_deconnecter()
        if action.ecran:
            adresse = urljoin(self.profil.cible, action.ecran.format_map(contexte))
            self.page.goto(adresse, wait_until="load")
        for libelle, valeur in action.saisir:
            self._saisir(libelle, valeur.format_map(contexte))
        if action.focus:
            self._champ(action.focus).focus()

    def _echec(self, code: str, debut: float, duree: float, exc: Exception) -> Mesure:
        self.dernier_echec = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        return Mesure(
            operation=code,
            source=SOURCE_NAVIGATEUR,
            debut=debut,
            duree_s=duree,
            succes=False,
            utilisateur=self.utilisateur,
        )


def mesurer_en_boucle(
    chronometre: Chronometre,
    operations: list[OperationCharge],
    continuer: Callable[[], bool],
    delais_s: Mapping[str, float] | None = None,
    pause_s: float = 0.2,
) -> list[Mesure]:
    """Every operation in turn, again and again, while `continuer()` says the load is on."""
    mesures: list[Mesure] = []
    avec_ecran = [o for o in operations if o.navigateur is not None]
    while avec_ecran and continuer():
        for operation in avec_ecran:
            if not continuer():
                break
            mesure = chronometre.mesurer(operation, (delais_s or {}).get(operation.code, 60))
            if mesure is not None:
                mesures.append(mesure)
            time.sleep(pause_s)
    return mesures
