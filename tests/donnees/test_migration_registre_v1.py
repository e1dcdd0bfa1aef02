"""A register written by today's code (recette.anomalies.registre, schema 1) is migrated into
the models, not lost: every anomaly reads back as the former register showed it (occurrences
and history included), the séance index too, the next number continues, and the former tables
are kept (renamed), to the point that reversing the migration gives the former code its file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from recette import base
from recette.anomalies import Fiche, Registre
from recette.anomalies.constats import ConstatAnomalie, ouvrir_anomalies_constat
from recette.contrat import charger_contrat
from recette.erreurs import RegistreAnomaliesErreur
from recette.modeles import lecture
from recette.modeles.models import Anomalie, Evenement, Numerotation, Occurrence, Seance
from recette.modeles.numerotation import creer_anomalie
from recette.resultats import Resultat

PARIS = ZoneInfo("Europe/Paris")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CONTRAT = charger_contrat(FIXTURES)
VEILLE_DE_NOEL = datetime(2026, 12, 24, 10, 0, tzinfo=PARIS)
TABLES_V1 = ("meta", "seances", "anomalies", "occurrences", "historique")
SEANCE_1 = "VA-20261224-090000-demo-a"
SEANCE_2 = "VA-20261228-090000-demo-a"
SEANCE_MANUELLE = "VA-20261230-090000-demo-a"
CHARGE = "CHARGE-20261229-100000-demo-a"


def resultat(nom, statut="failed", priorite=1, uuid="u", message="3 allergies attendues, 2"):
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


def ecrire_registre_v1(chemin: Path) -> tuple[dict[str, Fiche], list]:
    """A register as today's code writes it: two séances, a load check and a manual séance;
    anomalies qualified, transmitted (deadlines), marked doublon, proposed vérifiée, recurring.
    Returns what the former register shows of it."""
    h = timedelta(hours=1)
    with Registre(chemin, CONTRAT) as registre:
        registre.enregistrer_seance(
            SEANCE_1,
            "va",
            "demo-a",
            "http://127.0.0.1:8000",
            [
                resultat("A", uuid="a1"),
                resultat("B", priorite=2, uuid="b1", message="Délai dépassé : 31 s"),
                resultat("C", uuid="c1", message="Bouton « Enregistrer » absent"),
                resultat("D", statut="passed", uuid="d1"),
            ],
            VEILLE_DE_NOEL,
            debut=VEILLE_DE_NOEL - h,
            fin=VEILLE_DE_NOEL,
            preuves={"a1": ("preuves/A/trace.zip", "allure-results/é-capture.png")},
        )
        registre.qualifier(
            "ANO-2026-0001", "non bloquante", VEILLE_DE_NOEL + h, "Dr Martin", "Contournable."
        )
        registre.transmettre("ANO-2026-0001", VEILLE_DE_NOEL + 2 * h, "Chef de projet MOA")
        registre.marquer_doublon("ANO-2026-0003", "ANO-2026-0002", VEILLE_DE_NOEL + 3 * h, "MOA")
        quatre_jours = VEILLE_DE_NOEL + timedelta(days=4)
        registre.enregistrer_seance(
            SEANCE_2,
            "va",
            "demo-a",
            "http://127.0.0.1:8000",
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
            seance=CHARGE,
            phase="va",
            profil="demo-a",
            cible="http://127.0.0.1:8000",
            quand=VEILLE_DE_NOEL + timedelta(days=5),
        )
        registre.enregistrer_seance(
            SEANCE_MANUELLE,
            "va",
            "demo-a",
            "http://127.0.0.1:8000",
            [resultat("D", statut="passed", uuid="d3")],
            VEILLE_DE_NOEL + timedelta(days=6),
        )
        fiches = {a.numero: registre.voir(a.numero) for a in registre.lister()}
        assert [f.anomalie for f in fiches.values()] == registre.lister()
        seances = registre.seances()
    # The manual séance's folder, as the cahier de recette leaves it beside the register.
    dossier = chemin.parent / SEANCE_MANUELLE
    dossier.mkdir()
    (dossier / "seance.json").write_text(
        json.dumps({"id": SEANCE_MANUELLE, "selection": {"genre": "manuel"}}), encoding="utf-8"
    )
    return fiches, seances


def tables(chemin: Path) -> set[str]:
    cx = sqlite3.connect(chemin)
    try:
        return {n for (n,) in cx.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        cx.close()


@pytest.fixture
def registre_v1(tmp_path, pointer_sur):
    chemin = tmp_path / "reports" / "recette.sqlite"
    fiches, seances = ecrire_registre_v1(chemin)
    pointer_sur(chemin)
    return chemin, fiches, seances


def test_registre_v1_migre_sans_perte(registre_v1):
    chemin, fiches, seances = registre_v1
    # What today's code wrote, as a check of the test itself.
    assert list(fiches) == ["ANO-2026-0001", "ANO-2026-0002", "ANO-2026-0003", "ANO-2026-0004"]
    assert fiches["ANO-2026-0001"].anomalie.echeance_correction is not None
    assert fiches["ANO-2026-0002"].anomalie.verification_proposee == SEANCE_2
    assert fiches["ANO-2026-0003"].anomalie.reference == "ANO-2026-0002"
    assert len(fiches["ANO-2026-0001"].occurrences) == 2
    assert [e.action for e in fiches["ANO-2026-0001"].historique] == [
        "création",
        "qualification",
        "transmission",
    ]

    base.migrer()

    for numero, attendue in fiches.items():
        assert lecture.fiche(numero) == attendue, numero
    assert lecture.anomalies() == [f.anomalie for f in fiches.values()]
    assert lecture.seances() == seances
    assert dict(Seance.objects.values_list("id", "genre")) == {
        SEANCE_1: "scenarios",
        SEANCE_2: "scenarios",
        CHARGE: "charge",
        SEANCE_MANUELLE: "manuel",
    }
    assert set(Seance.objects.values_list("solution", flat=True)) == {""}
    # The next number continues the former register's.
    nouvelle = creer_anomalie(
        VEILLE_DE_NOEL + timedelta(days=7),
        **{
            "titre": "Nouvelle",
            "seance_origine_id": SEANCE_2,
            "scenario": "x",
            "attendu": "a",
            "observe": "o",
            "gravite_proposee": "bloquante",
            "signature": "b" * 64,
            "cree_par": "banc",
        },
    )
    assert nouvelle.numero == "ANO-2026-0005"
    # Ids continue after the copied ones (the history's order).
    plus_haut = max(e.id for e in Evenement.objects.all())
    suivant = Evenement.objects.create(
        anomalie=nouvelle, date=VEILLE_DE_NOEL, auteur="banc", action="création"
    )
    assert suivant.id > plus_haut
    # The former tables are kept, renamed, with every row.
    presentes = tables(chemin)
    assert not presentes & set(TABLES_V1)
    cx = sqlite3.connect(chemin)
    try:
        comptes = {
            t: cx.execute(f"SELECT count(*) FROM ancien_v1_{t}").fetchone()[0] for t in TABLES_V1
        }
    finally:
        cx.close()
    assert comptes["anomalies"] == 4
    assert comptes["seances"] == Seance.objects.count() == 4
    assert comptes["occurrences"] == Occurrence.objects.count()
    assert comptes["historique"] == Evenement.objects.count() - 1


def test_migrer_deux_fois_ne_copie_rien_de_plus(registre_v1):
    base.migrer()
    avant = [m.objects.count() for m in (Seance, Anomalie, Occurrence, Evenement, Numerotation)]
    base.migrer()
    base.preparer()
    assert [
        m.objects.count() for m in (Seance, Anomalie, Occurrence, Evenement, Numerotation)
    ] == avant


def test_revenir_en_arriere_rend_son_fichier_au_code_d_avant(registre_v1, pointer_sur):
    chemin, fiches, _ = registre_v1
    base.migrer()
    call_command("migrate", "recette", "0001", verbosity=0)
    pointer_sur(None)
    assert set(TABLES_V1) <= tables(chemin)
    with Registre(chemin, CONTRAT) as registre:
        assert {a.numero: registre.voir(a.numero) for a in registre.lister()} == fiches


def test_schema_inconnu_refuse_et_rien_ne_bouge(registre_v1):
    chemin, _, _ = registre_v1
    cx = sqlite3.connect(chemin)
    with cx:
        cx.execute("UPDATE meta SET valeur = '2' WHERE cle = 'version_schema'")
    cx.close()
    with pytest.raises(RegistreAnomaliesErreur, match="schéma « 2 » inconnu"):
        base.migrer()
    assert set(TABLES_V1) <= tables(chemin)
    assert Anomalie.objects.count() == 0


def test_tables_d_une_autre_application_laissees(tmp_path, pointer_sur):
    chemin = tmp_path / "autre.sqlite"
    cx = sqlite3.connect(chemin)
    with cx:
        cx.execute("CREATE TABLE meta (cle TEXT PRIMARY KEY, valeur TEXT)")
        cx.execute("INSERT INTO meta VALUES ('application', 'autre chose')")
        for table in TABLES_V1[1:]:
            cx.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    cx.close()
    pointer_sur(chemin)
    base.migrer()
    assert Seance.objects.count() == 0
    assert set(TABLES_V1) <= tables(chemin)
