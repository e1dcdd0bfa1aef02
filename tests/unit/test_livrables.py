"""Document reviews: the buyer's 15 working days from delivery, the vendor's 5 from the
notification of remarks, and the flag when one is missed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recette.contrat import charger_contrat
from recette.delais import jours_feries_france
from recette.erreurs import FaitsInvalides
from recette.livrables import Avis, Livrable, suivre

PARIS = ZoneInfo("Europe/Paris")
CONTRAT = charger_contrat(Path(__file__).resolve().parents[2] / "fixtures")
FERIES = jours_feries_france(range(2026, 2028))
PLAN = Livrable(
    titre="Plan de reprise des données",
    exigences=("EXG-REP-05",),
    fichier="plan-de-reprise-v1.pdf",
    sha256="a" * 64,
    # Tuesday 15 December 2026, 10:00: 15 working days, Christmas and New Year's Day off.
    livre_le=datetime(2026, 12, 15, 10, tzinfo=PARIS),
    relecteur="Marie Dupuis (AMOA)",
)


def test_le_delai_de_remarques_court_en_jours_ouvres_depuis_la_livraison():
    suivi = suivre(PLAN, datetime(2026, 12, 16, 9, tzinfo=PARIS), CONTRAT, FERIES)
    # 16 to 31 December: 11 working days (Friday 25 off); Friday 1 January off, then Monday 4,
    # Tuesday 5, Wednesday 6 and Thursday 7 January: the 15th.
    assert suivi.echeance == datetime(2027, 1, 7, 10, tzinfo=PARIS)
    assert suivi.qui == "Organisme acheteur" and not suivi.en_retard
    en_retard = suivre(PLAN, suivi.echeance + timedelta(minutes=1), CONTRAT, FERIES)
    assert en_retard.en_retard and "délai dépassé" in en_retard.message


def test_le_prestataire_a_cinq_jours_ouvres_depuis_la_notification_des_remarques():
    remarques = replace(
        PLAN, avis=Avis.REMARQUES, remarques_notifiees_le=datetime(2027, 1, 4, 14, tzinfo=PARIS)
    )
    suivi = suivre(remarques, datetime(2027, 1, 5, 9, tzinfo=PARIS), CONTRAT, FERIES)
    assert suivi.echeance == datetime(2027, 1, 11, 14, tzinfo=PARIS)
    assert suivi.qui == "prestataire" and not suivi.en_retard
    tardive = replace(remarques, reponse_le=datetime(2027, 1, 12, 9, tzinfo=PARIS))
    assert suivre(tardive, datetime(2027, 2, 1, tzinfo=PARIS), CONTRAT, FERIES).en_retard
    a_temps = replace(remarques, reponse_le=datetime(2027, 1, 8, 9, tzinfo=PARIS))
    assert not suivre(a_temps, datetime(2027, 2, 1, tzinfo=PARIS), CONTRAT, FERIES).en_retard


def test_un_livrable_conclu_n_a_plus_de_delai():
    valide = replace(PLAN, avis=Avis.VALIDE, conclu_le=datetime(2026, 12, 18, 11, tzinfo=PARIS))
    suivi = suivre(valide, datetime(2027, 6, 1, tzinfo=PARIS), CONTRAT, FERIES)
    assert suivi.echeance is None and not suivi.en_retard
    assert suivi.message.startswith("« Plan de reprise des données » validé le vendredi 18")


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"sha256": "xyz"}, "Empreinte SHA-256 invalide"),
        ({"avis": Avis.REMARQUES}, "date de notification des remarques manque"),
        ({"avis": Avis.VALIDE}, "date de l'avis final manque"),
        ({"livre_le": datetime(2026, 12, 15, 10)}, "doit porter son fuseau"),
    ],
)
def test_un_livrable_incoherent_est_refuse(valeurs, message):
    with pytest.raises(FaitsInvalides, match=message):
        replace(PLAN, **valeurs)
