"""The deduplication signature of a failure: the same scenario failing at the same step for the
same reason is the same anomaly, whatever the séance, the port, the patient id or the hour.

Pure functions: a text in, a text out. The signature is a SHA-256 of three parts:

- the scenario's identity: its full name (feature file and title) followed by its example
  values, so that each line of an Examples table is its own scenario;
- the text of the failing step, whitespace collapsed only (it is the référent's sentence, with
  the example values substituted: a step that differs is a different expectation);
- the error message, normalised: ANSI colours, URL ports, UUIDs, dates, times, hexadecimal
  values and numbers are replaced by placeholders and whitespace is collapsed, because they
  change from one run to the next without changing the fault.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from recette.resultats import Resultat

# Separates the three parts in the hashed text; it cannot appear in a normalised part.
_SEPARATEUR = "\x1f"

# Order matters: a URL's port and a UUID go before the numbers they contain are replaced.
_REMPLACEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Playwright colours its messages for the terminal.
    (re.compile(r"\x1b\[[0-9;]*[A-Za-z]"), ""),
    # http://127.0.0.1:53211/patients → http://127.0.0.1/patients (the host stays: a wrong host
    # is a different fault; its address digits go with the numbers below).
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s/:@]+(?:@[^\s/:]+)?):\d+", re.I), r"\1"),
    (
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
        "<id>",
    ),
    # 2026-12-24, 2026-12-24T16:00:00+01:00 (the time part is taken by the next rule), 24/12/2026.
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?=\b|T)"), "<date>"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), "<date>"),
    # 16:00, 16:00:05, 16:00:05.123, T16:00:05Z, 16 h 00.
    (
        re.compile(r"(?:\bT|\b)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"),
        "<heure>",
    ),
    (re.compile(r"\b\d{1,2} ?h ?\d{2}\b"), "<heure>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<hex>"),
    # A run of 8+ hex digits holding at least one digit and one letter: a hash, an object id.
    (re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", re.I), "<hex>"),
    # Numbers, glued to words too (« id42 », « 5000ms »): a count or an id is not the fault.
    (re.compile(r"\d+(?:[.,]\d+)*"), "<n>"),
    (re.compile(r"\s+"), " "),
)


def normaliser_message(message: str) -> str:
    """The error message with what changes from run to run replaced by placeholders."""
    texte = unicodedata.normalize("NFC", message or "")
    for motif, remplacement in _REMPLACEMENTS:
        texte = motif.sub(remplacement, texte)
    return texte.strip()


def normaliser_etape(etape: str | None) -> str:
    """The failing step as written, whitespace collapsed; no step (a setup error) is empty."""
    return " ".join(unicodedata.normalize("NFC", etape or "").split())


def identite_scenario(nom: str, parametres: Iterable[tuple[str, str]] = ()) -> str:
    """« dossier/x.feature:Titre [profil=médecin, fonction=agenda] »: an Examples line is its
    own scenario, so its values are part of the name (in the table's column order)."""
    nom = " ".join(unicodedata.normalize("NFC", nom).split())
    valeurs = ", ".join(f"{cle}={valeur}" for cle, valeur in parametres)
    return f"{nom} [{valeurs}]" if valeurs else nom


def identite_resultat(resultat: Resultat) -> str:
    return identite_scenario(resultat.nom_complet or resultat.nom, resultat.parametres)


def signature(scenario: str, etape: str | None, message: str) -> str:
    """SHA-256 (hex) of the scenario identity, the failing step and the normalised message."""
    texte = _SEPARATEUR.join(
        (identite_scenario(scenario), normaliser_etape(etape), normaliser_message(message))
    )
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()


def signature_resultat(resultat: Resultat) -> str:
    return signature(identite_resultat(resultat), resultat.etape_en_echec, resultat.message)
