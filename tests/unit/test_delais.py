"""Deadline arithmetic: the contract's delays across weekends, French holidays and DST."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recette.contrat import Delai, PlageHoraire, Unite, charger_contrat
from recette.delais import (
    Echeances,
    EcheancesAjournement,
    ajouter_delai,
    ajouter_heures,
    ajouter_jours_calendaires,
    ajouter_jours_ouvres,
    date_en_francais,
    echeance_remarques_documentaires,
    echeance_reponse_documentaire,
    echeance_reserve,
    echeance_va,
    echeances_ajournement,
    echeances_anomalie,
    en_retard,
    est_jour_ouvre,
    fin_vsr,
    jours_feries_france,
    moment_en_francais,
)
from recette.erreurs import CalendrierIncomplet, RecetteErreur

PARIS = ZoneInfo("Europe/Paris")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CONTRAT = charger_contrat(FIXTURES)
FERIES = jours_feries_france(range(2026, 2030))


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# --- the acceptance example: a blocking anomaly on Christmas Eve -------------------------------


def test_anomalie_bloquante_transmise_la_veille_de_noel():
    # Transmitted Thursday 24 Dec 2026 at 16:00 (Paris).
    # Workaround, 4 clock hours (fixture: unite heures): 24 Dec 16:00 + 4 h = 24 Dec 20:00.
    # Fix, 3 working days (fixture: unite jours_ouvres), the time of day is kept:
    #   Fri 25 Dec is Christmas (holiday), Sat 26 and Sun 27 are the weekend,
    #   Mon 28 = day 1, Tue 29 = day 2, Wed 30 = day 3 → Wed 30 Dec 2026 at 16:00.
    echeances = echeances_anomalie("bloquante", paris(2026, 12, 24, 16, 0), CONTRAT)
    assert echeances == Echeances(
        contournement=paris(2026, 12, 24, 20, 0),
        correction=paris(2026, 12, 30, 16, 0),
    )


def test_anomalie_non_bloquante_transmise_la_veille_de_noel():
    # 5 working days from Thu 24 Dec 2026 16:00: Mon 28 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4),
    # Fri 1 Jan is New Year's Day, Sat 2 and Sun 3 the weekend, Mon 4 Jan (5) → 4 Jan 16:00.
    echeances = echeances_anomalie("non bloquante", paris(2026, 12, 24, 16, 0), CONTRAT)
    assert echeances == Echeances(contournement=None, correction=paris(2027, 1, 4, 16, 0))


def test_la_gravite_accepte_les_graphies_courantes():
    debut = paris(2026, 12, 24, 16, 0)
    attendu = echeances_anomalie("non bloquante", debut, CONTRAT)
    assert echeances_anomalie("non_bloquante", debut, CONTRAT) == attendu
    assert echeances_anomalie("Non-bloquante", debut, CONTRAT) == attendu
    with pytest.raises(ValueError, match="Gravité inconnue"):
        echeances_anomalie("majeure", debut, CONTRAT)


def test_la_date_de_transmission_est_ramenee_a_l_heure_de_paris():
    # 15:00 UTC on 24 Dec is 16:00 in Paris (UTC+1 in winter): same deadlines as above.
    transmise = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
    assert echeances_anomalie("bloquante", transmise, CONTRAT).correction == paris(
        2026, 12, 30, 16, 0
    )


def test_le_decompte_en_jours_calendaires_est_un_choix_du_client():
    calendaires = replace(
        CONTRAT,
        maintenance=replace(
            CONTRAT.maintenance, correction_bloquante=Delai(3, Unite.JOURS_CALENDAIRES)
        ),
    )
    # 24 Dec 16:00 + 3 calendar days = Sun 27 Dec 16:00, holiday and weekend included.
    echeances = echeances_anomalie("bloquante", paris(2026, 12, 24, 16, 0), calendaires)
    assert echeances.correction == paris(2026, 12, 27, 16, 0)


# --- working days across each French public holiday -------------------------------------------


@pytest.mark.parametrize(
    ("debut", "attendu", "ferie"),
    [
        # Thu 31 Dec 2026: Fri 1 Jan holiday, weekend → Mon 4 Jan 2027.
        (paris(2026, 12, 31, 10, 0), paris(2027, 1, 4, 10, 0), "jour de l'an"),
        # Fri 26 Mar 2027: weekend, Mon 29 Mar Easter Monday → Tue 30 Mar.
        (paris(2027, 3, 26, 9, 30), paris(2027, 3, 30, 9, 30), "lundi de Pâques"),
        # Thu 30 Apr 2026: Fri 1 May holiday, weekend → Mon 4 May.
        (paris(2026, 4, 30, 14, 0), paris(2026, 5, 4, 14, 0), "1er mai"),
        # Tue 13 Jul 2027: Wed 14 Jul holiday → Thu 15 Jul.
        (paris(2027, 7, 13, 11, 0), paris(2027, 7, 15, 11, 0), "14 juillet"),
        # Mon 14 Aug 2028: Tue 15 Aug holiday → Wed 16 Aug.
        (paris(2028, 8, 14, 8, 0), paris(2028, 8, 16, 8, 0), "15 août"),
        # Wed 5 May 2027: Thu 6 May Ascension → Fri 7 May.
        (paris(2027, 5, 5, 17, 45), paris(2027, 5, 7, 17, 45), "Ascension"),
        # Fri 14 May 2027: weekend, Mon 17 May Whit Monday → Tue 18 May.
        (paris(2027, 5, 14, 12, 0), paris(2027, 5, 18, 12, 0), "lundi de Pentecôte"),
    ],
)
def test_un_jour_ouvre_saute_les_feries(debut, attendu, ferie):
    assert ajouter_jours_ouvres(debut, 1, FERIES) == attendu, ferie


@pytest.mark.parametrize(
    "ferie",
    [
        date(2027, 1, 1),
        date(2027, 3, 29),
        date(2026, 5, 1),
        date(2027, 5, 8),
        date(2027, 5, 6),
        date(2027, 5, 17),
        date(2027, 7, 14),
        date(2028, 8, 15),
        date(2027, 11, 1),
        date(2027, 11, 11),
        date(2026, 12, 25),
    ],
)
def test_les_feries_francais_ne_sont_pas_ouvres(ferie):
    assert not est_jour_ouvre(ferie, FERIES)


def test_le_week_end_n_est_pas_ouvre_et_la_semaine_l_est():
    assert not est_jour_ouvre(date(2027, 1, 9), FERIES)  # Saturday
    assert not est_jour_ouvre(date(2027, 1, 10), FERIES)  # Sunday
    assert est_jour_ouvre(date(2027, 1, 11), FERIES)  # Monday


def test_le_lundi_de_pentecote_peut_etre_ouvre():
    # holidays.France counts Whit Monday as a holiday; the contract may treat it as the
    # journée de solidarité (worked): the holiday set is overridable.
    solidarite = jours_feries_france([2027], lundi_de_pentecote_ferie=False)
    assert est_jour_ouvre(date(2027, 5, 17), solidarite)
    assert ajouter_jours_ouvres(paris(2027, 5, 14, 12, 0), 1, solidarite) == paris(
        2027, 5, 17, 12, 0
    )
    # The other holidays stay.
    assert not est_jour_ouvre(date(2027, 5, 6), solidarite)


def test_les_feries_sont_ajustables_par_date():
    feries = jours_feries_france(
        [2027], ajouts=[date(2027, 5, 7)], retraits=[date(2027, 7, 14)]
    )  # a bridge day added, 14 July worked
    assert not est_jour_ouvre(date(2027, 5, 7), feries)
    assert est_jour_ouvre(date(2027, 7, 14), feries)


def test_l_alsace_moselle_a_ses_propres_feries():
    alsace = jours_feries_france([2027], subdivision="57")
    assert not est_jour_ouvre(date(2027, 3, 26), alsace)  # Vendredi saint
    assert est_jour_ouvre(date(2027, 3, 26), jours_feries_france([2027]))


def test_une_annee_non_chargee_est_une_erreur_et_pas_une_supposition():
    feries = jours_feries_france([2026])
    with pytest.raises(CalendrierIncomplet) as erreur:
        ajouter_jours_ouvres(paris(2026, 12, 31, 10, 0), 1, feries)
    assert isinstance(erreur.value, RecetteErreur)
    assert "2027" in erreur.value.message


def test_un_delai_compte_depuis_un_samedi_ne_compte_pas_le_samedi():
    assert ajouter_jours_ouvres(paris(2027, 1, 9, 10, 0), 2, FERIES) == paris(2027, 1, 12, 10, 0)


def test_un_delai_nul_ou_negatif():
    debut = paris(2027, 1, 9, 10, 0)
    assert ajouter_jours_ouvres(debut, 0, FERIES) == debut
    with pytest.raises(ValueError, match="négatif"):
        ajouter_jours_ouvres(debut, -1, FERIES)


def test_une_date_sans_fuseau_est_refusee():
    with pytest.raises(ValueError, match="fuseau"):
        ajouter_jours_calendaires(datetime(2027, 1, 1, 10, 0), 1)


# --- hours ------------------------------------------------------------------------------------


def test_les_heures_d_horloge_sont_des_heures_ecoulees_au_changement_d_heure():
    # 25 Oct 2026, clocks go back at 03:00 CEST → 02:00 CET. 00:30 CEST is 22:30 UTC;
    # + 4 h = 02:30 UTC = 03:30 CET.
    assert ajouter_heures(paris(2026, 10, 25, 0, 30), 4) == paris(2026, 10, 25, 3, 30)
    # 28 Mar 2027, clocks go forward at 02:00 CET → 03:00 CEST. 00:30 CET is 23:30 UTC;
    # + 4 h = 03:30 UTC = 05:30 CEST.
    assert ajouter_heures(paris(2027, 3, 28, 0, 30), 4) == paris(2027, 3, 28, 5, 30)


def test_les_heures_ouvrees_sont_un_parametre():
    plage = PlageHoraire(time(9, 0), time(18, 0))
    # Thu 24 Dec 2026 16:00: 2 h until 18:00, then Christmas and the weekend,
    # then Mon 28 Dec 09:00 + 2 h = 11:00.
    assert ajouter_heures(
        paris(2026, 12, 24, 16, 0), 4, feries=FERIES, heures_ouvrees=plage
    ) == paris(2026, 12, 28, 11, 0)
    # Started before opening: counted from 09:00; ends exactly at closing time.
    assert ajouter_heures(
        paris(2027, 1, 11, 7, 0), 9, feries=FERIES, heures_ouvrees=plage
    ) == paris(2027, 1, 11, 18, 0)
    delai = Delai(4, Unite.HEURES_OUVREES)
    assert ajouter_delai(paris(2026, 12, 24, 16, 0), delai, FERIES, plage) == paris(
        2026, 12, 28, 11, 0
    )


def test_un_jour_calendaire_garde_l_heure_locale_au_changement_d_heure():
    assert ajouter_jours_calendaires(paris(2027, 3, 27, 10, 0), 1) == paris(2027, 3, 28, 10, 0)


# --- the contract's other deadlines -----------------------------------------------------------


def test_echeance_d_une_reserve_quinze_jours_calendaires():
    assert echeance_reserve(paris(2026, 12, 24, 16, 0), CONTRAT) == paris(2027, 1, 8, 16, 0)


def test_echeances_d_un_ajournement():
    # Contestation: 2 working days from Thu 24 Dec 2026 16:00 → Mon 28 (1), Tue 29 (2).
    # Rework: at most 10 calendar days → Sun 3 Jan 2027 16:00.
    assert echeances_ajournement(paris(2026, 12, 24, 16, 0), CONTRAT) == EcheancesAjournement(
        contestation=paris(2026, 12, 29, 16, 0),
        nouvelle_recette_au_plus_tard=paris(2027, 1, 3, 16, 0),
    )


def test_echeance_de_la_va_deux_semaines_apres_la_mise_en_ordre_de_marche():
    assert echeance_va(paris(2027, 3, 1, 9, 0), CONTRAT) == paris(2027, 3, 15, 9, 0)


def test_fin_de_vsr_deux_mois_prolongee_des_indisponibilites_d_une_journee_ou_plus():
    debut = paris(2026, 12, 31, 9, 0)
    # 31 Dec + 2 months: there is no 31 February → 28 Feb 2027.
    assert fin_vsr(debut, [], CONTRAT) == paris(2027, 2, 28, 9, 0)
    # 23 h does not extend; 24 h and 36 h do, by their own durations (60 h = 2 days 12 h).
    indisponibilites = [timedelta(hours=23), timedelta(days=1), timedelta(hours=36)]
    assert fin_vsr(debut, indisponibilites, CONTRAT) == paris(2027, 3, 2, 21, 0)


def test_validation_documentaire_en_jours_ouvres():
    # Delivered Mon 3 May 2027 at 10:00; 15 working days, the start day not counted,
    # Ascension (Thu 6) and Whit Monday (17) excluded:
    #   Tue 4 (1), Wed 5 (2), Fri 7 (3), Mon 10 – Fri 14 (4–8), Tue 18 – Fri 21 (9–12),
    #   Mon 24 (13), Tue 25 (14), Wed 26 (15) → Wed 26 May 10:00.
    assert echeance_remarques_documentaires(paris(2027, 5, 3, 10, 0), CONTRAT) == paris(
        2027, 5, 26, 10, 0
    )
    # Notified Tue 25 May 2027 at 10:00; 5 working days: Wed 26, Thu 27, Fri 28, Mon 31,
    # Tue 1 June → Tue 1 June 10:00.
    assert echeance_reponse_documentaire(paris(2027, 5, 25, 10, 0), CONTRAT) == paris(
        2027, 6, 1, 10, 0
    )


def test_en_retard_strictement_apres_l_echeance():
    echeance = paris(2026, 12, 30, 16, 0)
    assert not en_retard(echeance, echeance)
    assert not en_retard(echeance, paris(2026, 12, 30, 15, 59))
    assert en_retard(echeance, paris(2026, 12, 30, 16, 1))
    with pytest.raises(ValueError):
        en_retard(echeance, datetime(2026, 12, 31))


def test_dates_en_francais():
    assert date_en_francais(date(2027, 1, 1)) == "vendredi 1er janvier 2027"
    assert moment_en_francais(paris(2026, 12, 24, 20, 5)) == "jeudi 24 décembre 2026 à 20 h 05"


# --- properties -------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2028, 12, 31),
    timezones=st.just(PARIS),
    allow_imaginary=False,
)


@given(debut=moments, n=st.integers(min_value=0, max_value=40))
def test_propriete_jours_ouvres(debut, n):
    fin = ajouter_jours_ouvres(debut, n, FERIES)
    assert fin.time() == debut.time() or n == 0
    jours = [
        debut.date() + timedelta(days=i) for i in range(1, (fin.date() - debut.date()).days + 1)
    ]
    assert sum(est_jour_ouvre(j, FERIES) for j in jours) == n
    if n:
        assert est_jour_ouvre(fin.date(), FERIES)
        assert fin > debut
    assert ajouter_jours_ouvres(debut, n + 1, FERIES) > fin


@given(debut=moments, n=st.integers(min_value=0, max_value=60))
def test_propriete_jours_calendaires(debut, n):
    fin = ajouter_jours_calendaires(debut, n)
    assert fin.date() - debut.date() == timedelta(days=n)
    assert fin >= ajouter_jours_ouvres(debut, 0, FERIES)


@given(debut=moments, n=st.integers(min_value=0, max_value=30))
def test_propriete_un_jour_ouvre_ne_precede_jamais_un_jour_calendaire(debut, n):
    assert ajouter_jours_ouvres(debut, n, FERIES) >= ajouter_jours_calendaires(debut, n)


@given(debut=moments, heures=st.integers(min_value=0, max_value=100))
def test_propriete_heures_d_horloge(debut, heures):
    fin = ajouter_heures(debut, heures)
    # Subtracting two datetimes of the same zone gives wall-clock time: compare in UTC.
    assert fin.astimezone(UTC) - debut.astimezone(UTC) == timedelta(hours=heures)
