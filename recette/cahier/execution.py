"""Recording what référents did by hand: a filled cahier becomes a sealed séance of its own.

The manual séance is built like an automated one, so that everything downstream reads it the
same way (coverage, register, PV, `recette verifier`): one Allure result per manual scenario that
has at least one step done, its steps with their OK / KO / bloqué, the référent's comment as the
message, the evidence files as attachments; the filled workbook itself is kept in the séance; the
manifest hashes everything (SHA-256) when the séance is sealed. A KO step opens an anomaly (or a
new occurrence of a known one) in the register, with the référent's comment and evidence.

A scenario's outcome: any KO → « échoué »; otherwise any bloqué, or a step not done → not
verified (skipped: « bloqué » or « incomplet »); every step OK → « réussi ». Nothing is ever
invented: a step nobody filled stays not done. The web workbench records its manual executions
through the same function (`enregistrer_execution`)."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from recette import seance as seances
from recette.cahier.classeur import EtapeRemplie
from recette.cahier.lecture import ScenarioManuel
from recette.seance import PARIS

GENRE = "manuel"


@dataclass(frozen=True)
class BilanManuel:
    seance: seances.Seance
    scenarios: dict[str, str]  # scenario key -> réussi / échoué / bloqué / incomplet
    anomalies_nouvelles: tuple[str, ...]
    anomalies_connues: tuple[str, ...]


def _issue(etapes: Sequence[EtapeRemplie], scenario: ScenarioManuel) -> str:
    faites = {e.numero: e for e in etapes if e.resultat}
    if any(e.resultat == "KO" for e in faites.values()):
        return "échoué"
    if any(e.resultat == "bloqué" for e in faites.values()):
        return "bloqué"
    if len(faites) < len(scenario.etapes):
        return "incomplet"
    return "réussi"


def _millis(jour: date | None, repli: datetime) -> int:
    moment = datetime.combine(jour, time(12), PARIS) if jour else repli
    return int(moment.timestamp() * 1000)


def _resultat(
    scenario: ScenarioManuel,
    etapes: list[EtapeRemplie],
    issue: str,
    dossier_resultats: Path,
    quand: datetime,
) -> dict:
    identifiant = str(uuid.uuid4())
    pas, pieces = [], []
    message = ""
    for etape in sorted(etapes, key=lambda e: e.numero):
        modele = next(x for x in scenario.etapes if x.numero == etape.numero)
        statut = {"OK": "passed", "KO": "failed", "bloqué": "skipped"}.get(etape.resultat or "")
        nom = f"Étape {etape.numero} : {modele.action} — attendu : {modele.attendu}"
        noeud = {"name": nom, "status": statut or "skipped", "attachments": []}
        if etape.resultat in ("KO", "bloqué") and not message:
            message = (
                f"{etape.resultat} à l'étape {etape.numero} ({etape.referent}, "
                f"{etape.date:%d/%m/%Y}) : {etape.commentaire}"
            )
        if etape.preuve is not None:
            source = f"{identifiant}-preuve-{etape.numero}{Path(etape.preuve.nom).suffix.lower()}"
            shutil.copyfile(etape.preuve.chemin, dossier_resultats / source)
            piece = {
                "name": f"Preuve de l'étape {etape.numero} : {etape.preuve.nom} "
                f"(SHA-256 {etape.preuve.sha256})",
                "source": source,
                "type": _type(etape.preuve.nom),
            }
            noeud["attachments"].append(piece)
            pieces.append(piece)
        if etape.commentaire:
            noeud["parameters"] = [{"name": "commentaire", "value": etape.commentaire}]
        pas.append(noeud)
    statut = {"réussi": "passed", "échoué": "failed"}.get(issue, "skipped")
    if issue == "incomplet":
        message = "Scénario manuel incomplet : des étapes n'ont pas de résultat."
    referents = sorted({e.referent for e in etapes if e.referent})
    jours = [e.date for e in etapes if e.date]
    etiquettes = sorted(scenario.tags)
    labels = (
        [{"name": "exigence", "value": e} for e in scenario.exigences]
        + [{"name": "story", "value": e} for e in scenario.exigences]
        + [{"name": "tag", "value": t} for t in etiquettes]
        + [{"name": "referent", "value": r} for r in referents]
    )
    if scenario.domaine:
        labels += [{"name": "domaine", "value": scenario.domaine}]
        labels += [{"name": "epic", "value": scenario.domaine}]
    if scenario.priorite:
        labels.append({"name": "priorite", "value": str(scenario.priorite)})
    return {
        "uuid": identifiant,
        "historyId": scenario.cle,
        "name": scenario.titre,
        "fullName": f"{scenario.cle} (manuel)",
        "status": statut,
        "statusDetails": {"message": message} if message else {},
        "stage": "finished",
        "description": "Scénario manuel exécuté par un référent"
        + (f" ({', '.join(referents)})" if referents else "")
        + ". Préalables : "
        + ("; ".join(scenario.prealables) or "aucun")
        + ".",
        "steps": pas,
        "attachments": pieces,
        "labels": labels,
        "parameters": [],
        "start": _millis(min(jours, default=None), quand),
        "stop": _millis(max(jours, default=None), quand),
    }


def _type(nom: str) -> str:
    return {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".pdf": "application/pdf",
        ".txt": "text/plain",
    }.get(Path(nom).suffix.lower(), "application/octet-stream")


def enregistrer_execution(
    racine: Path,
    etapes: list[EtapeRemplie],
    phase: str,
    profil: str,
    cible: str,
    quand: datetime,
    auteur: str,
    registre,
    classeur: Path | None = None,
) -> BilanManuel:
    """Writes and seals the manual séance, then records its failures in the register."""
    from recette.anomalies.registre import preuves_allure
    from recette.resultats import compter, lire_resultats

    par_scenario: dict[str, list[EtapeRemplie]] = {}
    for etape in etapes:
        par_scenario.setdefault(etape.scenario.cle, []).append(etape)
    seance = seances.creer(seances.dossier_rapports(racine), phase, profil, cible)
    try:
        dossier_resultats = seance.dossier / "allure-results"
        dossier_resultats.mkdir()
        issues: dict[str, str] = {}
        for cle, liste in par_scenario.items():
            if not any(e.resultat for e in liste):
                continue  # nobody did it: not a result, the requirement stays not executed
            scenario = liste[0].scenario
            issues[cle] = _issue(liste, scenario)
            donnees = _resultat(scenario, liste, issues[cle], dossier_resultats, quand)
            (dossier_resultats / f"{donnees['uuid']}-result.json").write_text(
                json.dumps(donnees, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        if classeur is not None:
            shutil.copyfile(classeur, seance.dossier / "cahier-rempli.xlsx")
        resultats = lire_resultats(dossier_resultats)
        seance.compteurs = compter(resultats)
        seance.selection = {"genre": GENRE, "cahier": classeur.name if classeur else None}
        seance.remarques.append(
            f"Séance manuelle : {len(issues)} scénario(s) exécuté(s) à la main par les référents, "
            f"enregistrée par {auteur}."
        )
        seances.sceller(seance, "terminée", set())
    except BaseException:
        seances.abandonner(seance)
        raise
    bilan = registre.enregistrer_seance(
        seance.id,
        phase,
        profil,
        cible,
        resultats,
        quand,
        auteur,
        debut=seance.debut,
        fin=seance.fin,
        preuves=preuves_allure(seance.dossier),
    )
    return BilanManuel(seance, issues, bilan.nouvelles, bilan.recurrentes)
