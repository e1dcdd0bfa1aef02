"""Documents derived from a sealed séance: PV (HTML + PDF/A), fiches anomalie, register export,
daily report, avis d'ajournement and PV de levée des réserves.

Each test builds a small bench of its own in tmp: a grid of five requirements, features citing
them, a vendor profile, a sealed séance in the Allure format the bench produces (with a failure
screenshot under preuves/ and its manifest), and a register that recorded the séance."""

from __future__ import annotations

import csv
import json
import shutil
import struct
import subprocess
import zlib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from recette.anomalies import Registre, chemin_registre, preuves_allure
from recette.contrat import charger_contrat
from recette.documents.ajournement import suivre_reserves
from recette.documents.faits import rassembler_faits
from recette.documents.fiche import capture_echec
from recette.documents.journalier import bilan_journalier, produire_journalier
from recette.documents.produire import dossier_documents, produire_documents
from recette.documents.pv import rendre_pv_html
from recette.erreurs import DocumentImpossible
from recette.preuves import ecrire_manifeste
from recette.resultats import lire_resultats
from recette.verdicts import Decision

PROJET = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")

GRILLE = """identifiant;domaine;libellé;description;priorité;professions;vérification;source
EXG-DP-01;dossier-patient;Liste des patients;La liste des patients s'affiche.;1;toutes;VA;Essai
EXG-DP-02;dossier-patient;Recherche d'un patient;On le retrouve par son nom.;2;toutes;VA;Essai
EXG-AG-01;agenda;Prise de rendez-vous;On prend un rendez-vous.;1;toutes;VA;Essai
EXG-AG-02;agenda;Pas de double réservation;Un créneau pris est refusé.;3;toutes;VA;Essai
EXG-PERF-01;performance;Temps de réponse;Moins de 2 secondes.;1;toutes;VSR;Essai
"""

SCENARIOS = {
    "EXG-DP-01": ("dossier-patient", 1, "La liste des patients s'affiche"),
    "EXG-DP-02": ("dossier-patient", 2, "Le médecin retrouve Claire Martin"),
    "EXG-AG-01": ("agenda", 1, "La secrétaire prend un rendez-vous"),
    "EXG-AG-02": ("agenda", 3, "Un créneau déjà pris est refusé"),
}


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def png(largeur: int = 160, hauteur: int = 90) -> bytes:
    """A real PNG (a red band on white) so that the fiche shows a visible screenshot."""
    lignes = b"".join(
        b"\x00"
        + b"".join(
            b"\xd0\x20\x20" if hauteur // 3 <= y < 2 * hauteur // 3 else b"\xff\xff\xff"
            for _ in range(largeur)
        )
        for y in range(hauteur)
    )

    def bloc(genre: bytes, donnees: bytes) -> bytes:
        return (
            struct.pack(">I", len(donnees))
            + genre
            + donnees
            + struct.pack(">I", zlib.crc32(genre + donnees))
        )

    entete = struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + bloc(b"IDAT", zlib.compress(lignes))
        + bloc(b"IEND", b"")
    )


@pytest.fixture
def banc(tmp_path, monkeypatch):
    racine = tmp_path / "banc"
    (racine / "fixtures" / "grille").mkdir(parents=True)
    shutil.copytree(PROJET / "fixtures" / "contrat", racine / "fixtures" / "contrat")
    for nom in ("colonnes.yaml", "domaines.yaml", "professions.yaml", "valeurs.yaml"):
        shutil.copy(PROJET / "fixtures" / "grille" / nom, racine / "fixtures" / "grille" / nom)
    (racine / "fixtures" / "grille" / "grille.csv").write_text(GRILLE, encoding="utf-8")
    (racine / "fixtures" / "profils").mkdir()
    (racine / "fixtures" / "profils" / "essai.yaml").write_text(
        'nom: essai\nlibelle: "Logiciel d\'essai – édition B"\n', encoding="utf-8"
    )
    (racine / "fixtures" / "donnees").mkdir()
    (racine / "fixtures" / "donnees" / "centre.yaml").write_text(
        "nom: Maison de santé des Essais (fictive)\n", encoding="utf-8"
    )
    for exigence, (domaine, priorite, nom) in SCENARIOS.items():
        dossier = racine / "features" / domaine
        dossier.mkdir(parents=True, exist_ok=True)
        (dossier / f"{exigence.lower()}.feature").write_text(
            "# language: fr\n"
            f"@domaine:{domaine}\n"
            f"Fonctionnalité: {nom}\n\n"
            f"  @{exigence} @priorite:{priorite}\n"
            f"  Scénario: {nom}\n"
            "    Étant donné que je suis connecté\n"
            "    Alors tout va bien\n",
            encoding="utf-8",
        )
    monkeypatch.setenv("RECETTE_RAPPORTS", str(racine / "reports"))
    monkeypatch.delenv("RECETTE_BASE", raising=False)
    return racine


def resultat_allure(exigence: str, statut: str, debut_ms: int) -> dict:
    domaine, priorite, nom = SCENARIOS[exigence]
    uuid = f"{exigence.lower()}-{debut_ms}"
    donnees = {
        "uuid": uuid,
        "name": nom,
        "fullName": f"features/{domaine}/{exigence.lower()}.feature:{nom}",
        "status": statut,
        "start": debut_ms,
        "stop": debut_ms + 1500,
        "labels": [
            {"name": "exigence", "value": exigence},
            {"name": "story", "value": exigence},
            {"name": "domaine", "value": domaine},
            {"name": "priorite", "value": str(priorite)},
            {"name": "tag", "value": exigence},
        ],
        "steps": [
            {"name": "Étant donné que je suis connecté", "status": "passed"},
            {"name": "Alors tout va bien", "status": statut},
        ],
        "parameters": [],
    }
    if statut == "failed":
        donnees["statusDetails"] = {"message": f"AssertionError: « {nom} » n'est pas visible"}
    return donnees


def sceller_seance(racine: Path, seance_id: str, debut: datetime, resultats: dict[str, str]):
    """A sealed séance folder as the bench leaves it, recorded into the register."""
    dossier = racine / "reports" / seance_id
    (dossier / "allure-results").mkdir(parents=True)
    fin = debut.replace(hour=debut.hour + 1)
    for rang, (exigence, statut) in enumerate(sorted(resultats.items())):
        donnees = resultat_allure(exigence, statut, int(debut.timestamp() * 1000) + rang * 2000)
        if statut == "failed":
            scenario = f"{exigence.lower()}-scenario"
            (dossier / "preuves" / scenario).mkdir(parents=True)
            (dossier / "preuves" / scenario / "capture-echec.png").write_bytes(png())
            donnees["links"] = [
                {"url": f"preuves/{scenario}/capture-echec.png", "name": "preuve : capture"}
            ]
            donnees["attachments"] = [
                {"name": "Capture d'écran de l'échec", "source": f"{donnees['uuid']}-a.png"}
            ]
            (dossier / "allure-results" / f"{donnees['uuid']}-a.png").write_bytes(png())
        (dossier / "allure-results" / f"{donnees['uuid']}-result.json").write_text(
            json.dumps(donnees, ensure_ascii=False), encoding="utf-8"
        )
    lus = lire_resultats(dossier / "allure-results")
    compteurs = {
        "total": len(lus),
        "reussis": sum(r.statut == "passed" for r in lus),
        "echoues": sum(r.echec for r in lus),
    }
    (dossier / "seance.json").write_text(
        json.dumps(
            {
                "id": seance_id,
                "phase": "va",
                "profil": "essai",
                "cible": "https://recette.essai.example/",
                "debut": debut.isoformat(),
                "fin": fin.isoformat(),
                "statut": "terminée",
                "version_cible": {"version": "4.2.1"},
                "navigateur": {"nom": "Chromium", "version": "131.0"},
                "compteurs": compteurs,
                "remarques": [],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    ecrire_manifeste(dossier)
    with Registre(chemin_registre(racine), charger_contrat(racine / "fixtures")) as registre:
        registre.enregistrer_seance(
            seance_id,
            "va",
            "essai",
            "https://recette.essai.example/",
            lus,
            fin,
            debut=debut,
            fin=fin,
            preuves=preuves_allure(dossier),
        )
    return dossier


AJOURNEE = {
    "EXG-DP-01": "passed",
    "EXG-DP-02": "failed",
    "EXG-AG-01": "failed",
    "EXG-AG-02": "passed",
}
AVEC_RESERVES = {**AJOURNEE, "EXG-AG-01": "passed"}
DEBUT = paris(2026, 3, 2, 14, 0)
SEANCE = "VA-20260302-140000-essai"


def texte_pdf(chemin: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(
        ["pdftotext", "-layout", str(chemin), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_tous_les_documents_d_une_seance_ajournee(banc, tmp_path):
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    documents = produire_documents(banc, SEANCE)

    dossier = dossier_documents(banc, SEANCE)
    assert dossier == banc / "reports" / "documents" / SEANCE
    numeros = ["ANO-2026-0001", "ANO-2026-0002"]
    attendus = {
        "pv-va.html",
        "pv-va.pdf",
        "registre-anomalies.xlsx",
        "registre-anomalies.csv",
        "reporting-journalier-2026-03-02.html",
        "avis-ajournement.html",
        "avis-ajournement.pdf",
        *(f"fiches/{n}.html" for n in numeros),
    }
    assert set(documents) == attendus
    for chemin in documents.values():
        assert chemin.is_file() and chemin.stat().st_size > 0
        assert chemin.parent.is_relative_to(dossier)
    # Nothing was written into the sealed séance folder.
    assert not (banc / "reports" / SEANCE / "documents").exists()

    html = documents["pv-va.html"].read_text(encoding="utf-8")
    assert "VA : ajournement" in html
    assert "Maison de santé des Essais (fictive)" in html
    assert "Logiciel d&#39;essai – édition B" in html and "4.2.1" in html
    assert all(n in html for n in numeros)
    sha = rassembler_faits(banc, SEANCE).manifeste_sha256
    assert sha in html
    # Self-contained: no script, no resource from elsewhere.
    assert "<script" not in html and "http://" not in html.replace(
        "https://recette.essai.example/", ""
    )
    assert "EXG-PERF-01" not in html  # a VSR requirement is out of the VA scope

    assert documents["pv-va.pdf"].read_bytes().startswith(b"%PDF-")
    if shutil.which("pdfinfo"):
        meta = subprocess.run(
            ["pdfinfo", "-meta", str(documents["pv-va.pdf"])], capture_output=True, text=True
        ).stdout
        assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    texte = texte_pdf(documents["pv-va.pdf"])
    if texte is not None:
        assert "ajournement" in texte
        assert all(n in texte for n in numeros)
        assert sha[:32] in texte.replace("\n", "").replace(" ", "")
    if shutil.which("pdftoppm"):
        sortie = tmp_path / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                str(documents["pv-va.pdf"]),
                sortie,
            ],
            check=True,
        )
        pages = list(tmp_path.glob("page*.png"))
        assert pages and pages[0].read_bytes().startswith(b"\x89PNG")

    avis = documents["avis-ajournement.html"].read_text(encoding="utf-8")
    assert "Avis d'ajournement" in avis
    # Contestation within 2 working days of Monday 2 March 2026, 15:00: Wednesday 4 March.
    assert "mercredi 4 mars 2026 à 15 h 00" in avis
    # New verification at most 10 calendar days later: Thursday 12 March.
    assert "jeudi 12 mars 2026 à 15 h 00" in avis
    # Motivated by the blocking anomaly (the agenda failure, numbered first) and its requirement.
    assert "L'anomalie bloquante ANO-2026-0001" in avis.replace("&#39;", "'")
    assert "EXG-AG-01" in avis


def test_le_pv_est_identique_octet_pour_octet(banc):
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    premier = produire_documents(banc, SEANCE)
    octets = {n: p.read_bytes() for n, p in premier.items() if n.endswith((".html", ".csv"))}
    second = produire_documents(banc, SEANCE)
    for nom, contenu in octets.items():
        assert second[nom].read_bytes() == contenu, nom
    # The PDF too: its identifier and date come from the page, not from the clock.
    assert premier["pv-va.pdf"].read_bytes() == second["pv-va.pdf"].read_bytes()


def test_verdicts_ajournement_puis_reserves(banc, tmp_path, monkeypatch):
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    faits = rassembler_faits(banc, SEANCE)
    assert faits.verdict.decision is Decision.AJOURNEMENT
    assert faits.decide_le == paris(2026, 3, 2, 15, 0)
    bloquantes = [a for a in faits.ouvertes if a.gravite.value == "bloquante"]
    assert [a.exigences for a in bloquantes] == [("EXG-AG-01",)]

    # Another bench where only the priority-2 requirement fails: one non-blocking anomaly.
    autre = tmp_path / "autre"
    shutil.copytree(banc, autre, ignore=shutil.ignore_patterns("reports"))
    monkeypatch.setenv("RECETTE_RAPPORTS", str(autre / "reports"))
    sceller_seance(autre, SEANCE, DEBUT, AVEC_RESERVES)
    documents = produire_documents(autre, SEANCE)
    faits = rassembler_faits(autre, SEANCE)
    assert faits.verdict.decision is Decision.PRONONCE_AVEC_RESERVES
    assert [r.numero for r in faits.verdict.reserves] == ["ANO-2026-0001"]
    assert faits.verdict.reserves[0].echeance == paris(2026, 3, 17, 15, 0)
    assert "avis-ajournement.html" not in documents
    assert "pv-levee-reserves.html" in documents
    html = documents["pv-va.html"].read_text(encoding="utf-8")
    assert "VA : prononcé avec réserves" in html
    assert "mardi 17 mars 2026 à 15 h 00" in html
    levee = documents["pv-levee-reserves.html"].read_text(encoding="utf-8")
    assert "En attente du contrôle" in levee and "ANO-2026-0001" in levee
    texte = texte_pdf(documents["pv-va.pdf"])
    if texte is not None:
        assert "prononcé avec réserves" in texte and "ANO-2026-0001" in texte


def test_levee_des_reserves_apres_controle(banc):
    sceller_seance(banc, SEANCE, DEBUT, AVEC_RESERVES)
    controle = "VA-20260309-100000-essai"
    sceller_seance(
        banc, controle, paris(2026, 3, 9, 10, 0), {**AVEC_RESERVES, "EXG-DP-02": "passed"}
    )
    with Registre(chemin_registre(banc), charger_contrat(banc / "fixtures")) as registre:
        quand = paris(2026, 3, 9, 12, 0)
        for statut in ("transmise", "corrigee", "verifiee"):
            registre.changer_statut("ANO-2026-0001", statut, quand, "Chef de projet MOA")

    documents = produire_documents(banc, SEANCE)
    # The anomaly is verified now, yet it was a réserve when the PV was decided.
    suivi = suivre_reserves(rassembler_faits(banc, SEANCE), rassembler_faits(banc, controle))
    assert suivi.conclusion == "satisfaisant"
    assert [s.levee for s in suivi.suivis] == [True]
    levee = documents["pv-levee-reserves.html"].read_text(encoding="utf-8")
    assert "Contrôle satisfaisant" in levee and controle in levee
    # The control séance's own PV: nothing open, every requirement verified.
    assert rassembler_faits(banc, controle).verdict.decision is Decision.PRONONCE


def test_fiche_anomalie_avec_capture_et_historique(banc):
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    with Registre(chemin_registre(banc), charger_contrat(banc / "fixtures")) as registre:
        registre.qualifier("ANO-2026-0002", "bloquante", paris(2026, 3, 2, 14, 50), "Dr Moreau")
    faits = rassembler_faits(banc, SEANCE)
    capture = capture_echec(faits, faits.fiche("ANO-2026-0002"))
    assert capture is not None and capture.chemin.endswith("/capture-echec.png")
    assert capture.uri.startswith("data:image/png;base64,")

    documents = produire_documents(banc, SEANCE)
    html = documents["fiches/ANO-2026-0002.html"].read_text(encoding="utf-8")
    for attendu in (
        "Fiche anomalie ANO-2026-0002",
        "Le médecin retrouve Claire Martin",
        SEANCE,
        "EXG-DP-02",
        "Alors tout va bien",
        "n&#39;est pas visible",
        "qualification",
        "Dr Moreau",
        "02/03/2026 14:50",
        capture.uri,
    ):
        assert attendu in html, attendu
    assert "<script" not in html


def test_registre_xlsx_et_csv(banc):
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    documents = produire_documents(banc, SEANCE)
    classeur = load_workbook(documents["registre-anomalies.xlsx"])
    feuille = classeur.active
    assert feuille.freeze_panes == "B2"
    assert feuille.auto_filter.ref.startswith("A1:")
    entete = [c.value for c in feuille[1]]
    assert entete[:3] == ["Numéro", "Titre", "Statut"]
    assert feuille["A1"].font.bold
    assert [feuille.cell(row=r, column=1).value for r in (2, 3)] == [
        "ANO-2026-0001",
        "ANO-2026-0002",
    ]
    assert feuille.max_row == 3

    brut = documents["registre-anomalies.csv"].read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(brut.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lignes[0] == entete
    assert [ligne[0] for ligne in lignes[1:]] == ["ANO-2026-0001", "ANO-2026-0002"]
    assert "02/03/2026 15:00" in lignes[1]


def test_reporting_journalier(banc, tmp_path):
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    with Registre(chemin_registre(banc), charger_contrat(banc / "fixtures")) as registre:
        registre.qualifier("ANO-2026-0002", "bloquante", paris(2026, 3, 2, 16, 0), "Dr Moreau")
        registre.transmettre("ANO-2026-0002", paris(2026, 3, 2, 16, 30), "Dr Moreau")
        registre.rejeter("ANO-2026-0001", "Comportement attendu.", paris(2026, 3, 3, 9, 0), "MOA")
    faits = rassembler_faits(banc, SEANCE)

    # Transmitted at 16:30, the blocking anomaly's workaround is due at 20:30 (4 clock hours).
    jour = bilan_journalier(faits.fiches, date(2026, 3, 2), paris(2026, 3, 2, 20, 0))
    assert [m.anomalie.numero for m in jour.ouvertes] == ["ANO-2026-0001", "ANO-2026-0002"]
    assert [m.anomalie.numero for m in jour.qualifiees] == ["ANO-2026-0002"]
    assert jour.cloturees == () and jour.en_retard == ()

    # The next morning: one rejected; the blocking one past its 4-hour workaround deadline.
    lendemain = bilan_journalier(faits.fiches, date(2026, 3, 3), paris(2026, 3, 3, 9, 30))
    assert [m.anomalie.numero for m in lendemain.cloturees] == ["ANO-2026-0001"]
    assert [(r.anomalie.numero, [n for n, _ in r.echeances]) for r in lendemain.en_retard] == [
        ("ANO-2026-0002", ["contournement"])
    ]
    assert lendemain.en_cours == 1

    # The whole register's report, for a day and a moment of the caller's choosing.
    page = produire_journalier(banc, date(2026, 3, 3), paris(2026, 3, 3, 9, 30), tmp_path)
    assert page.name == "reporting-journalier-2026-03-03.html"
    html = page.read_text(encoding="utf-8")
    assert "mardi 3 mars 2026" in html and "ANO-2026-0002" in html and "rejetée" in html


def test_seance_absente_du_registre_refusee(banc):
    dossier = sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    autre = banc / "reports" / "VA-20260303-090000-essai"
    shutil.copytree(dossier, autre)
    with pytest.raises(DocumentImpossible, match="n'est pas enregistrée"):
        rassembler_faits(banc, autre.name)


def test_date_de_decision_explicite(banc):
    """Another decision date moves the deadlines; without one, the séance's end is used."""
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    html = rendre_pv_html(rassembler_faits(banc, SEANCE, paris(2026, 3, 4, 9, 0)))
    assert "arrêté au mercredi 4 mars 2026 à 9 h 00" in html
    assert "vendredi 6 mars 2026 à 9 h 00" in html  # contestation: 2 working days later


def test_les_exclusions_du_profil_sortent_de_la_decision_avec_leur_motif(banc):
    profil = banc / "fixtures" / "profils" / "essai.yaml"
    profil.write_text(
        profil.read_text(encoding="utf-8")
        + 'perimetre:\n  exclusions:\n    EXG-AG-02: "option non retenue par la MSP"\n',
        encoding="utf-8",
    )
    sceller_seance(banc, SEANCE, DEBUT, AJOURNEE)
    faits = rassembler_faits(banc, SEANCE)
    assert faits.hors_perimetre == (
        ("EXG-AG-02", "Pas de double réservation", "option non retenue par la MSP"),
    )
    assert "EXG-AG-02" not in {e.identifiant for e in faits.exigences}
    html = rendre_pv_html(faits)
    assert "Hors périmètre contractuel" in html
    assert "EXG-AG-02 – Pas de double réservation : option non retenue par la MSP." in html
