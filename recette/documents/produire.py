"""One call derives every document of a sealed séance into ``reports/documents/<séance>/``:

    pv-va.html, pv-va.pdf                 the PV (pv-vsr.* for a VSR séance)
    registre-anomalies.xlsx, .csv         the anomaly register
    fiches/ANO-AAAA-NNNN.html             one fiche per anomaly
    reporting-journalier-AAAA-MM-JJ.html  the day of the decision, at the decision
    avis-ajournement.html, .pdf           when the proposed decision is an ajournement
    pv-levee-reserves.html, .pdf          when the decision carried réserves

Each file is written through a temporary file and renamed into place. An avis or a levée left by
an earlier run that no longer applies (the register changed since) is removed, so the folder never
holds documents that contradict each other. The séance folder itself is never touched."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from recette import seance as seances
from recette.documents import ajournement, fiche, journalier, pv, registre
from recette.documents.faits import FaitsDocument, rassembler_faits, seances_suivantes
from recette.erreurs import RecetteErreur
from recette.verdicts import Decision


def dossier_documents(racine: Path, seance_id: str) -> Path:
    return seances.dossier_rapports(Path(racine)) / "documents" / seance_id


def produire_documents(
    racine: Path,
    seance_id: str,
    decide_le: datetime | None = None,
    faits: FaitsDocument | None = None,
) -> dict[str, Path]:
    """Writes every document of the séance; returns file name (relative to the séance's
    documents folder) → path, in a stable order."""
    racine = Path(racine)
    # A caller that already gathered the facts (to print the verdict) passes them in.
    faits = faits or rassembler_faits(racine, seance_id, decide_le)
    dossier = dossier_documents(racine, faits.seance_id)
    ecrits: dict[str, Path] = {}

    def noter(*chemins: Path) -> None:
        for chemin in chemins:
            ecrits[chemin.relative_to(dossier).as_posix()] = chemin

    noter(*pv.ecrire_pv(faits, dossier))
    noter(*registre.ecrire_registre(faits, dossier))
    noter(*fiche.ecrire_fiches(faits, dossier).values())
    noter(journalier.ecrire_journalier(faits, dossier))

    if faits.verdict.decision is Decision.AJOURNEMENT:
        noter(*ajournement.ecrire_avis(faits, dossier))
    else:
        _retirer(dossier, ajournement.FICHIER_AVIS)
    if ajournement.verdict_a_la_decision(faits).reserves:
        noter(*ajournement.ecrire_levee(faits, dossier, _controle(racine, faits)))
    else:
        _retirer(dossier, ajournement.FICHIER_LEVEE)
    return ecrits


def _controle(racine: Path, faits: FaitsDocument) -> FaitsDocument | None:
    """The latest later séance of the same phase, where the réserves are checked."""
    for identifiant in reversed(seances_suivantes(racine, faits)):
        try:
            return rassembler_faits(racine, identifiant)
        except RecetteErreur:
            # A later séance not (yet) in the register cannot say what was lifted.
            continue
    return None


def _retirer(dossier: Path, base: str) -> None:
    for extension in ("html", "pdf"):
        (dossier / f"{base}.{extension}").unlink(missing_ok=True)
