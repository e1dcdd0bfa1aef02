"""The VSR judged the contract's way: simulated probe samples against by-hand results.

Every case builds samples in the test (a probe every 30 s unless said otherwise, each sample
standing for the 30 s until the next one) and passes the « now » (``jusqu_au``) explicitly.
Contract values are the fixtures': 10 min between 7 h and 23 h, 30 min between 23 h and 7 h,
3 h of maintenance a year, VSR of 2 months extended by outages of 24 h or more.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recette.contrat import charger_contrat
from recette.decisions import Acte, DecisionSignee, debut_vsr
from recette.erreurs import ContratInvalide, FaitsInvalides
from recette.performances.evaluation import centile
from recette.verdicts import Decision, Phase
from recette.vsr.chronologie import Etat
from recette.vsr.echantillons import (
    CadenceSonde,
    Echantillon,
    Etape,
    FenetreMaintenance,
    Serie,
    presences_depuis_battements,
)
from recette.vsr.fin import Panne, fin_de_vsr
from recette.vsr.jugement import juger_vsr
from recette.vsr.plages import Verdict
from recette.vsr.temps_de_reponse import centile_rang

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CONTRAT = charger_contrat(FIXTURES)
LIGNES = [ligne.code for ligne in CONTRAT.performances.lignes]
PARIS = ZoneInfo("Europe/Paris")
PAS = timedelta(seconds=30)
# Tolerance 0 unless a test is about it: a sample then stands for exactly the next 30 s.
CADENCE = CadenceSonde(intervalle=PAS, tolerance=timedelta())


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def etapes_normales() -> tuple[Etape, ...]:
    # The probe's transaction: log in, patient list, search, open the file; all well under
    # their thresholds (10 s, 10 s, 10 s, 2 s).
    return (
        Etape("connexion", "ouverture_application", 1.5),
        Etape("liste des patients", "liste_100", 2.0),
        Etape("recherche", "requete_simple", 1.0),
        Etape("dossier du patient", "ouverture_ecran", 0.8),
    )


def sonder(
    debut: datetime,
    fin: datetime,
    *,
    en_echec: Callable[[datetime], bool] = lambda t: False,
    etapes: Callable[[datetime], tuple[Etape, ...]] = lambda t: etapes_normales(),
    poste: str = "accueil",
    pas: timedelta = PAS,
    sauf: Callable[[datetime], bool] = lambda t: False,
) -> list[Echantillon]:
    """One sample every `pas` on [debut, fin) in real (UTC) time, failing when en_echec(t),
    missing when sauf(t)."""
    echantillons = []
    t = debut.astimezone(UTC)
    while t < fin:
        if not sauf(t):
            echec = en_echec(t)
            echantillons.append(
                Echantillon(poste, t, not echec, () if echec else etapes(t), "délai dépassé")
            )
        t += pas
    return echantillons


def entre(debut: datetime, fin: datetime) -> Callable[[datetime], bool]:
    return lambda t: debut <= t < fin


def juger(echantillons, debut, fin, contrat=CONTRAT, cadence=CADENCE, **options):
    serie = Serie.depuis(echantillons, LIGNES)
    return juger_vsr(serie, contrat, debut_vsr=debut, jusqu_au=fin, cadence=cadence, **options)


def assert_bande_complete(bilan) -> None:
    total = bilan.disponible + bilan.indisponible + bilan.maintenance + bilan.inconnu
    assert total == bilan.duree


# --- rule 1 and 2: an outage crossing 23 h ---------------------------------------------------


def test_panne_a_cheval_sur_23_h():
    # Tuesday 16/03/2027 (CET, UTC+1). Samples fail from 22:48:00 to 23:11:30 (Paris): each
    # stands for 30 s, so the system is unavailable on [22:48, 23:12).
    #   day band (7 h–23 h):   22:48 → 23:00 = 12 min > 10 min → dépassement of 2 min;
    #   night band (23 h–7 h): 23:00 → 23:12 = 12 min ≤ 30 min → conforme.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 17, 7)
    echantillons = sonder(
        debut, fin, en_echec=entre(paris(2027, 3, 16, 22, 48), paris(2027, 3, 16, 23, 12))
    )
    jugement = juger(echantillons, debut, fin)
    (journee,) = jugement.journees
    jour, nuit = journee.plage("jour"), journee.plage("nuit")
    assert jour.indisponible == minutes(12) and jour.verdict is Verdict.DEPASSEMENT
    assert jour.depassement == minutes(2)
    assert jour.disponible == timedelta(hours=16) - minutes(12)
    assert nuit.indisponible == minutes(12) and nuit.verdict is Verdict.CONFORME
    assert nuit.disponible == timedelta(hours=8) - minutes(12)
    assert journee.verdict is Verdict.DEPASSEMENT and journee.depassement == minutes(2)
    assert journee.motifs == (
        "indisponibilité de 12 min entre 7 h et 23 h le 16/03/2027, au-delà des 10 min admises "
        "(dépassement de 2 min)",
    )
    assert nuit.motif == (
        "indisponibilité de 12 min entre 23 h et 7 h la nuit du 16/03/2027 au 17/03/2027, dans "
        "la limite des 30 min admises"
    )
    # The journée's timeline, the evidence of an anomaly: up, down 24 min, up.
    assert jugement.chronologie_du_jour(date(2027, 3, 16)) == (
        (paris(2027, 3, 16, 7), paris(2027, 3, 16, 22, 48), Etat.DISPONIBLE),
        (paris(2027, 3, 16, 22, 48), paris(2027, 3, 16, 23, 12), Etat.INDISPONIBLE),
        (paris(2027, 3, 16, 23, 12), paris(2027, 3, 17, 7), Etat.DISPONIBLE),
    )
    # One outage of 24 min, far from a day: no extension.
    assert [p.duree for p in jugement.pannes] == [minutes(24)]
    assert jugement.fin.fin == paris(2027, 5, 16, 7)


# --- DST: days of 23 and 25 hours -------------------------------------------------------------


def test_panne_la_nuit_du_passage_a_l_heure_d_ete():
    # Last Sunday of March 2027 = 28/03. Journée of Saturday 27/03: day band 07:00–23:00 CET
    # (16 h), night band 27/03 23:00 CET (22:00 UTC) → 28/03 07:00 CEST (05:00 UTC) = 7 h,
    # because 02:00 CET jumps to 03:00 CEST: a journée of 23 hours.
    # Outage 01:30 CET (00:30 UTC) → 03:30 CEST (01:30 UTC): 2 h on the wall clock, 1 h real.
    #   night: 60 min > 30 min → dépassement of 30 min; available 7 h − 1 h = 6 h.
    debut, fin = paris(2027, 3, 27, 7), paris(2027, 3, 28, 7)
    assert fin - debut == timedelta(hours=24)  # naive wall-clock difference: Python's trap
    assert fin.astimezone(UTC) - debut.astimezone(UTC) == timedelta(hours=23)
    echantillons = sonder(
        debut, fin, en_echec=entre(utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1, 30))
    )
    (journee,) = juger(echantillons, debut, fin).journees
    nuit = journee.plage("nuit")
    assert journee.jour == date(2027, 3, 27)
    assert nuit.duree == timedelta(hours=7)
    assert sum((p.duree for p in journee.plages), timedelta()) == timedelta(hours=23)
    assert nuit.indisponible == timedelta(hours=1)
    assert nuit.disponible == timedelta(hours=6)
    assert nuit.verdict is Verdict.DEPASSEMENT and nuit.depassement == minutes(30)
    assert journee.plage("jour").verdict is Verdict.CONFORME


def test_panne_la_nuit_du_passage_a_l_heure_d_hiver():
    # Last Sunday of October 2027 = 31/10. Night band of journée 30/10: 30/10 23:00 CEST
    # (21:00 UTC) → 31/10 07:00 CET (06:00 UTC) = 9 h (03:00 CEST falls back to 02:00 CET):
    # a journée of 25 hours. Outage from 02:40 CEST (00:40 UTC) to 02:20 CET (01:20 UTC):
    # the wall clock goes backwards, the outage lasts 40 min.
    #   night: 40 min > 30 min → dépassement of 10 min; available 9 h − 40 min = 8 h 20.
    debut, fin = paris(2027, 10, 30, 7), paris(2027, 10, 31, 7)
    assert fin.astimezone(UTC) - debut.astimezone(UTC) == timedelta(hours=25)
    echantillons = sonder(
        debut, fin, en_echec=entre(utc(2027, 10, 31, 0, 40), utc(2027, 10, 31, 1, 20))
    )
    (journee,) = juger(echantillons, debut, fin).journees
    nuit = journee.plage("nuit")
    assert nuit.duree == timedelta(hours=9)
    assert nuit.indisponible == minutes(40)
    assert nuit.disponible == timedelta(hours=8, minutes=20)
    assert nuit.verdict is Verdict.DEPASSEMENT and nuit.depassement == minutes(10)
    assert nuit.motif.startswith(
        "indisponibilité de 40 min entre 23 h et 7 h la nuit du 30/10/2027 au 31/10/2027, "
        "au-delà des 30 min admises"
    )


# --- rule 3: exactly at the allowance, and one minute over ------------------------------------


def test_une_journee_exactement_a_la_limite_et_une_minute_au_dela():
    # Mon 15/03/2027: unavailable 10:00 → 10:10 = 10 min ≤ 10 min → conforme (the limit is
    # a maximum). Tue 16/03/2027: 10:00 → 10:11 = 11 min → dépassement of 1 min.
    debut, fin = paris(2027, 3, 15, 7), paris(2027, 3, 17, 7)
    pannes = (
        entre(paris(2027, 3, 15, 10), paris(2027, 3, 15, 10, 10)),
        entre(paris(2027, 3, 16, 10), paris(2027, 3, 16, 10, 11)),
    )
    echantillons = sonder(debut, fin, en_echec=lambda t: any(p(t) for p in pannes))
    jugement = juger(echantillons, debut, fin)
    lundi, mardi = (j.plage("jour") for j in jugement.journees)
    assert lundi.indisponible == minutes(10)
    assert lundi.verdict is Verdict.CONFORME and lundi.depassement == timedelta()
    assert lundi.motif == (
        "indisponibilité de 10 min entre 7 h et 23 h le 15/03/2027, dans la limite des 10 min "
        "admises"
    )
    assert mardi.indisponible == minutes(11)
    assert mardi.verdict is Verdict.DEPASSEMENT and mardi.depassement == minutes(1)
    assert [j.jour for j in jugement.journees_en_depassement] == [date(2027, 3, 16)]


def test_un_jour_hors_des_jours_ouverts_est_mesure_mais_pas_juge():
    # A customer open Monday to Friday: Saturday 20/03/2027 is measured (20 min down) but
    # not judged; Friday 19/03 with the same outage is a dépassement of 10 min.
    semaine = replace(
        CONTRAT, disponibilite=replace(CONTRAT.disponibilite, jours_ouverts=frozenset(range(1, 6)))
    )
    debut, fin = paris(2027, 3, 19, 7), paris(2027, 3, 21, 7)
    pannes = (
        entre(paris(2027, 3, 19, 10), paris(2027, 3, 19, 10, 20)),
        entre(paris(2027, 3, 20, 10), paris(2027, 3, 20, 10, 20)),
    )
    echantillons = sonder(debut, fin, en_echec=lambda t: any(p(t) for p in pannes))
    vendredi, samedi = juger(echantillons, debut, fin, semaine).journees
    assert vendredi.verdict is Verdict.DEPASSEMENT
    assert samedi.plage("jour").indisponible == minutes(20)
    assert samedi.verdict is Verdict.NON_EXIGE
    assert samedi.plage("jour").motif.endswith(
        "jour hors des jours d'ouverture du service (non jugé)"
    )


# --- rule 1: a slow step is unavailability ----------------------------------------------------


def test_une_etape_trop_lente_rend_l_echantillon_indisponible():
    # The search (« Résultat d'une requête simple », < 10 s) takes 10.0 s from 10:00:00 to
    # 10:11:30: 24 samples, all succeeded but too slow (10.0 is not < 10) → 24 × 30 s = 12 min
    # unavailable → dépassement of 2 min. At 9.9 s (14:00 → 15:00) the samples stay available.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 17, 7)

    def etapes(t):
        normales = list(etapes_normales())
        if paris(2027, 3, 16, 10) <= t < paris(2027, 3, 16, 10, 12):
            normales[2] = Etape("recherche", "requete_simple", 10.0)
        elif paris(2027, 3, 16, 14) <= t < paris(2027, 3, 16, 15):
            normales[2] = Etape("recherche", "requete_simple", 9.9)
        return tuple(normales)

    echantillons = sonder(debut, fin, etapes=etapes)
    assert all(e.reussi for e in echantillons)
    (journee,) = juger(echantillons, debut, fin).journees
    assert journee.plage("jour").indisponible == minutes(12)
    assert journee.plage("jour").depassement == minutes(2)


def test_la_lenteur_ne_compte_pas_si_le_contrat_ne_le_dit_pas():
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 16, 8)
    lentes = (Etape("recherche", "requete_simple", 12.0),)
    echantillons = sonder(debut, fin, etapes=lambda t: lentes)
    indulgent = replace(
        CONTRAT,
        disponibilite=replace(
            CONTRAT.disponibilite, depassement_temps_de_reponse_vaut_indisponibilite=False
        ),
    )
    assert juger(echantillons, debut, fin).journees[0].plage("jour").indisponible == timedelta(
        hours=1
    )
    assert juger(echantillons, debut, fin, indulgent).journees[0].plage("jour").indisponible == (
        timedelta()
    )
    # A multiple of 1.5 × the threshold (15 s): 12 s is slow but acceptable.
    pics = replace(
        CONTRAT, disponibilite=replace(CONTRAT.disponibilite, lenteur_multiple_du_seuil=1.5)
    )
    assert juger(echantillons, debut, fin, pics).journees[0].plage("jour").indisponible == (
        timedelta()
    )


# --- probe gaps: « inconnu » ------------------------------------------------------------------


def test_un_trou_de_la_sonde_est_inconnu_ni_disponible_ni_indisponible():
    # No sample from 12:00:00 to 12:29:59 (the probe was stopped). Interval 30 s, tolerance
    # 10 s: the 11:59:30 sample stands for 40 s, until 12:00:10; unknown from 12:00:10 to
    # 12:30:00 = 29 min 50 s. Then a failing stretch 12:30 → 12:35 (5 min) for contrast.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 17, 7)
    echantillons = sonder(
        debut,
        fin,
        sauf=entre(paris(2027, 3, 16, 12), paris(2027, 3, 16, 12, 30)),
        en_echec=entre(paris(2027, 3, 16, 12, 30), paris(2027, 3, 16, 12, 35)),
    )
    cadence = CadenceSonde(PAS, timedelta(seconds=10))
    (journee,) = juger(echantillons, debut, fin, cadence=cadence).journees
    jour = journee.plage("jour")
    assert jour.inconnu == timedelta(minutes=29, seconds=50)
    assert jour.indisponible == minutes(5)
    assert jour.disponible == timedelta(hours=16) - jour.inconnu - minutes(5)
    assert jour.verdict is Verdict.CONFORME
    assert jour.motif.endswith("; 29 min 50 s sans mesure (état inconnu)")
    assert_bande_complete(jour)


def test_les_battements_de_la_sonde_bornent_ce_que_vaut_un_echantillon():
    # Same probe at 30 s + 10 s tolerance; its heartbeats (every 5 s, each valid 10 s) stop
    # after 11:59:55, so the probe was up until 12:00:05: the 11:59:30 sample stands until
    # 12:00:05, not 12:00:10. Unknown 12:00:05 → 12:30 = 29 min 55 s.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 16, 23)
    trou = entre(paris(2027, 3, 16, 12), paris(2027, 3, 16, 12, 30))
    echantillons = sonder(debut, fin, sauf=trou)
    battements = []
    t = debut
    while t < fin:
        if not (paris(2027, 3, 16, 11, 59, 55) < t < paris(2027, 3, 16, 12, 30)):
            battements.append(t)
        t += timedelta(seconds=5)
    presences = presences_depuis_battements("accueil", battements, timedelta(seconds=10))
    assert len(presences) == 2
    cadence = CadenceSonde(PAS, timedelta(seconds=10))
    jugement = juger(echantillons, debut, fin, cadence=cadence, presences=presences)
    assert jugement.journees[0].plage("jour").inconnu == timedelta(minutes=29, seconds=55)


def test_periode_sans_aucun_echantillon():
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 17, 7)
    (journee,) = juger([], debut, fin).journees
    assert journee.plage("jour").inconnu == timedelta(hours=16)
    assert journee.plage("nuit").inconnu == timedelta(hours=8)
    assert journee.verdict is Verdict.CONFORME


# --- several postes ---------------------------------------------------------------------------


def test_postes_combines_a_la_majorite_des_postes_connus():
    # Three postes. 10:00–10:20 only « accueil » fails: 1 of 3, no majority → available.
    # 11:00–11:20 « accueil » and « cabinet-1 » fail: 2 of 3 → unavailable 20 min.
    # 12:00–12:20 « cabinet-1 » and « cabinet-2 » are silent and « accueil » fails: 1 of the 1
    # poste known → unavailable 20 min. Total 40 min.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 16, 23)
    h = lambda a, b: entre(paris(2027, 3, 16, *a), paris(2027, 3, 16, *b))  # noqa: E731
    echantillons = (
        sonder(
            debut,
            fin,
            poste="accueil",
            en_echec=lambda t: (
                h((10,), (10, 20))(t) or h((11,), (11, 20))(t) or h((12,), (12, 20))(t)
            ),
        )
        + sonder(
            debut, fin, poste="cabinet-1", en_echec=h((11,), (11, 20)), sauf=h((12,), (12, 20))
        )
        + sonder(debut, fin, poste="cabinet-2", sauf=h((12,), (12, 20)))
    )
    jour = juger(echantillons, debut, fin).journees[0].plage("jour")
    assert jour.indisponible == minutes(40)
    au_moins_un = replace(
        CONTRAT, disponibilite=replace(CONTRAT.disponibilite, regle_postes="au_moins_un")
    )
    tous = replace(CONTRAT, disponibilite=replace(CONTRAT.disponibilite, regle_postes="tous"))
    assert juger(echantillons, debut, fin, au_moins_un).journees[0].plage(
        "jour"
    ).indisponible == minutes(60)
    # « tous »: only when every known poste fails: 12:00–12:20 (the only one known).
    assert juger(echantillons, debut, fin, tous).journees[0].plage("jour").indisponible == (
        minutes(20)
    )


# --- rule 4: maintenance within and beyond the yearly allowance -------------------------------


def test_maintenance_dans_puis_au_dela_des_3_heures_par_an():
    # Windows declared the day before. The system is down during each of them.
    #   Night of 16/03: window 02:00–04:00 (17/03) → 2 h counted, allowance left 1 h;
    #     unavailable 0 → night conforme.
    #   Night of 17/03: window 01:00–03:00 (18/03) → 1 h counted (01:00–02:00), allowance
    #     spent; 02:00–03:00 is unavailability: 60 min > 30 min → dépassement of 30 min.
    #   Day of 18/03: window 10:00–11:00 while the system stays up: nothing is consumed
    #     (« indisponibilite_constatee ») and nothing is unavailable.
    #   A window declared after it started (19/03 03:00–04:00, declared at 03:30) counts from
    #     03:30 only, and the allowance is spent: 03:00–04:00 down = 60 min unavailable.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 19, 7)
    la_veille = paris(2027, 3, 15, 9)
    fenetres = (
        FenetreMaintenance(paris(2027, 3, 17, 2), paris(2027, 3, 17, 4), "prestataire", la_veille),
        FenetreMaintenance(paris(2027, 3, 18, 1), paris(2027, 3, 18, 3), "prestataire", la_veille),
        FenetreMaintenance(paris(2027, 3, 18, 10), paris(2027, 3, 18, 11), "MOA", la_veille),
        FenetreMaintenance(
            paris(2027, 3, 19, 3), paris(2027, 3, 19, 4), "prestataire", paris(2027, 3, 19, 3, 30)
        ),
    )
    pannes = [
        entre(paris(2027, 3, 17, 2), paris(2027, 3, 17, 4)),
        entre(paris(2027, 3, 18, 1), paris(2027, 3, 18, 3)),
        entre(paris(2027, 3, 19, 3), paris(2027, 3, 19, 4)),
    ]
    echantillons = sonder(debut, fin, en_echec=lambda t: any(p(t) for p in pannes))
    jugement = juger(echantillons, debut, fin, maintenances=fenetres)
    j16, j17, j18 = jugement.journees
    assert j16.plage("nuit").maintenance == timedelta(hours=2)
    assert j16.plage("nuit").indisponible == timedelta()
    assert j16.plage("nuit").verdict is Verdict.CONFORME
    assert j17.plage("nuit").maintenance == timedelta(hours=1)
    assert j17.plage("nuit").indisponible == timedelta(hours=1)
    assert j17.plage("nuit").depassement == minutes(30)
    assert j18.plage("jour").maintenance == timedelta()
    assert j18.plage("jour").indisponible == timedelta()
    assert j18.plage("nuit").indisponible == timedelta(hours=1)
    for journee in jugement.journees:
        for bilan in journee.plages:
            assert_bande_complete(bilan)
    comptees = [(m.comptee, m.au_dela) for m in jugement.maintenances]
    assert comptees == [
        (timedelta(hours=2), timedelta()),
        (timedelta(hours=1), timedelta(hours=1)),
        (timedelta(), timedelta()),
        (timedelta(), timedelta(minutes=30)),
    ]
    assert jugement.maintenances[3].retenue_depuis == paris(2027, 3, 19, 3, 30)
    (annee,) = jugement.annees_maintenance
    assert (annee.debut, annee.fin) == (paris(2027, 1, 1), paris(2028, 1, 1))
    assert annee.consomme == timedelta(hours=3) and annee.reste == timedelta()


def test_la_franchise_de_maintenance_repart_au_1er_janvier():
    # 31/12/2026 22:00 → 01/01/2027 02:00, declared well before, the system down throughout:
    # 2026 counts 22:00–24:00 (2 h) and 2027 counts 00:00–02:00 (2 h): nothing unavailable.
    # In the bands of journée 31/12: 22:00–23:00 in the day band (1 h), 23:00–02:00 in the
    # night band (3 h). With years counted from the VSR's start (15/12/2026), one year holds
    # the 4 h: 3 h are maintenance (22:00–01:00), the last hour (01:00–02:00) is unavailable:
    # night band 2 h of maintenance and 60 min unavailable.
    debut, fin = paris(2026, 12, 15, 7), paris(2027, 1, 1, 7)
    fenetre = FenetreMaintenance(
        paris(2026, 12, 31, 22), paris(2027, 1, 1, 2), "prestataire", paris(2026, 12, 1)
    )
    echantillons = sonder(
        paris(2026, 12, 31, 7),
        fin,
        en_echec=entre(paris(2026, 12, 31, 22), paris(2027, 1, 1, 2)),
    )
    jugement = juger(echantillons, debut, fin, maintenances=(fenetre,))
    assert [a.consomme for a in jugement.annees_maintenance] == [timedelta(hours=2)] * 2
    journee = jugement.journee(date(2026, 12, 31))
    assert journee.plage("jour").maintenance == timedelta(hours=1)
    nuit = journee.plage("nuit")
    assert (nuit.maintenance, nuit.indisponible) == (timedelta(hours=3), timedelta())
    glissante = replace(
        CONTRAT, disponibilite=replace(CONTRAT.disponibilite, maintenance_annee="depuis_debut_vsr")
    )
    jugement = juger(echantillons, debut, fin, glissante, maintenances=(fenetre,))
    nuit = jugement.journee(date(2026, 12, 31)).plage("nuit")
    assert (nuit.maintenance, nuit.indisponible) == (timedelta(hours=2), timedelta(hours=1))
    assert jugement.annees_maintenance[0].debut == paris(2026, 12, 15, 7)


def test_fenetre_declaree_decompte_toute_la_fenetre():
    # « fenetre_declaree »: the 1-hour window consumes 1 h even though the system stayed up.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 16, 23)
    fenetre = FenetreMaintenance(
        paris(2027, 3, 16, 10), paris(2027, 3, 16, 11), "MOA", paris(2027, 3, 1)
    )
    contrat = replace(
        CONTRAT,
        disponibilite=replace(CONTRAT.disponibilite, maintenance_decompte="fenetre_declaree"),
    )
    jugement = juger(sonder(debut, fin), debut, fin, contrat, maintenances=(fenetre,))
    assert jugement.journees[0].plage("jour").maintenance == timedelta(hours=1)
    assert jugement.annees_maintenance[0].consomme == timedelta(hours=1)


# --- rule 5: the VSR's end, extended by outages of a day or more ------------------------------


def test_une_panne_de_26_h_prolonge_la_vsr_et_une_autre_dans_la_prolongation_aussi():
    # VA prononcée Monday 01/02/2027 at 14:00 (CET). 2 calendar months → 01/04/2027 14:00
    # (CEST: the wall-clock time is kept across the March change).
    # Outage A: 10/02 08:00 → 11/02 10:00 = 26 h ≥ 24 h → end 01/04 14:00 + 26 h = 02/04 16:00.
    # Outage B: 02/04 09:00 → 03/04 15:00 = 30 h: it starts after the first end (01/04 14:00)
    #   but inside the extension (before 02/04 16:00) → + 30 h → 03/04 22:00.
    # Outage C: 15/03 10:00 → 16/03 09:59:55 = 23 h 59 min 55 s < 24 h: no extension.
    # Outage D: 05/04 10:00 → 06/04 12:00 = 26 h, after the final end: no extension.
    # Probe every 5 min (tolerance 1 min): each sample stands for the next 5 min.
    # The start comes from the decisions register: the VA's PV signed on 01/02/2027 at 14:00.
    pv = DecisionSignee(
        Phase.VA, Acte.DECISION, Decision.PRONONCE, paris(2027, 2, 1, 14), paris(2027, 2, 1, 14)
    )
    va = debut_vsr([pv])
    assert va == paris(2027, 2, 1, 14)
    fin_observee = paris(2027, 4, 8)
    pannes = [
        entre(paris(2027, 2, 10, 8), paris(2027, 2, 11, 10)),
        entre(paris(2027, 4, 2, 9), paris(2027, 4, 3, 15)),
        entre(paris(2027, 3, 15, 10), paris(2027, 3, 16, 9, 55)),
        entre(paris(2027, 4, 5, 10), paris(2027, 4, 6, 12)),
    ]
    pas = timedelta(minutes=5)
    echantillons = sonder(va, fin_observee, pas=pas, en_echec=lambda t: any(p(t) for p in pannes))
    cadence = CadenceSonde(pas, timedelta(minutes=1))
    jugement = juger(echantillons, va, fin_observee, cadence=cadence)
    assert [p.duree for p in jugement.pannes] == [
        timedelta(hours=26),
        timedelta(hours=24) - pas,
        timedelta(hours=30),
        timedelta(hours=26),
    ]
    fin = jugement.fin
    assert fin.fin_initiale == paris(2027, 4, 1, 14)
    assert fin.fin == paris(2027, 4, 3, 22)
    assert fin.prolongation == timedelta(hours=56)
    assert [p.debut for p in fin.prolongations] == [paris(2027, 2, 10, 8), paris(2027, 4, 2, 9)]
    assert fin.motif == (
        "fin de la VSR le samedi 3 avril 2027 à 22 h 00 : 2 mois après le prononcé de la VA "
        "(lundi 1er février 2027 à 14 h 00), prolongés de 2 j 8 h (indisponibilité de 1 j 2 h du "
        "mercredi 10 février 2027 à 8 h 00 au jeudi 11 février 2027 à 10 h 00 ; indisponibilité "
        "de 1 j 6 h du vendredi 2 avril 2027 à 9 h 00 au samedi 3 avril 2027 à 15 h 00)"
    )


def test_fin_de_vsr_regle_de_fin_de_mois_et_journee_calendaire():
    # 31/12/2026 09:00 + 2 months: no 31/02 → 28/02/2027 09:00.
    assert fin_de_vsr(paris(2026, 12, 31, 9), [], CONTRAT).fin == paris(2027, 2, 28, 9)
    # « jour_calendaire »: an outage covering Sunday 28/03/2027 from 0 h to 0 h (23 real hours,
    # the spring change) extends by its 23 h; a 30 h outage from 10:00 to 16:00 the next day
    # covers no whole calendar day and does not.
    calendaire = replace(CONTRAT, vsr=replace(CONTRAT.vsr, prolongation_journee="jour_calendaire"))
    dimanche = Panne(paris(2027, 3, 28), paris(2027, 3, 29))
    trente_heures = Panne(paris(2027, 3, 10, 10), paris(2027, 3, 11, 16))
    assert dimanche.duree == timedelta(hours=23)
    fin = fin_de_vsr(paris(2027, 3, 1, 9), [dimanche, trente_heures], calendaire)
    assert fin.prolongations == (dimanche,)
    assert fin.fin == paris(2027, 5, 2, 8)  # 01/05 09:00 + 23 h
    # The same outages read as 24 consecutive hours: only the 30 h one counts.
    assert fin_de_vsr(paris(2027, 3, 1, 9), [dimanche, trente_heures], CONTRAT).prolongations == (
        trente_heures,
    )


def test_une_panne_commencee_avant_la_vsr_ne_compte_que_pour_sa_part_dans_la_vsr():
    va = paris(2027, 3, 1, 9)
    panne = Panne(paris(2027, 2, 28, 9), paris(2027, 3, 2, 10))  # 49 h, 25 h inside the VSR
    fin = fin_de_vsr(va, [panne], CONTRAT)
    assert fin.prolongation == timedelta(hours=25)


# --- rule 6: response times per day, hour and poste, and stability ----------------------------


def test_centiles_par_jour_heure_et_poste_et_stabilite():
    # Two postes, one day. « cabinet » opens the patient file (ouverture_ecran) in 1.5 s,
    # « accueil » in 0.5 s, except from 9 h to 10 h 30 where « accueil » takes 1.8 s.
    # Whole line: 2 × 2880 measures; the 95th centile is the 5472nd of 5760 (nearest rank):
    # the top 288 are the 180 at 1.8 s then cabinet's 1.5 s → 1.5 s.
    #   Per poste: cabinet 1.5 s; accueil 1.8 s (180 slow measures, 6.25 % of 2880 > 5 %):
    #   1.8 ≤ 1.5 × 1.5 = 2.25 → within tolerance: identical.
    #   Per hour: 9 h: 120 at 1.8 s, 120 at 1.5 s → 1.8 s, +20 %, within 50 %: stable.
    # Then « cabinet » at 3.0 s: whole line 3.0 s; accueil 0.5 s is faster (no fault), but
    # the line's centile exceeds its 2 s threshold every day.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 17, 7)

    def ouverture(secondes):
        return lambda t: (Etape("dossier du patient", "ouverture_ecran", secondes),)

    accueil = sonder(
        debut,
        fin,
        poste="accueil",
        etapes=lambda t: ouverture(
            1.8 if paris(2027, 3, 16, 9) <= t < paris(2027, 3, 16, 10, 30) else 0.5
        )(t),
    )
    cabinet = sonder(debut, fin, poste="cabinet", etapes=ouverture(1.5))
    lignes = {t.code: t for t in juger(accueil + cabinet, debut, fin).temps_de_reponse}
    ligne = lignes["ouverture_ecran"]
    assert ligne.mesures == 5760 and ligne.centile == 1.5
    assert {c.groupe: c.secondes for c in ligne.par_poste} == {"accueil": 1.8, "cabinet": 1.5}
    assert ligne.postes_identiques is True and ligne.stable_dans_la_journee is True
    heure_9 = next(c for c in ligne.par_heure if c.groupe == 9)
    assert (heure_9.secondes, heure_9.mesures) == (1.8, 240)
    assert [(c.groupe, c.sous_le_seuil) for c in ligne.par_jour] == [(date(2027, 3, 16), True)]
    assert lignes["requete_complexe"].mesures == 0 and lignes["requete_complexe"].centile is None

    # A poste twice as slow as the others (3 s vs a line centile of 1 s): not identical.
    autres = [sonder(debut, fin, poste=f"poste-{i}", etapes=ouverture(1.0)) for i in range(3)]
    lent = sonder(debut, fin, poste="poste-lent", etapes=ouverture(3.0))
    echantillons = [e for serie in autres for e in serie] + lent
    ligne = {t.code: t for t in juger(echantillons, debut, fin).temps_de_reponse}["ouverture_ecran"]
    # 4 × 2880 measures, 2880 at 3.0 s = 25 % > 5 % → the line's centile is 3.0 s itself;
    # no poste exceeds the line's centile: the clause is judged on the centile of all postes.
    assert ligne.centile == 3.0
    assert ligne.postes_identiques is True
    assert ligne.par_jour[0].sous_le_seuil is False

    # One slow poste among many (1 of 25 = 4 % < 5 %): line centile 1.0 s, poste 3.0 s →
    # +200 % and +2 s, beyond 50 % and 0.5 s: « non identiques ».
    autres = [sonder(debut, fin, poste=f"poste-{i:02d}", etapes=ouverture(1.0)) for i in range(24)]
    echantillons = [e for serie in autres for e in serie] + lent
    ligne = {t.code: t for t in juger(echantillons, debut, fin).temps_de_reponse}["ouverture_ecran"]
    assert ligne.centile == 1.0
    assert ligne.postes_identiques is False
    assert [c.groupe for c in ligne.par_poste if c.hors_tolerance] == ["poste-lent"]
    assert ligne.motifs[0].startswith(
        "Ouverture d'un écran de saisie ou de consultation à partir du menu ou d'un autre écran : "
        "le poste « poste-lent » mesure 3,00 s contre 1,00 s"
    )


def test_une_heure_lente_de_la_journee_n_est_pas_stable():
    # 12 h–13 h (lunch rush) the list takes 6 s instead of 2 s: 120 of 2880 measures = 4.2 %,
    # so the day's centile stays 2 s; the 12 h group's centile is 6 s: +200 %, +4 s → unstable.
    debut, fin = paris(2027, 3, 16, 7), paris(2027, 3, 17, 7)
    echantillons = sonder(
        debut,
        fin,
        etapes=lambda t: (
            Etape(
                "liste",
                "liste_100",
                6.0 if paris(2027, 3, 16, 12) <= t < paris(2027, 3, 16, 13) else 2.0,
            ),
        ),
    )
    ligne = {t.code: t for t in juger(echantillons, debut, fin).temps_de_reponse}["liste_100"]
    assert ligne.centile == 2.0
    assert ligne.stable_dans_la_journee is False
    assert [c.groupe for c in ligne.par_heure if c.hors_tolerance] == [12]
    assert "entre 12 h et 13 h" in ligne.motifs[0]


@given(
    st.lists(st.floats(0, 600, allow_nan=False), min_size=1, max_size=200),
    st.sampled_from([50, 90, 95, 99, 100]),
)
def test_centile_identique_a_celui_du_tableau_sous_charge(valeurs, rang):
    assert centile_rang(np.array(valeurs), rang) == centile(valeurs, rang)


# --- inputs refused ---------------------------------------------------------------------------


def test_entrees_refusees_avec_un_message_francais():
    naif = Echantillon("accueil", datetime(2027, 3, 16, 10), True)
    with pytest.raises(FaitsInvalides, match="doit porter son fuseau horaire"):
        Serie.depuis([naif], LIGNES)
    inconnue = Echantillon("accueil", paris(2027, 3, 16, 10), True, (Etape("x", "inconnue", 1),))
    with pytest.raises(FaitsInvalides, match="absente du tableau des performances"):
        Serie.depuis([inconnue], LIGNES)
    with pytest.raises(FaitsInvalides, match="précède le prononcé de la VA"):
        juger([], paris(2027, 3, 16), paris(2027, 3, 15))
    with pytest.raises(FaitsInvalides, match="ne commence qu'au prononcé de la VA"):
        juger([], None, paris(2027, 3, 15))
    with pytest.raises(FaitsInvalides, match="finit avant de commencer"):
        fenetre = FenetreMaintenance(
            paris(2027, 3, 16, 3), paris(2027, 3, 16, 2), "prestataire", paris(2027, 3, 1)
        )
        juger([], paris(2027, 3, 16), paris(2027, 3, 17), maintenances=(fenetre,))


def test_les_lectures_du_contrat_sont_dans_les_fixtures(tmp_path):
    assert CONTRAT.disponibilite.lenteur_multiple_du_seuil == 1
    assert CONTRAT.disponibilite.regle_postes == "majorite"
    assert CONTRAT.disponibilite.maintenance_annee == "civile"
    assert CONTRAT.disponibilite.maintenance_decompte == "indisponibilite_constatee"
    assert CONTRAT.vsr.prolongation_journee == "heures_consecutives"
    assert CONTRAT.performances.stabilite.ecart_relatif_max == 0.5
    surcharge = tmp_path / "client.yaml"
    surcharge.write_text("disponibilite:\n  regle_postes: la_plupart\n", encoding="utf-8")
    with pytest.raises(ContratInvalide, match="regle_postes"):
        charger_contrat(FIXTURES, surcharge)
    surcharge.write_text("disponibilite:\n  regle_postes: tous\n", encoding="utf-8")
    assert charger_contrat(FIXTURES, surcharge).disponibilite.regle_postes == "tous"


# --- properties -------------------------------------------------------------------------------

ORIGINE = paris(2027, 3, 26, 20)  # the night of the spring change is inside the drawn periods


@st.composite
def series(draw):
    """A few postes, samples at irregular instants over ~2 days, failed or slow at random."""
    n = draw(st.integers(0, 60))
    postes = ("accueil", "cabinet", "secretariat")
    echantillons = []
    for _ in range(n):
        t = ORIGINE + timedelta(seconds=draw(st.integers(0, 2 * 86400)))
        lent = draw(st.booleans())
        echantillons.append(
            Echantillon(
                draw(st.sampled_from(postes)),
                t,
                draw(st.booleans()),
                (Etape("recherche", "requete_simple", 12.0 if lent else 1.0),),
            )
        )
    return echantillons


CADENCE_PROPRIETES = CadenceSonde(timedelta(minutes=30), timedelta(minutes=5))


@settings(max_examples=60, deadline=None)
@given(series(), st.integers(1, 3 * 3600), st.integers(0, 8))
def test_chaque_plage_se_partage_exactement_entre_les_quatre_etats(echantillons, duree_m, h):
    fenetre = FenetreMaintenance(
        ORIGINE + timedelta(hours=h * 4),
        ORIGINE + timedelta(hours=h * 4, seconds=duree_m),
        "prestataire",
        ORIGINE - timedelta(days=1),
    )
    debut, fin = ORIGINE, ORIGINE + timedelta(days=2)
    jugement = juger(echantillons, debut, fin, cadence=CADENCE_PROPRIETES, maintenances=(fenetre,))
    total = timedelta()
    for journee in jugement.journees:
        for bilan in journee.plages:
            assert_bande_complete(bilan)
            assert (bilan.verdict is Verdict.DEPASSEMENT) == (bilan.indisponible > bilan.admis)
            total += bilan.duree
    # The bands cover the 24 hours: together, exactly the judged period (47 real hours here).
    assert total == fin.astimezone(UTC) - debut.astimezone(UTC)
    assert jugement.annees_maintenance[0].consomme <= timedelta(hours=3)


def _totaux(jugement):
    totaux = {}
    for journee in jugement.journees:
        for b in journee.plages:
            cle = (journee.jour, b.code)
            avant = totaux.get(cle, (timedelta(),) * 4)
            totaux[cle] = tuple(
                a + x
                for a, x in zip(
                    avant, (b.disponible, b.indisponible, b.maintenance, b.inconnu), strict=True
                )
            )
    return totaux


@settings(max_examples=60, deadline=None)
@given(series(), st.integers(1, 2 * 86400 - 1))
def test_juger_en_deux_fois_donne_les_memes_totaux(echantillons, coupure_s):
    debut, fin = ORIGINE, ORIGINE + timedelta(days=2)
    coupure = ORIGINE + timedelta(seconds=coupure_s)
    entier = _totaux(juger(echantillons, debut, fin, cadence=CADENCE_PROPRIETES))
    premier = _totaux(juger(echantillons, debut, coupure, cadence=CADENCE_PROPRIETES))
    second = _totaux(juger(echantillons, coupure, fin, cadence=CADENCE_PROPRIETES))
    somme = dict(premier)
    for cle, valeurs in second.items():
        avant = somme.get(cle, (timedelta(),) * 4)
        somme[cle] = tuple(a + b for a, b in zip(avant, valeurs, strict=True))
    assert somme == entier


@settings(max_examples=60, deadline=None)
@given(series(), st.data())
def test_un_echec_de_plus_n_ajoute_jamais_de_disponibilite(echantillons, data):
    if not echantillons:
        return
    i = data.draw(st.integers(0, len(echantillons) - 1))
    pire = list(echantillons)
    pire[i] = replace(pire[i], reussi=False)
    debut, fin = ORIGINE, ORIGINE + timedelta(days=2)
    avant = juger(echantillons, debut, fin, cadence=CADENCE_PROPRIETES).chronologie
    apres = juger(pire, debut, fin, cadence=CADENCE_PROPRIETES).chronologie
    periode = (np.array([avant.debut]), np.array([avant.fin]))
    assert (
        apres.totaux(*periode)[0, Etat.INDISPONIBLE] >= avant.totaux(*periode)[0, Etat.INDISPONIBLE]
    )
    assert apres.totaux(*periode)[0, Etat.INCONNU] == avant.totaux(*periode)[0, Etat.INCONNU]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120 * 24), st.integers(1, 60)), max_size=8))
def test_la_fin_de_vsr_est_un_point_fixe(pannes_h):
    va = paris(2027, 2, 1, 14)
    pannes = [
        Panne(va + timedelta(hours=debut), va + timedelta(hours=debut + duree))
        for debut, duree in pannes_h
    ]
    fin = fin_de_vsr(va, pannes, CONTRAT)
    retenues = [p for p in pannes if p.debut < fin.fin and p.duree >= timedelta(hours=24)]
    assert sorted(fin.prolongations, key=lambda p: p.debut) == sorted(
        retenues, key=lambda p: p.debut
    )
    attendue = fin.fin_initiale.astimezone(UTC) + sum((p.duree for p in retenues), timedelta())
    assert fin.fin == attendue
    # Dropping an outage never makes the VSR longer.
    if pannes:
        assert fin_de_vsr(va, pannes[1:], CONTRAT).fin <= fin.fin
