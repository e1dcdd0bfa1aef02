"""Performance of the solution against the contract's table: the pure rule (evaluation.py), the
profile's load plan, and real runs — demo server, Locust in subprocesses, a real Chromium."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from recette.adaptateur.profil import charger_profil
from recette.contrat import (
    LignePerformance,
    StatistiquePerformance,
    TableauPerformances,
    charger_contrat,
)
from recette.erreurs import ChargeRefusee, CibleInjoignable, ProfilInvalide
from recette.performances import verifier_performances
from recette.performances.evaluation import (
    CONFORME,
    NON_CONFORME,
    NON_MESUREE,
    SOURCE_CHARGE,
    SOURCE_NAVIGATEUR,
    Mesure,
    ResultatPerformances,
    centile,
    chiffrer,
    comparer_executions,
    evaluer,
)
from recette.performances.plan import champs_du_formulaire, lire_plan, lire_server_timing
from recette.reseau import AdresseRefusee

RACINE = Path(__file__).resolve().parents[2]
DUREE_S = 15
REGLE = StatistiquePerformance(
    centile=95, multiple_max_mesure=3, echecs_comptent_comme_depassement=True
)
LIGNE = LignePerformance("validation_enregistrement", "navigation", "Validation", 2.0)


def _mesures(durees, source=SOURCE_NAVIGATEUR, code=LIGNE.code, echecs=0):
    serie = [Mesure(code, source, i, d) for i, d in enumerate(durees)]
    serie += [Mesure(code, source, 1000 + i, 0.1, succes=False) for i in range(echecs)]
    return serie


def _tableau(decisive="navigateur", regle=REGLE):
    return TableauPerformances(10, decisive, regle, (LIGNE,))


# --- the rule, pure ----------------------------------------------------------------------------


def test_centile_au_rang_le_plus_proche():
    assert centile([], 95) is None
    assert centile([3.0], 95) == 3.0
    valeurs = [i / 100 for i in range(1, 101)]  # 0.01 … 1.00
    assert centile(valeurs, 95) == 0.95
    assert centile(valeurs, 50) == 0.50
    assert centile([1, 2, 3, 4], 50) == 2  # a measured value, never an interpolation


def test_conforme_quand_le_95e_centile_est_sous_le_seuil():
    chiffre = chiffrer(_mesures([0.5] * 95 + [1.9] * 5), SOURCE_NAVIGATEUR, LIGNE, REGLE)
    assert chiffre.conforme is True
    assert (chiffre.nombre, chiffre.echecs, chiffre.p50, chiffre.p95) == (100, 0, 0.5, 0.5)
    assert chiffre.maximum == 1.9


def test_le_seuil_lui_meme_n_est_pas_conforme():
    # « [< 2 s.] » : strictement inférieur.
    chiffre = chiffrer(_mesures([2.0] * 20), SOURCE_NAVIGATEUR, LIGNE, REGLE)
    assert chiffre.conforme is False
    assert chiffre.motifs == ("95e centile 2,00 s ≥ seuil 2 s",)


def test_une_mesure_isolee_au_dela_du_multiple_suffit():
    chiffre = chiffrer(_mesures([0.3] * 99 + [6.5]), SOURCE_NAVIGATEUR, LIGNE, REGLE)
    assert chiffre.p95 == 0.3
    assert chiffre.conforme is False
    assert "mesure isolée 6,50 s > 3 × seuil (6,00 s)" in chiffre.motifs[0]
    # Exactly the multiple is not beyond it.
    assert chiffrer(_mesures([0.3] * 99 + [6.0]), SOURCE_NAVIGATEUR, LIGNE, REGLE).conforme


def test_les_echecs_comptent_comme_des_depassements():
    # 6 failures in 100: more than 5 %, the 95th centile is a failure.
    chiffre = chiffrer(_mesures([0.2] * 94, echecs=6), SOURCE_NAVIGATEUR, LIGNE, REGLE)
    assert chiffre.conforme is False
    assert chiffre.echecs == 6
    assert "échecs (6 sur 100)" in chiffre.motifs[0]
    assert chiffre.p95 == 0.2  # the figure shown is that of the successful measures
    # 4 failures in 100 do not move the 95th centile.
    assert chiffrer(_mesures([0.2] * 96, echecs=4), SOURCE_NAVIGATEUR, LIGNE, REGLE).conforme
    # When the contract says failures do not count, they are left out.
    regle = StatistiquePerformance(95, 3, echecs_comptent_comme_depassement=False)
    assert chiffrer(_mesures([0.2] * 10, echecs=10), SOURCE_NAVIGATEUR, LIGNE, regle).conforme


def test_la_mesure_decisive_est_celle_du_contrat():
    mesures = _mesures([3.0] * 10, SOURCE_CHARGE) + _mesures([0.5] * 10, SOURCE_NAVIGATEUR)
    [au_poste] = evaluer(_tableau("navigateur"), mesures)
    assert (au_poste.verdict, au_poste.source_decisive) == (CONFORME, SOURCE_NAVIGATEUR)
    assert au_poste.chiffres[SOURCE_CHARGE].conforme is False
    [injecteur] = evaluer(_tableau("serveur"), mesures)
    assert (injecteur.verdict, injecteur.source_decisive) == (NON_CONFORME, SOURCE_CHARGE)


def test_sans_mesure_la_ligne_n_est_pas_mesuree():
    [ligne] = evaluer(_tableau(), _mesures([0.1] * 5, SOURCE_CHARGE) + _mesures([1], code="autre"))
    assert ligne.verdict == NON_MESUREE
    assert ligne.chiffres[SOURCE_NAVIGATEUR].nombre == 0
    resultat = ResultatPerformances((ligne,), REGLE)
    assert not resultat.conforme
    assert resultat.non_conformes == ()
    assert resultat.non_mesurees == (ligne,)


def test_stabilite_entre_executions():
    matin = ResultatPerformances(evaluer(_tableau(), _mesures([0.4] * 20)), REGLE)
    soir = ResultatPerformances(evaluer(_tableau(), _mesures([0.5] * 20)), REGLE)
    pic = ResultatPerformances(evaluer(_tableau(), _mesures([2.5] * 20)), REGLE)
    [stable] = comparer_executions([matin, soir])
    assert stable.p95 == (0.4, 0.5)
    assert math.isclose(stable.ecart_s, 0.1) and math.isclose(stable.ecart_relatif, 0.25)
    assert stable.verdicts_identiques
    [instable] = comparer_executions([matin, soir, pic])
    assert instable.verdicts == (CONFORME, CONFORME, NON_CONFORME)
    assert not instable.verdicts_identiques
    assert comparer_executions([]) == ()


# --- the plan of the profile, pure -----------------------------------------------------------


def test_server_timing_et_formulaire():
    assert lire_server_timing("app;dur=12.5") == 0.0125
    assert lire_server_timing("db;dur=3, app;desc=x;dur=40") == 0.040
    assert lire_server_timing("db;dur=3") is None
    page = """<form method="post" action="/deconnexion"><button>Sortir</button></form>
    <form method="post" action="/patients/5/modifier">
      <input name="nom" value="Girard"><input type="submit" name="go" value="x">
      <input type="checkbox" name="vu"><input type="radio" name="r" value="1" checked>
      <select name="sexe"><option value="">—</option><option value="M" selected>M</option></select>
      <select name="medecin"><option value="">Aucun</option><option value="3">Dr</option></select>
      <textarea name="note">ligne</textarea></form>"""
    champs = champs_du_formulaire(
        page, "http://h/patients/5/modifier", "http://h/patients/5/modifier"
    )
    assert champs == {"nom": "Girard", "r": "1", "sexe": "M", "medecin": "", "note": "ligne"}


@pytest.mark.parametrize("nom", ["demo-a", "demo-b"])
def test_les_profils_de_demo_decrivent_chaque_ligne_du_tableau(nom):
    plan = lire_plan(charger_profil(nom, RACINE), RACINE)
    tableau = charger_contrat(RACINE / "fixtures").performances
    assert {o.code for o in plan.operations} == {ligne.code for ligne in tableau.lignes}
    assert all(o.navigateur is not None for o in plan.operations)
    assert all(c.numero_carte for c in plan.comptes)  # professionals with their CPS card
    politique = charger_profil(nom, RACINE).politique
    assert politique.autorise("127.0.0.1") and not politique.autorise("a.fr")


def _profil_modifie(tmp_path, modifier) -> Path:
    brut = yaml.safe_load((RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8"))
    modifier(brut)
    chemin = tmp_path / "fournisseur.yaml"
    chemin.write_text(yaml.safe_dump(brut, allow_unicode=True), encoding="utf-8")
    return chemin


def test_un_secret_ecrit_en_clair_est_refuse(tmp_path):
    def en_clair(brut):
        brut["charge"]["connexion"]["champs"]["code_pin"] = "1234"

    profil = charger_profil(str(_profil_modifie(tmp_path, en_clair)), RACINE)
    with pytest.raises(
        ProfilInvalide, match=r"« charge\.connexion\.champs » doit envoyer le secret"
    ):
        lire_plan(profil)


def test_une_accolade_inconnue_est_nommee(tmp_path):
    def inconnue(brut):
        brut["charge"]["operations"]["liste_100"]["requetes"][0]["chemin"] = "/p/{dossier}"

    profil = charger_profil(str(_profil_modifie(tmp_path, inconnue)), RACINE)
    with pytest.raises(ProfilInvalide, match=r"liste_100\.requetes\.chemin » utilise \{dossier\}"):
        lire_plan(profil)


# --- refusals before any load ------------------------------------------------------------------


def test_un_hote_non_autorise_est_refuse_en_francais():
    with pytest.raises(AdresseRefusee) as erreur:
        verifier_performances(RACINE, "demo-a", "http://example.org/", duree_s=5)
    message = erreur.value.message
    assert "« example.org » n'est pas autorisé" in message and "option --cible" in message
    assert "127.0.0.1, localhost" in message and "clé « hotes_autorises »" in message


def test_les_bornes_du_banc():
    with pytest.raises(ChargeRefusee, match="51 utilisateurs simultanés demandés .* de 1 à 50"):
        verifier_performances(RACINE, "demo-a", "http://127.0.0.1:9/", utilisateurs=51)
    with pytest.raises(ChargeRefusee, match="Durée de tir de 3600 s demandée"):
        verifier_performances(RACINE, "demo-a", "http://127.0.0.1:9/", duree_s=3600)


def test_une_production_est_refusee(tmp_path):
    def production(brut):
        brut["production"] = True

    chemin = _profil_modifie(tmp_path, production)
    with pytest.raises(ChargeRefusee, match="désigne une production"):
        verifier_performances(RACINE, str(chemin), "http://127.0.0.1:9/")


def test_une_cible_muette_est_signalee_tot():
    with pytest.raises(CibleInjoignable, match=r"ne répond pas à l'adresse http://127\.0\.0\.1:9/"):
        verifier_performances(RACINE, "demo-a", "http://127.0.0.1:9/", duree_s=5)


# --- real runs ---------------------------------------------------------------------------------
