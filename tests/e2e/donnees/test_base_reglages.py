"""Where the data lives (environment → database settings), what a person is told about it, and
what setting Django up costs the CLI."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from recette import base
from recette.anomalies import chemin_registre
from recette.contrat import Gravite, charger_contrat
from recette.modeles import valeurs
from recette.verdicts import Phase, StatutAnomalie

RACINE = Path(__file__).resolve().parents[3]
PYTHON = sys.executable


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"RECETTE_RAPPORTS": "/srv/recette/rapports"},
        {"RECETTE_BASE": "/srv/recette/registre.sqlite"},
        {"RECETTE_RACINE": "/srv/banc"},
    ],
)
def test_par_defaut_le_fichier_du_registre_d_aujourd_hui(environ, monkeypatch):
    """The default database is the former register's file, wherever the environment put it, so
    that an upgraded bench finds (and migrates) it."""
    for variable in ("RECETTE_RAPPORTS", "RECETTE_BASE", "RECETTE_RACINE", "RECETTE_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    for variable, valeur in environ.items():
        monkeypatch.setenv(variable, valeur)
    racine = Path(environ.get("RECETTE_RACINE", RACINE))
    reglage = base.base_de_donnees()
    assert reglage["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(reglage["NAME"]) == chemin_registre(racine)


def test_sqlite_en_wal_attend_le_verrou_et_l_ecriture_commence_la_transaction():
    options = base.base_de_donnees({"RECETTE_BASE_URL": "sqlite:////srv/b.sqlite"})["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode = WAL" in options["init_command"]


def test_url_postgres():
    reglage = base.base_de_donnees(
        {"RECETTE_BASE_URL": "postgres://banc:s3cr3t-pg@127.0.0.1:5433/recette_msp"}
    )
    assert (reglage["ENGINE"], reglage["NAME"], reglage["HOST"], reglage["PORT"]) == (
        "django.db.backends.postgresql",
        "recette_msp",
        "127.0.0.1",
        5433,
    )
    assert reglage["OPTIONS"]["connect_timeout"] > 0
    assert "s3cr3t-pg" not in base.decrire(reglage)
    assert base.decrire(reglage) == "PostgreSQL recette_msp sur 127.0.0.1:5433"


@pytest.mark.parametrize(
    "url, attendu",
    [
        ("mysql://banc:s3cr3t-pg@db/recette", "type de base « mysql » non pris en charge"),
        ("s3cr3t-pg", "type de base « ? » non pris en charge"),
        ("postgres://banc:s3cr3t-pg@db", "le nom de la base PostgreSQL manque"),
        ("sqlite://", "le fichier SQLite n'est pas indiqué"),
    ],
)
def test_url_refusee_sans_montrer_le_mot_de_passe(url, attendu):
    with pytest.raises(base.BaseDonneesInvalide) as erreur:
        base.base_de_donnees({"RECETTE_BASE_URL": url})
    assert attendu in erreur.value.message
    assert erreur.value.message.startswith("RECETTE_BASE_URL")
    assert "s3cr3t-pg" not in erreur.value.message


def test_serveur_injoignable_dit_lequel_sans_mot_de_passe(pointer_sur):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the test connects: nobody listens there
    base.basculer(f"postgres://banc:s3cr3t-pg@127.0.0.1:{port}/recette")
    with pytest.raises(base.BaseDonneesInvalide) as erreur:
        base.migrer()
    assert erreur.value.message.startswith(
        f"Base de données inutilisable (PostgreSQL recette sur 127.0.0.1:{port})"
    )
    assert "s3cr3t-pg" not in erreur.value.message


def test_est_a_jour_apres_migrer_seulement(tmp_path, pointer_sur):
    pointer_sur(tmp_path / "neuve.sqlite")
    assert not base.est_a_jour()
    base.preparer()
    assert base.est_a_jour()


def test_valeurs_suivent_les_enums():
    """The database's CHECK values are the rules' enums; a new status fails here until
    valeurs.py and a migration follow it."""
    assert valeurs.STATUTS_ANOMALIE == tuple(s.value for s in StatutAnomalie)
    assert valeurs.GRAVITES == tuple(g.value for g in Gravite)
    assert valeurs.PHASES == tuple(p.value for p in Phase)
    assert valeurs.STATUT_DOUBLON == StatutAnomalie.DOUBLON.value
    assert [v for v, _ in valeurs.choix_statuts()] == list(valeurs.STATUTS_ANOMALIE)
    assert dict(valeurs.choix_statuts())["qualifiee"] == "qualifiée"


def test_fuseau_de_django_celui_du_contrat():
    contrat = charger_contrat(RACINE / "fixtures")
    assert settings.USE_TZ
    assert settings.TIME_ZONE == contrat.calendrier.fuseau_horaire.key


def _python(code: str, **env) -> str:
    return subprocess.run(
        [PYTHON, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=RACINE,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env},
    ).stdout


def test_recette_aide_n_importe_pas_django():
    sortie = _python(
        "import sys\n"
        "sys.argv = ['recette', '--help']\n"
        "from recette.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('DJANGO' if 'django' in sys.modules else 'SANS DJANGO')\n"
    )
    assert "Banc de recette" in sortie  # the help was printed: the check could see
    assert sortie.rstrip().endswith("SANS DJANGO")


def test_initialiser_une_fois_et_sans_ouvrir_la_base(tmp_path):
    """Setting up twice is harmless, opens no connection and creates no file: the first command
    that reads or writes does."""
    chemin = tmp_path / "rapports" / "recette.sqlite"
    sortie = _python(
        "from recette import base\n"
        "base.initialiser(); base.initialiser()\n"
        "from django.db import connection\n"
        "print(connection.connection is None)\n",
        RECETTE_BASE=str(chemin),
    )
    assert sortie.strip() == "True"
    assert chemin.parent.is_dir() and not chemin.exists()


ENSEMBLE = """
import os, sys, time
from recette import base
base.initialiser()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.005)
base.preparer()
print("prête")
"""


def _base_neuve(genre: str, tmp_path: Path, request) -> str:
    if genre == "sqlite":
        return "sqlite:///" + str(tmp_path / "neuve.sqlite")
    import psycopg

    serveur = request.getfixturevalue("serveur_postgres")
    with psycopg.connect(serveur["admin"], autocommit=True) as cx:
        cx.execute("DROP DATABASE IF EXISTS neuve WITH (FORCE)")
        cx.execute("CREATE DATABASE neuve")
    return f"{serveur['racine']}/neuve"


@pytest.mark.parametrize("genre", ["sqlite", "postgresql"])
def test_commandes_lancees_ensemble_sur_une_base_neuve(genre, tmp_path, request, pointer_sur):
    """Several commands starting at once on a new database (a séance and the workbench, two
    postes): each finds it ready, the migrations ran once."""
    url = _base_neuve(genre, tmp_path, request)
    depart = tmp_path / "partez"
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "RECETTE_BASE_URL": url}
    processus = [
        subprocess.Popen(
            [PYTHON, "-c", ENSEMBLE, str(depart)],
            cwd=RACINE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    depart.touch()
    sorties = [p.communicate(timeout=120) for p in processus]
    assert [(p.returncode, s.strip()) for p, (s, _) in zip(processus, sorties, strict=True)] == [
        (0, "prête")
    ] * 3, [e for _, e in sorties]
    base.basculer(url)
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("SELECT name FROM django_migrations WHERE app = 'recette' ORDER BY name")
        assert [n for (n,) in curseur.fetchall()] == ["0001_initial", "0002_registre_v1"]


def test_base_d_un_banc_plus_recent_refusee(tmp_path, pointer_sur):
    pointer_sur(tmp_path / "recente.sqlite")
    base.preparer()
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES "
            "('recette', '0099_future', '2027-01-01 00:00:00')"
        )
    with pytest.raises(base.BaseDonneesInvalide, match="0099_future inconnue"):
        base.preparer()
