"""The models on both databases: what the database itself guarantees (numbers, doublon rule,
known values, one occurrence per run), JSON and time zones read back as written, and the
numbering when several writers create anomalies at the same moment."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connections, transaction
from django.db.models import ProtectedError

from recette.erreurs import RegistreAnomaliesErreur
from recette.modeles import lecture
from recette.modeles.models import Anomalie, Evenement, Numerotation, Occurrence, Seance
from recette.modeles.numerotation import attribuer_numero, creer_anomalie

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
VEILLE_DE_NOEL = datetime(2026, 12, 24, 10, 0, tzinfo=PARIS)


def seance(identifiant="VA-20261224-100000-demo-a", **champs) -> Seance:
    valeurs = {
        "phase": "va",
        "profil": "demo-a",
        "cible": "http://127.0.0.1:8000",
        "statut": "terminée",
        "compteurs": {"échoués": 2, "réussis": 40},
        "enregistree_le": VEILLE_DE_NOEL,
        "enregistree_par": "banc",
    }
    return Seance.objects.create(id=identifiant, **{**valeurs, **champs})


def champs_anomalie(origine: Seance, **champs) -> dict:
    valeurs = {
        "titre": "Le médecin consulte la synthèse",
        "seance_origine": origine,
        "scenario": "dossier-patient/synthese.feature:Le médecin consulte la synthèse",
        "exigences": ["EXG-DP-04"],
        "domaine": "dossier-patient",
        "priorite": 1,
        "etape_en_echec": "Alors je vois ses allergies",
        "attendu": "L'étape « Alors je vois ses allergies » se vérifie.",
        "observe": "3 allergies attendues, 2 trouvées",
        "gravite_proposee": "bloquante",
        "signature": "a" * 64,
        "cree_par": "banc",
    }
    return {**valeurs, **champs}


def anomalie(origine: Seance, quand=VEILLE_DE_NOEL, **champs) -> Anomalie:
    return creer_anomalie(quand, **champs_anomalie(origine, **champs))


def refuse(**champs):
    """Saving breaks a database constraint; the transaction stays usable (PostgreSQL)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Anomalie.objects.create(**champs)


# --- numbers ----------------------------------------------------------------------------------


def test_numeros_par_annee_de_paris(base_de_test):
    origine = seance()
    fin_2026 = datetime(2026, 12, 31, 23, 30, tzinfo=PARIS)
    # 1 January 2027 at 00:30 in Paris is still 2026 in UTC: the year is the Paris one.
    debut_2027 = datetime(2027, 1, 1, 0, 30, tzinfo=PARIS)
    assert anomalie(origine, fin_2026).numero == "ANO-2026-0001"
    assert anomalie(origine, fin_2026).numero == "ANO-2026-0002"
    premiere_2027 = anomalie(origine, debut_2027)
    assert (premiere_2027.numero, premiere_2027.annee, premiere_2027.rang) == (
        "ANO-2027-0001",
        2027,
        1,
    )
    assert anomalie(origine, fin_2026).numero == "ANO-2026-0003"


def test_un_numero_n_est_jamais_redonne(base_de_test):
    origine = seance()
    premiere, seconde = anomalie(origine), anomalie(origine)
    Anomalie.objects.filter(pk=seconde.pk).delete()
    assert premiere.numero == "ANO-2026-0001"
    assert anomalie(origine).numero == "ANO-2026-0003"


def test_numero_hors_transaction_ou_sans_fuseau_refuse(base_de_test):
    with pytest.raises(RuntimeError):
        attribuer_numero(VEILLE_DE_NOEL)
    with pytest.raises(RegistreAnomaliesErreur, match="fuseau horaire"), transaction.atomic():
        attribuer_numero(datetime(2026, 12, 24, 10, 0))


def test_annee_et_rang_uniques(base_de_test):
    origine = seance()
    anomalie(origine)
    refuse(numero="ANO-2026-9999", annee=2026, rang=1, **champs_anomalie(origine), **_dates())
    refuse(numero="ANO-2026-0000", annee=2026, rang=0, **champs_anomalie(origine), **_dates())


def _dates():
    return {"cree_le": VEILLE_DE_NOEL, "modifie_le": VEILLE_DE_NOEL}


def _ecrire_en_meme_temps(travail, nombre: int) -> list:
    """Runs ``travail(i)`` in ``nombre`` threads released together, each on its own database
    connection (closed at the end, as a process would)."""
    depart = threading.Barrier(nombre)

    def executer(i):
        try:
            depart.wait(timeout=30)
            return travail(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(nombre) as executeur:
        return list(executeur.map(executer, range(nombre)))


def test_numeros_distincts_et_consecutifs_sous_concurrence(base_de_test):
    origine = seance()
    ecrivains, chacun = 4, 5

    def creer(i):
        return [
            anomalie(origine, titre=f"écrivain {i}, anomalie {n}").numero for n in range(chacun)
        ]

    numeros = [n for lot in _ecrire_en_meme_temps(creer, ecrivains) for n in lot]
    attendus = [f"ANO-2026-{rang:04d}" for rang in range(1, ecrivains * chacun + 1)]
    assert sorted(numeros) == attendus
    assert list(Anomalie.objects.values_list("numero", flat=True)) == attendus


def test_un_second_ecrivain_attend_le_numero_du_premier(base_de_test):
    """The first writer holds its number, uncommitted, while the second asks for one: the second
    must wait and take the next number (without the lock both would read the same free rank)."""
    origine = seance()
    anomalie(origine)  # the year's lock row exists: only the row lock can make the second wait
    premier_a_son_numero = threading.Event()

    def ecrire(i):
        if i == 0:
            with transaction.atomic():
                annee, rang, numero = attribuer_numero(VEILLE_DE_NOEL)
                premier_a_son_numero.set()
                time.sleep(0.5)  # the second writer runs meanwhile
                return Anomalie.objects.create(
                    numero=numero, annee=annee, rang=rang, **champs_anomalie(origine), **_dates()
                ).numero
        premier_a_son_numero.wait(timeout=30)
        return anomalie(origine).numero

    assert _ecrire_en_meme_temps(ecrire, 2) == ["ANO-2026-0002", "ANO-2026-0003"]


def test_sans_verrou_deux_ecrivains_prendraient_le_meme_numero(base_postgres):
    """Negative check: the test above can see a collision. Two PostgreSQL transactions reading
    the year's highest rank without the lock both find 0 and the second insert fails."""
    origine = seance()
    ont_lu = threading.Barrier(2)

    def ecrire_sans_verrou(i):
        with transaction.atomic():
            rang = (Anomalie.objects.filter(annee=2026).order_by("-rang").first() or _zero()).rang
            ont_lu.wait(timeout=30)
            try:
                with transaction.atomic():
                    Anomalie.objects.create(
                        numero=f"ANO-2026-{rang + 1:04d}",
                        annee=2026,
                        rang=rang + 1,
                        **champs_anomalie(origine),
                        **_dates(),
                    )
            except IntegrityError:
                return "collision"
            return "créée"

    assert sorted(_ecrire_en_meme_temps(ecrire_sans_verrou, 2)) == ["collision", "créée"]


def _zero():
    return Anomalie(rang=0)


def test_sqlite_une_transaction_prend_le_verrou_d_ecriture_des_le_debut(base_sqlite):
    """IMMEDIATE: even a transaction that has only read holds the file's write lock, so a
    read-then-write never fails half-way because another process wrote in between."""
    seance()
    chemin = base_sqlite.removeprefix("sqlite:///")
    autre = sqlite3.connect(chemin, timeout=0, isolation_level=None)
    try:
        with transaction.atomic():
            assert Seance.objects.count() == 1
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                autre.execute("BEGIN IMMEDIATE")
        autre.execute("BEGIN IMMEDIATE")  # free again once the transaction ends
        autre.execute("ROLLBACK")
        assert autre.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        autre.close()


# --- what the database refuses ----------------------------------------------------------------


def test_doublon_nomme_sa_reference_et_seul_un_doublon_en_a_une(base_de_test):
    origine = seance()
    premiere = anomalie(origine)
    seconde = anomalie(origine)
    # Only a doublon names a reference, and a doublon always does (former CHECK, kept).
    for statut, reference in (("doublon", None), ("ouverte", premiere)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Anomalie.objects.filter(pk=seconde.pk).update(statut=statut, reference=reference)
    Anomalie.objects.filter(pk=seconde.pk).update(statut="doublon", reference=premiere)
    seconde.refresh_from_db()
    assert (seconde.statut, seconde.reference_id) == ("doublon", "ANO-2026-0001")
    assert list(premiere.doublons.all()) == [seconde]
    # The anomaly a doublon points to cannot disappear.
    with pytest.raises(ProtectedError):
        premiere.delete()


@pytest.mark.parametrize(
    "champ, valeur",
    [
        ("statut", "perdue"),
        ("gravite_proposee", "majeure"),
        ("gravite_qualifiee", "non-bloquante"),
    ],
)
def test_valeurs_inconnues_refusees(base_de_test, champ, valeur):
    origine = seance()
    refuse(
        numero="ANO-2026-0001",
        annee=2026,
        rang=1,
        **{**champs_anomalie(origine), champ: valeur},
        **_dates(),
    )


def test_phase_inconnue_refusee(base_de_test):
    with pytest.raises(IntegrityError), transaction.atomic():
        seance(phase="vab")


def test_une_occurrence_par_anomalie_seance_et_execution(base_de_test):
    origine = seance()
    a = anomalie(origine)
    champs = {
        "anomalie": a,
        "seance": origine,
        "resultat": "u-1",
        "observee_le": VEILLE_DE_NOEL,
        "statut": "failed",
    }
    Occurrence.objects.create(**champs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.create(**champs)
    Occurrence.objects.create(**{**champs, "resultat": "u-2"})
    assert a.occurrences.count() == 2
    # A séance with anomalies cannot be removed from the index: nothing is lost.
    with pytest.raises(ProtectedError):
        origine.delete()


# --- values read back as written ----------------------------------------------------------------


def test_json_relu_tel_qu_ecrit(base_de_test):
    compteurs = {"réussis": 40, "échoués": 2, "par domaine": {"dossier-patient": [1, 2]}}
    s = seance(compteurs=compteurs)
    a = anomalie(s, exigences=["EXG-DP-04", "EXG-SÉC-03"])
    o = Occurrence.objects.create(
        anomalie=a,
        seance=s,
        resultat="u-1",
        observee_le=VEILLE_DE_NOEL,
        statut="failed",
        preuves=["preuves/scénario/trace.zip", "allure-results/é-attachment.png"],
    )
    s2, a2, o2 = (type(x).objects.get(pk=x.pk) for x in (s, a, o))
    assert s2.compteurs == compteurs
    assert a2.exigences == ["EXG-DP-04", "EXG-SÉC-03"]
    assert o2.preuves == ["preuves/scénario/trace.zip", "allure-results/é-attachment.png"]
    assert Seance.objects.get(compteurs__réussis=40) == s
    assert Seance.objects.filter(compteurs__réussis=41).count() == 0


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 31, 23, 30, tzinfo=PARIS),  # winter time, last evening of the year
        datetime(2026, 7, 14, 23, 30, tzinfo=PARIS),  # summer time
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PARIS),  # the hour that happens twice
    ],
)
def test_date_relue_a_la_meme_heure_de_paris(base_de_test, moment):
    s = seance(debut=moment, fin=moment, enregistree_le=moment)
    relue = Seance.objects.get(pk=s.pk)
    # The same instant (timestamps: Python never finds an ambiguous time equal across zones).
    assert relue.debut.timestamp() == moment.timestamp()
    valeur = relue.valeur()
    paris = valeur.enregistree_le
    assert (paris.year, paris.month, paris.day, paris.hour, paris.minute) == (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
    )
    assert paris.utcoffset() == moment.utcoffset()
    assert paris.tzinfo == PARIS  # a zone, not a fixed offset: DST arithmetic stays right
    assert datetime.fromisoformat(valeur.debut).timestamp() == moment.timestamp()
    # The day, as a query sees it in Paris, is the Paris day.
    assert Seance.objects.filter(debut__date=moment.date()).count() == 1


def test_valeurs_du_registre(base_de_test):
    origine = seance()
    a = anomalie(origine)
    Occurrence.objects.create(
        anomalie=a, seance=origine, resultat="u-1", observee_le=VEILLE_DE_NOEL, statut="failed"
    )
    Occurrence.objects.create(
        anomalie=a, seance=origine, resultat="u-2", observee_le=VEILLE_DE_NOEL, statut="passed"
    )
    Evenement.objects.create(
        anomalie=a, date=VEILLE_DE_NOEL, auteur="banc", action="création", vers="ouverte"
    )
    valeur = Anomalie.objects.get(pk=a.pk).valeur()
    assert (valeur.numero, valeur.statut.value, valeur.gravite.value) == (
        "ANO-2026-0001",
        "ouverte",
        "bloquante",
    )
    assert valeur.nombre_echecs == 1  # the passing run is evidence, not a failure
    assert valeur.cree_le == VEILLE_DE_NOEL and valeur.cree_le.tzinfo == PARIS
    assert valeur.exigences == ("EXG-DP-04",)
    (evenement,) = (e.valeur() for e in a.historique.all())
    assert (evenement.action, evenement.de, evenement.vers.value) == ("création", None, "ouverte")
    assert Numerotation.objects.get(annee=2026).dernier_rang == 1


def test_anomalie_introuvable(base_de_test):
    with pytest.raises(RegistreAnomaliesErreur, match="Anomalie ANO-2026-0042 introuvable"):
        lecture.fiche(" ano-2026-0042 ")
