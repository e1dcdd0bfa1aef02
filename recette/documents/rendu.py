"""What every derived document shares: the Jinja2 environment of `templates/`, the French way
of writing moments, counts and percentages, the PDF rendering and the atomic write.

Documents are derived, never edited: the same facts must give the same bytes. Nothing here reads
the clock; a PDF's dates and identifier come from the document itself."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from recette.anomalies import cycle
from recette.delais import date_en_francais, moment_en_francais

MODELES = Path(__file__).parent / "templates"
# PDF/A-3b: the archival profile that also allows attached files (the manifest, later on).
VARIANTE_PDF = "pdf/a-3b"


def ecrire_atomiquement(destination: Path, ecrire: Callable[[Path], None]) -> Path:
    """Writes through a temporary file beside the destination, then renames it into place, so a
    reader never sees half a document."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    descripteur, nom = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    os.close(descripteur)
    temporaire = Path(nom)
    try:
        ecrire(temporaire)
        # mkstemp makes the file private; a document is meant to be read by others.
        temporaire.chmod(0o644)
        os.replace(temporaire, destination)
    finally:
        temporaire.unlink(missing_ok=True)
    return destination


def ecrire_texte(destination: Path, texte: str, encodage: str = "utf-8") -> Path:
    donnees = texte.encode(encodage)
    return ecrire_atomiquement(destination, lambda chemin: chemin.write_bytes(donnees))


def ecrire_pdf(html: str, destination: Path) -> Path:
    """The PDF of a self-contained page, as PDF/A-3b. Its identifier is the page's hash, and its
    date comes from the page's ``dcterms.created`` meta, so the same page gives the same PDF."""
    from weasyprint import HTML

    identifiant = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    donnees = HTML(string=html).write_pdf(pdf_variant=VARIANTE_PDF, pdf_identifier=identifiant)
    return ecrire_atomiquement(destination, lambda chemin: chemin.write_bytes(donnees))


# --- French writing ---------------------------------------------------------------------------


def court(moment: datetime | None) -> str:
    """« 24/12/2026 16:00 »; « — » when there is no moment."""
    return moment.strftime("%d/%m/%Y %H:%M") if moment else "—"


def long(moment: datetime | None) -> str:
    """« jeudi 24 décembre 2026 à 16 h 00 »."""
    return moment_en_francais(moment) if moment else "—"


def jour_long(jour: date | datetime | None) -> str:
    if jour is None:
        return "—"
    return date_en_francais(jour.date() if isinstance(jour, datetime) else jour)


def pourcent(valeur: float | None) -> str:
    """French percentage with a narrow no-break space: « 42 % »; « — » when meaningless."""
    return "—" if valeur is None else f"{valeur:.0f}\u202f%"


def nombre(n: int, singulier: str, pluriel: str | None = None) -> str:
    """« 1 anomalie », « 3 anomalies », « 0 anomalie » (French keeps zero singular)."""
    return f"{n} {singulier if n <= 1 else (pluriel or singulier + 's')}"


def libelle_statut(statut) -> str:
    return cycle.libelle(statut)


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def chaine_css(texte: str) -> Markup:
    """A CSS string for a page footer: quoted, escaped, and unable to close the style element."""
    echappe = str(texte).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return Markup(f'"{echappe}"')


@lru_cache(maxsize=1)
def environnement() -> Environment:
    env = Environment(
        loader=FileSystemLoader(MODELES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters.update(
        court=court,
        long=long,
        jour_long=jour_long,
        pourcent=pourcent,
        statut=libelle_statut,
        iso=iso,
        css=chaine_css,
    )
    env.globals.update(nombre=nombre)
    return env


def rendre(modele: str, **contexte) -> str:
    return environnement().get_template(modele).render(**contexte)
