"""The verdict rules of « Modalités communes de prononcé de VA et VSR », as pure functions."""

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recette.contrat import charger_contrat
from recette.delais import EcheancesAjournement, jours_feries_france
from recette.erreurs import FaitsInvalides, RecetteErreur
from recette.verdicts import (
    AnomalieFait,
    Decision,
    Faits,
    Phase,
    Reserve,
    Resultat,
    ResultatExigence,
    StatutAnomalie,
    ordre,
    proposer_verdict,
)

PARIS = ZoneInfo("Europe/Paris")
CONTRAT = charger_contrat(Path(__file__).resolve().parents[2] / "fixtures")
FERIES = jours_feries_france(range(2026, 2030))
# Thursday 24 December 2026, 16:00: the réserve is due 15 calendar days later.
DECIDE_LE = datetime(2026, 12, 24, 16, 0, tzinfo=PARIS)

GRILLE = (
    ResultatExigence("EXG-AG-01", 1, "agenda", True, Resultat.REUSSI),
    ResultatExigence("EXG-DP-04", 1, "dossier-patient", True, Resultat.REUSSI),
    ResultatExigence("EXG-DP-07", 2, "dossier-patient", True, Resultat.REUSSI),
    ResultatExigence("EXG-MS-02", 3, "messagerie", True, Resultat.REUSSI),
)


def anomalie(numero="ANO-2026-0001", gravite="non bloquante", statut="ouverte", **autres):
    valeurs = {"titre": "Le libellé est tronqué", "domaine": "agenda", "exigences": ()}
    valeurs.update(autres)
    return AnomalieFait(numero=numero, gravite=gravite, statut=statut, **valeurs)


def faits(anomalies=(), exigences=GRILLE, precedentes=(), contrat=CONTRAT, decide_le=DECIDE_LE):
    return Faits(
        phase=Phase.VA,
        decide_le=decide_le,
        exigences=tuple(exigences),
        anomalies=tuple(anomalies),
        contrat=contrat,
        decisions_precedentes=tuple(precedentes),
        feries=FERIES,
    )


def avec_cumul(**regle):
    return replace(CONTRAT, cumul=replace(CONTRAT.cumul, **regle))


# --- unit tests -------------------------------------------------------------------------------


def test_prononce_quand_rien_n_est_ouvert_et_la_grille_est_verifiee():
    verdict = proposer_verdict(faits())
    assert verdict.decision is Decision.PRONONCE
    assert verdict.motifs == (
        "Aucune anomalie n'est ouverte et toutes les exigences de la grille sont couvertes et "
        "vérifiées (4 sur 4).",
    )
    assert verdict.reserves == () and verdict.echeances is None


def test_une_anomalie_non_bloquante_devient_une_reserve_a_quinze_jours():
    verdict = proposer_verdict(faits([anomalie()]))
    assert verdict.decision is Decision.PRONONCE_AVEC_RESERVES
    # 24 Dec 2026 16:00 + 15 calendar days = Fri 8 Jan 2027 16:00.
    echeance = datetime(2027, 1, 8, 16, 0, tzinfo=PARIS)
    assert verdict.reserves == (Reserve("ANO-2026-0001", "Le libellé est tronqué", echeance),)
    assert verdict.motifs == (
        "L'anomalie non bloquante ANO-2026-0001 « Le libellé est tronqué » est ouverte : réserve "
        "à lever au plus tard le vendredi 8 janvier 2027 à 16 h 00.",
    )


def test_une_anomalie_bloquante_ajourne_avec_ses_echeances():
    bloquante = anomalie("ANO-2026-0003", "bloquante", titre="La synthèse omet les traitements")
    verdict = proposer_verdict(faits([bloquante]))
    assert verdict.decision is Decision.AJOURNEMENT
    assert verdict.motifs[0] == (
        "L'anomalie bloquante ANO-2026-0003 « La synthèse omet les traitements » est ouverte."
    )
    # Contestation: 2 working days from Thu 24 Dec 16:00, Christmas and the weekend skipped
    # → Tue 29 Dec 16:00; rework at most 10 calendar days → Sun 3 Jan 2027 16:00.
    assert verdict.echeances == EcheancesAjournement(
        contestation=datetime(2026, 12, 29, 16, 0, tzinfo=PARIS),
        nouvelle_recette_au_plus_tard=datetime(2027, 1, 3, 16, 0, tzinfo=PARIS),
    )
    assert "mardi 29 décembre 2026 à 16 h 00" in verdict.motifs[1]
    assert "dimanche 3 janvier 2027 à 16 h 00" in verdict.motifs[2]
    assert verdict.reserves == ()


@pytest.mark.parametrize(
    ("statut", "complement"),
    [
        ("contournée", " : elle est contournée mais pas corrigée."),
        ("corrigée", " : sa correction n'est pas encore vérifiée."),
        ("transmise", "."),
        ("qualifiée", "."),
    ],
)
def test_contournee_et_corrigee_restent_ouvertes(statut, complement):
    verdict = proposer_verdict(faits([anomalie("ANO-1", "bloquante", statut, titre="T")]))
    assert verdict.decision is Decision.AJOURNEMENT
    assert verdict.motifs[0] == f"L'anomalie bloquante ANO-1 « T » est ouverte{complement}"


@pytest.mark.parametrize("statut", ["vérifiée", "close", "rejetée", "doublon"])
def test_les_anomalies_fermees_ne_comptent_pas(statut):
    verdict = proposer_verdict(faits([anomalie("ANO-1", "bloquante", statut)]))
    assert verdict.decision is Decision.PRONONCE


def test_cumul_par_domaine_au_seuil_et_pas_en_dessous():
    contrat = avec_cumul(seuil_poids_par_domaine=3, seuil_poids_total=None)
    deux = [anomalie(f"ANO-{i}", domaine="agenda") for i in (1, 2)]
    ailleurs = anomalie("ANO-9", domaine="messagerie")
    assert (
        proposer_verdict(faits([*deux, ailleurs], contrat=contrat)).decision
        is Decision.PRONONCE_AVEC_RESERVES
    )
    trois = [*deux, anomalie("ANO-3", domaine="agenda")]
    verdict = proposer_verdict(faits([*trois, ailleurs], contrat=contrat))
    assert verdict.decision is Decision.AJOURNEMENT
    assert verdict.motifs[0] == (
        "Les 3 anomalies non bloquantes ouvertes du domaine « agenda » (ANO-1, ANO-2, ANO-3) "
        "pèsent ensemble 3 (seuil : 3 par domaine) et constituent ensemble une anomalie "
        "bloquante."
    )


def test_cumul_par_domaine_pese_les_priorites():
    """Three priority-3 typos in one domain do not adjourn a VA; three priority-1 anomalies do
    (weights 3 / 2 / 1 and a threshold of 9 per domain in the fixture)."""
    assert CONTRAT.cumul.seuil_poids_par_domaine == 9
    exigences = (*GRILLE, ResultatExigence("EXG-AG-09", 3, "agenda", True, Resultat.REUSSI))
    coquilles = [anomalie(f"ANO-{i}", exigences=("EXG-AG-09",)) for i in (1, 2, 3)]
    assert proposer_verdict(faits(coquilles, exigences)).decision is (
        Decision.PRONONCE_AVEC_RESERVES
    )
    graves = [anomalie(f"ANO-{i}", exigences=("EXG-AG-01",)) for i in (1, 2, 3)]
    verdict = proposer_verdict(faits(graves, exigences))
    assert verdict.decision is Decision.AJOURNEMENT
    assert "pèsent ensemble 9 (seuil : 9 par domaine)" in verdict.motifs[0]


def test_la_moa_decide_de_la_gravite():
    """A failed priority-1 requirement adjourns while its anomaly is only proposed; once the
    MOA qualifies the anomaly « non bloquante », it is a réserve, not an ajournement."""
    echec = tuple(
        replace(e, resultat=Resultat.ECHOUE) if e.identifiant == "EXG-DP-04" else e for e in GRILLE
    )
    proposee = anomalie("ANO-7", domaine="dossier-patient", exigences=("EXG-DP-04",))
    assert proposer_verdict(faits([proposee], echec)).decision is Decision.AJOURNEMENT
    qualifiee = replace(proposee, qualifiee=True)
    verdict = proposer_verdict(faits([qualifiee], echec))
    assert verdict.decision is Decision.PRONONCE_AVEC_RESERVES
    assert [r.numero for r in verdict.reserves] == ["ANO-7"]
    # The MOA's « bloquante » on a priority-3 requirement adjourns just as well.
    coquille = anomalie("ANO-8", gravite="bloquante", exigences=("EXG-MS-02",), qualifiee=True)
    assert proposer_verdict(faits([coquille])).decision is Decision.AJOURNEMENT


def test_cumul_par_poids_selon_la_priorite_des_exigences():
    contrat = avec_cumul(seuil_poids_par_domaine=None, seuil_poids_total=10)
    # Priority 1 weighs 3 (fixture): three such anomalies weigh 9, below 10.
    sur_p1 = [anomalie(f"ANO-{i}", domaine=f"d{i}", exigences=("EXG-DP-04",)) for i in (1, 2, 3)]
    assert (
        proposer_verdict(faits(sur_p1, contrat=contrat)).decision is Decision.PRONONCE_AVEC_RESERVES
    )
    # One more without a known requirement weighs the default 1: 10 reaches the threshold.
    verdict = proposer_verdict(faits([*sur_p1, anomalie("ANO-4")], contrat=contrat))
    assert verdict.decision is Decision.AJOURNEMENT
    assert verdict.motifs[0] == (
        "Les 4 anomalies non bloquantes ouvertes pèsent ensemble 10 (seuil : 10) et "
        "constituent ensemble une anomalie bloquante."
    )
    # An explicit priority overrides the one derived from the requirements.
    explicite = [replace(a, priorite=3) for a in sur_p1]
    assert (
        proposer_verdict(faits([*explicite, anomalie("ANO-4")], contrat=contrat)).decision
        is Decision.PRONONCE_AVEC_RESERVES
    )


def test_exigence_de_priorite_1_non_couverte_ou_en_echec_ajourne():
    non_couverte = ResultatExigence("EXG-SEC-03", 1, "securite", False)
    verdict = proposer_verdict(faits(exigences=[*GRILLE, non_couverte]))
    assert verdict.decision is Decision.AJOURNEMENT
    assert verdict.motifs[0] == (
        "L'exigence EXG-SEC-03 (priorité 1) n'est couverte par aucun scénario."
    )
    en_echec = ResultatExigence("EXG-SEC-03", 1, "securite", True, "échoué")
    verdict = proposer_verdict(faits(exigences=[*GRILLE, en_echec]))
    assert verdict.motifs[0] == "L'exigence EXG-SEC-03 (priorité 1) est en échec."
    non_executee = ResultatExigence("EXG-SEC-03", 1, "securite", True, "non exécuté")
    verdict = proposer_verdict(faits(exigences=[*GRILLE, non_executee]))
    assert verdict.decision is Decision.AJOURNEMENT
    assert "n'a pas été vérifiée" in verdict.motifs[0]


def test_la_regle_des_exigences_de_priorite_1_est_configurable():
    souple = replace(CONTRAT, exigences=replace(CONTRAT.exigences, ajourner_si_non_couverte=False))
    non_couverte = ResultatExigence("EXG-SEC-03", 1, "securite", False)
    verdict = proposer_verdict(faits(exigences=[*GRILLE, non_couverte], contrat=souple))
    assert verdict.decision is Decision.PRONONCE_AVEC_RESERVES
    assert verdict.reserves[0].numero == "EXG-SEC-03"
    assert verdict.reserves[0].titre == "Exigence non couverte"


def test_exigence_de_priorite_2_non_couverte_devient_une_reserve():
    non_couverte = ResultatExigence("EXG-DP-09", 2, "dossier-patient", False)
    verdict = proposer_verdict(faits(exigences=[*GRILLE, non_couverte]))
    assert verdict.decision is Decision.PRONONCE_AVEC_RESERVES
    assert verdict.motifs == (
        "L'exigence EXG-DP-09 (priorité 2) n'est couverte par aucun scénario : réserve à lever "
        "au plus tard le vendredi 8 janvier 2027 à 16 h 00.",
    )


def test_une_exigence_en_echec_liee_a_une_anomalie_n_est_reservee_qu_une_fois():
    en_echec = ResultatExigence("EXG-DP-09", 2, "dossier-patient", True, Resultat.ECHOUE)
    liee = anomalie("ANO-5", exigences=("EXG-DP-09",))
    verdict = proposer_verdict(faits([liee], exigences=[*GRILLE, en_echec]))
    assert [r.numero for r in verdict.reserves] == ["ANO-5"]


def test_refus_propose_apres_un_ajournement():
    bloquante = anomalie("ANO-1", "bloquante")
    verdict = proposer_verdict(faits([bloquante], precedentes=["ajournement"]))
    assert verdict.decision is Decision.REFUS
    assert verdict.echeances is None
    assert verdict.motifs[-2:] == (
        "La VA a déjà été ajournée lors d'une séance précédente et ne peut toujours pas être "
        "prononcée : le refus est proposé.",
        "L'Organisme acheteur peut, à son choix, procéder à un nouvel ajournement.",
    )
    # A séance that can now be pronounced is pronounced, whatever the past.
    assert proposer_verdict(faits(precedentes=["ajournement"])).decision is Decision.PRONONCE


def test_ordre_des_decisions():
    assert [ordre(d) for d in ("prononce", "prononce_avec_reserves", "ajournement", "refus")] == [
        3,
        2,
        1,
        0,
    ]
    assert sorted(Decision, key=ordre, reverse=True)[0] is Decision.PRONONCE
    assert Decision.PRONONCE_AVEC_RESERVES.libelle == "prononcé avec réserves"


def test_les_motifs_sont_deterministes():
    anomalies = [anomalie("ANO-2"), anomalie("ANO-1"), anomalie("ANO-3", domaine="messagerie")]
    un = proposer_verdict(faits(anomalies))
    deux = proposer_verdict(faits(reversed(anomalies)))
    assert un == deux
    assert [r.numero for r in un.reserves] == ["ANO-1", "ANO-2", "ANO-3"]


def test_statuts_saisis_avec_ou_sans_accents():
    assert StatutAnomalie.depuis("Qualifiée") is StatutAnomalie.QUALIFIEE
    assert StatutAnomalie.depuis("rejetee") is StatutAnomalie.REJETEE
    with pytest.raises(ValueError, match="Valeur inconnue « résolue »"):
        StatutAnomalie.depuis("résolue")


@pytest.mark.parametrize(
    ("modification", "attendu"),
    [
        ({"exigences": ()}, "aucune exigence"),
        ({"exigences": (*GRILLE, GRILLE[0])}, "Identifiant d'exigence en double : EXG-AG-01"),
        ({"anomalies": (anomalie("A"), anomalie("A"))}, "Identifiant d'anomalie en double : A"),
        ({"decide_le": datetime(2026, 12, 24, 16, 0)}, "fuseau horaire"),
    ],
)
def test_faits_invalides(modification, attendu):
    with pytest.raises(FaitsInvalides) as erreur:
        proposer_verdict(replace(faits(), **modification))
    assert isinstance(erreur.value, RecetteErreur)
    assert attendu in erreur.value.message


# --- properties -------------------------------------------------------------------------------

identifiants = st.sampled_from([f"EXG-{i:02d}" for i in range(12)])
domaines = st.sampled_from(["agenda", "dossier-patient", "messagerie", "securite"])
resultats = st.sampled_from(list(Resultat))


@st.composite
def grilles(draw, complete=False):
    ids = draw(st.lists(identifiants, min_size=1, max_size=8, unique=True))
    return tuple(
        ResultatExigence(
            identifiant,
            draw(st.integers(1, 3)),
            draw(domaines),
            True if complete else draw(st.booleans()),
            Resultat.REUSSI if complete else draw(resultats),
        )
        for identifiant in ids
    )


@st.composite
def anomalies(draw, numero, gravite=None, statut=None):
    return AnomalieFait(
        numero=numero,
        titre=draw(st.sampled_from(["Le libellé est tronqué", "La synthèse est vide"])),
        gravite=gravite or draw(st.sampled_from(["bloquante", "non bloquante"])),
        statut=statut or draw(st.sampled_from(list(StatutAnomalie))),
        domaine=draw(domaines),
        exigences=tuple(draw(st.lists(identifiants, max_size=2, unique=True))),
        priorite=draw(st.none() | st.integers(1, 3)),
    )


@st.composite
def listes_anomalies(draw, max_size=8):
    n = draw(st.integers(0, max_size))
    return [draw(anomalies(f"ANO-2026-{i:04d}")) for i in range(n)]


contrats = st.builds(
    avec_cumul,
    seuil_poids_par_domaine=st.none() | st.integers(1, 5),
    seuil_poids_total=st.none() | st.integers(1, 15),
)
precedentes = st.lists(st.sampled_from(list(Decision)), max_size=3)
decisions_le = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2028, 12, 1),
    timezones=st.just(PARIS),
    allow_imaginary=False,
    # 02:xx + 15 days may fall in the spring DST gap, where the local time moves to 03:xx.
).filter(lambda moment: moment.hour != 2)


@given(grilles(), listes_anomalies(), contrats, precedentes, anomalies("ANO-NEW", "bloquante"))
def test_propriete_une_bloquante_ouverte_n_ameliore_jamais(grille, liste, contrat, passe, ajout):
    ajout = replace(ajout, statut=StatutAnomalie.OUVERTE)
    avant = proposer_verdict(faits(liste, grille, passe, contrat))
    apres = proposer_verdict(faits([*liste, ajout], grille, passe, contrat))
    assert ordre(apres.decision) <= ordre(avant.decision)
    assert apres.decision in (Decision.AJOURNEMENT, Decision.REFUS)


@given(grilles(), listes_anomalies(), contrats, precedentes, anomalies("ANO-NEW", "non bloquante"))
def test_propriete_une_non_bloquante_n_ameliore_jamais(grille, liste, contrat, passe, ajout):
    avant = proposer_verdict(faits(liste, grille, passe, contrat))
    apres = proposer_verdict(faits([*liste, ajout], grille, passe, contrat))
    assert ordre(apres.decision) <= ordre(avant.decision)
    if ajout.est_ouverte:
        assert apres.decision is not Decision.PRONONCE


@given(grilles(complete=True), listes_anomalies(), contrats, precedentes)
def test_propriete_tout_fermer_sur_une_grille_complete_donne_prononce(
    grille, liste, contrat, passe
):
    fermees = [replace(a, statut=StatutAnomalie.CLOSE) for a in liste]
    verdict = proposer_verdict(faits(fermees, grille, passe, contrat))
    assert verdict.decision is Decision.PRONONCE
    assert verdict.reserves == ()


@given(grilles(), listes_anomalies(), contrats, decisions_le)
def test_propriete_chaque_reserve_echoit_quinze_jours_apres_la_decision(
    grille, liste, contrat, decide_le
):
    verdict = proposer_verdict(faits(liste, grille, (), contrat, decide_le))
    for reserve in verdict.reserves:
        assert reserve.echeance.date() == decide_le.date() + timedelta(days=15)
        assert reserve.echeance.time() == decide_le.time()
    if verdict.decision is Decision.PRONONCE_AVEC_RESERVES:
        assert verdict.reserves
    else:
        assert not verdict.reserves


@given(st.integers(1, 6), st.integers(0, 8))
def test_propriete_le_cumul_se_declenche_au_seuil_et_pas_en_dessous(seuil, nombre):
    contrat = avec_cumul(seuil_poids_par_domaine=seuil, seuil_poids_total=None)
    liste = [anomalie(f"ANO-{i}", domaine="agenda") for i in range(nombre)]
    decision = proposer_verdict(faits(liste, contrat=contrat)).decision
    if nombre >= seuil:
        assert decision is Decision.AJOURNEMENT
    elif nombre:
        assert decision is Decision.PRONONCE_AVEC_RESERVES
    else:
        assert decision is Decision.PRONONCE


@given(st.integers(1, 30), st.integers(0, 12))
def test_propriete_le_cumul_par_poids_au_seuil(seuil, nombre):
    contrat = avec_cumul(seuil_poids_par_domaine=None, seuil_poids_total=seuil)
    # Each anomaly touches a priority-2 requirement: weight 2 (fixture).
    liste = [anomalie(f"ANO-{i}", exigences=("EXG-DP-07",)) for i in range(nombre)]
    decision = proposer_verdict(faits(liste, contrat=contrat)).decision
    assert (decision is Decision.AJOURNEMENT) == (nombre > 0 and 2 * nombre >= seuil)


@given(grilles(), listes_anomalies(), contrats, precedentes)
def test_propriete_refus_seulement_apres_un_ajournement(grille, liste, contrat, passe):
    verdict = proposer_verdict(faits(liste, grille, passe, contrat))
    if verdict.decision is Decision.REFUS:
        assert {Decision.AJOURNEMENT, Decision.REFUS} & set(passe)
    if not passe:
        assert verdict.decision is not Decision.REFUS
    # Every verdict explains itself in French sentences.
    assert verdict.motifs and all(m.endswith(".") for m in verdict.motifs)
