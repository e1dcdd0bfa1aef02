"""Filling a training or test environment of the solution with fictitious data.

Cahier des charges type, § « Formation des administrateurs fonctionnels » : the training takes
place « sur un environnement de formation spécifique […] peuplé de données fictives » ; the VA
needs test sets (« jeux d'essai »). The bench generates a coherent dataset (recette.donnees)
whose médecins traitants are the target's own doctors, and loads it through the solution's
own import, as the vendor's administrators would:

    remplir_environnement(racine, profil_nom, jeu="formation", cible=None, graine=42) -> Bilan
    importer_pivot(racine, dossier, profil_nom, cible=None) -> Bilan

Rules:
- a profile marked `production: true` is refused before anything is generated or sent;
- loading is idempotent: patients already in the solution (same pivot id, or same INS identity
  traits) are not sent again, nor their medical elements; a second run sends nothing and says
  so;
- the solution's import report is kept in the Bilan, each rejected row traced back to its line
  in the source pivot file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from recette.adaptateur.echanges import ClientEchanges, ConfigDonnees, config_donnees
from recette.adaptateur.profil import Profil, charger_profil
from recette.donnees import generer, noms_profils
from recette.donnees.tables import Ligne, Table, cle_identite, ecrire_csv, lire_csv, lire_octets_csv
from recette.erreurs import EchangeImpossible, ProductionProtegee, RecetteErreur
from recette.seance import dossier_rapports

JEUX = ("formation", "recette")
FICHIER_BILAN = "bilan-import.json"


@dataclass(frozen=True)
class RejetImport:
    """A row the solution refused, traced back to the source pivot file."""

    fichier: str  # patients.csv, elements_medicaux.csv
    ligne: int | None  # line in the source file (header = 1); None for a whole-file refusal
    id_patient: str
    champ: str
    motif: str


@dataclass
class Bilan:
    """What one load did; `rien_de_nouveau` when everything was already there."""

    profil: str
    cible: str
    dossier: Path
    jeu: str | None = None
    graine: int | None = None
    patients_source: int = 0
    elements_source: int = 0
    deja_presents: int = 0
    patients_envoyes: int = 0
    elements_envoyes: int = 0
    patients_importes: int = 0
    elements_importes: int = 0
    patients_avant: int = 0
    patients_apres: int = 0
    rejets: list[RejetImport] = field(default_factory=list)
    reponse: dict[str, Any] = field(default_factory=dict)

    @property
    def rien_de_nouveau(self) -> bool:
        return self.patients_envoyes == 0

    @property
    def message(self) -> str:
        if self.rien_de_nouveau:
            return (
                f"Aucun nouveau patient : les {self.deja_presents} patients du jeu sont déjà "
                f"présents dans {self.cible} ; rien n'a été importé."
            )
        texte = (
            f"{self.patients_importes} patient(s) et {self.elements_importes} élément(s) "
            f"médical(aux) importé(s) sur {self.patients_envoyes} patient(s) envoyé(s)"
        )
        if self.deja_presents:
            texte += f" ({self.deja_presents} déjà présent(s), non renvoyé(s))"
        if self.rejets:
            texte += f" ; {len(self.rejets)} rejet(s)"
        return texte + "."

    def vers_dict(self) -> dict[str, Any]:
        donnees = asdict(self)
        donnees["dossier"] = str(self.dossier)
        return donnees

    @classmethod
    def depuis_dict(cls, donnees: dict[str, Any]) -> Bilan:
        valeurs = dict(donnees)
        valeurs["dossier"] = Path(valeurs["dossier"])
        valeurs["rejets"] = [RejetImport(**r) for r in valeurs.get("rejets", [])]
        return cls(**valeurs)

    def ecrire(self, chemin: Path) -> Path:
        chemin = Path(chemin)
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_text(
            json.dumps(self.vers_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return chemin

    @classmethod
    def lire(cls, chemin: Path) -> Bilan:
        return cls.depuis_dict(json.loads(Path(chemin).read_text(encoding="utf-8")))


def profil_modifiable(racine: Path, profil_nom: str, cible: str | None) -> Profil:
    """The profile, refused if it is production: the bench never writes there."""
    profil = charger_profil(profil_nom, Path(racine)).avec_cible(cible)
    if profil.production:
        raise ProductionProtegee(
            f"Le profil « {profil.nom} » ({profil.fichier}) désigne un environnement de "
            "production : le banc n'y charge jamais de données, fictives ou non (la production "
            "est en lecture seule). Choisissez le profil d'un environnement de formation ou de "
            "recette."
        )
    return profil


def remplir_environnement(
    racine: Path,
    profil_nom: str,
    jeu: str = "formation",
    cible: str | None = None,
    graine: int = 42,
    *,
    nombre_patients: int | None = None,
    dossier: Path | None = None,
    date_reference: dt.date | None = None,
) -> Bilan:
    """Generates the dataset `jeu` (formation or recette) with the target's doctors and loads
    it into the solution through its import; idempotent. The pivot folder is `dossier` (by
    default `reports/donnees/<profil>-<jeu>-g<graine>[-<n>p]/`) and the Bilan is written beside
    it as `<dossier>.bilan-import.json` (see `chemin_bilan`), which verifier_reprise reads."""
    racine = Path(racine)
    profil = profil_modifiable(racine, profil_nom, cible)
    connus = noms_profils()
    if jeu not in connus:
        raise RecetteErreur(
            f"Jeu de données « {jeu} » inconnu. Jeux disponibles : {', '.join(connus)} "
            f"(pour un environnement : {' ou '.join(JEUX)})."
        )
    config = config_donnees(profil)
    if dossier is None:
        suffixe = f"-{nombre_patients}p" if nombre_patients is not None else ""
        dossier = dossier_rapports(racine) / "donnees" / f"{profil.nom}-{jeu}-g{graine}{suffixe}"
    generer(
        jeu,
        graine,
        dossier,
        date_reference,
        list(config.medecins_traitants) or None,
        nombre_patients=nombre_patients,
        remplacer=True,
    )
    bilan = _importer(racine, profil, config, Path(dossier))
    bilan.jeu, bilan.graine = jeu, graine
    chemin = chemin_bilan(Path(dossier))
    # A run that sent nothing keeps the report of the import that did the work.
    if not bilan.rien_de_nouveau or not chemin.exists():
        bilan.ecrire(chemin)
    return bilan


def chemin_bilan(dossier: Path) -> Path:
    """Where remplir_environnement keeps the import report of a pivot folder."""
    dossier = Path(dossier)
    return dossier.with_name(dossier.name + "." + FICHIER_BILAN)


def importer_pivot(racine: Path, dossier: Path, profil_nom: str, cible: str | None = None) -> Bilan:
    """Loads an existing pivot folder (patients.csv and, when the import takes it,
    elements_medicaux.csv) into the solution; idempotent, refused on production."""
    racine = Path(racine)
    profil = profil_modifiable(racine, profil_nom, cible)
    return _importer(racine, profil, config_donnees(profil), Path(dossier))


def _importer(racine: Path, profil: Profil, config: ConfigDonnees, dossier: Path) -> Bilan:
    patients = lire_csv(dossier / "patients.csv", exiger=("id_patient",))
    elements: Table | None = None
    if (
        "elements_medicaux" in config.entites_importees
        and (dossier / "elements_medicaux.csv").is_file()
    ):
        elements = lire_csv(dossier / "elements_medicaux.csv", exiger=("id_patient",))
    bilan = Bilan(
        profil=profil.nom,
        cible=profil.cible,
        dossier=dossier,
        patients_source=len(patients),
        elements_source=len(elements) if elements else 0,
    )
    client = ClientEchanges(profil, config, racine)
    client.connecter()
    existants = lire_octets_csv(client.exporter_patients(), "export des patients")
    bilan.patients_avant = len(existants)
    ids = {ligne["id_patient"].strip() for ligne in existants.lignes}
    identites = {cle_identite(ligne) for ligne in existants.lignes}
    nouveaux = [
        ligne
        for ligne in patients.lignes
        if ligne["id_patient"].strip() not in ids and cle_identite(ligne) not in identites
    ]
    bilan.deja_presents = len(patients) - len(nouveaux)
    if not nouveaux:
        bilan.patients_apres = bilan.patients_avant
        return bilan

    envoyes = {ligne["id_patient"].strip() for ligne in nouveaux}
    fichiers: dict[str, bytes] = {}
    positions: dict[str, dict[int, Ligne]] = {}
    fichiers["patients"], positions["patients"] = ecrire_csv(patients.entetes, nouveaux)
    bilan.patients_envoyes = len(nouveaux)
    if elements is not None:
        a_envoyer = [e for e in elements.lignes if e["id_patient"].strip() in envoyes]
        if a_envoyer:
            fichiers["elements_medicaux"], positions["elements_medicaux"] = ecrire_csv(
                elements.entetes, a_envoyer
            )
            bilan.elements_envoyes = len(a_envoyer)
    bilan.reponse = client.importer(fichiers)
    for entite in fichiers:
        rapport = bilan.reponse.get(config.bilan_import[entite])
        if not isinstance(rapport, dict):
            raise EchangeImpossible(
                f"Import : le bilan JSON de la solution n'a pas de clé "
                f"« {config.bilan_import[entite]} » pour {entite}.csv (voir donnees.import.bilan "
                f"dans {profil.fichier})."
            )
        importes = int(rapport.get("importes") or 0)
        if entite == "patients":
            bilan.patients_importes = importes
        else:
            bilan.elements_importes = importes
        bilan.rejets.extend(_rejets(entite, rapport, positions[entite]))
    bilan.patients_apres = len(lire_octets_csv(client.exporter_patients(), "export des patients"))
    return bilan


def _rejets(entite: str, rapport: dict[str, Any], positions: dict[int, Ligne]) -> list[RejetImport]:
    fichier = f"{entite}.csv"
    if rapport.get("erreur"):
        return [RejetImport(fichier, None, "", "(fichier entier)", str(rapport["erreur"]))]
    rejets = []
    for rejet in rapport.get("rejets") or []:
        try:
            numero = int(rejet.get("ligne"))
        except (TypeError, ValueError):
            numero = -1
        source = positions.get(numero)
        rejets.append(
            RejetImport(
                fichier=fichier,
                ligne=source.numero if source else None,
                id_patient=source["id_patient"].strip() if source else "",
                champ=str(rejet.get("champ") or ""),
                motif=str(rejet.get("motif") or ""),
            )
        )
    return rejets
