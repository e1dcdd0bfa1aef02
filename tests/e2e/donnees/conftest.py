"""The data layer's tests run the same models on SQLite and on a real PostgreSQL server.

The server is Debian's PostgreSQL, started once per test session in a temporary folder on a
free loopback port (as the ``postgres`` user when the tests run as root: PostgreSQL refuses to
run as root), and stopped and removed at the end. Each test gets a database of its own: a copy
of a migrated template on PostgreSQL, a new migrated file on SQLite.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from recette import base

# Between tests the process points at an in-memory database: no test may touch the clone's
# reports/recette.sqlite, and the environment is left alone (séance subprocesses inherit it).
NEUTRE = "sqlite:///:memory:"

# Django is set up when this folder is collected, before the test modules import the models.
base.initialiser()
base.basculer(NEUTRE)


def _binaires_postgres() -> Path | None:
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/<n>/bin)."""
    dossiers = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name)
    )
    for dossier in reversed(dossiers):
        if (Path(dossier) / "initdb").exists() and (Path(dossier) / "pg_ctl").exists():
            return Path(dossier)
    return None


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _comme_postgres(commande: list[str], **options) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        commande = ["runuser", "-u", "postgres", "--", *commande]
    return subprocess.run(commande, check=True, capture_output=True, text=True, **options)


@pytest.fixture(scope="session")
def serveur_postgres():
    """The URL of a running PostgreSQL server (trust authentication, loopback only)."""
    binaires = _binaires_postgres()
    if binaires is None:
        pytest.skip(
            "PostgreSQL n'est pas installé (/usr/lib/postgresql/*/bin/initdb absent) : "
            "scripts/installer.sh l'installe."
        )
    import psycopg

    dossier = Path(tempfile.mkdtemp(prefix="recette-pg-"))
    donnees, prises = dossier / "donnees", dossier / "prises"
    prises.mkdir()
    if os.geteuid() == 0:
        shutil.chown(dossier, "postgres")
        shutil.chown(prises, "postgres")
    dossier.chmod(0o755)
    port = _port_libre()
    journal = dossier / "serveur.log"
    demarre = False
    try:
        _comme_postgres(
            [
                str(binaires / "initdb"),
                "-D",
                str(donnees),
                "-U",
                "recette",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        # fsync off: a test server's data is thrown away; nothing else differs from production.
        _comme_postgres(
            [
                str(binaires / "pg_ctl"),
                "-D",
                str(donnees),
                "-l",
                str(journal),
                "-o",
                f"-k {prises} -h 127.0.0.1 -p {port} -c fsync=off -c full_page_writes=off",
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        demarre = True
        admin = f"postgresql://recette@127.0.0.1:{port}/postgres"
        with psycopg.connect(admin, autocommit=True) as cx:
            cx.execute("CREATE DATABASE modele")
        modele = f"postgres://recette@127.0.0.1:{port}/modele"
        base.basculer(modele)
        base.migrer()
        base.basculer(NEUTRE)  # no connection may stay on a template being copied
        yield {"admin": admin, "racine": f"postgres://recette@127.0.0.1:{port}"}
    finally:
        if demarre:
            _comme_postgres([str(binaires / "pg_ctl"), "-D", str(donnees), "-m", "fast", "stop"])
        shutil.rmtree(dossier, ignore_errors=True)


_numeros = itertools.count(1)


@pytest.fixture
def base_sqlite(tmp_path):
    url = "sqlite:///" + str(tmp_path / "recette.sqlite")
    base.basculer(url)
    base.migrer()
    yield url
    base.basculer(NEUTRE)


@pytest.fixture
def base_postgres(serveur_postgres):
    import psycopg

    nom = f"essai_{os.getpid()}_{next(_numeros)}"
    with psycopg.connect(serveur_postgres["admin"], autocommit=True) as cx:
        cx.execute(f"CREATE DATABASE {nom} TEMPLATE modele")
    url = f"{serveur_postgres['racine']}/{nom}"
    base.basculer(url)
    yield url
    base.basculer(NEUTRE)
    with psycopg.connect(serveur_postgres["admin"], autocommit=True) as cx:
        cx.execute(f"DROP DATABASE {nom} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def base_de_test(request):
    """The test's own migrated database, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(
        f"base_{'postgres' if request.param == 'postgresql' else 'sqlite'}"
    )


@pytest.fixture
def pointer_sur():
    """``pointer_sur(chemin)`` points the process at that SQLite file (none if ``None``) for the
    test; back to the in-memory database after it."""

    def pointer(chemin: Path | None) -> None:
        base.basculer("sqlite:///" + str(chemin) if chemin is not None else NEUTRE)

    yield pointer
    base.basculer(NEUTRE)
