"""Serve the demo application with waitress until SIGTERM or SIGINT."""

import logging
import signal
import sys
from collections.abc import Callable

from waitress import create_server

from .application import create_app

HOTE = "127.0.0.1"


def _arreter(_signum, _frame):
    # waitress's run() loop turns SystemExit into a clean close of sockets and threads.
    raise SystemExit(0)


def serve(
    edition: str = "a",
    defauts=(),
    db_path=None,
    port: int = 0,
    reinitialiser: bool = False,
    annoncer: Callable[[str], None] | None = None,
    vide: bool = False,
) -> None:
    """Block serving on 127.0.0.1; ``port=0`` lets the OS choose a free port.

    Once listening, ``annoncer`` receives the base URL (default: one line on stdout, which
    the bench and the tests read to find the port).
    """
    app = create_app(edition, defauts, db_path, reinitialiser=reinitialiser, vide=vide)
    # Under the bench's load tests a queued request is normal, not worth a warning line each.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    serveur = create_server(app, host=HOTE, port=port, threads=16)
    url = f"http://{HOTE}:{serveur.effective_port}/"
    signal.signal(signal.SIGTERM, _arreter)
    signal.signal(signal.SIGINT, _arreter)
    if annoncer is None:
        print(f"Solution de démonstration prête : {url}", flush=True)
    else:
        annoncer(url)
    try:
        serveur.run()
    finally:
        serveur.close()
        sys.stdout.flush()
