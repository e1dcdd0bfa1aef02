"""Vendor profiles: where the solution is, how to log in, which accounts, and the words of its
screens. A new vendor is a new profile file; features and steps never change."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recette.erreurs import ProfilInvalide
from recette.reseau import Politique, politique_du_profil, verifier_adresse
from recette.secrets import resoudre
from recette.validation import (
    QUELCONQUE,
    Libre,
    lire_yaml,
    refuser_cles_inconnues,
    schema_depuis_cles,
)

# Every business word the adapter looks for on screen; a profile must give them all.
VOCABULAIRE_REQUIS = tuple(
    f"{section}.{cle}"
    for section, cles in {
        "connexion": "identifiant mot_de_passe bouton_mot_de_passe numero_carte code_pin "
        "bouton_carte deconnexion connecte mode_carte",
        "menu": "accueil patients agenda taches messagerie audit import_export habilitations",
        "patients": "liste resultats recherche bouton_recherche page_suivante recherche_avancee "
        "bouton_recherche_avancee nouveau modifier enregistrer synthese colonne_nom "
        "colonne_prenom colonne_ville",
        "champ": "nom nom_naissance prenom sexe date_naissance lieu_naissance nir adresse "
        "code_postal ville telephone courriel medecin_traitant",
        "option": "feminin masculin",
        "synthese": "antecedents allergies traitements correspondants",
        "consentement": "section accepte refuse bouton texte_accepte texte_refuse",
        "refus": "titre",
        "audit": "legende colonne_action colonne_objet colonne_utilisateur action_refus "
        "action_modification action_connexion",
        "habilitations": "legende colonne_role",
        "agenda": "nouveau legende patient professionnel date heure duree motif enregistrer",
        "taches": "legende titre patient assignee echeance enregistrer mes_taches marquer_faite "
        "colonne_titre colonne_statut statut_faite",
        "messagerie": "nouveau destinataire objet message envoyer legende_recus colonne_objet "
        "colonne_de",
        "echanges": "export_patients fichier_pivot importer legende_rejets colonne_ligne "
        "colonne_champ",
        "adresses": "dossier synthese patients agenda taches messagerie audit import_export "
        "habilitations",
    }.items()
    for cle in cles.split()
)

# Vocabulary keys the adapter reads when a profile gives them (the rights matrix's words are
# the vendor's own, so their keys are free).
VOCABULAIRE_FACULTATIF = ("champ.consentement",)
VOCABULAIRE_LIBRE = ("habilitations.fonctions", "habilitations.droits")


def schema_profil() -> dict:
    """Every key a profile may hold, at every depth (see recette/validation.py); the `donnees`
    and `charge` sections are declared by the modules that read them."""
    from recette.adaptateur.echanges import SCHEMA_DONNEES
    from recette.performances.plan import SCHEMA_CHARGE
    from recette.vsr.sonde import SCHEMA_SONDE

    compte = {
        "nom": QUELCONQUE,
        "role": QUELCONQUE,
        "identifiant": QUELCONQUE,
        "mot_de_passe": {"env": QUELCONQUE},
        "carte_cps": QUELCONQUE,
        "pin": {"env": QUELCONQUE},
    }
    return {
        "nom": QUELCONQUE,
        "libelle": QUELCONQUE,
        "cible": QUELCONQUE,
        "production": QUELCONQUE,
        "hotes_autorises": QUELCONQUE,
        "version": {"url": QUELCONQUE},
        "connexion": {"url": QUELCONQUE},
        "comptes": [compte],
        "vocabulaire": schema_depuis_cles(
            VOCABULAIRE_REQUIS + VOCABULAIRE_FACULTATIF, VOCABULAIRE_LIBRE
        ),
        "donnees": SCHEMA_DONNEES,
        "charge": SCHEMA_CHARGE,
        "sonde": SCHEMA_SONDE,
        # What the vendor's solution contractually excludes, per requirement, with the reason:
        # checked against the grid by recette.grille.perimetre.
        "perimetre": {"exclusions": Libre(QUELCONQUE)},
    }


# The patient file's fields as a référent names them in a scenario -> vocabulary key.
CHAMPS_PATIENT = {
    "nom": "nom",
    "nom de naissance": "nom_naissance",
    "prénom": "prenom",
    "sexe": "sexe",
    "date de naissance": "date_naissance",
    "lieu de naissance": "lieu_naissance",
    "nir": "nir",
    "adresse": "adresse",
    "code postal": "code_postal",
    "ville": "ville",
    "téléphone": "telephone",
    "courriel": "courriel",
    "médecin traitant": "medecin_traitant",
}


@dataclass(frozen=True)
class Compte:
    nom: str
    role: str
    identifiant: str | None
    variable_mot_de_passe: str | None
    numero_carte: str | None
    variable_pin: str | None

    def mot_de_passe(self, racine: Path | None = None) -> str:
        if not self.variable_mot_de_passe:
            raise ProfilInvalide(
                f"Le compte « {self.nom} » n'a pas de mot de passe dans le profil."
            )
        return resoudre(self.variable_mot_de_passe, racine, f"le compte « {self.nom} »")

    def pin(self, racine: Path | None = None) -> str:
        if not self.variable_pin:
            raise ProfilInvalide(f"Le compte « {self.nom} » n'a pas de carte CPS dans le profil.")
        return resoudre(self.variable_pin, racine, f"le compte « {self.nom} »")

    @property
    def variables_secretes(self) -> tuple[str, ...]:
        return tuple(v for v in (self.variable_mot_de_passe, self.variable_pin) if v)


@dataclass(frozen=True)
class Profil:
    nom: str
    libelle: str
    fichier: Path
    cible: str
    production: bool
    url_version: str | None
    url_connexion: str
    comptes: tuple[Compte, ...]
    vocabulaire: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)
    # Where every request of the bench may go (recette.reseau): `hotes_autorises`.
    politique: Politique = field(default_factory=lambda: Politique((), "profil sans hôte"))

    def mot(self, cle: str) -> str:
        try:
            return self.vocabulaire[cle]
        except KeyError:
            raise ProfilInvalide(
                f"{self.fichier} : le vocabulaire n'a pas de clé « {cle} »."
            ) from None

    def compte(self, qui: str) -> Compte:
        """An account by the name a référent uses: the person's name or the role."""
        cle = qui.strip().casefold()
        for compte in self.comptes:
            if compte.nom.casefold() == cle:
                return compte
        for compte in self.comptes:
            if compte.role.casefold() == cle:
                return compte
        connus = ", ".join(f"« {c.nom} » ({c.role})" for c in self.comptes)
        raise ProfilInvalide(
            f"{self.fichier} : aucun compte « {qui} » dans le profil (comptes connus : {connus})."
        )

    def avec_cible(self, cible: str | None) -> Profil:
        """The profile aimed at `cible` (the --cible option), refused before anything is sent
        or written when the profile's hosts do not include it."""
        if cible is None:
            return self
        adresse = verifier_adresse(cible, self.politique, "option --cible")
        return Profil(**{**self.__dict__, "cible": adresse.url})

    @property
    def variables_secretes(self) -> tuple[str, ...]:
        return tuple(v for c in self.comptes for v in c.variables_secretes)


def chemin_profil(nom_ou_chemin: str, racine: Path) -> Path:
    chemin = Path(nom_ou_chemin)
    if chemin.suffix in (".yaml", ".yml") and chemin.exists():
        return chemin
    candidat = racine / "fixtures" / "profils" / f"{nom_ou_chemin}.yaml"
    if candidat.exists():
        return candidat
    disponibles = sorted(p.stem for p in (racine / "fixtures" / "profils").glob("*.yaml"))
    raise ProfilInvalide(
        f"Profil « {nom_ou_chemin} » introuvable (ni fichier, ni fixtures/profils/"
        f"{nom_ou_chemin}.yaml). Profils disponibles : {', '.join(disponibles) or 'aucun'}."
    )


def _exiger(donnees: dict, cle: str, fichier: Path, type_attendu: type, chemin: str = ""):
    nom = f"{chemin}{cle}"
    if cle not in donnees or donnees[cle] is None:
        raise ProfilInvalide(f"{fichier} : la clé « {nom} » est obligatoire.")
    valeur = donnees[cle]
    if not isinstance(valeur, type_attendu):
        attendu = {
            str: "un texte",
            bool: "oui/non (true/false)",
            dict: "une section",
            list: "une liste",
        }
        raise ProfilInvalide(
            f"{fichier} : la clé « {nom} » doit être {attendu.get(type_attendu, type_attendu)} "
            f"(trouvé : {valeur!r})."
        )
    return valeur


def _aplatir(section: dict, prefixe: str = "") -> dict[str, str]:
    plat: dict[str, str] = {}
    for cle, valeur in section.items():
        nom = f"{prefixe}{cle}"
        if isinstance(valeur, dict):
            plat.update(_aplatir(valeur, nom + "."))
        else:
            plat[nom] = str(valeur)
    return plat


def _compte(brut: Any, index: int, fichier: Path) -> Compte:
    chemin = f"comptes[{index + 1}]."
    if not isinstance(brut, dict):
        raise ProfilInvalide(f"{fichier} : « comptes[{index + 1}] » doit être une section.")
    nom = _exiger(brut, "nom", fichier, str, chemin)
    role = _exiger(brut, "role", fichier, str, chemin)
    for cle in ("mot_de_passe", "pin"):
        if cle in brut and not (isinstance(brut[cle], dict) and "env" in brut[cle]):
            # A literal secret in a versioned file is exactly what must never happen.
            raise ProfilInvalide(
                f"{fichier} : « {chemin}{cle} » doit nommer une variable d'environnement "
                f"(« {cle}: {{env: NOM_DE_VARIABLE}} »), jamais la valeur du secret."
            )
    carte = brut.get("carte_cps")
    if ("pin" in brut) != (carte is not None):
        raise ProfilInvalide(f"{fichier} : « {chemin}carte_cps » et « {chemin}pin » vont ensemble.")
    if "mot_de_passe" not in brut and carte is None:
        raise ProfilInvalide(f"{fichier} : le compte « {nom} » n'a ni mot de passe ni carte CPS.")
    if "mot_de_passe" in brut and not brut.get("identifiant"):
        raise ProfilInvalide(f"{fichier} : la clé « {chemin}identifiant » est obligatoire.")
    return Compte(
        nom=nom,
        role=role,
        identifiant=brut.get("identifiant"),
        variable_mot_de_passe=(brut.get("mot_de_passe") or {}).get("env"),
        numero_carte=str(carte) if carte is not None else None,
        variable_pin=(brut.get("pin") or {}).get("env"),
    )


def charger_profil(nom_ou_chemin: str, racine: Path) -> Profil:
    fichier = chemin_profil(nom_ou_chemin, racine)
    brut = lire_yaml(fichier, ProfilInvalide)
    if not isinstance(brut, dict):
        raise ProfilInvalide(f"{fichier} : le profil doit être une section YAML (clé: valeur).")
    # Before anything else: `produciton: true` must not pass as a profile without the key.
    refuser_cles_inconnues(brut, schema_profil(), fichier, ProfilInvalide)
    nom = _exiger(brut, "nom", fichier, str)
    cible = _exiger(brut, "cible", fichier, str)
    politique = politique_du_profil(brut, fichier)
    cible = verifier_adresse(cible, politique, f"clé « cible » de {fichier}").url
    production = _exiger(brut, "production", fichier, bool)
    connexion = _exiger(brut, "connexion", fichier, dict)
    url_connexion = _exiger(connexion, "url", fichier, str, "connexion.")
    comptes_bruts = _exiger(brut, "comptes", fichier, list)
    if not comptes_bruts:
        raise ProfilInvalide(f"{fichier} : « comptes » ne peut pas être vide.")
    comptes = tuple(_compte(c, i, fichier) for i, c in enumerate(comptes_bruts))
    vocabulaire = _aplatir(_exiger(brut, "vocabulaire", fichier, dict))
    manquants = [cle for cle in VOCABULAIRE_REQUIS if cle not in vocabulaire]
    if manquants:
        raise ProfilInvalide(
            f"{fichier} : le vocabulaire doit donner les clés suivantes : {', '.join(manquants)}."
        )
    version = brut.get("version") or {}
    return Profil(
        nom=nom,
        libelle=str(brut.get("libelle", nom)),
        fichier=fichier,
        cible=cible,
        production=production,
        url_version=version.get("url") if isinstance(version, dict) else None,
        url_connexion=url_connexion,
        comptes=comptes,
        vocabulaire=vocabulaire,
        politique=politique,
        extra={
            k: v
            for k, v in brut.items()
            if k
            not in {
                "nom",
                "libelle",
                "cible",
                "production",
                "connexion",
                "comptes",
                "vocabulaire",
                "version",
                "hotes_autorises",
            }
        },
    )
