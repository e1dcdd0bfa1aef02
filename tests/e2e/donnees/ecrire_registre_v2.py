"""Writes tests/e2e/donnees/fixtures/registre-v2.sqlite with the hand-written register of the bench
as it was before the switch to the models (schema version 2, commit 2fa8311), and beside it
registre-v2.json: what that register showed of it (every anomaly's fiche, the séance index).

Run once, with that code, to make the fixture: ``python tests/e2e/donnees/ecrire_registre_v2.py``.
The register no longer writes this format, so the file is committed; the test
(test_migration_registre_v2.py) opens a copy with today's register and compares.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DOSSIER = Path(__file__).resolve().parent / "fixtures"
RACINE = Path(__file__).resolve().parents[3]
PARIS = ZoneInfo("Europe/Paris")
DEBUT = datetime(2026, 12, 24, 10, 0, tzinfo=PARIS)


def en_json(valeur):
    """A register value (frozen dataclasses, enums, dates) as plain JSON, for comparison."""
    if dataclasses.is_dataclass(valeur):
        return {c.name: en_json(getattr(valeur, c.name)) for c in dataclasses.fields(valeur)}
    if isinstance(valeur, enum.Enum):
        return valeur.value
    if isinstance(valeur, (datetime, date)):
        return valeur.isoformat()
    if isinstance(valeur, (list, tuple)):
        return [en_json(v) for v in valeur]
    if isinstance(valeur, dict):
        return {str(k): en_json(v) for k, v in valeur.items()}
    return valeur


def resultat(nom, statut="failed", priorite=1, uuid="u", message="3 allergies attendues, 2"):
    from recette.resultats import Resultat

    return Resultat(
        uuid=uuid,
        nom=nom,
        nom_complet=f"dossier-patient/synthese.feature:{nom}",
        statut=statut,
        exigences=("EXG-DP-04",),
        domaine="dossier-patient",
        priorite=priorite,
        tags=("EXG-DP-04", f"priorite:{priorite}"),
        message=message if statut != "passed" else "",
        etape_en_echec="Alors je vois ses allergies" if statut != "passed" else None,
        debut=None,
        fin=None,
        parametres=(("patient", "Claire Martin"),) if nom == "C" else (),
    )


def ecrire(chemin: Path) -> dict:
    from recette.anomalies import Registre
    from recette.anomalies.constats import ConstatAnomalie, ouvrir_anomalies_constat
    from recette.contrat import charger_contrat

    h = timedelta(hours=1)
    cible = "http://127.0.0.1:8000"
    with Registre(chemin, charger_contrat(RACINE / "fixtures")) as registre:
        registre.enregistrer_seance(
            "VA-20261224-090000-demo-a",
            "va",
            "demo-a",
            cible,
            [
                resultat("A", uuid="a1"),
                resultat("B", priorite=2, uuid="b1", message="Délai dépassé : 31 s"),
                resultat("C", uuid="c1", message="Bouton « Enregistrer » absent"),
                resultat("D", statut="passed", uuid="d1"),
            ],
            DEBUT,
            debut=DEBUT - h,
            fin=DEBUT,
            preuves={"a1": ("preuves/A/trace.zip", "allure-results/é-capture.png")},
        )
        registre.qualifier(
            "ANO-2026-0001", "non bloquante", DEBUT + h, "Dr Martin", "Contournable."
        )
        registre.transmettre("ANO-2026-0001", DEBUT + 2 * h, "Chef de projet MOA")
        registre.marquer_doublon("ANO-2026-0003", "ANO-2026-0002", DEBUT + 3 * h, "MOA")
        quatre_jours = DEBUT + timedelta(days=4)
        registre.enregistrer_seance(
            "VA-20261228-090000-demo-a",
            "va",
            "demo-a",
            cible,
            [resultat("A", uuid="a2"), resultat("B", statut="passed", priorite=2, uuid="b2")],
            quatre_jours,
            debut=quatre_jours - h,
            fin=quatre_jours,
        )
        ouvrir_anomalies_constat(
            registre,
            [
                ConstatAnomalie(
                    controle="charge",
                    code="liste-patients",
                    titre="Ouvrir la liste des patients sous charge",
                    attendu="95e centile ≤ 2 s",
                    observe="95e centile : 3,1 s",
                    exigences=("EXG-PERF-01",),
                    domaine="performance",
                    priorite=1,
                )
            ],
            seance="CHARGE-20261229-100000-demo-a",
            phase="va",
            profil="demo-a",
            cible=cible,
            quand=DEBUT + timedelta(days=5),
            genre="charge",
            rapport="performances/20261229-100000-demo-a/resultat.json",
        )
        # A rejected anomaly, then a regression of it opened anew (numbering goes on).
        registre.enregistrer_seance(
            "VA-20261230-090000-demo-a",
            "va",
            "demo-a",
            cible,
            [resultat("E", priorite=3, uuid="e1", message="Libellé tronqué")],
            DEBUT + timedelta(days=6),
        )
        registre.rejeter(
            "ANO-2026-0005", "Conforme au contrat.", DEBUT + timedelta(days=6, hours=1), "MOA"
        )
        return {
            "fiches": {a.numero: en_json(registre.voir(a.numero)) for a in registre.lister()},
            "seances": en_json(registre.seances()),
        }


if __name__ == "__main__":
    DOSSIER.mkdir(exist_ok=True)
    fichier = DOSSIER / "registre-v2.sqlite"
    for ancien in DOSSIER.glob("registre-v2.sqlite*"):
        ancien.unlink()
    attendu = ecrire(fichier)
    # One self-contained file: the WAL is folded back into it.
    import sqlite3

    cx = sqlite3.connect(fichier)
    cx.execute("PRAGMA journal_mode = DELETE")
    cx.execute("VACUUM")
    cx.close()
    (DOSSIER / "registre-v2.json").write_text(
        json.dumps(attendu, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{fichier} : {fichier.stat().st_size} octets")
