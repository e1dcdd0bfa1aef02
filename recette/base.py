"""The bench's database: where it lives, and Django set up for it once per process.

The register, its history and the séance index are Django models (``recette/modeles/``) so that
the CLI, the library and the web workbench read and write the same rows through the same code.
No web server is needed: ``initialiser()`` loads the settings module and ``django.setup()``,
once, on first use; ``migrer()`` brings the schema up to date; ``preparer()`` does both and
only runs the migrations when one is missing (one query), for commands that write.

Where the data lives:

- ``RECETTE_BASE_URL``, a database URL (``postgres://user:pass@host:5432/name`` or
  ``sqlite:////absolute/path.sqlite``), for an organisation that runs recettes for several
  centres or from several postes;
- otherwise a SQLite file: ``RECETTE_BASE`` if set, else ``reports/recette.sqlite`` (the
  reports folder is ``RECETTE_RAPPORTS`` or ``<root>/reports``) — the very path of the former
  hand-written register, so that its file is found and migrated (migration 0002).

Django is imported only inside the functions: ``recette --help`` must not pay for it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recette.erreurs import RegistreAnomaliesErreur

VARIABLE_URL = "RECETTE_BASE_URL"
MODULE_REGLAGES = "recette.modeles.reglages"
APPLICATION = "recette"  # the models' app label
# Waiting for another process's write lock on SQLite (the workbench and the CLI share the file).
ATTENTE_VERROU_S = 15
# A PostgreSQL server that does not answer is reported, not waited for.
ATTENTE_CONNEXION_S = 10
# pg_advisory_lock key held while migrating (any constant the bench alone uses).
CLE_VERROU_MIGRATION = 0x7265_6365_7474_65

_SCHEMAS_SQLITE = ("sqlite",)
_SCHEMAS_POSTGRES = ("postgres", "postgresql", "pgsql", "postgis")

_verrou = threading.Lock()
_pret = False


class BaseDonneesInvalide(RegistreAnomaliesErreur):
    """The database named by the environment cannot be used (unknown kind, unreachable);
    ``raison``: the driver's own words, when it gave some."""

    def __init__(self, message: str, raison: str | None = None):
        super().__init__(message)
        self.raison = raison


# --- where the data lives (pure: environment in, Django database settings out) -------------


def racine(environ: dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("RECETTE_RACINE") or Path(__file__).resolve().parent.parent)


def dossier_rapports(environ: dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("RECETTE_RAPPORTS") or racine(environ) / "reports")


def chemin_sqlite(environ: dict[str, str] | None = None) -> Path:
    """The default database file; the same path as the former register's (chemin_registre)."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("RECETTE_BASE") or dossier_rapports(environ) / "recette.sqlite")


def base_de_donnees(environ: dict[str, str] | None = None) -> dict:
    """Django's ``DATABASES["default"]`` for this environment."""
    environ = os.environ if environ is None else environ
    url = (environ.get(VARIABLE_URL) or "").strip()
    if not url:
        return _sqlite(str(chemin_sqlite(environ)))
    schema = url.split("://", 1)[0].lower() if "://" in url else ""
    if schema not in _SCHEMAS_SQLITE + _SCHEMAS_POSTGRES:
        # Only the scheme is named: the URL may carry a password.
        raise BaseDonneesInvalide(
            f"{VARIABLE_URL} : type de base « {schema or '?'} » non pris en charge (attendu : "
            "postgres://utilisateur:mot-de-passe@hote:5432/base ou sqlite:////chemin/absolu)."
        )
    import dj_database_url

    try:
        reglage = dj_database_url.parse(url)
    except ValueError:
        raise BaseDonneesInvalide(
            f"{VARIABLE_URL} : adresse de base de données illisible (type « {schema} »)."
        ) from None
    if schema in _SCHEMAS_SQLITE:
        # dj-database-url reads « sqlite:// » as an in-memory database: all lost at exit.
        if not reglage.get("NAME") or (reglage["NAME"] == ":memory:" and ":memory:" not in url):
            raise BaseDonneesInvalide(
                f"{VARIABLE_URL} : le fichier SQLite n'est pas indiqué (sqlite:////chemin/absolu)."
            )
        return _sqlite(str(reglage["NAME"]), reglage.get("OPTIONS"))
    if not reglage.get("NAME"):
        raise BaseDonneesInvalide(
            f"{VARIABLE_URL} : le nom de la base PostgreSQL manque (…/nom-de-la-base)."
        )
    reglage["ENGINE"] = "django.db.backends.postgresql"
    reglage.setdefault("OPTIONS", {}).setdefault("connect_timeout", ATTENTE_CONNEXION_S)
    return reglage


def _sqlite(nom: str, options: dict | None = None) -> dict:
    """WAL (readers never wait for the writer), FULL sync (a committed change survives a power
    cut) and IMMEDIATE transactions: a transaction takes the write lock when it begins, so two
    processes never both read a free anomaly number, and a busy file is waited for. The price:
    even a read-only ``atomic()`` block takes the write lock, so reads are made outside
    transactions (recette/modeles/lecture.py), where WAL never makes them wait."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": nom,
        "OPTIONS": {
            **(options or {}),
            "timeout": ATTENTE_VERROU_S,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
        },
    }


def decrire(reglage: dict) -> str:
    """Where the data lives, for a person; never the password."""
    if reglage["ENGINE"].endswith("sqlite3"):
        return f"SQLite {reglage['NAME']}"
    hote = reglage.get("HOST") or "localhost"
    port = f":{reglage['PORT']}" if reglage.get("PORT") else ""
    return f"PostgreSQL {reglage.get('NAME')} sur {hote}{port}"


# --- Django, once per process ---------------------------------------------------------------


def initialiser() -> None:
    """Loads the settings and the models; cheap after the first call, safe from any thread."""
    global _pret
    if _pret:
        return
    with _verrou:
        if _pret:
            return
        # Another project's settings module in the environment must not hijack the bench's.
        if not os.environ.get("DJANGO_SETTINGS_MODULE", "").startswith("recette."):
            os.environ["DJANGO_SETTINGS_MODULE"] = MODULE_REGLAGES
        import django
        from django.conf import settings

        reglage = settings.DATABASES["default"]
        if reglage["ENGINE"].endswith("sqlite3") and not str(reglage["NAME"]).startswith(
            (":memory:", "file:")
        ):
            # A folder that cannot be made is reported when the database is opened.
            with contextlib.suppress(OSError):
                Path(reglage["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        django.setup(set_prefix=False)  # no URL prefix outside a web server: spares django.urls
        _pret = True


def migrer() -> None:
    """Creates or upgrades the schema (and converts a former register found in the database).

    One process at a time: two commands started together on a new database would otherwise
    both plan the same migrations and the second would fail creating existing tables. The
    second waits, then finds nothing left to do."""
    initialiser()
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        with _un_seul_migrateur():
            call_command("migrate", verbosity=0, interactive=False)
    except DatabaseError as exc:
        raise BaseDonneesInvalide(_injoignable(exc), _raison(exc)) from None


@contextmanager
def _un_seul_migrateur() -> Iterator[None]:
    """PostgreSQL: a session advisory lock; SQLite: a lock on a file beside the database (the
    database's own write lock is taken and released by each migration's transaction)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SELECT pg_advisory_lock(%s)", [CLE_VERROU_MIGRATION])
        try:
            yield
        finally:
            with connection.cursor() as curseur:
                curseur.execute("SELECT pg_advisory_unlock(%s)", [CLE_VERROU_MIGRATION])
        return
    nom = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or nom.startswith((":memory:", "file:")):
        yield
        return
    import fcntl

    with open(f"{nom}.migration", "a") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(verrou, fcntl.LOCK_UN)


def est_a_jour() -> bool:
    """Every migration of the bench's models is applied (one query; no migration file loaded);
    a database migrated by a newer bench is refused."""
    initialiser()
    from django.db import DatabaseError, connection

    dossier = Path(__file__).resolve().parent / "modeles" / "migrations"
    attendues = {p.stem for p in dossier.glob("[0-9][0-9][0-9][0-9]_*.py")}
    try:
        with connection.cursor() as curseur:
            if "django_migrations" not in connection.introspection.table_names(curseur):
                return False
            curseur.execute("SELECT name FROM django_migrations WHERE app = %s", [APPLICATION])
            appliquees = {ligne[0] for ligne in curseur.fetchall()}
    except DatabaseError as exc:
        raise BaseDonneesInvalide(_injoignable(exc), _raison(exc)) from None
    inconnues = sorted(appliquees - attendues)
    if inconnues:
        # As the former register refused a newer schema: misreading it would be worse.
        from django.conf import settings

        raise BaseDonneesInvalide(
            f"La base {decrire(settings.DATABASES['default'])} a été mise à jour par une version "
            f"plus récente du banc (migration {inconnues[-1]} inconnue) : mettez le banc à jour."
        )
    return attendues <= appliquees


def preparer() -> None:
    """The database ready for use: set up, and migrated if a migration is missing."""
    if not est_a_jour():
        migrer()


def basculer(url: str | None) -> None:
    """Points this process at another database (``None``: the environment's). For the tests,
    which run the same models on SQLite and on PostgreSQL in one process: connections of the
    calling thread are closed first; other threads must have closed theirs."""
    environ = dict(os.environ)
    environ.pop(VARIABLE_URL, None)
    if url:
        environ[VARIABLE_URL] = url
    _pointer(base_de_donnees(environ))


def ouvrir(chemin: Path | str) -> str:
    """The database ready for use (migrated if needed, a former register converted): the
    SQLite file ``chemin``, unless ``RECETTE_BASE_URL`` names the database. One process may open
    several files in turn (the tests, a command given another file); returns where the data
    lives, for messages."""
    initialiser()
    from django.conf import settings

    if not (os.environ.get(VARIABLE_URL) or "").strip():
        voulu = _sqlite(str(Path(chemin).absolute()))
        actuel = settings.DATABASES["default"]
        if (actuel["ENGINE"], str(actuel["NAME"])) != (voulu["ENGINE"], voulu["NAME"]):
            Path(voulu["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            _pointer(voulu)
    if not est_a_jour():
        _refuser_une_autre_base()
        migrer()
    return decrire(settings.DATABASES["default"])


def _refuser_une_autre_base() -> None:
    """A SQLite file holding tables, but neither the bench's nor a former register's, is some
    other program's: the bench writes nothing into it (the former register refused it too)."""
    from django.conf import settings
    from django.db import DatabaseError, connection

    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as curseur:
            tables = set(connection.introspection.table_names(curseur))
    except DatabaseError as exc:
        raise BaseDonneesInvalide(_injoignable(exc), _raison(exc)) from None
    if tables and not tables & {"django_migrations", "meta"}:
        raise BaseDonneesInvalide(
            f"{settings.DATABASES['default']['NAME']} contient une autre base que celle du banc "
            "(registre des anomalies) : rien n'y a été écrit ; corrigez RECETTE_BASE."
        )


def _pointer(reglage: dict) -> None:
    initialiser()
    from asgiref.local import Local
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"] = reglage
    # Django caches the connection settings and the thread's connection; both are rebuilt.
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)


def _raison(exc: Exception) -> str:
    # The driver's first line says why (refused, unknown database, denied) without the password.
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _injoignable(exc: Exception) -> str:
    from django.conf import settings

    return (
        f"Base de données inutilisable ({decrire(settings.DATABASES['default'])}) : {_raison(exc)}"
    )
