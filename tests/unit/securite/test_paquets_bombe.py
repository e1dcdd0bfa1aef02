"""A « zip bomb » sent as a reproduction pack: 200 MB of zeros in a pack of about 200 KB. The
real `recette rejouer` refuses it without inflating it: exit 2, a short French message that
echoes nothing of the content, no big file on disk, bounded memory. Also the other archives
of outside origin (a vendor's full export, a customer's XLSX grid) go through the same limits.
No browser, no server."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from recette.archives import ArchiveRefusee, ArchiveSure, Limites

RACINE = Path(__file__).resolve().parents[3]
FEATURE = RACINE / "features" / "dossier-patient" / "synthese.feature"
TAILLE = 200 * 1024 * 1024
MEMOIRE_MAX_KIO = 300 * 1024  # ru_maxrss is in KiB on Linux

DESCRIPTION = {
    "numero": "ANO-2026-0001",
    "scenario": "Le médecin traitant consulte la synthèse",
    "feature": "features/dossier-patient/synthese.feature",
    "ligne": 11,
    "profil": "demo-a",
}


def _zeros(archive: zipfile.ZipFile, nom: str, taille: int) -> None:
    bloc = b"\0" * (1024 * 1024)
    with archive.open(nom, "w", force_zip64=True) as flux:
        for _ in range(taille // len(bloc)):
            flux.write(bloc)


@pytest.fixture(scope="module")
def bombe(tmp_path_factory) -> Path:
    chemin = tmp_path_factory.mktemp("bombe") / "ANO-2026-0001.zip"
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("paquet.json", json.dumps(DESCRIPTION))
        # The entry the replay reads: a Gherkin parser error would echo it whole.
        _zeros(archive, "scenario/synthese.feature", TAILLE)
    assert chemin.stat().st_size < 1024 * 1024
    return chemin


def test_rejouer_refuse_la_bombe_sans_la_decompresser(bombe, tmp_path):
    rapports = tmp_path / "r"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    env["RECETTE_RAPPORTS"] = str(rapports)
    # A small parent process, so that RUSAGE_CHILDREN measures the CLI alone.
    mesure = (
        "import resource, subprocess, sys\n"
        "e = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "sys.stdout.buffer.write(e.stdout); sys.stderr.buffer.write(e.stderr)\n"
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(e.returncode)\n"
    )
    execution = subprocess.run(
        [sys.executable, "-c", mesure, sys.executable, "-m", "recette.cli", "rejouer", str(bombe)],
        cwd=RACINE,
        env=env,
        capture_output=True,
        timeout=600,
    )
    stderr = execution.stderr.decode("utf-8", "replace")
    stdout = execution.stdout.decode("utf-8", "replace")
    assert execution.returncode == 2, stdout + stderr[:2000]
    assert len(execution.stderr) < 2048, len(execution.stderr)
    assert "Erreur :" in stderr and "refusé" in stderr, stderr
    assert "Traceback" not in stderr
    assert "\x00" not in stderr
    maxrss = int(stdout.split("MAXRSS")[-1])
    assert maxrss < MEMOIRE_MAX_KIO, f"{maxrss // 1024} Mio au plus"
    assert not list(RACINE.glob(".rejeu-*"))
    assert not rapports.exists() or not any(rapports.rglob("*"))


def test_trop_d_entrees(tmp_path):
    chemin = tmp_path / "nombreux.zip"
    with zipfile.ZipFile(chemin, "w") as archive:
        for i in range(30):
            archive.writestr(f"f{i}.txt", b"")
    with pytest.raises(ArchiveRefusee, match="30 entrées"):
        ArchiveSure(chemin, "L'archive", Limites(entrees=20))


def test_export_complet_du_fournisseur_borne():
    """The vendor's full export (réversibilité) is read through the same limits."""
    from recette.reprise import comparer_reversibilite

    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _zeros(archive, "patients.csv", 64 * 1024 * 1024)
    with pytest.raises(ArchiveRefusee, match="export complet"):
        comparer_reversibilite(tampon.getvalue(), None, None, ())


def test_grille_xlsx_bornee(tmp_path):
    """A customer's XLSX grid is checked with the same limits before openpyxl opens it."""
    from recette.erreurs import GrilleInvalide
    from recette.grille import importer_grille

    shutil.copytree(RACINE / "fixtures", tmp_path / "fixtures")
    chemin = tmp_path / "grille.xlsx"
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        _zeros(archive, "xl/worksheets/sheet1.xml", 64 * 1024 * 1024)
    with pytest.raises(GrilleInvalide, match="grille.xlsx.*refusé"):
        importer_grille(chemin, tmp_path)
