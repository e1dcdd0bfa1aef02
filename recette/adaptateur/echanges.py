"""Data exchanges with the solution over HTTP: administrative login, import of pivot files,
patient CSV export and full (réversibilité) ZIP export.

Everything vendor-specific comes from the `donnees:` section of the vendor profile (paths,
form field names, account, keys of the JSON import report). Plain urllib with a cookie jar:
no browser is needed to exchange files. Every request is bounded in time; no secret ever
appears in a message.
"""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recette.adaptateur.production import ecriture
from recette.adaptateur.profil import Compte, Profil
from recette.erreurs import CibleInjoignable, EchangeImpossible, ProfilInvalide
from recette.reseau import ouvreur
from recette.validation import Libre

DELAI_PAR_DEFAUT = 120.0
# Pivot entities the bench knows how to send and compare (their file is `<entity>.csv`).
ENTITES = ("patients", "elements_medicaux")


# Every key the `donnees:` section may hold (an unknown one is refused when the profile loads).
SCHEMA_DONNEES = {
    "connexion": {
        "url": None,
        "compte": None,
        "champ_identifiant": None,
        "champ_mot_de_passe": None,
    },
    "medecins_traitants": None,
    "import": {"url": None, "champs": Libre(), "bilan": Libre()},
    "export": {"patients": None, "complet": None, "fichiers_complet": None},
    "reinitialisation": {"par_http": None, "procedure": None},
    "delai_requete_secondes": None,
}


@dataclass(frozen=True)
class ConfigDonnees:
    """The `donnees:` section of a profile, checked."""

    url_connexion: str
    compte: Compte
    champ_identifiant: str
    champ_mot_de_passe: str
    url_import: str
    champs_import: dict[str, str]  # form field -> pivot entity
    bilan_import: dict[str, str]  # pivot entity -> key of its report in the JSON answer
    url_export_patients: str
    url_export_complet: str | None
    fichiers_export_complet: tuple[str, ...]
    medecins_traitants: tuple[str, ...]
    procedure_reinitialisation: str
    delai: float

    @property
    def entites_importees(self) -> tuple[str, ...]:
        return tuple(e for e in ENTITES if e in self.champs_import.values())


def config_donnees(profil: Profil) -> ConfigDonnees:
    """Reads `Profil.extra["donnees"]`; every fault is a French message naming the key."""
    fichier = profil.fichier
    brut = profil.extra.get("donnees")
    if not isinstance(brut, dict):
        raise ProfilInvalide(
            f"{fichier} : la section « donnees » est absente : elle dit comment importer, "
            "exporter et réinitialiser les données de la solution."
        )

    def section(parent: dict, cle: str, chemin: str) -> dict:
        valeur = parent.get(cle)
        if not isinstance(valeur, dict):
            raise ProfilInvalide(f"{fichier} : la clé « {chemin}{cle} » doit être une section.")
        return valeur

    def texte(parent: dict, cle: str, chemin: str, defaut: str | None = None) -> str:
        valeur = parent.get(cle, defaut)
        if not isinstance(valeur, str) or not valeur.strip():
            raise ProfilInvalide(f"{fichier} : la clé « {chemin}{cle} » doit être un texte.")
        return valeur.strip()

    connexion = section(brut, "connexion", "donnees.")
    import_ = section(brut, "import", "donnees.")
    export = section(brut, "export", "donnees.")
    champs = section(import_, "champs", "donnees.import.")
    inconnues = sorted(set(champs.values()) - set(ENTITES))
    if inconnues or "patients" not in champs.values():
        raise ProfilInvalide(
            f"{fichier} : « donnees.import.champs » associe un champ du formulaire à un fichier "
            f"pivot parmi {', '.join(ENTITES)} (patients obligatoire) ; trouvé : "
            f"{', '.join(map(str, champs.values())) or 'rien'}."
        )
    bilan = section(import_, "bilan", "donnees.import.")
    manquants = [e for e in champs.values() if e not in bilan]
    if manquants:
        raise ProfilInvalide(
            f"{fichier} : « donnees.import.bilan » doit donner la clé du bilan JSON de : "
            f"{', '.join(manquants)}."
        )
    medecins = brut.get("medecins_traitants") or []
    if not isinstance(medecins, list) or not all(isinstance(m, str | int) for m in medecins):
        raise ProfilInvalide(
            f"{fichier} : « donnees.medecins_traitants » doit être une liste de numéros RPPS."
        )
    fichiers_complet = export.get("fichiers_complet") or []
    if not isinstance(fichiers_complet, list):
        raise ProfilInvalide(
            f"{fichier} : « donnees.export.fichiers_complet » doit être une liste de fichiers."
        )
    delai = brut.get("delai_requete_secondes", DELAI_PAR_DEFAUT)
    if not isinstance(delai, int | float) or isinstance(delai, bool) or delai <= 0:
        raise ProfilInvalide(
            f"{fichier} : « donnees.delai_requete_secondes » doit être un nombre de secondes > 0."
        )
    reinitialisation = brut.get("reinitialisation") or {}
    return ConfigDonnees(
        url_connexion=texte(connexion, "url", "donnees.connexion."),
        compte=profil.compte(texte(connexion, "compte", "donnees.connexion.")),
        champ_identifiant=texte(
            connexion, "champ_identifiant", "donnees.connexion.", "identifiant"
        ),
        champ_mot_de_passe=texte(
            connexion, "champ_mot_de_passe", "donnees.connexion.", "mot_de_passe"
        ),
        url_import=texte(import_, "url", "donnees.import."),
        champs_import={str(k): str(v) for k, v in champs.items()},
        bilan_import={str(k): str(v) for k, v in bilan.items()},
        url_export_patients=texte(export, "patients", "donnees.export."),
        url_export_complet=(export.get("complet") or None),
        fichiers_export_complet=tuple(str(f) for f in fichiers_complet),
        medecins_traitants=tuple(str(m) for m in medecins),
        procedure_reinitialisation=str(
            reinitialisation.get("procedure") or "Opération manuelle de l'éditeur."
        ),
        delai=float(delai),
    )


def _multipart(fichiers: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data form holding only files."""
    frontiere = f"recette-{uuid.uuid4().hex}"
    morceaux = []
    for champ, (nom, contenu) in fichiers.items():
        morceaux.append(
            (
                f"--{frontiere}\r\n"
                f'Content-Disposition: form-data; name="{champ}"; filename="{nom}"\r\n'
                "Content-Type: text/csv; charset=utf-8\r\n\r\n"
            ).encode()
            + contenu
            + b"\r\n"
        )
    morceaux.append(f"--{frontiere}--\r\n".encode())
    return b"".join(morceaux), f"multipart/form-data; boundary={frontiere}"


class ClientEchanges:
    """One logged-in session on the solution, for its import and exports."""

    def __init__(self, profil: Profil, config: ConfigDonnees, racine: Path | None = None):
        self.profil = profil
        self.config = config
        self.racine = racine
        self.base = profil.cible if profil.cible.endswith("/") else profil.cible + "/"
        # Every request and redirect checked against the profile's hosts (recette.reseau).
        self._ouvreur = ouvreur(
            profil.politique, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.connecte = False

    def url(self, chemin: str) -> str:
        return urllib.parse.urljoin(self.base, chemin.lstrip("/"))

    def _envoyer(
        self, etape: str, chemin: str, donnees: bytes | None = None, entetes=None
    ) -> tuple[str, bytes, str]:
        """(final URL, body, content type); French errors name the step and the address."""
        adresse = self.url(chemin)
        requete = urllib.request.Request(adresse, data=donnees, headers=entetes or {})
        try:
            with self._ouvreur.open(requete, timeout=self.config.delai) as reponse:
                return reponse.geturl(), reponse.read(), reponse.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            motifs = {401: "authentification exigée", 403: "accès refusé", 404: "page inconnue"}
            motif = motifs.get(exc.code, exc.reason)
            raise EchangeImpossible(
                f"{etape} : la solution a répondu {exc.code} ({motif}) à {adresse}."
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raison = getattr(exc, "reason", exc)
            raise CibleInjoignable(
                f"{etape} : la solution ne répond pas à {adresse} ({raison})."
            ) from None

    def connecter(self) -> None:
        """Password login with the profile's administrative account."""
        compte = self.config.compte
        formulaire = urllib.parse.urlencode(
            {
                self.config.champ_identifiant: compte.identifiant or "",
                self.config.champ_mot_de_passe: compte.mot_de_passe(self.racine),
            }
        ).encode()
        adresse = self.url(self.config.url_connexion)
        finale, _, _ = self._envoyer(
            "Connexion",
            self.config.url_connexion,
            formulaire,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        # A successful login sends the browser elsewhere; a refused one answers in place.
        if finale.rstrip("/") == adresse.rstrip("/"):
            raise EchangeImpossible(
                f"Connexion de « {compte.nom} » ({compte.role}) à {self.base} refusée : "
                "identifiant ou mot de passe incorrect (le mot de passe n'est pas affiché)."
            )
        self.connecte = True

    def _exiger_connexion(self) -> None:
        if not self.connecte:
            self.connecter()

    def exporter_patients(self) -> bytes:
        self._exiger_connexion()
        finale, contenu, type_ = self._envoyer(
            "Export des patients", self.config.url_export_patients
        )
        if "html" in type_:
            raise EchangeImpossible(
                f"Export des patients : {finale} rend une page et non un fichier CSV "
                "(session expirée ou droits insuffisants ?)."
            )
        return contenu

    def exporter_complet(self) -> bytes:
        self._exiger_connexion()
        if not self.config.url_export_complet:
            raise ProfilInvalide(
                f"{self.profil.fichier} : « donnees.export.complet » (adresse de l'export "
                "complet) est absente."
            )
        finale, contenu, type_ = self._envoyer("Export complet", self.config.url_export_complet)
        if "html" in type_:
            raise EchangeImpossible(
                f"Export complet : {finale} rend une page et non une archive ZIP "
                "(session expirée ou droits insuffisants ?)."
            )
        return contenu

    @ecriture("l'import de fichiers pivots")
    def importer(self, fichiers: dict[str, bytes]) -> dict[str, Any]:
        """Sends pivot files (entity -> CSV bytes) and returns the JSON import report."""
        self._exiger_connexion()
        envoyes = {
            champ: (f"{entite}.csv", fichiers[entite])
            for champ, entite in self.config.champs_import.items()
            if entite in fichiers
        }
        corps, type_corps = _multipart(envoyes)
        finale, contenu, type_ = self._envoyer(
            "Import",
            self.config.url_import,
            corps,
            {"Content-Type": type_corps, "Accept": "application/json"},
        )
        try:
            bilan = json.loads(contenu.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            bilan = None
        if not isinstance(bilan, dict) or "html" in type_:
            raise EchangeImpossible(
                f"Import : {finale} n'a pas rendu de bilan JSON (session expirée, droits "
                "insuffisants ou import non scriptable ?)."
            )
        return bilan
