"""The reproduction pack of an anomaly: everything a vendor needs to see and replay the failure,
readable without the bench (a zip of plain files and a French LISEZMOI)."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from recette import preuves as evidence
from recette import seance as seances
from recette.anomalies.constats import chemin_rapport
from recette.erreurs import RecetteErreur
from recette.grille.features import ScenarioInfo, lire_features

# Fixed time stamps make the same anomaly give the same zip.
_DATE_ZIP = (2000, 1, 1, 0, 0, 0)


class PaquetImpossible(RecetteErreur):
    pass


class AnomalieDeControle(PaquetImpossible):
    """The anomaly was found by a check (load, reprise, réversibilité), not by a scenario:
    there is nothing to replay, its evidence is the check's report."""


LIBELLES_CONTROLE = {
    "charge": "contrôle des temps de réponse sous charge",
    "reprise": "contrôle de la reprise des données",
    "reversibilite": "contrôle de la réversibilité",
}


@dataclass(frozen=True)
class PreuveDeControle:
    numero: str
    seance: str
    controle: str  # French words: « contrôle des temps de réponse sous charge »
    rapport: Path | None

    @property
    def message(self) -> str:
        ou = (
            f"son rapport : {self.rapport}"
            if self.rapport
            else "son rapport, dont le registre n'a pas gardé l'emplacement"
        )
        return (
            f"{self.numero} a été constatée par le {self.controle} ({self.seance}), non par un "
            f"scénario : elle n'a pas de paquet de reproduction. Sa preuve est {ou}."
        )


def preuve_de_controle(racine: Path, registre, numero: str) -> PreuveDeControle | None:
    """When a check found anomaly `numero`: the check and its report; None for a scenario's."""
    occurrences = registre.voir(numero).occurrences
    echecs = [o for o in occurrences if o.statut in ("failed", "broken")] or list(occurrences)
    for occurrence in reversed(echecs):
        seance = registre.seance(occurrence.seance)
        if seance is not None and seance.est_controle:
            return PreuveDeControle(
                numero,
                seance.id,
                LIBELLES_CONTROLE.get(seance.genre, f"contrôle « {seance.genre} »"),
                chemin_rapport(racine, seance.rapport) if seance.rapport else None,
            )
    return None


def _resultat(dossier_seance: Path, uuid: str) -> dict:
    for chemin in (dossier_seance / "allure-results").glob("*-result.json"):
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        if donnees.get("uuid") == uuid:
            return donnees
    raise PaquetImpossible(f"Résultat {uuid} introuvable dans {dossier_seance.name}.")


def _etapes(noeud: dict, niveau: int = 0) -> list[str]:
    lignes = []
    for etape in noeud.get("steps", []):
        statut = {"passed": "réussie", "failed": "ÉCHEC", "broken": "ERREUR"}.get(
            etape.get("status"), etape.get("status") or "non exécutée"
        )
        lignes.append(f"{'  ' * niveau}- {etape.get('name')} [{statut}]")
        message = (etape.get("statusDetails") or {}).get("message")
        if message and etape.get("status") in ("failed", "broken"):
            lignes += [f"{'  ' * niveau}    {ligne}" for ligne in message.strip().splitlines()]
        lignes += _etapes(etape, niveau + 1)
    return lignes


def trouver_scenario(racine: Path, nom: str) -> ScenarioInfo:
    for scenario in lire_features(racine / "features"):
        if scenario.nom == nom:
            return scenario
    raise PaquetImpossible(f"Le scénario « {nom} » n'existe plus dans features/.")


def _donnees_utiles(racine: Path, textes: list[str]) -> dict:
    """The reference patients the scenario names (fictitious data the vendor must hold)."""
    chemin = racine / "fixtures" / "jeux" / "patients-reference.yaml"
    patients = yaml.safe_load(chemin.read_text(encoding="utf-8"))["patients"]
    cites = set(re.findall(r"[\"«]\s*([^\"»]+?)\s*[\"»]", "\n".join(textes)))
    return {nom: fiche for nom, fiche in patients.items() if nom in cites}


LISEZMOI = """# Paquet de reproduction — {numero}

**{titre}**

- Exigence(s) : {exigences}
- Séance d'origine : {seance} ({phase}), solution « {profil} » à l'adresse {cible},
  version {version}, navigateur {navigateur}, le {date}.
- Scénario : « {scenario} » ({feature}, ligne {ligne}){exemple}.
- Étape en échec : {etape}

## Contenu

| fichier | ce qu'il contient |
|---|---|
| `scenario/{nom_feature}` | la fonctionnalité en français (le scénario : ligne {ligne}) |
| `etapes.txt` | les étapes telles qu'exécutées, avec les valeurs utilisées et le message d'erreur |
| `preuves/` | trace Playwright (`trace*.zip`), capture, vidéo, réseau (`reseau.har`) |
| `environnement.json` | adresse et version de la solution, navigateur et version, dates |
| `donnees/patients-reference.yaml` | les données fictives dont le scénario a besoin |
| `paquet.json` | la description de ce paquet pour le banc |

Les mots de passe et codes PIN n'y figurent pas : ils sont masqués (« •••••• »).

## Lire sans le banc

- Le scénario et les étapes se lisent dans un éditeur de texte.
- La trace s'ouvre avec `npx playwright show-trace preuves/trace.zip` (outil libre de Playwright,
  hors ligne) : chaque action, la page avant et après, le réseau.
- La vidéo (`.webm`) s'ouvre dans un navigateur ; `reseau.har` dans l'onglet Réseau des outils
  de développement.

## Rejouer avec le banc

```
recette rejouer {nom_paquet} --cible URL_DE_VOTRE_ENVIRONNEMENT --profil VOTRE_PROFIL
```

Le banc rejoue ce seul scénario et répond « reproduite » ou « non reproduite », avec une
nouvelle séance scellée comme preuve.
"""


def construire_paquet(
    racine: Path, registre, numero: str, destination: Path, secrets: set[str]
) -> Path:
    controle = preuve_de_controle(racine, registre, numero)
    if controle is not None:
        raise AnomalieDeControle(controle.message)
    fiche = registre.voir(numero)
    anomalie = fiche.anomalie
    echecs = [o for o in fiche.occurrences if o.statut in ("failed", "broken")]
    if not echecs:
        raise PaquetImpossible(f"{numero} n'a aucune occurrence d'échec à reproduire.")
    occurrence = echecs[-1]
    rapports = seances.dossier_rapports(racine)
    dossier_seance, infos = seances.charger(rapports, occurrence.seance)
    resultat = _resultat(dossier_seance, occurrence.resultat)
    scenario = trouver_scenario(racine, resultat["name"])
    parametres = {p["name"]: p.get("value", "") for p in resultat.get("parameters", [])}
    etapes = _etapes(resultat)
    destination.mkdir(parents=True, exist_ok=True)
    travail = Path(tempfile.mkdtemp(prefix=".paquet-", dir=destination))
    try:
        (travail / "scenario").mkdir()
        shutil.copy(scenario.fichier, travail / "scenario" / scenario.fichier.name)
        (travail / "etapes.txt").write_text(
            f"Scénario : {resultat['name']}\n"
            + "".join(f"Paramètre {k} = {v}\n" for k, v in parametres.items())
            + "\n"
            + "\n".join(etapes)
            + "\n",
            encoding="utf-8",
        )
        (travail / "preuves").mkdir()
        for relatif in occurrence.preuves:
            source = dossier_seance / relatif
            if source.is_file():
                nom = Path(relatif).name
                if relatif.startswith("allure-results/"):
                    nom = "capture-echec" + source.suffix
                shutil.copy(source, travail / "preuves" / nom)
        environnement = {
            "seance": infos["id"],
            "phase": infos["phase"],
            "profil": infos["profil"],
            "cible": infos["cible"],
            "version_cible": infos.get("version_cible", {}),
            "navigateur": infos.get("navigateur", {}),
            "debut": infos["debut"],
            "fin": infos.get("fin"),
            "observee_le": occurrence.observee_le.isoformat(),
        }
        (travail / "environnement.json").write_text(
            json.dumps(environnement, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (travail / "donnees").mkdir()
        (travail / "donnees" / "patients-reference.yaml").write_text(
            "# Données fictives citées par le scénario (fixtures/jeux/patients-reference.yaml)\n"
            + yaml.safe_dump(
                {"patients": _donnees_utiles(racine, [*etapes, resultat["name"]])},
                allow_unicode=True,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        relatif_feature = scenario.fichier.relative_to(racine).as_posix()
        description = {
            "numero": numero,
            "titre": anomalie.titre,
            "exigences": list(anomalie.exigences),
            "scenario": resultat["name"],
            "feature": relatif_feature,
            "ligne": scenario.ligne,
            "parametres": parametres,
            "phase": infos["phase"],
            "profil": infos["profil"],
            "seance": infos["id"],
        }
        (travail / "paquet.json").write_text(
            json.dumps(description, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        nom_paquet = f"{numero}.zip"
        (travail / "LISEZMOI.md").write_text(
            LISEZMOI.format(
                numero=numero,
                titre=anomalie.titre,
                exigences=", ".join(anomalie.exigences) or "—",
                seance=infos["id"],
                phase=infos["phase"].upper(),
                profil=infos["profil"],
                cible=infos["cible"],
                version=infos.get("version_cible", {}).get("version", "inconnue"),
                navigateur=" ".join(str(v) for v in list(infos.get("navigateur", {}).values())[:2]),
                date=occurrence.observee_le.strftime("%d/%m/%Y à %H:%M"),
                scenario=resultat["name"],
                feature=relatif_feature,
                nom_feature=scenario.fichier.name,
                ligne=scenario.ligne,
                exemple=(
                    " — exemple : " + ", ".join(f"{k} = {v}" for k, v in parametres.items())
                    if parametres
                    else ""
                ),
                etape=anomalie.etape_en_echec or "—",
                nom_paquet=nom_paquet,
            ),
            encoding="utf-8",
        )
        evidence.masquer_dossier(travail, secrets)
        restants = evidence.fuites(travail, secrets)
        if restants:
            raise PaquetImpossible(f"Un secret subsiste dans : {', '.join(restants)}.")
        cible = destination / nom_paquet
        temporaire = destination / (nom_paquet + ".tmp")
        with zipfile.ZipFile(temporaire, "w", zipfile.ZIP_DEFLATED) as archive:
            for chemin in sorted(p for p in travail.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(chemin.relative_to(travail).as_posix(), _DATE_ZIP)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, chemin.read_bytes())
        os.replace(temporaire, cible)
        return cible
    finally:
        shutil.rmtree(travail, ignore_errors=True)
