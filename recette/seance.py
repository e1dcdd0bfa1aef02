"""A séance: one run of a campaign, with an id, a phase, a target, and a folder that is sealed
when it ends. While it runs it lives in `reports/.en-cours/<id>/`; sealing renames it into
`reports/<id>/`, so a séance folder under `reports/` is always complete."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from recette import preuves
from recette.erreurs import SeanceInvalide
from recette.resultats import compter, lire_resultat

PARIS = ZoneInfo("Europe/Paris")
FICHIER_SEANCE = "seance.json"
PROCESSUS = ".processus"
EN_COURS = ".en-cours"
PHASES = ("va", "vsr")


def maintenant() -> datetime:
    return datetime.now(PARIS).replace(microsecond=0)


def dossier_rapports(racine: Path) -> Path:
    return Path(os.environ.get("RECETTE_RAPPORTS") or racine / "reports")


@dataclass
class Seance:
    id: str
    phase: str
    profil: str
    cible: str
    debut: str
    dossier: Path
    statut: str = "en cours"
    fin: str | None = None
    version_cible: dict = field(default_factory=dict)
    navigateur: dict = field(default_factory=dict)
    selection: dict = field(default_factory=dict)
    compteurs: dict = field(default_factory=dict)
    remarques: list[str] = field(default_factory=list)

    def en_dict(self) -> dict:
        donnees = asdict(self)
        donnees.pop("dossier")
        return donnees


def nouvel_id(phase: str, profil: str, instant: datetime, existants: set[str]) -> str:
    base = f"{phase.upper()}-{instant:%Y%m%d-%H%M%S}-{profil}"
    candidat, n = base, 1
    while candidat in existants:
        n += 1
        candidat = f"{base}-{n}"
    return candidat


def creer(racine_rapports: Path, phase: str, profil: str, cible: str) -> Seance:
    if phase not in PHASES:
        raise SeanceInvalide(f"Phase « {phase} » inconnue : attendu va ou vsr.")
    racine_rapports.mkdir(parents=True, exist_ok=True)
    (racine_rapports / EN_COURS).mkdir(exist_ok=True)
    debut = maintenant()
    existants = {p.name for p in racine_rapports.iterdir()} | {
        p.name for p in (racine_rapports / EN_COURS).iterdir()
    }
    identifiant = nouvel_id(phase, profil, debut, existants)
    dossier = racine_rapports / EN_COURS / identifiant
    dossier.mkdir()
    # Who runs it: a later run can tell a séance killed outright from one still running.
    (dossier / PROCESSUS).write_text(str(os.getpid()), encoding="utf-8")
    seance = Seance(
        id=identifiant,
        phase=phase,
        profil=profil,
        cible=cible,
        debut=debut.isoformat(),
        dossier=dossier,
    )
    noter_en_cours(seance)
    return seance


def noter_en_cours(seance: Seance) -> None:
    """seance.json « en cours », written while the séance runs: a séance killed outright
    (SIGKILL, power cut) is sealed later with its target, profile, phase and selection."""
    _ecrire_json(seance.dossier / FICHIER_SEANCE, seance.en_dict())


def _ecrire_json(chemin: Path, donnees: dict) -> None:
    temporaire = chemin.with_suffix(".tmp")
    temporaire.write_text(json.dumps(donnees, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(temporaire, chemin)


def sceller(seance: Seance, statut: str, secrets: set[str]) -> Path:
    """Mask, write seance.json, hash everything, move into place, make read-only."""
    seance.statut = statut
    seance.fin = maintenant().isoformat()
    (seance.dossier / PROCESSUS).unlink(missing_ok=True)
    masques = preuves.masquer_dossier(seance.dossier, secrets)
    if masques:
        seance.remarques.append(
            f"{len(masques)} fichier(s) contenaient un secret et ont été masqués avant scellement."
        )
    _ecrire_json(seance.dossier / FICHIER_SEANCE, seance.en_dict())
    preuves.ecrire_scellement(seance.dossier)
    preuves.ecrire_manifeste(seance.dossier)
    final = seance.dossier.parent.parent / seance.id
    os.replace(seance.dossier, final)
    seance.dossier = final
    for chemin in final.rglob("*"):
        if chemin.is_file() and not chemin.is_symlink():
            chemin.chmod(preuves.MODE_SCELLE)
    return final


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recuperer_interrompues(racine_rapports: Path, secrets: set[str]) -> list[Path]:
    """Séances left in `.en-cours` by a process that died without a word (SIGKILL, power cut)
    are sealed as « interrompue » with what they had recorded: nothing is lost or half-written."""
    en_cours = racine_rapports / EN_COURS
    recuperees = []
    if not en_cours.exists():
        return recuperees
    for dossier in sorted(p for p in en_cours.iterdir() if p.is_dir()):
        marque = dossier / PROCESSUS
        try:
            pid = int(marque.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pid = 0
        if pid and _vivant(pid):
            continue
        seance = _seance_retrouvee(dossier)
        seance.remarques.append(
            "Séance retrouvée inachevée (processus arrêté) : scellée en l'état."
        )
        recuperees.append(sceller(seance, "interrompue", secrets))
    return recuperees


def _seance_retrouvee(dossier: Path) -> Seance:
    """What a killed séance had recorded: its seance.json « en cours » (written at start) and
    the counts of the results it holds; the folder name when even that is gone."""
    try:
        notee = json.loads((dossier / FICHIER_SEANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        notee = {}
    if not isinstance(notee, dict):
        notee = {}

    def texte(cle: str, defaut: str) -> str:
        valeur = notee.get(cle)
        return valeur if isinstance(valeur, str) and valeur else defaut

    def carte(cle: str) -> dict:
        valeur = notee.get(cle)
        return valeur if isinstance(valeur, dict) else {}

    phase = texte("phase", dossier.name.split("-", 1)[0].lower())
    seance = Seance(
        id=dossier.name,
        phase=phase if phase in PHASES else "va",
        profil=texte("profil", dossier.name.split("-", 3)[-1]),
        cible=texte("cible", ""),
        debut=texte("debut", datetime.fromtimestamp(dossier.stat().st_mtime, PARIS).isoformat()),
        dossier=dossier,
        version_cible=carte("version_cible"),
        navigateur=carte("navigateur"),
        selection=carte("selection"),
    )
    resultats, illisibles = [], 0
    for chemin in sorted((dossier / "allure-results").glob("*-result.json")):
        try:
            resultats.append(lire_resultat(chemin))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            illisibles += 1  # cut short by the kill
    seance.compteurs = compter(resultats)
    if illisibles:
        seance.remarques.append(
            f"{illisibles} résultat(s) interrompu(s) en cours d'écriture, non comptés."
        )
    return seance


def abandonner(seance: Seance) -> None:
    """A séance refused before anything was recorded leaves nothing behind."""
    shutil.rmtree(seance.dossier, ignore_errors=True)


_FORME_ID = re.compile(r"^(VA|VSR)-\d{8}-\d{6}-")


def dossier_de(racine_rapports: Path, identifiant: str) -> Path:
    """The folder of a séance, by id or by path, whatever it holds now: a séance folder whose
    files were removed is tampered with, not unknown. Only an id naming no folder is unknown."""
    for dossier in (racine_rapports / identifiant, Path(identifiant)):
        if "/" in identifiant and dossier != Path(identifiant):
            continue  # an id never holds a slash: only the path form may
        if _FORME_ID.match(dossier.name) and dossier.is_dir():
            return dossier
    connues = ", ".join(lister(racine_rapports)[-5:]) or "aucune"
    raise SeanceInvalide(
        f"Séance « {identifiant} » introuvable dans {racine_rapports} "
        f"(dernières séances : {connues})."
    )


def charger(racine_rapports: Path, identifiant: str) -> tuple[Path, dict]:
    dossier = Path(identifiant)
    if not (dossier / FICHIER_SEANCE).exists():
        dossier = racine_rapports / identifiant
    if not (dossier / FICHIER_SEANCE).exists():
        connues = ", ".join(lister(racine_rapports)[-5:]) or "aucune"
        raise SeanceInvalide(
            f"Séance « {identifiant} » introuvable dans {racine_rapports} "
            f"(dernières séances : {connues})."
        )
    if not (dossier / preuves.MANIFESTE).exists():
        raise SeanceInvalide(f"La séance {dossier.name} n'est pas scellée (pas de manifeste).")
    try:
        donnees = json.loads((dossier / FICHIER_SEANCE).read_text("utf-8"))
    except ValueError as exc:
        raise SeanceInvalide(f"{dossier / FICHIER_SEANCE} : JSON illisible ({exc}).") from None
    return dossier, donnees


def lister(racine_rapports: Path) -> list[str]:
    if not racine_rapports.exists():
        return []
    return sorted(
        p.name for p in racine_rapports.iterdir() if p.is_dir() and (p / FICHIER_SEANCE).exists()
    )
