"""The Allure HTML report of a séance, built offline into one file, with no script, font or
tracker from another host (a health centre's report makes no call outside).

The generator's own page is cleaned after generation, but what the results say is rendered by
the report's script when the page is opened (a Markdown image in a description becomes an
`<img>` then), out of reach of any scan of the file. So the results are neutralised BEFORE
generation, on a copy (a sealed séance is never rewritten): descriptions lose the Markdown and
HTML that would make a link or an image, HTML and SVG attachments are shown as text, and every
URL of another host is defanged (`http[:]//…`) wherever it stands, readable but not fetchable.
Relative and `file:` links (the evidence under `preuves/`) are kept. The page also carries a
Content-Security-Policy that allows nothing but the page itself: a second wall for whatever the
first one missed."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from recette.documents import tableurs
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


# The colon of a URL of another host in text (`http://`, `https:\\\\`, `wss :/`).
_SCHEMA_DISTANT = re.compile(r"\b(https?|wss?|ftps?)\s*:(?=\s*[/\\])", re.IGNORECASE)
# What CommonMark would turn into a link, an image, raw HTML or an entity (`&#104;ttp`).
_MARKDOWN_ACTIF = re.compile(r"([\\\[\]<>&!`])")
# Attachments the report renders as a page or an image of their own: shown as text instead.
_TYPES_ACTIFS = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/uri-list",
    "text/xml",
    "application/xml",
}
# The page may run its own inline scripts and show its embedded data; it may load nothing.
POLITIQUE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' data: blob:; "
    "style-src 'unsafe-inline' data: blob:; img-src data: blob: file:; "
    "media-src data: blob: file:; font-src data:; connect-src data: blob: file:; "
    "frame-src data: blob: file:; object-src 'none'; base-uri 'none'; form-action 'none'"
)
_META_CSP = f'<meta http-equiv="Content-Security-Policy" content="{POLITIQUE_CSP}">'
# The CSV exports the single-file report offers for download, embedded as base64.
_CSV_EMBARQUE = re.compile(r"d\('(data/[^']+\.csv)','([A-Za-z0-9+/=]*)'\)")


class RapportImpossible(RecetteErreur):
    pass


def desamorcer(texte: str) -> str:
    """Text with every URL of another host defanged: `http://h/x` becomes `http[:]//h/x`."""
    return _SCHEMA_DISTANT.sub(r"\1[:]", texte)


def desamorcer_markdown(texte: str) -> str:
    """A description as inert Markdown: it still reads the same (emphasis, lists and
    paragraphs stay), but no link, image, HTML tag or entity can be formed."""
    return _MARKDOWN_ACTIF.sub(r"\\\1", desamorcer(texte))


def _lien_local(url: str) -> bool:
    """A relative path, or a `file:` URL of this machine: the evidence links of a séance."""
    # Browsers drop tabs and line breaks from URLs and read « \\ » as « / ».
    brut = re.sub(r"[\t\n\r]", "", url).strip().replace("\\", "/")
    if brut.startswith("//"):
        return False
    schema = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", brut)
    return schema is None or re.match(r"(?i)file:(///|/?[^/])", brut) is not None


def _neutraliser(valeur: Any, actifs: set[str], cle: str = "") -> Any:
    """One value of a result or container, recursively (see the module's docstring)."""
    if isinstance(valeur, str):
        return desamorcer_markdown(valeur) if cle == "description" else desamorcer(valeur)
    if isinstance(valeur, list):
        return [_neutraliser(v, actifs, cle) for v in valeur]
    if not isinstance(valeur, dict):
        return valeur
    objet = dict(valeur)
    if "descriptionHtml" in objet:
        # HTML cannot be made safe by patching it: its source is shown as text instead.
        html = str(objet.pop("descriptionHtml") or "")
        objet["description"] = "\n\n".join(t for t in (objet.get("description"), html) if t)
    if cle == "links" and "url" in objet:
        # A link to another host keeps its text (defanged) but no longer leads anywhere.
        url = str(objet["url"] or "")
        lien = {k: _neutraliser(v, actifs, k) for k, v in objet.items() if k != "url"}
        if _lien_local(url):
            return {**lien, "url": url}
        return {**lien, "name": f"{lien.get('name') or ''} {desamorcer(url)}".strip(), "url": ""}
    if "source" in objet and str(objet.get("type", "")).split(";")[0].strip() in _TYPES_ACTIFS:
        actifs.add(str(objet["source"]))
        objet["type"] = "text/plain"
        objet["source"] = f"{objet['source']}.txt"
    return {k: _neutraliser(v, actifs, k) for k, v in objet.items()}


def neutraliser_resultats(resultats: Path, copie: Path) -> Path:
    """A copy of an `allure-results` folder that the report can render without fetching
    anything: results and containers neutralised, active attachments turned into text,
    every other text file defanged; the original folder is only read."""
    copie.mkdir(parents=True, exist_ok=True)
    actifs: set[str] = set()
    for chemin in sorted(resultats.glob("*.json")):
        if not chemin.name.endswith(("-result.json", "-container.json")):
            continue
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
        (copie / chemin.name).write_text(
            json.dumps(_neutraliser(donnees, actifs), ensure_ascii=False), encoding="utf-8"
        )
    for chemin in sorted(resultats.iterdir()):
        cible = copie / chemin.name
        if cible.exists() or not chemin.is_file() or chemin.is_symlink():
            continue
        if chemin.name in actifs:
            texte = chemin.read_bytes().decode("utf-8", errors="replace")
            (copie / f"{chemin.name}.txt").write_text(desamorcer(texte), encoding="utf-8")
        elif chemin.suffix in (".json", ".properties", ".txt", ".csv", ".xml", ".md"):
            texte = chemin.read_bytes().decode("utf-8", errors="replace")
            cible.write_text(desamorcer(texte), encoding="utf-8")
        else:
            _lier_ou_copier(chemin, cible)
    return copie


def _lier_ou_copier(source: Path, cible: Path) -> None:
    """Screenshots, traces and videos are only read by the generator: a hard link spares
    copying them (a copy where the folders are on two file systems)."""
    try:
        os.link(source, cible)
    except OSError:
        shutil.copyfile(source, cible)


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


def _csv_neutralise(trouve: re.Match) -> str:
    """An embedded CSV export rewritten by the bench's spreadsheet writer: a scenario titled
    `=…` is text, not a formula, in the file Excel opens."""
    texte = base64.b64decode(trouve.group(2)).decode("utf-8", errors="replace")
    lignes = list(csv.reader(io.StringIO(texte, newline="")))
    if not lignes:
        return trouve.group(0)
    propre = tableurs.texte_csv(lignes[0], lignes[1:], separateur=",")
    return f"d('{trouve.group(1)}','{base64.b64encode(propre.encode('utf-8')).decode('ascii')}')"


def nettoyer_html(html: str) -> str:
    html = _SCRIPT_ANALYTIQUE.sub("", html)
    html = _EXTERNE.sub("", html)
    html = _CSV_EMBARQUE.sub(_csv_neutralise, html)
    if _META_CSP in html:
        return html
    return re.sub(r"<head\b[^>]*>", lambda m: m.group(0) + _META_CSP, html, count=1, flags=re.I)


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
            str(neutraliser_resultats(resultats, travail / "resultats")),
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
