"""Filling an environment, reprise and réversibilité checks.

The comparisons are pure functions, tested on small hand-written tables; the one-call APIs are
tested end to end against the demo solution as a real server process (real SQLite, HTTP on
127.0.0.1 through urllib), started empty (`--vide`) as a reprise starts.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import select
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import yaml

from recette.adaptateur.echanges import ClientEchanges, config_donnees
from recette.adaptateur.profil import charger_profil
from recette.anomalies import Registre
from recette.anomalies.constats import ConstatAnomalie, ouvrir_anomalies_constat
from recette.contrat import charger_contrat
from recette.demo import secrets_aleatoires
from recette.donnees.tables import lire_octets_csv, lire_texte_csv
from recette.environnement import RejetImport, importer_pivot, remplir_environnement
from recette.erreurs import EchangeImpossible, ProductionProtegee, ProfilInvalide
from recette.reprise import (
    comparer_reprise,
    comparer_reversibilite,
    comparer_valeur,
    verifier_reprise,
    verifier_reversibilite,
)

RACINE = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")
QUAND = dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
COLONNES = (
    "id_patient,nom_naissance,nom_usage,prenoms,sexe,date_naissance,code_lieu_naissance,"
    "lieu_naissance,nir,adresse,code_postal,ville,telephone,email,rpps_medecin_traitant,"
    "consentement,date_consentement"
)
VOLUME = 80  # patients of the test sets: enough for every kind of row, fast to load


def table(*lignes: str, entetes: str = COLONNES, nom: str = "patients.csv"):
    return lire_texte_csv("\n".join([entetes, *lignes]) + "\n", nom)


CLAIRE = (
    "P1,MARTIN,,Claire Marie,F,1968-04-12,69123,Lyon,268046912300152,12 rue Victor Hugo,"
    "69003,Lyon,0639980001,claire.martin@example.org,10100010015,accepte,2025-03-01"
)
HELENE = (
    "P2,LÉVÊQUE,DUBOIS,Hélène,F,1975-06-01,42218,Saint-Étienne,275064221800117,"
    "3 allée des Tilleuls,42000,Saint-Étienne,0639980002,,10100010023,,"
)


# --- pure comparisons -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nature", "source", "cible", "attendu"),
    [
        ("texte", "Chambéry", "Chambéry", (True, None)),
        ("texte", "  Saint-Étienne ", "Saint-Étienne", (True, "espaces")),
        ("texte", "Chambéry", "CHAMBÉRY", (True, "casse")),
        ("texte", "LÉVÊQUE", "LEVEQUE", (True, "accents")),
        ("texte", "Lyon", "Lille", (False, None)),
        ("date", "1968-04-12", "12/04/1968", (True, "dates")),
        ("date", "1968-04-12", "1968-04-12T00:00:00", (True, "dates")),
        ("date", "1968-04-12", "1968-04-13", (False, None)),
        ("code", "0639980001", "06 39 98 00 01", (True, "espaces")),
        ("code", "284022A00401221", "284022a00401221", (True, "espaces")),
    ],
)
def test_normalisations_de_la_reprise(nature, source, cible, attendu):
    assert comparer_valeur(nature, source, cible) == attendu


def test_la_reversibilite_ne_pardonne_ni_la_casse_ni_les_accents():
    assert comparer_valeur("texte", "LÉVÊQUE", "LEVEQUE", stricte=True) == (False, None)
    assert comparer_valeur("texte", "Chambéry", "CHAMBÉRY", stricte=True) == (False, None)
    assert comparer_valeur("date", "1968-04-12", "12/04/1968", stricte=True) == (True, "dates")


def test_reprise_conforme_apres_normalisations_expliquees():
    source = table(CLAIRE, HELENE)
    solution = table(
        # Capitals, spaced phone, French date, birth name shown as usage name: all forgiven.
        "P1,MARTIN,MARTIN,CLAIRE MARIE,F,12/04/1968,69123,Lyon,268046912300152,"
        "12 rue Victor Hugo,69003,LYON,06 39 98 00 01,Claire.Martin@example.org,10100010015,"
        "accepte,2025-03-01",
        "P2,LEVEQUE,DUBOIS,Hélène,F,1975-06-01,42218,Saint-Étienne,275064221800117,"
        "3 allée des Tilleuls,42000,Saint-Étienne,06 39 98 00 02,,10100010023,,",
    )
    rapport = comparer_reprise(source, None, solution, None)
    assert rapport.ecarts == [] and rapport.doublons == [] and rapport.absents == []
    assert {"casse", "accents", "dates", "espaces", "nom_usage"} <= set(rapport.normalisations)
    assert rapport.comptes[0].repris == 2


def test_reprise_ecarts_rejets_et_doublons():
    source = table(
        CLAIRE,
        HELENE,
        # A duplicate in the legacy data (same INS traits, other id): to be merged.
        CLAIRE.replace("P1,", "P9,", 1).replace("268046912300152", ""),
        "P3,DUPONT,,Jean,M,1955-09-30,69123,Lyon,155096912300199,1 rue X,69003,Lyon,,,"
        "99999999999,refuse,2024-01-01",
    )
    solution = table(
        CLAIRE.replace("12 rue Victor Hugo", "12 rue Victor"),
        HELENE,
        HELENE,  # the same patient twice
    )
    rejets = [RejetImport("patients.csv", 5, "P3", "rpps_medecin_traitant", "Médecin inconnu")]
    rapport = comparer_reprise(source, None, solution, None, rejets)
    assert [(e.id_patient, e.champ, e.solution) for e in rapport.ecarts] == [
        ("P1", "Adresse", "12 rue Victor")
    ]
    assert [(d.patient, d.ids) for d in rapport.doublons] == [
        ("LÉVÊQUE Hélène, née le 01/06/1975 à Saint-Étienne", ("P2", "P2"))
    ]
    assert [(a.id_patient, a.rejete, a.motif) for a in rapport.absents] == [
        ("P3", True, "rpps_medecin_traitant : Médecin inconnu")
    ]
    compte = rapport.comptes[0]
    assert (compte.repris, compte.fusionnes, compte.rejetes, compte.en_trop) == (2, 1, 1, 1)


def test_elements_medicaux_manquants_et_en_trop():
    entetes = "id_patient,type,libelle,date_debut"
    source = table(CLAIRE)
    elements = table(
        "P1,allergie,Pénicilline,2001-01-01",
        "P1,antecedent,Hypertension artérielle,",
        entetes=entetes,
        nom="elements_medicaux.csv",
    )
    restitues = table(
        "P1,allergie,PENICILLINE,2001-01-01",
        "P1,traitement,Ramipril 5 mg,",
        entetes=entetes,
        nom="elements_medicaux.csv",
    )
    rapport = comparer_reprise(source, elements, table(CLAIRE), restitues)
    assert [(e.libelle, e.constat) for e in rapport.ecarts_elements] == [
        ("Hypertension artérielle", "absent de la solution"),
        ("Ramipril 5 mg", "en trop dans la solution"),
    ]


def _zip(**fichiers: str) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        for nom, texte in fichiers.items():
            archive.writestr(f"{nom}.csv", texte.encode("utf-8"))
    return tampon.getvalue()


def test_reversibilite_troncature_encodage_et_champ_absent():
    source = table(CLAIRE, HELENE)
    colonnes_sans_email = COLONNES.replace(",email", "")
    abime = (
        HELENE.replace("3 allée des Tilleuls", "3 allée des Til")
        .replace("Hélène", "HÃ©lÃ¨ne")
        .replace(",,10100010023", ",10100010023")
    )
    claire = CLAIRE.replace(",claire.martin@example.org", "")
    archive = _zip(patients="\n".join([colonnes_sans_email, claire, abime]) + "\n")
    rapport = comparer_reversibilite(archive, source, None, ["patients.csv", "taches.csv"])
    assert not rapport.conforme
    natures = {(p.champ, p.nature) for p in rapport.problemes}
    assert ("Adresse", "tronquée") in natures and ("Prénoms", "encodage altéré") in natures
    assert rapport.colonnes_absentes == [("patients.csv", "email")]
    assert {c.code for c in rapport.constats} == {"fichiers", "champs", "troncature", "encodage"}

    propre = _zip(patients="\n".join([COLONNES, CLAIRE, HELENE]) + "\n", taches="id\n")
    rapport = comparer_reversibilite(propre, source, None, ["patients.csv", "taches.csv"])
    assert rapport.conforme and rapport.valeurs_accentuees == 5


def test_un_meme_constat_retrouve_est_une_occurrence_de_la_meme_anomalie(tmp_path):
    contrat = charger_contrat(RACINE / "fixtures")
    constat = ConstatAnomalie(
        "reprise", "doublons", "Reprise : doublons", "Un seul exemplaire.", "MARTIN Claire : 2"
    )
    with Registre(tmp_path / "r.sqlite", contrat) as registre:
        premiere = ouvrir_anomalies_constat(
            registre, [constat], seance="reprise-1", phase="va", profil="p", cible="c", quand=QUAND
        )
        seconde = ouvrir_anomalies_constat(
            registre,
            [constat],
            seance="reprise-2",
            phase="va",
            profil="p",
            cible="c",
            quand=QUAND + dt.timedelta(days=1),
        )
        assert premiere.bilan.nouvelles == seconde.bilan.recurrentes == ("ANO-2026-0001",)
        assert seconde.par_constat == {"doublons": "ANO-2026-0001"}
        assert registre.lister()[0].nombre_echecs == 2


# --- profiles ---------------------------------------------------------------------------------


def _copie_profil(tmp_path: Path, **changements) -> Path:
    brut = yaml.safe_load((RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8"))
    brut.update(changements)
    for cle, valeur in changements.items():
        if valeur is None:
            del brut[cle]
    chemin = tmp_path / "profil.yaml"
    chemin.write_text(yaml.safe_dump(brut, allow_unicode=True), encoding="utf-8")
    return chemin


def test_un_profil_de_production_est_refuse_avant_tout_envoi(tmp_path):
    profil = _copie_profil(tmp_path, production=True)
    dossier = tmp_path / "jeu"
    with pytest.raises(ProductionProtegee, match="production") as erreur:
        # The target does not exist: the refusal comes before any generation or request.
        remplir_environnement(
            RACINE, str(profil), "formation", cible="http://127.0.0.1:9/", dossier=dossier
        )
    assert "lecture seule" in erreur.value.message
    assert not dossier.exists()
    with pytest.raises(ProductionProtegee):
        importer_pivot(RACINE, tmp_path, str(profil))


@pytest.mark.parametrize("nom", ["demo-a", "demo-b"])
def test_section_donnees_des_profils(nom):
    config = config_donnees(charger_profil(nom, RACINE))
    assert config.compte.role == "administrateur fonctionnel"
    assert config.entites_importees == ("patients", "elements_medicaux")
    assert config.medecins_traitants == ("10100010015", "10100010023")
    assert "patients.csv" in config.fichiers_export_complet


def test_section_donnees_absente(tmp_path):
    with pytest.raises(ProfilInvalide, match="« donnees » est absente"):
        config_donnees(charger_profil(str(_copie_profil(tmp_path, donnees=None)), RACINE))


# --- end to end against the demo --------------------------------------------------------------


@dataclass
class Serveur:
    processus: subprocess.Popen
    url: str

    def arreter(self) -> None:
        if self.processus.poll() is None:
            self.processus.send_signal(signal.SIGTERM)
            try:
                self.processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()


def demarrer(base: Path, secrets: dict[str, str], *arguments: str) -> Serveur:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_DEMO_")}
    processus = subprocess.Popen(
        [sys.executable, "-m", "demo_solution", "--port", "0", "--base", str(base), *arguments],
        cwd=RACINE,
        env={**env, **secrets, "PYTHONPATH": str(RACINE)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    pret, _, _ = select.select([processus.stdout], [], [], 30)
    ligne = processus.stdout.readline() if pret else ""
    trouve = re.search(r"(http://127\.0\.0\.1:\d+/)", ligne)
    if not trouve:
        processus.kill()
        pytest.fail(f"la solution de démonstration n'a pas démarré : {ligne!r}")
    return Serveur(processus, trouve.group(1))


@pytest.fixture(scope="module")
def secrets():
    valeurs = secrets_aleatoires(charger_profil("demo-a", RACINE).variables_secretes)
    with pytest.MonkeyPatch.context() as patch:
        for cle, valeur in valeurs.items():
            patch.setenv(cle, valeur)
        yield valeurs


@pytest.fixture
def demo(tmp_path, secrets, request):
    arguments = getattr(request, "param", ())
    serveur = demarrer(tmp_path / "msp.sqlite", secrets, "--vide", *arguments)
    yield serveur
    serveur.arreter()


def _patients(url: str, profil: str = "demo-a") -> int:
    p = charger_profil(profil, RACINE).avec_cible(url)
    return len(
        lire_octets_csv(ClientEchanges(p, config_donnees(p), RACINE).exporter_patients(), "x")
    )


def _elements(url: str) -> int:
    p = charger_profil("demo-a", RACINE).avec_cible(url)
    contenu = ClientEchanges(p, config_donnees(p), RACINE).exporter_complet()
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        return len(lire_octets_csv(archive.read("elements_medicaux.csv"), "e"))


def test_remplissage_idempotent_reprise_et_reversibilite_conformes(demo, tmp_path, secrets):
    assert _patients(demo.url) == 0  # --vide: accounts and permissions, no patients
    jeu = tmp_path / "recette"
    premier = remplir_environnement(
        RACINE, "demo-a", "recette", cible=demo.url, nombre_patients=VOLUME, dossier=jeu
    )
    assert premier.patients_importes == VOLUME and not premier.rejets
    assert premier.elements_importes == premier.elements_source > 0
    elements = _elements(demo.url)

    second = remplir_environnement(
        RACINE, "demo-a", "recette", cible=demo.url, nombre_patients=VOLUME, dossier=jeu
    )
    assert second.rien_de_nouveau and second.deja_presents == VOLUME
    assert "Aucun nouveau patient" in second.message
    assert _patients(demo.url) == VOLUME and _elements(demo.url) == elements

    registre = tmp_path / "registre.sqlite"
    reprise = verifier_reprise(
        RACINE, jeu, "demo-a", demo.url, sortie=tmp_path / "rapport", registre=registre
    )
    assert reprise.conforme, [c.observe for c in reprise.constats]
    assert reprise.bilan_fourni  # the first import's report, kept beside the pivot folder
    assert [(c.entite, c.source, c.repris) for c in reprise.comptes] == [
        ("Patients", VOLUME, VOLUME),
        ("Éléments médicaux", elements, elements),
    ]
    html = reprise.html.read_text(encoding="utf-8")
    assert "conforme" in html and "<script" not in html and "<link" not in html
    assert "Nom d&#39;usage vide" in html  # each normalisation is explained
    assert secrets["RECETTE_DEMO_MDP_ADMIN"] not in html
    assert openpyxl.load_workbook(reprise.xlsx).sheetnames[:3] == [
        "Synthèse",
        "Volumes",
        "Normalisations",
    ]

    reversibilite = verifier_reversibilite(
        RACINE, jeu, "demo-a", demo.url, sortie=tmp_path / "rapport", registre=registre
    )
    assert reversibilite.conforme, [c.observe for c in reversibilite.constats]
    assert reversibilite.valeurs_accentuees > 0
    assert (tmp_path / "rapport" / "reversibilite.html").is_file()
    assert not registre.exists()  # nothing to report, no anomaly


@pytest.mark.parametrize("demo", [("--defauts", "import-doublons")], indirect=True)
def test_doublon_nomme_dans_le_rapport_et_anomalie_ouverte(demo, tmp_path):
    jeu = tmp_path / "recette"
    remplir_environnement(
        RACINE, "demo-a", "recette", cible=demo.url, nombre_patients=VOLUME, dossier=jeu
    )
    registre = tmp_path / "registre.sqlite"
    rapport = verifier_reprise(
        RACINE, jeu, "demo-a", demo.url, sortie=tmp_path / "rapport", registre=registre
    )
    assert not rapport.conforme and [c.code for c in rapport.constats] == ["doublons"]
    (doublon,) = rapport.doublons
    premier = lire_octets_csv((jeu / "patients.csv").read_bytes(), "p").lignes[0]
    nom = f"{premier['nom_naissance']} {premier['prenoms'].split()[0]}"
    assert doublon.patient.startswith(nom) and len(doublon.ids) == 2
    assert nom in rapport.html.read_text(encoding="utf-8")

    with Registre(registre, charger_contrat(RACINE / "fixtures")) as ouvert:
        (anomalie,) = ouvert.lister()
    assert rapport.anomalies == {"doublons": anomalie.numero}
    # The requirements come from fixtures/contrat/controles-exigences.yaml.
    assert nom in anomalie.observe and set(anomalie.exigences) == {"EXG-DP-11", "EXG-REP-04"}
    assert anomalie.gravite_proposee.value == "bloquante"  # EXG-REP-04 is priority 1
    assert anomalie.numero in rapport.html.read_text(encoding="utf-8")


def test_edition_b_et_jeu_de_formation(tmp_path, secrets):
    serveur = demarrer(tmp_path / "b.sqlite", secrets, "--vide", "--edition", "b")
    try:
        jeu = tmp_path / "formation"
        bilan = remplir_environnement(
            RACINE, "demo-b", "formation", cible=serveur.url, nombre_patients=10, dossier=jeu
        )
        assert bilan.patients_importes == 10
        rapport = verifier_reprise(
            RACINE, jeu, "demo-b", serveur.url, sortie=tmp_path / "r", enregistrer_anomalies=False
        )
        assert rapport.conforme
    finally:
        serveur.arreter()


def test_mot_de_passe_refuse_sans_le_divulguer(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("RECETTE_DEMO_MDP_ADMIN", "mauvais-secret-42")
    with pytest.raises(EchangeImpossible, match="refusée") as erreur:
        remplir_environnement(
            RACINE, "demo-a", "formation", cible=demo.url, nombre_patients=5, dossier=tmp_path / "j"
        )
    assert "mauvais-secret-42" not in erreur.value.message
