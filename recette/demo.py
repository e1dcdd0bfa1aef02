"""Starting and stopping the embedded demo solution, as a real server process on 127.0.0.1."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from recette.erreurs import RecetteErreur

_URL = re.compile(r"(http://127\.0\.0\.1:\d+/)")


class DemoImpossible(RecetteErreur):
    pass


def secrets_aleatoires(variables: tuple[str, ...]) -> dict[str, str]:
    """Secrets for one demo run: those already in the environment (a test sets unique values
    and scans every output for them), else fresh ones nobody knows. PINs are long enough that
    they cannot be mistaken for a year or a time stamp."""
    valeurs = {}
    for variable in variables:
        if os.environ.get(variable):
            valeurs[variable] = os.environ[variable]  # chosen by whoever runs the demo
        elif "_PIN_" in variable:
            valeurs[variable] = "".join(secrets.choice("0123456789") for _ in range(8))
        else:
            valeurs[variable] = "mdp-" + secrets.token_urlsafe(12)
    return valeurs


@dataclass
class Demo:
    url: str
    processus: subprocess.Popen
    base: Path
    edition: str
    defauts: tuple[str, ...]
    sortie: list[str] = field(default_factory=list)

    def arreter(self) -> None:
        if self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()

    def __enter__(self) -> Demo:
        return self

    def __exit__(self, *exc) -> None:
        self.arreter()


def demarrer(
    edition: str = "a",
    defauts: tuple[str, ...] = (),
    base: Path | None = None,
    port: int = 0,
    environnement: dict[str, str] | None = None,
    delai: float = 60.0,
) -> Demo:
    if base is None:
        base = Path(tempfile.mkdtemp(prefix="recette-demo-")) / "msp-demo.sqlite"
    commande = [sys.executable, "-m", "demo_solution", "--edition", edition, "--port", str(port)]
    commande += ["--base", str(base)]
    if defauts:
        commande += ["--defauts", ",".join(defauts)]
    processus = subprocess.Popen(
        commande,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(environnement or {}), "PYTHONUNBUFFERED": "1"},
    )
    sortie: list[str] = []
    trouve: list[str] = []
    pret = threading.Event()

    def lire():
        assert processus.stdout is not None
        for ligne in processus.stdout:
            sortie.append(ligne.rstrip())
            if not trouve and (m := _URL.search(ligne)):
                trouve.append(m.group(1))
                pret.set()
        pret.set()

    threading.Thread(target=lire, daemon=True).start()
    pret.wait(delai)
    if not trouve:
        if processus.poll() is None:
            processus.kill()
        detail = " / ".join(sortie[-5:]) or "aucune sortie"
        raise DemoImpossible(f"La solution de démonstration n'a pas démarré ({detail}).")
    return Demo(trouve[0], processus, base, edition, tuple(defauts), sortie)
