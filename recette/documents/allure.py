"""The Allure HTML report of a séance, built offline into one file, with no script, font or
tracker from another host (a health centre's report makes no call outside)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from recette.erreurs import RecetteErreur

# Any reference to another host in a tag that the browser would load by itself.
_EXTERNE = re.compile(
    r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"'](https?:)?//[^\"']+[\"'][^>]*>"
    r"(?:\s*</script>)?",
    re.IGNORECASE,
)
_SCRIPT_ANALYTIQUE = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*(googletagmanager|google-analytics|gtag\()"
    r"(?:(?!</script>).)*</script>",
    re.IGNORECASE | re.DOTALL,
)


class RapportImpossible(RecetteErreur):
    pass


def executable_allure(racine: Path) -> str:
    local = racine / "node_modules" / ".bin" / "allure"
    if local.exists():
        return str(local)
    trouve = shutil.which("allure")
    if trouve:
        return trouve
    raise RapportImpossible(
        "Le générateur de rapports Allure n'est pas installé : lancez « npm install » à la "
        "racine du projet (il faut aussi Java 17 : apt-get install openjdk-17-jre-headless)."
    )


def nettoyer_html(html: str) -> str:
    html = _SCRIPT_ANALYTIQUE.sub("", html)
    return _EXTERNE.sub("", html)


def appels_externes(html: str) -> list[str]:
    """What in a page would make the browser call another host."""
    trouves = [m.group(0)[:120] for m in _EXTERNE.finditer(html)]
    trouves += [m.group(0)[:120] for m in _SCRIPT_ANALYTIQUE.finditer(html)]
    return trouves


def generer(racine: Path, resultats: Path, destination: Path, nom: str) -> Path:
    """Builds into a temporary folder, cleans, checks, then moves into place."""
    if not resultats.is_dir() or not any(resultats.glob("*-result.json")):
        raise RapportImpossible(
            f"Aucun résultat Allure dans {resultats} : la séance n'a rien produit."
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    travail = Path(tempfile.mkdtemp(prefix=".rapport-", dir=destination.parent))
    try:
        sortie = travail / "rapport"
        commande = [
            executable_allure(racine),
            "generate",
            "--single-file",
            "--clean",
            "--lang",
            "fr",
            "--name",
            nom,
            "-o",
            str(sortie),
            str(resultats),
        ]
        environnement = {**os.environ, "ALLURE_NO_ANALYTICS": "true"}
        try:
            execution = subprocess.run(
                commande, capture_output=True, text=True, env=environnement, timeout=300
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RapportImpossible(
                f"Le générateur Allure n'a pas pu s'exécuter : {exc}."
            ) from None
        if execution.returncode != 0:
            raise RapportImpossible(
                "Le générateur Allure a échoué : "
                + (execution.stderr or execution.stdout).strip()[-500:]
            )
        for page in sortie.rglob("*.html"):
            propre = nettoyer_html(page.read_text(encoding="utf-8"))
            restants = appels_externes(propre)
            if restants:
                raise RapportImpossible(
                    f"{page.name} appelle encore un hôte extérieur : {restants[0]}"
                )
            page.write_text(propre, encoding="utf-8")
        if destination.exists():
            shutil.rmtree(destination)
        os.replace(sortie, destination)
    finally:
        shutil.rmtree(travail, ignore_errors=True)
    return destination / "index.html"
