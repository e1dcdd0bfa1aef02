"""Loading and validating the contract's parameters, and the customer's override file."""

import shutil
from datetime import time, timedelta
from pathlib import Path

import pytest
import yaml

from recette.contrat import Delai, Gravite, Unite, charger_contrat
from recette.erreurs import ContratInvalide, RecetteErreur

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """A private copy of fixtures/contrat, to break without touching the real one."""
    shutil.copytree(FIXTURES / "contrat", tmp_path / "contrat")
    return tmp_path


def remplacer(fichier: Path, avant: str, apres: str) -> None:
    texte = fichier.read_text(encoding="utf-8")
    assert texte.count(avant) == 1, avant
    fichier.write_text(texte.replace(avant, apres), encoding="utf-8")


def ligne_de(fichier: Path, extrait: str) -> int:
    lignes = fichier.read_text(encoding="utf-8").splitlines()
    return next(i for i, ligne in enumerate(lignes, 1) if extrait in ligne)


def erreur_de_chargement(dossier: Path, surcharge: Path | None = None) -> str:
    with pytest.raises(ContratInvalide) as erreur:
        charger_contrat(dossier, surcharge)
    assert isinstance(erreur.value, RecetteErreur)
    return erreur.value.message


# --- the defaults of the model contract -------------------------------------------------------


def test_les_valeurs_du_contrat_type():
    contrat = charger_contrat(FIXTURES)
    assert contrat.calendrier.fuseau_horaire.key == "Europe/Paris"
    assert (contrat.calendrier.pays, contrat.calendrier.subdivision) == ("FR", None)
    assert contrat.delai_va == Delai(14, Unite.JOURS_CALENDAIRES)
    assert contrat.vsr.duree_mois == 2
    assert contrat.vsr.prolongation_seuil == timedelta(days=1)
    assert contrat.delai_reserves == Delai(15, Unite.JOURS_CALENDAIRES)
    assert contrat.ajournement.contestation == Delai(2, Unite.JOURS_OUVRES)
    assert contrat.ajournement.delai_max == Delai(10, Unite.JOURS_CALENDAIRES)
    assert contrat.refus_apres_ajournements == 1
    assert contrat.exigences.priorites_bloquantes == {1}
    assert contrat.exigences.ajourner_si_non_couverte
    assert contrat.maintenance.contournement_bloquante == Delai(4, Unite.HEURES)
    assert contrat.maintenance.correction_bloquante == Delai(3, Unite.JOURS_OUVRES)
    assert contrat.maintenance.correction_non_bloquante == Delai(5, Unite.JOURS_OUVRES)
    assert contrat.validation_documentaire.remarques == Delai(15, Unite.JOURS_OUVRES)
    assert contrat.validation_documentaire.reponse_prestataire == Delai(5, Unite.JOURS_OUVRES)
    assert contrat.cumul.seuil_poids_par_domaine == 9
    assert contrat.cumul.poids(1) == 3 and contrat.cumul.poids(None) == 1


def test_le_tableau_des_performances_est_lu_du_fichier(fixtures):
    """The table is read from performances.yaml, not held in code: change the file, the loaded
    table follows (users, statistic, decisive measure, one line's threshold)."""
    fichier = fixtures / "contrat" / "performances.yaml"
    avant = charger_contrat(fixtures).performances
    remplacer(fichier, "utilisateurs_simultanes: 10", "utilisateurs_simultanes: 12")
    remplacer(fichier, "centile: 95", "centile: 90")
    remplacer(fichier, "multiple_max_mesure: 3", "multiple_max_mesure: 4")
    remplacer(fichier, "mesure_decisive: navigateur", "mesure_decisive: serveur")
    apres = charger_contrat(fixtures).performances
    assert (avant.utilisateurs_simultanes, apres.utilisateurs_simultanes) == (10, 12)
    assert (avant.statistique.centile, apres.statistique.centile) == (95, 90)
    assert (avant.statistique.multiple_max_mesure, apres.statistique.multiple_max_mesure) == (3, 4)
    assert (avant.mesure_decisive, apres.mesure_decisive) == ("navigateur", "serveur")
    # Every line of the file is loaded, with its threshold and label, in the file's order.
    brut = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    lignes_du_fichier = [
        (code, float(ligne["seuil_secondes"])) for code, ligne in brut["lignes"].items()
    ]
    assert [(ligne.code, ligne.seuil_secondes) for ligne in apres.lignes] == lignes_du_fichier
    assert apres.ligne("liste_100").libelle == brut["lignes"]["liste_100"]["libelle"]


def test_la_disponibilite():
    disponibilite = charger_contrat(FIXTURES).disponibilite
    assert disponibilite.jours_ouverts == set(range(1, 8))
    plages = {p.code: p for p in disponibilite.plages}
    assert (plages["jour"].debut, plages["jour"].fin) == (time(7), time(23))
    assert plages["jour"].indisponibilite_max_minutes_par_jour == 10
    assert plages["nuit"].indisponibilite_max_minutes_par_jour == 30
    assert disponibilite.maintenance_max_heures_par_an == 3


def test_chaque_valeur_cite_sa_source():
    # Every delay of parametres.yaml sits under a comment quoting the contract.
    texte = (FIXTURES / "contrat" / "parametres.yaml").read_text(encoding="utf-8")
    texte = " ".join(ligne.strip(" #") for ligne in texte.splitlines())
    for citation in (
        "2 semaines",
        "15 (quinze) jours calendaires",
        "2 (deux) jours ouvrés",
        "10 (dix) jours calendaires",
        "Quatre (4) heures",
        "Trois (3) jours",
        "Cinq (5) jours",
        "15 (quinze) jours ouvrés",
        "5 (cinq) jours ouvrés",
        "une somme d'anomalies individuellement non bloquantes",
    ):
        assert citation in texte, citation


def test_gravite_depuis_un_texte():
    assert Gravite.depuis("Non-Bloquante") is Gravite.NON_BLOQUANTE
    with pytest.raises(ValueError, match="Gravité inconnue"):
        Gravite.depuis("mineure")


# --- malformed files --------------------------------------------------------------------------


def test_yaml_mal_forme_avec_numero_de_ligne(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(fichier, "  duree_mois: 2\n", "  duree_mois: [2\n")
    message = erreur_de_chargement(fixtures)
    assert message.startswith(f"{fichier}, ligne ")
    assert "n'est pas un YAML valide" in message
    numero = int(message.split("ligne ")[1].split(",")[0])
    # PyYAML reports where it noticed the unclosed bracket: at or just after the line.
    assert ligne_de(fichier, "duree_mois: [2") <= numero <= ligne_de(fichier, "duree_mois: [2") + 8


def test_cle_en_double(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(fichier, "  duree_mois: 2\n", "  duree_mois: 2\n  duree_mois: 3\n")
    message = erreur_de_chargement(fixtures)
    assert message.startswith(f"{fichier}, ligne {ligne_de(fichier, 'duree_mois: 3')}")
    assert "la clé « duree_mois » apparaît deux fois" in message


def test_fichier_absent(fixtures):
    (fixtures / "contrat" / "disponibilite.yaml").unlink()
    message = erreur_de_chargement(fixtures)
    assert message == f"{fixtures / 'contrat' / 'disponibilite.yaml'} : le fichier est introuvable."


def test_section_absente(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    texte = fichier.read_text(encoding="utf-8")
    debut, fin = texte.index("\nreserves:"), texte.index("\najournement:")
    fichier.write_text(texte[:debut] + texte[fin:], encoding="utf-8")
    assert erreur_de_chargement(fixtures) == f"{fichier} : la clé « reserves » est absente"


def test_valeur_au_lieu_de_cles(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(
        fichier,
        "  delai:\n    duree: 15\n    unite: jours_calendaires\n\najournement",
        "  delai: 15\n\najournement",
    )
    message = erreur_de_chargement(fixtures)
    assert message == (
        f"{fichier}, ligne {ligne_de(fichier, 'delai: 15')} : la valeur « reserves.delai » "
        "doit contenir des clés"
    )


def test_sous_cle_absente(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(
        fichier,
        "    duree: 15\n    unite: jours_calendaires\n\najournement",
        "    unite: jours_calendaires\n\najournement",
    )
    message = erreur_de_chargement(fixtures)
    ligne = ligne_de(fichier, "reserves:") + 5  # the « delai: » line under reserves
    assert message == f"{fichier}, ligne {ligne} : la clé « reserves.delai.duree » est absente"


def test_mauvais_type(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(
        fichier,
        "    duree: 15\n    unite: jours_calendaires",
        "    duree: quinze\n    unite: jours_calendaires",
    )
    message = erreur_de_chargement(fixtures)
    assert message == (
        f"{fichier}, ligne {ligne_de(fichier, 'duree: quinze')} : la valeur "
        "« reserves.delai.duree » doit être un nombre entier positif (trouvé : « quinze »)"
    )


@pytest.mark.parametrize(
    ("avant", "apres", "attendu"),
    [
        ("  lundi_de_pentecote_ferie: true", "  lundi_de_pentecote_ferie: 1", "true ou false"),
        # Unquoted, YAML 1.1 reads 9:00 as the sexagesimal number 540.
        ('    debut: "09:00"', "    debut: 9:00", "« HH:MM » entre guillemets (trouvé : « 540 »)"),
        ("    unite: heures\n", "    unite: minutes\n", "l'une des valeurs heures"),
        ("  fuseau_horaire: Europe/Paris", "  fuseau_horaire: Europe/Lutece", "un fuseau horaire"),
        ("  subdivision: null", "  subdivision: Bretagne", "null ou l'un des codes"),
        (
            "  seuil_poids_par_domaine: 9",
            "  seuil_poids_par_domaine: true",
            "un nombre entier positif ou null",
        ),
        ("  feries_ajoutes: []", "  feries_ajoutes: [2027-02-30]", "une liste de dates"),
    ],
)
def test_valeurs_invalides(fixtures, avant, apres, attendu):
    remplacer(fixtures / "contrat" / "parametres.yaml", avant, apres)
    assert attendu in erreur_de_chargement(fixtures)


def test_seuil_de_performance_invalide(fixtures):
    fichier = fixtures / "contrat" / "performances.yaml"
    remplacer(fichier, "    seuil_secondes: 0.5", "    seuil_secondes: -1")
    message = erreur_de_chargement(fixtures)
    assert message.startswith(f"{fichier}, ligne {ligne_de(fichier, 'seuil_secondes: -1')} : ")
    assert "« lignes.champ_sans_rapatriement.seuil_secondes »" in message
    assert "un nombre strictement positif (trouvé : « -1 »)" in message


def test_cle_inconnue(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(fichier, "  duree_mois: 2\n", "  duree_mois: 2\n  duree_moi: 3\n")
    message = erreur_de_chargement(fixtures)
    ligne = ligne_de(fichier, "duree_moi:")
    assert message == (
        f"{fichier}, ligne {ligne} : la clé « vsr.duree_moi » est inconnue — "
        "vouliez-vous dire duree_mois ?"
    )


def test_le_delai_accorde_ne_depasse_pas_le_maximum(fixtures):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(fichier, "  delai_accorde:\n    duree: 10", "  delai_accorde:\n    duree: 12")
    assert "ne peut dépasser le délai maximal de 10 jours calendaires" in erreur_de_chargement(
        fixtures
    )


# --- the customer's override file -------------------------------------------------------------


def test_surcharge_fusionnee_sur_les_valeurs_par_defaut(tmp_path):
    surcharge = tmp_path / "contrat_client.yaml"
    surcharge.write_text(
        """
parametres:
  calendrier:
    lundi_de_pentecote_ferie: false
    feries_ajoutes: ["2027-05-07"]
  maintenance_corrective:
    bloquante:
      correction: {duree: 2, unite: jours_calendaires}
  cumul_non_bloquantes:
    seuil_poids_total: null
performances:
  lignes:
    champ_sans_rapatriement:
      seuil_secondes: 0.3
    impression_ordonnance:
      categorie: navigation
      libelle: Impression d'une ordonnance
      seuil_secondes: 5
disponibilite:
  jours_ouverts: [1, 2, 3, 4, 5, 6]
""",
        encoding="utf-8",
    )
    contrat = charger_contrat(FIXTURES, surcharge)
    assert contrat.maintenance.correction_bloquante == Delai(2, Unite.JOURS_CALENDAIRES)
    # Untouched siblings keep their defaults.
    assert contrat.maintenance.contournement_bloquante == Delai(4, Unite.HEURES)
    assert contrat.calendrier.fuseau_horaire.key == "Europe/Paris"
    assert not contrat.calendrier.lundi_de_pentecote_ferie
    assert len(contrat.calendrier.feries_ajoutes) == 1
    assert contrat.cumul.seuil_poids_total is None
    assert contrat.cumul.seuil_poids_par_domaine == 9
    assert contrat.performances.ligne("champ_sans_rapatriement").seuil_secondes == 0.3
    assert contrat.performances.ligne("champ_sans_rapatriement").libelle.startswith("Passage")
    assert contrat.performances.ligne("impression_ordonnance").seuil_secondes == 5
    assert len(contrat.performances.lignes) == 9
    assert contrat.disponibilite.jours_ouverts == {1, 2, 3, 4, 5, 6}
    assert contrat.fichiers[-1] == surcharge


def test_surcharge_vide(tmp_path):
    surcharge = tmp_path / "vide.yaml"
    surcharge.write_text("# rien à changer\n", encoding="utf-8")
    assert (
        charger_contrat(FIXTURES, surcharge).delai_reserves
        == charger_contrat(FIXTURES).delai_reserves
    )


def test_une_erreur_de_la_surcharge_nomme_la_surcharge(tmp_path):
    surcharge = tmp_path / "contrat_client.yaml"
    surcharge.write_text("parametres:\n  reserves:\n    delai:\n      duree: quinze\n")
    message = erreur_de_chargement(FIXTURES, surcharge)
    assert message == (
        f"{surcharge}, ligne 4 : la valeur « parametres.reserves.delai.duree » doit être un "
        "nombre entier positif (trouvé : « quinze »)"
    )


def test_une_faute_de_frappe_dans_la_surcharge_est_refusee(tmp_path):
    surcharge = tmp_path / "contrat_client.yaml"
    surcharge.write_text("parametres:\n  reserves:\n    delia:\n      duree: 20\n")
    message = erreur_de_chargement(FIXTURES, surcharge)
    assert message == (
        f"{surcharge}, ligne 3 : la clé « parametres.reserves.delia » est inconnue — "
        "vouliez-vous dire delai ?"
    )


def test_une_section_inconnue_dans_la_surcharge_est_refusee(tmp_path):
    surcharge = tmp_path / "contrat_client.yaml"
    surcharge.write_text("parametre:\n  reserves: {}\n")
    message = erreur_de_chargement(FIXTURES, surcharge)
    assert message.startswith(f"{surcharge}, ligne 1 : la clé « parametre » est inconnue")


def test_surcharge_mal_formee(tmp_path):
    surcharge = tmp_path / "contrat_client.yaml"
    surcharge.write_text("parametres:\n  reserves: {delai: \n")
    message = erreur_de_chargement(FIXTURES, surcharge)
    assert message.startswith(f"{surcharge}, ligne 3")
    assert "n'est pas un YAML valide" in message


def test_une_cle_absente_du_defaut_reste_imputee_au_defaut(fixtures, tmp_path):
    fichier = fixtures / "contrat" / "parametres.yaml"
    remplacer(fichier, "  duree_mois: 2\n", "")
    surcharge = tmp_path / "contrat_client.yaml"
    surcharge.write_text("parametres:\n  vsr:\n    prolongation_seuil_heures: 48\n")
    message = erreur_de_chargement(fixtures, surcharge)
    assert message == (
        f"{fichier}, ligne {ligne_de(fichier, 'vsr:')} : la clé « vsr.duree_mois » est absente"
    )
