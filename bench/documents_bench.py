"""Time to derive the documents of a large séance: the PV (HTML + PDF/A), the anomaly register
(XLSX + CSV) and every fiche anomalie (with its screenshot embedded).

    .venv/bin/python bench/documents_bench.py [--resultats 1000] [--anomalies 200]

A temporary bench is built from the project's grid, features, contract and profiles; into it a
sealed VA séance of ``--resultats`` Allure results, ``--anomalies`` of them failed (each with a
1280×800 screenshot under preuves/), recorded into a fresh register. Building it is not timed.
Target: ≤ 5 s for PV + register + all fiches.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

OBJECTIF_SECONDES = 5.0
PARIS = ZoneInfo("Europe/Paris")
SEANCE = "VA-20260302-090000-demo-a"
DEBUT = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def capture_png(largeur: int = 1280, hauteur: int = 800, graine: int = 7) -> bytes:
    """A screenshot-sized PNG with enough texture to weigh what a real one does (~100 kB)."""
    hasard = random.Random(graine)
    lignes = bytearray()
    for y in range(hauteur):
        lignes.append(0)
        bande = (y // 40) % 2
        for _ in range(largeur):
            if hasard.random() < 0.03:
                lignes += bytes((hasard.randrange(256), hasard.randrange(256), 90))
            else:
                lignes += b"\xf4\xf6\xf9" if bande else b"\xff\xff\xff"

    def bloc(genre: bytes, donnees: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(genre + donnees))
        return struct.pack(">I", len(donnees)) + genre + donnees + crc

    entete = struct.pack(">IIBBBBB", largeur, hauteur, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + bloc(b"IDAT", zlib.compress(bytes(lignes), 6))
        + bloc(b"IEND", b"")
    )


def construire_banc(dossier: Path) -> Path:
    racine = dossier / "banc"
    for partie in ("fixtures/contrat", "fixtures/grille", "fixtures/profils", "features"):
        shutil.copytree(RACINE / partie, racine / partie)
    (racine / "fixtures" / "donnees").mkdir(parents=True)
    shutil.copy(RACINE / "fixtures/donnees/centre.yaml", racine / "fixtures/donnees/centre.yaml")
    return racine


def construire_seance(racine: Path, nombre: int, echecs: int) -> None:
    from recette.anomalies import Registre, chemin_registre, preuves_allure
    from recette.contrat import charger_contrat
    from recette.grille import charger_grille
    from recette.preuves import ecrire_manifeste
    from recette.resultats import lire_resultats

    exigences = charger_grille(racine).a_verifier_en("va")
    dossier = racine / "reports" / SEANCE
    (dossier / "allure-results").mkdir(parents=True)
    image = capture_png()
    hasard = random.Random(2026)
    en_echec = set(hasard.sample(range(nombre), echecs))
    debut_ms = int(DEBUT.timestamp() * 1000)
    for i in range(nombre):
        exigence = exigences[i % len(exigences)]
        statut = "failed" if i in en_echec else "passed"
        nom = f"{exigence.libelle} – cas {i + 1:04d}"
        donnees = {
            "uuid": f"resultat-{i:05d}",
            "name": nom,
            "fullName": f"features/{exigence.domaine}/banc.feature:{nom}",
            "status": statut,
            "start": debut_ms + i * 3000,
            "stop": debut_ms + i * 3000 + 2500,
            "labels": [
                {"name": "exigence", "value": exigence.id},
                {"name": "domaine", "value": exigence.domaine},
                {"name": "priorite", "value": str(exigence.priorite)},
            ],
            "steps": [
                {"name": "Étant donné que je suis connecté comme « médecin »", "status": "passed"},
                {"name": f"Alors je constate « {exigence.libelle} »", "status": statut},
            ],
            "parameters": [],
        }
        if statut == "failed":
            preuve = f"preuves/cas-{i:05d}"
            (dossier / preuve).mkdir(parents=True)
            (dossier / preuve / "capture-echec.png").write_bytes(image)
            donnees["statusDetails"] = {"message": f"AssertionError: élément absent (cas {i})"}
            donnees["links"] = [{"url": f"{preuve}/capture-echec.png", "name": "preuve"}]
        (dossier / "allure-results" / f"resultat-{i:05d}-result.json").write_text(
            json.dumps(donnees, ensure_ascii=False), encoding="utf-8"
        )
    fin = DEBUT + timedelta(milliseconds=nombre * 3000)
    (dossier / "seance.json").write_text(
        json.dumps(
            {
                "id": SEANCE,
                "phase": "va",
                "profil": "demo-a",
                "cible": "http://127.0.0.1:8765/",
                "debut": DEBUT.isoformat(),
                "fin": fin.isoformat(),
                "statut": "terminée",
                "version_cible": {"version": "banc-1.0"},
                "navigateur": {"nom": "Chromium", "version": "banc"},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    ecrire_manifeste(dossier)
    with Registre(chemin_registre(racine), charger_contrat(racine / "fixtures")) as registre:
        registre.enregistrer_seance(
            SEANCE,
            "va",
            "demo-a",
            "http://127.0.0.1:8765/",
            lire_resultats(dossier / "allure-results"),
            fin,
            debut=DEBUT,
            fin=fin,
            preuves=preuves_allure(dossier),
        )


def mesurer(racine: Path) -> dict[str, float]:
    from recette.documents.faits import rassembler_faits
    from recette.documents.fiche import ecrire_fiches
    from recette.documents.produire import dossier_documents, produire_documents
    from recette.documents.pv import ecrire_pv
    from recette.documents.registre import ecrire_registre

    dossier = dossier_documents(racine, SEANCE)
    temps = {}
    processeur = time.process_time()
    debut = time.perf_counter()
    faits = rassembler_faits(racine, SEANCE)
    temps["faits"] = time.perf_counter() - debut
    t = time.perf_counter()
    ecrire_pv(faits, dossier)
    temps["pv"] = time.perf_counter() - t
    t = time.perf_counter()
    ecrire_registre(faits, dossier)
    temps["registre"] = time.perf_counter() - t
    t = time.perf_counter()
    fiches = ecrire_fiches(faits, dossier)
    temps["fiches"] = time.perf_counter() - t
    temps["pv + registre + fiches"] = time.perf_counter() - debut
    temps["dont temps processeur"] = time.process_time() - processeur
    temps["nombre de fiches"] = len(fiches)
    temps["anomalies"] = len(faits.anomalies)
    temps["décision"] = faits.verdict.decision.libelle
    t = time.perf_counter()
    produire_documents(racine, SEANCE)
    temps["produire_documents (tout)"] = time.perf_counter() - t
    temps["pages du PV"] = _pages(dossier / "pv-va.pdf")
    return temps


def _pages(pdf: Path) -> str:
    if not shutil.which("pdfinfo"):
        return "?"
    sortie = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next(
        (ligne.split()[-1] for ligne in sortie.splitlines() if ligne.startswith("Pages")), "?"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resultats", type=int, default=1000)
    parser.add_argument("--anomalies", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporaire:
        racine = construire_banc(Path(temporaire))
        os.environ["RECETTE_RAPPORTS"] = str(racine / "reports")
        os.environ.pop("RECETTE_BASE", None)
        t = time.perf_counter()
        construire_seance(racine, args.resultats, args.anomalies)
        print(f"Séance synthétique construite en {time.perf_counter() - t:.1f} s (non mesuré).")
        temps = mesurer(racine)
    for nom, valeur in temps.items():
        texte = f"{valeur:.2f} s" if isinstance(valeur, float) else str(valeur)
        print(f"  {nom:28} {texte}")
    total = temps["pv + registre + fiches"]
    atteint = "atteint" if total <= OBJECTIF_SECONDES else "NON ATTEINT"
    charge = os.getloadavg()[0]
    print(
        f"PV + registre + fiches : {total:.2f} s (objectif ≤ {OBJECTIF_SECONDES:.0f} s :"
        f" {atteint} ; charge de la machine : {charge:.1f} sur {os.cpu_count()} cœurs)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
