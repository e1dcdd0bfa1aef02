"""The load plan of a vendor profile: its `charge:` section read into frozen values.

The section says, for each line of the contract's performance table, which HTTP request(s)
realise the operation (for the load injector) and which screen action does (for the real
browser), how a simulated user logs in (with the profile's accounts: secrets by environment
variable, never literal). Where it may be sent is the profile's policy (recette.reseau), the
same for every request of the bench. A new vendor is a new profile.

This module also holds what the load injector and the bench's pre-checks share: building a
request from the plan, recognising a failed answer, reading the Server-Timing duration, the
fields of an HTML form. It imports neither Locust nor Playwright.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from recette.adaptateur.profil import Compte, Profil
from recette.erreurs import ProfilInvalide
from recette.validation import Libre, refuser_cles_inconnues

REFLEXION_PAR_DEFAUT = (1.0, 3.0)
METRIQUE_PAR_DEFAUT = "app"
METHODES = ("GET", "POST")
# Placeholders filled from the logged-in account; the secret ones are never written anywhere.
CHAMPS_COMPTE = ("identifiant", "numero_carte", "pin", "mot_de_passe")
ACTIONS_NAVIGATEUR = ("lien", "bouton", "menu", "touche")
RESULTATS_NAVIGATEUR = ("titre", "tableau", "statut", "texte", "bouton", "focus_quitte")


# Every key the `charge:` section may hold, at every depth: an unknown one is refused when the
# profile loads (a misspelt `hotes_autorises` must not silently widen nothing or everything).
_SCHEMA_REQUETE = {
    "nom": None,
    "methode": None,
    "chemin": None,
    "parametres": Libre(),
    "champs": Libre(),
    "formulaire": None,
    "attendu": None,
}
SCHEMA_CHARGE = {
    "hotes_autorises": None,
    "comptes": None,
    "connexion": _SCHEMA_REQUETE,
    "deconnexion": _SCHEMA_REQUETE,
    "reflexion": {"min": None, "max": None},
    "metrique_serveur": None,
    "variables": Libre({"chemin": None, "motif": None}),
    "valeurs": Libre(),
    "operations": Libre(
        {
            "poids": None,
            "requetes": [_SCHEMA_REQUETE],
            "reconnexion": None,
            "navigateur": {
                "ecran": None,
                "deconnecter": None,
                "saisir": Libre(),
                "focus": None,
                "action": dict.fromkeys(ACTIONS_NAVIGATEUR),
                "resultat": dict.fromkeys(RESULTATS_NAVIGATEUR),
            },
        }
    ),
}


@dataclass(frozen=True)
class Requete:
    """One HTTP request; its measure counts under `nom` (an operation code of the table)."""

    nom: str
    methode: str
    chemin: str
    parametres: tuple[tuple[str, str], ...] = ()
    champs: tuple[tuple[str, str], ...] = ()
    formulaire: bool = False  # start from the fields of the form of the previous page
    attendu: str | None = None  # text the answer must contain


@dataclass(frozen=True)
class ActionNavigateur:
    """A screen action, words being vocabulary keys of the profile or literal text."""

    ecran: str | None = None  # address opened before the measure (placeholders allowed)
    deconnecter: bool = False  # log out first (the login operation)
    saisir: tuple[tuple[str, str], ...] = ()  # (field label, value) filled before the measure
    focus: str | None = None  # field label focused before the measure
    action: tuple[str, str] = ("lien", "")  # (kind, word): the user's action, measured
    resultat: tuple[str, str] = ("titre", "")  # (kind, word): what the user waits to see


@dataclass(frozen=True)
class OperationCharge:
    code: str
    poids: int
    requetes: tuple[Requete, ...] = ()
    reconnexion: bool = False  # the operation is the login itself (log out, log in again)
    navigateur: ActionNavigateur | None = None


@dataclass(frozen=True)
class Variable:
    """A value read in the solution once logged in: first group of `motif` in page `chemin`."""

    nom: str
    chemin: str
    motif: re.Pattern[str]


@dataclass(frozen=True)
class PlanCharge:
    fichier: Path
    comptes: tuple[Compte, ...]
    connexion: Requete
    deconnexion: Requete | None
    page_connexion: str
    reflexion: tuple[float, float]
    variables: tuple[Variable, ...]
    valeurs: dict[str, tuple[str, ...]]
    operations: tuple[OperationCharge, ...]
    metrique_serveur: str
    racine: Path | None = field(default=None, compare=False)

    def operation(self, code: str) -> OperationCharge:
        for operation in self.operations:
            if operation.code == code:
                return operation
        raise KeyError(code)

    def contexte(self, variables: Mapping[str, str], compte: Compte | None = None) -> dict:
        """Placeholder values for one operation: variables, a pick of each list of values and,
        when given, the account's fields (secrets resolved from the environment)."""
        contexte = {nom: random.choice(choix) for nom, choix in self.valeurs.items()}
        contexte.update(variables)
        if compte is not None:
            contexte.update(valeurs_du_compte(compte, self.racine))
        return contexte


def valeurs_du_compte(compte: Compte, racine: Path | None) -> dict[str, str]:
    valeurs = {"identifiant": compte.identifiant or "", "numero_carte": compte.numero_carte or ""}
    if compte.variable_pin:
        valeurs["pin"] = compte.pin(racine)
    if compte.variable_mot_de_passe:
        valeurs["mot_de_passe"] = compte.mot_de_passe(racine)
    return valeurs


# --- reading the profile section ---------------------------------------------------------------


class _Lecteur:
    def __init__(self, fichier: Path):
        self.fichier = fichier

    def erreur(self, chemin: str, texte: str) -> ProfilInvalide:
        return ProfilInvalide(f"{self.fichier} : « charge.{chemin} » {texte}.")

    def section(self, brut: Any, chemin: str) -> dict:
        if not isinstance(brut, dict):
            raise self.erreur(chemin, "doit être une section (clé: valeur)")
        return brut

    def texte(self, brut: dict, cle: str, chemin: str, obligatoire: bool = True) -> str | None:
        valeur = brut.get(cle)
        if valeur is None:
            if obligatoire:
                raise self.erreur(f"{chemin}.{cle}", "est obligatoire")
            return None
        if not isinstance(valeur, str | int | float) or isinstance(valeur, bool):
            raise self.erreur(f"{chemin}.{cle}", f"doit être un texte (trouvé : {valeur!r})")
        return str(valeur)

    def paires(self, brut: Any, chemin: str) -> tuple[tuple[str, str], ...]:
        if brut is None:
            return ()
        section = self.section(brut, chemin)
        return tuple((str(k), "" if v is None else str(v)) for k, v in section.items())


def lire_plan(profil: Profil, racine: Path | None = None) -> PlanCharge:
    """The `charge:` section of a profile, validated; French errors name the key at fault."""
    fichier = profil.fichier
    lire = _Lecteur(fichier)
    brut = profil.extra.get("charge")
    if brut is None:
        raise ProfilInvalide(
            f"{fichier} : le profil n'a pas de section « charge » (les requêtes qui réalisent "
            "chaque ligne du tableau des performances) ; le tir de charge est impossible."
        )
    brut = lire.section(brut, "")
    # Also checked when the profile loads; here too for a profile built by other means.
    refuser_cles_inconnues(brut, SCHEMA_CHARGE, fichier, ProfilInvalide, "charge")

    # `charge.hotes_autorises`, if any, is read with the profile's own (recette.reseau).
    noms_comptes = brut.get("comptes")
    if not isinstance(noms_comptes, list) or not noms_comptes:
        raise lire.erreur("comptes", "doit lister au moins un compte (nom ou rôle)")
    comptes = tuple(profil.compte(str(nom)) for nom in noms_comptes)

    connexion_brute = lire.section(brut.get("connexion"), "connexion")
    connexion = _requete(lire, connexion_brute, "connexion", "ouverture_application")
    secrets_utilises = {n for _, v in connexion.champs for n in _noms(v)} & {"pin", "mot_de_passe"}
    if not secrets_utilises:
        raise lire.erreur(
            "connexion.champs",
            "doit envoyer le secret du compte par « {pin} » ou « {mot_de_passe} » (jamais sa "
            "valeur)",
        )
    for compte in comptes:
        if "pin" in secrets_utilises and not compte.variable_pin:
            raise lire.erreur(
                "comptes", f": « {compte.nom} » n'a pas de carte CPS, la connexion l'exige"
            )
        if "mot_de_passe" in secrets_utilises and not compte.variable_mot_de_passe:
            raise lire.erreur("comptes", f": « {compte.nom} » n'a pas de mot de passe")
    deconnexion = None
    if brut.get("deconnexion") is not None:
        section = lire.section(brut["deconnexion"], "deconnexion")
        deconnexion = _requete(lire, section, "deconnexion", "deconnexion")

    reflexion = lire.section(brut.get("reflexion", {}), "reflexion")
    try:
        mini = float(reflexion.get("min", REFLEXION_PAR_DEFAUT[0]))
        maxi = float(reflexion.get("max", REFLEXION_PAR_DEFAUT[1]))
    except (TypeError, ValueError):
        raise lire.erreur("reflexion", "doit donner min et max en secondes") from None
    if not 0 <= mini <= maxi:
        raise lire.erreur("reflexion", "doit avoir 0 ≤ min ≤ max")

    variables = []
    for nom, valeur in lire.section(brut.get("variables", {}), "variables").items():
        section = lire.section(valeur, f"variables.{nom}")
        motif_texte = lire.texte(section, "motif", f"variables.{nom}")
        try:
            motif = re.compile(motif_texte)
        except re.error as exc:
            raise lire.erreur(
                f"variables.{nom}.motif", f"n'est pas une expression valide ({exc})"
            ) from None
        if motif.groups != 1:
            raise lire.erreur(f"variables.{nom}.motif", "doit avoir exactement un groupe (…)")
        chemin = lire.texte(section, "chemin", f"variables.{nom}")
        variables.append(Variable(str(nom), chemin, motif))

    valeurs = {}
    for nom, choix in lire.section(brut.get("valeurs", {}), "valeurs").items():
        if not isinstance(choix, list) or not choix:
            raise lire.erreur(f"valeurs.{nom}", "doit être une liste non vide")
        valeurs[str(nom)] = tuple(str(c) for c in choix)

    operations = []
    for code, valeur in lire.section(brut.get("operations"), "operations").items():
        operations.append(_operation(lire, str(code), lire.section(valeur, f"operations.{code}")))
    if not operations:
        raise lire.erreur("operations", "doit décrire au moins une opération")

    plan = PlanCharge(
        fichier=fichier,
        comptes=comptes,
        connexion=connexion,
        deconnexion=deconnexion,
        page_connexion=profil.url_connexion,
        reflexion=(mini, maxi),
        variables=tuple(variables),
        valeurs=valeurs,
        operations=tuple(operations),
        metrique_serveur=str(brut.get("metrique_serveur", METRIQUE_PAR_DEFAUT)),
        racine=racine,
    )
    _verifier_substitutions(lire, plan)
    return plan


def _requete(lire: _Lecteur, brut: dict, chemin: str, nom: str) -> Requete:
    methode = (lire.texte(brut, "methode", chemin, obligatoire=False) or "GET").upper()
    if methode not in METHODES:
        raise lire.erreur(f"{chemin}.methode", f"doit être {' ou '.join(METHODES)}")
    return Requete(
        nom=lire.texte(brut, "nom", chemin, obligatoire=False) or nom,
        methode=methode,
        chemin=lire.texte(brut, "chemin", chemin),
        parametres=lire.paires(brut.get("parametres"), f"{chemin}.parametres"),
        champs=lire.paires(brut.get("champs"), f"{chemin}.champs"),
        formulaire=bool(brut.get("formulaire", False)),
        attendu=lire.texte(brut, "attendu", chemin, obligatoire=False),
    )


def _operation(lire: _Lecteur, code: str, brut: dict) -> OperationCharge:
    chemin = f"operations.{code}"
    poids = brut.get("poids", 1)
    if isinstance(poids, bool) or not isinstance(poids, int) or poids < 0:
        raise lire.erreur(f"{chemin}.poids", "doit être un entier positif ou nul")
    requetes_brutes = brut.get("requetes") or []
    if not isinstance(requetes_brutes, list):
        raise lire.erreur(f"{chemin}.requetes", "doit être une liste")
    requetes = tuple(
        _requete(lire, lire.section(r, f"{chemin}.requetes[{i + 1}]"), f"{chemin}.requetes", code)
        for i, r in enumerate(requetes_brutes)
    )
    reconnexion = bool(brut.get("reconnexion", False))
    navigateur = None
    if brut.get("navigateur") is not None:
        navigateur = _action(lire, lire.section(brut["navigateur"], f"{chemin}.navigateur"), chemin)
    if not requetes and not reconnexion and navigateur is None:
        raise lire.erreur(chemin, "doit donner des requêtes, « reconnexion: true » ou navigateur")
    return OperationCharge(code, poids, requetes, reconnexion, navigateur)


def _une_cle(lire: _Lecteur, brut: Any, chemin: str, permises: tuple[str, ...]) -> tuple:
    section = lire.section(brut, chemin)
    if len(section) != 1 or next(iter(section)) not in permises:
        raise lire.erreur(chemin, f"doit avoir une seule clé parmi {', '.join(permises)}")
    cle, valeur = next(iter(section.items()))
    return str(cle), "" if valeur is None or valeur is True else str(valeur)


def _action(lire: _Lecteur, brut: dict, chemin: str) -> ActionNavigateur:
    chemin = f"{chemin}.navigateur"
    return ActionNavigateur(
        ecran=lire.texte(brut, "ecran", chemin, obligatoire=False),
        deconnecter=bool(brut.get("deconnecter", False)),
        saisir=lire.paires(brut.get("saisir"), f"{chemin}.saisir"),
        focus=lire.texte(brut, "focus", chemin, obligatoire=False),
        action=_une_cle(lire, brut.get("action"), f"{chemin}.action", ACTIONS_NAVIGATEUR),
        resultat=_une_cle(lire, brut.get("resultat"), f"{chemin}.resultat", RESULTATS_NAVIGATEUR),
    )


def _noms(gabarit: str) -> set[str]:
    return {nom for _, nom, _, _ in string.Formatter().parse(gabarit) if nom}


def _verifier_substitutions(lire: _Lecteur, plan: PlanCharge) -> None:
    """Every {placeholder} must be a variable, a list of values or a field of the account."""
    connus = {v.nom for v in plan.variables} | set(plan.valeurs) | set(CHAMPS_COMPTE)
    textes: list[tuple[str, str]] = []
    for nom, requete in [("connexion", plan.connexion), ("deconnexion", plan.deconnexion)]:
        if requete is not None:
            textes += _textes_requete(nom, requete)
    for operation in plan.operations:
        for requete in operation.requetes:
            textes += _textes_requete(f"operations.{operation.code}.requetes", requete)
        if operation.navigateur is not None:
            textes.append((f"operations.{operation.code}.navigateur", operation.navigateur.ecran))
            textes += [
                (f"operations.{operation.code}.navigateur.saisir", v)
                for _, v in operation.navigateur.saisir
            ]
    lues: set[str] = set()
    for variable in plan.variables:
        # A variable's page may only use the variables read before it.
        inconnus = _noms(variable.chemin) - lues
        if inconnus:
            raise lire.erreur(
                f"variables.{variable.nom}.chemin",
                f"utilise {', '.join('{' + n + '}' for n in sorted(inconnus))} : seules les "
                "variables lues avant elle sont connues à ce moment",
            )
        lues.add(variable.nom)
    for chemin, texte in textes:
        try:
            inconnus = _noms(texte or "") - connus
        except ValueError:
            raise lire.erreur(chemin, f"contient des accolades mal formées : {texte!r}") from None
        if inconnus:
            raise lire.erreur(
                chemin,
                f"utilise {', '.join('{' + n + '}' for n in sorted(inconnus))} qui n'est ni une "
                "variable, ni une liste de « valeurs », ni un champ du compte "
                f"({', '.join(CHAMPS_COMPTE)})",
            )


def _textes_requete(chemin: str, requete: Requete) -> list[tuple[str, str]]:
    return [(f"{chemin}.chemin", requete.chemin)] + [
        (f"{chemin}.parametres", v) for _, v in requete.parametres + requete.champs
    ]


# --- requests: building, judging, timing (shared by the locustfile and the pre-checks) --------


def preparer(
    requete: Requete, cible: str, contexte: Mapping[str, str], page_precedente: Any = None
) -> dict[str, Any]:
    """Keyword arguments for `requests.Session.request` (and Locust's client)."""
    url = urljoin(cible, requete.chemin.format_map(contexte))
    arguments: dict[str, Any] = {"method": requete.methode, "url": url}
    if requete.parametres:
        arguments["params"] = [(k, v.format_map(contexte)) for k, v in requete.parametres]
    if requete.methode == "POST":
        donnees: dict[str, str] = {}
        if requete.formulaire and page_precedente is not None:
            donnees.update(champs_du_formulaire(page_precedente.text, page_precedente.url, url))
        donnees.update({k: v.format_map(contexte) for k, v in requete.champs})
        arguments["data"] = donnees
    return arguments


def defaut_reponse(requete: Requete, reponse: Any, page_connexion: str) -> str | None:
    """Why an answer is a failure (French), or None when it is what the user expects."""
    if reponse is None:
        return "pas de réponse"
    erreur = getattr(reponse, "error", None)  # Locust's answer to a request that failed
    if erreur is not None and not reponse.status_code:
        return f"pas de réponse ({erreur})"
    if reponse.status_code >= 400:
        return f"réponse HTTP {reponse.status_code}"
    chemin_final = urlsplit(reponse.url).path.rstrip("/")
    if requete.nom != "deconnexion" and chemin_final == page_connexion.rstrip("/"):
        return "renvoyé vers la page de connexion (session perdue ou identifiants refusés)"
    if requete.attendu and requete.attendu not in reponse.text:
        return f"le texte attendu « {requete.attendu} » n'apparaît pas"
    return None


_DUREE = re.compile(r"(?:^|[;,\s])dur=([0-9.]+)")


def duree_serveur(reponse: Any, metrique: str = METRIQUE_PAR_DEFAUT) -> float | None:
    """Seconds the solution says it spent (Server-Timing `metrique;dur=<ms>`), summed over the
    redirects followed; None when the solution does not say."""
    if reponse is None:
        return None
    total, trouve = 0.0, False
    for r in [*getattr(reponse, "history", []), reponse]:
        valeur = lire_server_timing(r.headers.get("Server-Timing", ""), metrique)
        if valeur is not None:
            total, trouve = total + valeur, True
    return total if trouve else None


def lire_server_timing(entete: str, metrique: str = METRIQUE_PAR_DEFAUT) -> float | None:
    for element in (entete or "").split(","):
        nom, _, reste = element.strip().partition(";")
        if nom.strip() == metrique and (m := _DUREE.search(";" + reste)):
            return float(m.group(1)) / 1000
    return None


def lire_variables(session: Any, plan: PlanCharge, cible: str) -> dict[str, str]:
    """Reads the plan's variables with a logged-in `requests.Session`; French error if one is
    not found (the profile's pattern or the solution's data changed)."""
    valeurs: dict[str, str] = {}
    for variable in plan.variables:
        url = urljoin(cible, variable.chemin.format_map(valeurs))
        reponse = session.get(url, timeout=60)
        trouve = variable.motif.search(reponse.text) if reponse.status_code < 400 else None
        if trouve is None:
            raise ProfilInvalide(
                f"{plan.fichier} : la variable « {variable.nom} » est introuvable : le motif "
                f"« {variable.motif.pattern} » ne correspond pas à la page {url} (réponse "
                f"{reponse.status_code})."
            )
        valeurs[variable.nom] = trouve.group(1)
    return valeurs


class _Formulaires(HTMLParser):
    """The forms of a page: method, action and the fields a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulaires: list[dict] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._option_courante: dict | None = None

    def handle_starttag(self, balise, attributs):
        a = {k: (v if v is not None else "") for k, v in attributs}
        if balise == "form":
            self.formulaires.append(
                {"methode": a.get("method", "get").upper(), "action": a.get("action", ""), "c": []}
            )
        elif not self.formulaires:
            return
        elif balise == "input" and a.get("name"):
            genre = a.get("type", "text").lower()
            if genre in ("submit", "button", "reset", "file", "image"):
                return
            if genre in ("checkbox", "radio") and "checked" not in a:
                return
            self.formulaires[-1]["c"].append(
                (a["name"], a.get("value", "on" if genre in ("checkbox", "radio") else ""))
            )
        elif balise == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif balise == "option" and self._select is not None:
            self._option_courante = {"value": a.get("value"), "selected": "selected" in a, "t": ""}
        elif balise == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.formulaires[-1]["c"].append((a["name"], ""))

    def handle_data(self, donnees):
        if self._option_courante is not None:
            self._option_courante["t"] += donnees
        elif self._textarea is not None and self.formulaires:
            nom, texte = self.formulaires[-1]["c"][-1]
            self.formulaires[-1]["c"][-1] = (nom, texte + donnees)

    def handle_endtag(self, balise):
        if balise == "option" and self._option_courante is not None:
            o = self._option_courante
            valeur = o["value"] if o["value"] is not None else o["t"].strip()
            self._options.append((valeur, o["selected"]))
            self._option_courante = None
        elif balise == "select" and self._select is not None:
            choisies = [v for v, s in self._options if s] or [v for v, _ in self._options[:1]]
            if choisies and self.formulaires:
                self.formulaires[-1]["c"].append((self._select, choisies[-1]))
            self._select = None
        elif balise == "textarea":
            self._textarea = None


def champs_du_formulaire(html: str, url_page: str, url_envoi: str) -> dict[str, str]:
    """The fields of the page's form posted to `url_envoi` (else its only POST form), with
    the values shown, as a browser would send them unchanged."""
    lecteur = _Formulaires()
    lecteur.feed(html)
    cible = urlsplit(url_envoi).path.rstrip("/")
    postes = [f for f in lecteur.formulaires if f["methode"] == "POST"]
    for formulaire in postes:
        action = urlsplit(urljoin(url_page, formulaire["action"] or url_page)).path.rstrip("/")
        if action == cible:
            return dict(formulaire["c"])
    if len(postes) == 1:
        return dict(postes[0]["c"])
    return {}
