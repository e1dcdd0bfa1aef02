"""The fiche anomalie: one self-contained page per anomaly, with the failure's screenshot embedded.

[CCT] § « Assistance à la recette de la solution »: the vendor reports daily « sur les anomalies
identifiées, via des fiches anomalie ». A fiche is read without the bench, so the screenshot is
embedded as a ``data:`` URI rather than linked to a file of the sealed séance."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from recette.anomalies import Fiche, Occurrence
from recette.documents.faits import FaitsDocument
from recette.documents.rendu import ecrire_texte, rendre
from recette.resultats import STATUTS_ECHEC

MODELE = "fiche.html"
DOSSIER = "fiches"
CAPTURE = "capture-echec.png"

STATUTS_EXECUTION = {
    "failed": "échoué",
    "broken": "échoué (erreur technique)",
    "passed": "réussi",
    "skipped": "ignoré",
}


@dataclass(frozen=True)
class Capture:
    seance: str
    chemin: str  # relative to the séance folder
    uri: str


def nom_fichier(numero: str) -> str:
    return f"{DOSSIER}/{numero}.html"


def capture_echec(faits: FaitsDocument, fiche: Fiche) -> Capture | None:
    """The screenshot of the failure: the one taken in this séance when the anomaly failed in it,
    otherwise the latest failed occurrence that has one. The bench saves it as
    preuves/<scénario>/capture-echec.png and links it from the result (its evidence paths);
    an Allure PNG attachment is the fallback."""
    echecs = [o for o in fiche.occurrences if o.statut in STATUTS_ECHEC]
    ordre = [o for o in echecs if o.seance == faits.seance_id] + list(reversed(echecs))
    for occurrence in ordre:
        for chemin in _pngs(occurrence):
            fichier = _dans_la_seance(faits.dossier_rapports / occurrence.seance, chemin)
            if fichier is not None:
                contenu = base64.b64encode(fichier.read_bytes()).decode("ascii")
                return Capture(occurrence.seance, chemin, f"data:image/png;base64,{contenu}")
    return None


def rendre_fiche_html(faits: FaitsDocument, fiche: Fiche) -> str:
    a = fiche.anomalie
    return rendre(
        MODELE,
        faits=faits,
        fiche=fiche,
        a=a,
        capture=capture_echec(faits, fiche),
        retards=a.retards(faits.decide_le),
        statuts_execution=STATUTS_EXECUTION,
    )


def ecrire_fiches(faits: FaitsDocument, dossier: Path) -> dict[str, Path]:
    """One page per anomaly of the facts, in ``dossier/fiches/``; name → path."""
    ecrits = {}
    for fiche in faits.fiches:
        nom = nom_fichier(fiche.anomalie.numero)
        ecrits[nom] = ecrire_texte(Path(dossier) / nom, rendre_fiche_html(faits, fiche))
    return ecrits


def _pngs(occurrence: Occurrence) -> list[str]:
    pngs = [p for p in occurrence.preuves if p.lower().endswith(".png")]
    return sorted(pngs, key=lambda p: PurePosixPath(p).name != CAPTURE)


def _dans_la_seance(dossier_seance: Path, chemin: str) -> Path | None:
    """The file, if it exists inside the séance folder (a path is never followed outside it)."""
    fichier = (dossier_seance / chemin).resolve()
    if not fichier.is_relative_to(dossier_seance.resolve()) or not fichier.is_file():
        return None
    return fichier
