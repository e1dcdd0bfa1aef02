"""The decisions actually signed, and what follows: deadlines from notification, refus after an
ajournement, réserves late and revocable, the VSR's start."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recette.contrat import charger_contrat
from recette.decisions import (
    Acte,
    DecisionSignee,
    debut_vsr,
    decisions_precedentes,
    etat_phase,
)
from recette.delais import jours_feries_france
from recette.erreurs import FaitsInvalides
from recette.verdicts import (
    AnomalieFait,
    Decision,
    Faits,
    Phase,
    Resultat,
    ResultatExigence,
    proposer_verdict,
)

PARIS = ZoneInfo("Europe/Paris")
CONTRAT = charger_contrat(Path(__file__).resolve().parents[2] / "fixtures")
FERIES = jours_feries_france(range(2026, 2029))


def moment(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def signee(decision, signee_le, notifiee_le=None, phase="va", reserves=(), acte=Acte.DECISION):
    return DecisionSignee(
        phase=phase,
        acte=acte,
        decision=decision,
        signee_le=signee_le,
        notifiee_le=notifiee_le or signee_le,
        reserves=reserves,
    )


def test_les_delais_de_l_ajournement_courent_de_la_notification():
    # Signed on Friday 4 December 2026, received by the vendor on Monday 7 December.
    ajournement = signee(Decision.AJOURNEMENT, moment(2026, 12, 4, 17), moment(2026, 12, 7, 9))
    etat = etat_phase([ajournement], "va", {}, CONTRAT, FERIES)
    # 2 working days from Monday 7: Wednesday 9; 10 calendar days: Thursday 17.
    assert etat.echeances_ajournement.contestation == moment(2026, 12, 9, 9)
    assert etat.echeances_ajournement.nouvelle_recette_au_plus_tard == moment(2026, 12, 17, 9)
    assert not etat.prononcee


def test_une_seconde_recette_en_echec_apres_un_ajournement_propose_le_refus():
    exigences = (ResultatExigence("EXG-DP-04", 1, "dossier-patient", True, Resultat.ECHOUE),)
    bloquante = AnomalieFait("ANO-2026-0001", "Synthèse incomplète", "bloquante", "transmise", "dp")

    def verdict(historique):
        return proposer_verdict(
            Faits(
                Phase.VA,
                moment(2026, 12, 18, 10),
                exigences,
                (bloquante,),
                CONTRAT,
                decisions_precedentes(historique, "va"),
                FERIES,
            )
        )

    assert verdict([]).decision is Decision.AJOURNEMENT
    historique = [signee(Decision.AJOURNEMENT, moment(2026, 12, 4, 17))]
    assert verdict(historique).decision is Decision.REFUS
    # Another phase's ajournement does not count.
    autre = [signee(Decision.AJOURNEMENT, moment(2026, 12, 4, 17), phase="vsr")]
    assert verdict(autre).decision is Decision.AJOURNEMENT


def test_une_reserve_non_levee_en_quinze_jours_est_signalee_et_la_recette_revocable():
    pv = signee(
        Decision.PRONONCE_AVEC_RESERVES,
        moment(2026, 12, 10, 15),
        moment(2026, 12, 11, 9),
        reserves=("ANO-2026-0003", "EXG-MSG-02"),
    )
    etat = etat_phase([pv], "va", {"EXG-MSG-02": moment(2026, 12, 20, 11)}, CONTRAT, FERIES)
    assert etat.prononcee
    echeance = moment(2026, 12, 26, 9)  # 15 calendar days from the notification
    assert {r.numero: r.echeance for r in etat.reserves} == {
        "ANO-2026-0003": echeance,
        "EXG-MSG-02": echeance,
    }
    assert etat.reserves_en_retard(echeance) == ()
    en_retard = etat.reserves_en_retard(echeance + timedelta(minutes=1))
    assert [r.numero for r in en_retard] == ["ANO-2026-0003"]
    assert etat.revocation_possible(echeance + timedelta(minutes=1))
    assert not etat.revocation_possible(echeance - timedelta(days=1))


def test_la_revocation_rend_la_recette_non_prononcee_et_arrete_la_vsr():
    pv = signee(
        Decision.PRONONCE_AVEC_RESERVES, moment(2026, 12, 10, 15), reserves=("ANO-2026-0003",)
    )
    assert debut_vsr([pv]) == moment(2026, 12, 10, 15)
    revocation = signee(None, moment(2027, 1, 4, 10), acte=Acte.REVOCATION)
    etat = etat_phase([pv, revocation], "va", {}, CONTRAT, FERIES)
    assert etat.revoquee and not etat.prononcee and etat.reserves == ()
    assert debut_vsr([pv, revocation]) is None
    # A new recette pronounced later starts the VSR from its own PV.
    nouveau = signee(Decision.PRONONCE, moment(2027, 1, 20, 16))
    assert debut_vsr([pv, revocation, nouveau]) == moment(2027, 1, 20, 16)


def test_seul_un_prononce_avec_reserves_se_revoque():
    pv = signee(Decision.PRONONCE, moment(2026, 12, 10, 15))
    revocation = signee(None, moment(2027, 1, 4, 10), acte=Acte.REVOCATION)
    with pytest.raises(FaitsInvalides, match="seule une VA prononcée avec réserves"):
        etat_phase([pv, revocation], "va", {}, CONTRAT, FERIES)


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"decision": "prononce", "reserves": ("ANO-1",)}, "Seul un prononcé avec réserves"),
        ({"decision": "prononce_avec_reserves"}, "doit nommer ses réserves"),
        ({"decision": None}, "Une décision nomme sa décision"),
        ({"notifiee_le": moment(2026, 12, 9, 9)}, "ne peut pas précéder la signature"),
        ({"signee_le": datetime(2026, 12, 10, 9)}, "doit porter son fuseau"),
    ],
)
def test_une_decision_incoherente_est_refusee(valeurs, message):
    champs = {
        "phase": "va",
        "acte": Acte.DECISION,
        "decision": "prononce",
        "signee_le": moment(2026, 12, 10, 9),
        "notifiee_le": moment(2026, 12, 10, 9),
    }
    champs.update(valeurs)
    with pytest.raises(FaitsInvalides, match=message):
        DecisionSignee(**champs)
