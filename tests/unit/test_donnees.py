"""The generator of fictitious MSP data: identities, NIR, RPPS, medical coherence, agenda."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from recette.donnees import (
    ContactParent,
    Dossier,
    ElementMedical,
    Patient,
    Population,
    ProfilDonneesInvalide,
    calculer_nir,
    charger_profil,
    generer,
    incoherences,
    incoherences_agenda,
    nir_coherent,
    referentiels,
)
from recette.donnees.ages import annees_revolues
from recette.erreurs import RecetteErreur

REFERENCE = dt.date(2025, 3, 3)


def _empreinte(dossier: Path) -> str:
    h = hashlib.sha256()
    for chemin in sorted(dossier.iterdir()):
        h.update(chemin.name.encode())
        h.update(chemin.read_bytes())
    return h.hexdigest()


def _tirer(population: Population):
    patients, dossiers, rendezvous = [], [], []
    for g in population.patients():
        patients.append(g.patient)
        dossiers.append(g.dossier)
        rendezvous.extend(g.rendezvous)
    return patients, dossiers, rendezvous


@pytest.fixture(scope="module")
def dix_mille():
    population = Population("recette", 20250303, nombre_patients=10_000)
    return (population, *_tirer(population))


# --- NIR ---------------------------------------------------------------------------------------


def test_nir_calcule_est_valide_et_coherent():
    nir = calculer_nir("F", dt.date(1980, 2, 29), "62041", 1)
    assert nir[:13] == "2800262041001"
    assert stdnum_nir.is_valid(nir)
    assert nir_coherent(nir, "F", dt.date(1980, 2, 29), "62041") == []


def test_nir_corse_cle_calculee_avec_19_et_18():
    for code, substitut in (("2A004", "19"), ("2B033", "18")):
        nir = calculer_nir("M", dt.date(1990, 5, 1), code, 42)
        corps = nir[:13].replace(code[:2], substitut, 1)
        assert nir[13:] == f"{97 - int(corps) % 97:02d}"
        assert stdnum_nir.is_valid(nir)


def test_nir_corse_ne_avant_1976_porte_20():
    corps = "1" + "70" + "06" + "20004" + "123"
    nir = corps + f"{97 - int(corps) % 97:02d}"
    assert nir_coherent(nir, "M", dt.date(1970, 6, 1), "2A004") == []
    assert nir_coherent(nir, "M", dt.date(1980, 6, 1), "2A004") != []


def test_nir_ne_a_l_etranger():
    nir = calculer_nir("M", dt.date(1975, 1, 9), "99350", 12)
    assert nir[5:10] == "99350"
    assert nir_coherent(nir, "M", dt.date(1975, 1, 9), "99350") == []


def test_nir_incoherences_nommees_en_francais():
    naissance = dt.date(1980, 2, 29)
    nir = calculer_nir("F", naissance, "62041", 1)
    assert any("sexe M" in p for p in nir_coherent(nir, "M", naissance, "62041"))
    assert any("mois" in p for p in nir_coherent(nir, "F", dt.date(1980, 3, 1), "62041"))
    assert any("année" in p for p in nir_coherent(nir, "F", dt.date(1981, 2, 1), "62041"))
    assert any("lieu" in p for p in nir_coherent(nir, "F", naissance, "2A004"))
    assert any("clé" in p for p in nir_coherent(nir[:13] + "00", "F", naissance, "62041"))
    assert any("mal formé" in p for p in nir_coherent("123", "F", naissance, "62041"))


def test_nir_mois_13_accepte_par_stdnum_mais_pas_par_nous():
    corps = "2801362041001"
    nir = corps + stdnum_nir.calc_check_digits(corps)
    assert stdnum_nir.is_valid(nir)
    assert any("mois de naissance" in p for p in nir_coherent(nir, "F", None, "62041"))


def test_nir_france_comme_pays_etranger_refuse():
    corps = "1800199100001"
    nir = corps + stdnum_nir.calc_check_digits(corps)
    assert any("99100" in p for p in nir_coherent(nir, "M", dt.date(1980, 1, 1), "99100"))


# --- 10,000 patients ----------------------------------------------------------------------------


def test_dix_mille_nir_valides_et_coherents(dix_mille):
    _, patients, _, _ = dix_mille
    assert len(patients) == 10_000
    nirs = set()
    for p in patients:
        assert stdnum_nir.is_valid(p.nir), p
        assert p.nir[0] == ("1" if p.sexe == "M" else "2")
        assert p.nir[1:3] == f"{p.date_naissance.year % 100:02d}"
        assert p.nir[3:5] == f"{p.date_naissance.month:02d}"
        assert p.nir[5:10] == p.code_lieu_naissance
        assert p.nir[10:13] != "000"
        assert nir_coherent(p.nir, p.sexe, p.date_naissance, p.code_lieu_naissance) == []
        nirs.add(p.nir)
    assert len(nirs) == len(patients)


def test_dix_mille_sans_incoherence(dix_mille):
    _, patients, dossiers, _ = dix_mille
    problemes = [m for p, d in zip(patients, dossiers, strict=True) for m in incoherences(p, d)]
    assert problemes == []


def test_dix_mille_couvrent_les_cas_attendus(dix_mille):
    population, patients, dossiers, _ = dix_mille
    departements = {p.code_lieu_naissance[:2] for p in patients}
    assert {"2A", "2B", "97", "99"} <= departements
    mineurs = [p for p in patients if annees_revolues(p.date_naissance, REFERENCE) < 18]
    assert 0.17 < len(mineurs) / len(patients) < 0.23
    etranger = [p for p in patients if p.code_lieu_naissance.startswith("99")]
    assert 0.06 < len(etranger) / len(patients) < 0.10
    assert {p.consentement for p in patients} == {"accepte", "refuse", ""}
    assert any(p.nom_usage and p.nom_usage != p.nom_naissance for p in patients)
    assert all(p.nom_usage == "" for p in patients if p.sexe == "M")
    assert any(len(p.prenoms) > 1 for p in patients)
    grossesses = [d for d in dossiers if d.grossesse_en_cours_depuis()]
    assert grossesses
    assert len({p.email for p in patients if p.email}) == sum(1 for p in patients if p.email)
    rpps_medecins = {m.rpps for m in population.medecins}
    assert {p.rpps_medecin_traitant for p in patients} - {""} <= rpps_medecins


def test_dix_mille_regles_medicales_explicites(dix_mille):
    _, patients, dossiers, _ = dix_mille
    cat = referentiels.catalogue()
    grossesse = {e.libelle for e in cat.obstetrique_passee} | {cat.grossesse_en_cours.libelle}
    adultes = {t.libelle for t in cat.traitements if t.adulte}
    for p, d in zip(patients, dossiers, strict=True):
        age = annees_revolues(p.date_naissance, REFERENCE)
        for e in d.elements:
            assert p.date_naissance <= e.date_debut <= REFERENCE
            if e.libelle in grossesse:
                assert p.sexe == "F"
                assert 12 <= annees_revolues(p.date_naissance, e.date_debut) <= 55
            if age < 18:
                assert e.libelle not in adultes
        if age < 18:
            assert d.contacts_parents and all(c.nom and c.telephone for c in d.contacts_parents)
        if p.date_consentement:
            assert p.date_naissance <= p.date_consentement <= REFERENCE


def test_dix_mille_rpps_luhn(dix_mille):
    population, _, dossiers, _ = dix_mille
    rpps = [p.rpps for p in population.equipe if p.rpps]
    rpps += [c.rpps for d in dossiers for c in d.correspondants]
    assert rpps
    for numero in rpps:
        assert len(numero) == 11 and numero.isdigit() and luhn.is_valid(numero)
    sans_rpps = {p.profession for p in population.equipe if not p.rpps}
    assert sans_rpps == {"secretaire_medicale", "administrateur_fonctionnel", "assistant_social"}


def test_dix_mille_agenda_sans_double_reservation_ni_hors_horaires(dix_mille):
    population, patients, _, rendezvous = dix_mille
    centre = referentiels.centre()
    assert len(rendezvous) > 10_000
    creneaux: dict[tuple[str, dt.date], list[tuple[int, int]]] = {}
    for r in rendezvous:
        assert centre.est_ouvert(r.date, r.debut, r.fin), r
        assert r.date.weekday() != 6 and r.date not in referentiels.jours_feries()
        profession = next(
            p.profession for p in population.equipe if p.id_professionnel == r.id_professionnel
        )
        assert centre.motif_par_libelle[(profession, r.motif)].duree == r.duree
        assert (r.statut == "planifie") == (r.date >= REFERENCE)
        creneaux.setdefault((r.id_professionnel, r.date), []).append((r.debut, r.fin))
        creneaux.setdefault((r.id_patient, r.date), []).append((r.debut, r.fin))
    for intervalles in creneaux.values():
        intervalles.sort()
        for (_, fin), (debut, _) in zip(intervalles, intervalles[1:], strict=False):
            assert fin <= debut
    naissances = {p.id_patient: p.date_naissance for p in patients}
    professions = {p.id_professionnel: p.profession for p in population.equipe}
    assert incoherences_agenda(rendezvous, naissances, professions, centre) == []


def test_dix_mille_motifs_adaptes_au_patient(dix_mille):
    population, patients, dossiers, rendezvous = dix_mille
    centre = referentiels.centre()
    par_id = {p.id_patient: (p, d) for p, d in zip(patients, dossiers, strict=True)}
    professions = {p.id_professionnel: p.profession for p in population.equipe}
    for r in rendezvous:
        patient, dossier = par_id[r.id_patient]
        motif = centre.motif_par_libelle[(professions[r.id_professionnel], r.motif)]
        age = annees_revolues(patient.date_naissance, r.date)
        assert motif.sexe in (None, patient.sexe)
        assert motif.age_min is None or age >= motif.age_min
        assert motif.age_max is None or age <= motif.age_max
        if motif.grossesse:
            debut = dossier.grossesse_en_cours_depuis()
            assert debut is not None and debut <= r.date


def test_jours_feries_et_dimanches_fermes():
    centre = referentiels.centre()
    assert not centre.est_ouvert(dt.date(2025, 5, 1), 9 * 60, 10 * 60)  # fête du Travail
    assert not centre.est_ouvert(dt.date(2024, 12, 25), 9 * 60, 10 * 60)
    assert not centre.est_ouvert(dt.date(2025, 3, 2), 9 * 60, 10 * 60)  # dimanche
    assert not centre.est_ouvert(dt.date(2025, 3, 1), 11 * 60 + 45, 12 * 60 + 5)  # samedi midi
    assert centre.est_ouvert(dt.date(2025, 3, 3), 18 * 60 + 40, 19 * 60)


# --- the coherence checks catch what they should --------------------------------------------------


def _patient(sexe: str, naissance: dt.date, **autres) -> Patient:
    valeurs = dict(
        id_patient="P000001",
        nom_naissance="MARTIN",
        nom_usage="",
        prenoms=("Claire",),
        sexe=sexe,
        date_naissance=naissance,
        code_lieu_naissance="62041",
        lieu_naissance="Arras",
        nir=calculer_nir(sexe, naissance, "62041", 1),
        adresse="1 rue de la Paix",
        code_postal="62000",
        ville="Arras",
        telephone="0639980000",
        email="",
        rpps_medecin_traitant="",
        consentement="",
        date_consentement=None,
    )
    valeurs.update(autres)
    return Patient(**valeurs)


def _dossier(*elements: tuple[str, str, dt.date], parents=()) -> Dossier:
    return Dossier(
        "P000001",
        REFERENCE,
        elements=[ElementMedical(*e) for e in elements],
        contacts_parents=list(parents),
    )


def test_incoherences_grossesse_homme_et_age():
    homme = _patient("M", dt.date(1980, 1, 1))
    assert any(
        "sexe masculin" in m
        for m in incoherences(homme, _dossier(("antecedent", "Grossesse en cours", REFERENCE)))
    )
    agee = _patient("F", dt.date(1950, 1, 1))
    grossesse_tardive = _dossier(("antecedent", "Accouchement par voie basse", dt.date(2010, 1, 1)))
    assert any("60 ans" in m for m in incoherences(agee, grossesse_tardive))
    fillette = _patient("F", dt.date(2015, 1, 1), nom_usage="")
    parent = ContactParent("mere", "MARTIN", "Anne", "0639981111")
    precoce = _dossier(("antecedent", "Grossesse en cours", REFERENCE), parents=[parent])
    assert any("grossesse" in m for m in incoherences(fillette, precoce))


def test_incoherences_enfant():
    enfant = _patient("M", dt.date(2018, 6, 1))
    adulte_seulement = _dossier(
        ("traitement", "Sertraline 50 mg, 1 comprimé le matin", dt.date(2024, 1, 1))
    )
    messages = incoherences(enfant, adulte_seulement)
    assert any("réservé à l'adulte" in m for m in messages)
    assert any("sans contact parental" in m for m in messages)


def test_incoherences_dates_et_allergie():
    patient = _patient("F", dt.date(1980, 1, 1), consentement="accepte")
    dossier = _dossier(
        ("allergie", "Pénicillines", dt.date(2000, 1, 1)),
        ("traitement", "Amoxicilline 1 g, 1 comprimé 3 fois par jour pendant 7 jours", REFERENCE),
        ("antecedent", "Asthme", REFERENCE + dt.timedelta(days=1)),
        ("antecedent", "Migraine", dt.date(1979, 1, 1)),
    )
    messages = incoherences(patient, dossier)
    assert any("malgré l'allergie" in m for m in messages)
    assert any("postérieure à la date de référence" in m for m in messages)
    assert any("antérieure à la naissance" in m for m in messages)
    assert any("sans date de recueil" in m for m in messages)


# --- properties over seeds and reference dates ----------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graine=st.integers(min_value=0, max_value=2**32 - 1),
    reference=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)),
)
def test_proprietes_sur_graines_et_dates(graine, reference):
    population = Population("formation", graine, reference, nombre_patients=40)
    patients, dossiers, rendezvous = _tirer(population)
    for p, d in zip(patients, dossiers, strict=True):
        assert stdnum_nir.is_valid(p.nir)
        assert nir_coherent(p.nir, p.sexe, p.date_naissance, p.code_lieu_naissance) == []
        assert incoherences(p, d) == []
        assert p.date_naissance <= reference
    naissances = {p.id_patient: p.date_naissance for p in patients}
    professions = {p.id_professionnel: p.profession for p in population.equipe}
    centre = referentiels.centre()
    assert incoherences_agenda(rendezvous, naissances, professions, centre) == []
    for pro in population.equipe:
        assert not pro.rpps or luhn.is_valid(pro.rpps)


# --- generation to files --------------------------------------------------------------------------


def test_meme_graine_memes_octets_graine_differente_autres_octets(tmp_path):
    a = generer("formation", 7, tmp_path / "a", nombre_patients=300)
    b = generer("formation", 7, tmp_path / "b", nombre_patients=300)
    c = generer("formation", 8, tmp_path / "c", nombre_patients=300)
    assert _empreinte(tmp_path / "a") == _empreinte(tmp_path / "b")
    assert a.fichiers == b.fichiers
    assert _empreinte(tmp_path / "a") != _empreinte(tmp_path / "c")
    assert a.fichiers["patients.csv"] != c.fichiers["patients.csv"]


def test_entetes_imposees(tmp_path):
    generer("formation", 1, tmp_path / "f")
    entete = (tmp_path / "f" / "patients.csv").read_text(encoding="utf-8").split("\n")[0]
    assert entete == (
        "id_patient,nom_naissance,nom_usage,prenoms,sexe,date_naissance,code_lieu_naissance,"
        "lieu_naissance,nir,adresse,code_postal,ville,telephone,email,rpps_medecin_traitant,"
        "consentement,date_consentement"
    )
    entete = (tmp_path / "f" / "elements_medicaux.csv").read_text(encoding="utf-8").split("\n")[0]
    assert entete == "id_patient,type,libelle,date_debut"


def test_medecins_traitants_imposes(tmp_path):
    imposes = [c + luhn.calc_check_digit(c) for c in ("1000000001", "1000000002", "1000000003")]
    population = Population("formation", 3, medecins_traitants=imposes)
    assert sorted(m.rpps for m in population.medecins) == sorted(imposes)
    patients, dossiers, _ = _tirer(population)
    assert {p.rpps_medecin_traitant for p in patients} - {""} <= set(imposes)
    assert all(incoherences(p, d) == [] for p, d in zip(patients, dossiers, strict=True))
    manifeste = generer("formation", 3, tmp_path / "m", medecins_traitants=imposes)
    assert manifeste.medecins_traitants == imposes


def test_medecins_traitants_imposes_invalides():
    with pytest.raises(ProfilDonneesInvalide, match="clé de Luhn"):
        Population("formation", 3, medecins_traitants=["10000000000"])


def test_profil_inconnu_message_francais():
    with pytest.raises(ProfilDonneesInvalide, match="profil de données « inconnu » inconnu"):
        charger_profil("inconnu")


def test_profils_livres():
    assert charger_profil("formation")["patients"] == 50
    assert charger_profil("recette")["patients"] == 300
    assert charger_profil("charge")["patients"] == 100_000


def test_progression_et_ecriture_atomique(tmp_path):
    appels = []
    generer("formation", 1, tmp_path / "ok", progression=lambda n, t: appels.append((n, t)))
    assert appels[0] == (0, 50) and appels[-1] == (50, 50)

    def interrompre(n, total):
        if n > 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generer("formation", 1, tmp_path / "ko", progression=interrompre)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok"]


def test_dossier_existant_protege(tmp_path):
    generer("formation", 1, tmp_path / "f")
    with pytest.raises(RecetteErreur, match="existe déjà"):
        generer("formation", 2, tmp_path / "f")
    generer("formation", 2, tmp_path / "f", remplacer=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
