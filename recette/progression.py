"""A pytest plugin loaded into the séance's subprocess: one machine-readable line per event on
stdout, so that the CLI can draw a French progress bar while pytest runs."""

from __future__ import annotations

import json

MARQUE = "RECETTE::"
_travailleur = False
_config = None


def pytest_configure(config):
    global _travailleur, _config
    # Under xdist the controller speaks for everyone; a worker's stdout is not ours.
    _travailleur = hasattr(config, "workerinput")
    _config = config


def _dire(**evenement) -> None:
    # pytest captures sys.stdout during tests; its terminal writer keeps the real one.
    if _config is not None:
        _config.get_terminal_writer().write(
            MARQUE + json.dumps(evenement, ensure_ascii=False) + "\n", flush=True
        )


def pytest_collection_finish(session):
    if not _travailleur:
        _dire(evenement="total", n=len(session.items))


def pytest_xdist_node_collection_finished(node, ids):
    _dire(evenement="total", n=len(ids))


def pytest_runtest_logreport(report):
    if _travailleur:
        return
    termine = report.when == "call" or (report.when == "setup" and not report.passed)
    if termine:
        statut = "passed" if report.passed else ("skipped" if report.skipped else "failed")
        _dire(evenement="resultat", nom=report.nodeid.split("::")[-1], statut=statut)
