"""Checks shared by the web forms and the pivot import: NIR, RPPS, dates, contact details.

Each check returns ``None`` when the value is acceptable, else a short French reason; the
callers turn it into a per-field message (forms) or a rejected-line motif (import).
"""

import datetime as dt
import re
import unicodedata

DATE_MIN = dt.date(1900, 1, 1)
_COURRIEL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_NIR = re.compile(r"^[12]\d{4}(\d{2}|2A|2B)\d{8}$")


def sans_accents(texte: str | None) -> str:
    """Lower-case, accent-free form used for searching and sorting names."""
    if texte is None:
        return ""
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def majuscules_sans_accents(texte: str | None) -> str:
    """Capitals without diacritics, as identity-vigilance writes a family name (« LEFEVRE »)."""
    if texte is None:
        return ""
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).upper()


def cle_nir(treize: str) -> int:
    """Key of a NIR from its first 13 characters (Corsica: 2A counts as 19, 2B as 18)."""
    chiffres = treize.upper().replace("2A", "19").replace("2B", "18")
    return 97 - (int(chiffres) % 97)


def fabriquer_nir(sexe: str, naissance: dt.date, code_lieu: str, ordre: int) -> str:
    """Coherent NIR for a person born in France in the commune whose INSEE code is given."""
    treize = f"{1 if sexe == 'M' else 2}{naissance:%y%m}{code_lieu}{ordre:03d}"
    return f"{treize}{cle_nir(treize):02d}"


def normaliser_nir(valeur: str) -> str:
    return re.sub(r"\s", "", valeur or "").upper()


def controle_nir(nir: str, sexe: str | None) -> str | None:
    """``nir`` must already be normalised; ``sexe`` is M, F or empty (then not compared)."""
    if not _NIR.match(nir):
        return "Le NIR doit comporter 15 caractères (chiffres, ou 2A / 2B pour la Corse)."
    if int(nir[13:]) != cle_nir(nir[:13]):
        return "La clé du NIR est incorrecte."
    if sexe in ("M", "F") and nir[0] != ("1" if sexe == "M" else "2"):
        return "Le premier chiffre du NIR ne correspond pas au sexe indiqué."
    return None


def cle_luhn(chiffres: str) -> int:
    """Digit to append so that the whole number passes the Luhn check."""
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        valeur = int(caractere)
        if rang % 2 == 0:
            valeur *= 2
            if valeur > 9:
                valeur -= 9
        total += valeur
    return (10 - total % 10) % 10


def luhn_valide(numero: str) -> bool:
    return numero.isdigit() and cle_luhn(numero[:-1]) == int(numero[-1])


def lire_date(valeur: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(valeur)
    except (TypeError, ValueError):
        return None


def controle_date_naissance(valeur: str) -> str | None:
    if not valeur:
        return "La date de naissance est obligatoire."
    date = lire_date(valeur)
    if date is None or not re.match(r"^\d{4}-\d{2}-\d{2}$", valeur):
        return "La date de naissance n'est pas une date valide (format attendu : AAAA-MM-JJ)."
    if date > dt.date.today():
        return "La date de naissance ne peut pas être dans le futur."
    if date < DATE_MIN:
        return "La date de naissance doit être postérieure au 01/01/1900."
    return None


def normaliser_telephone(valeur: str) -> str:
    chiffres = re.sub(r"\s", "", valeur or "")
    if len(chiffres) == 10 and chiffres.isdigit():
        return " ".join(chiffres[i : i + 2] for i in range(0, 10, 2))
    return (valeur or "").strip()


def controle_telephone(valeur: str) -> str | None:
    chiffres = re.sub(r"\s", "", valeur)
    if len(chiffres) != 10 or not chiffres.isdigit():
        return "Le téléphone doit comporter 10 chiffres (les espaces sont acceptés)."
    return None


def controle_code_postal(valeur: str) -> str | None:
    if not re.fullmatch(r"\d{5}", valeur):
        return "Le code postal doit comporter 5 chiffres."
    return None


def controle_courriel(valeur: str) -> str | None:
    if not _COURRIEL.match(valeur):
        return "Le courriel n'est pas valide (exemple : prenom.nom@exemple.fr)."
    return None


def date_fr(valeur: str | None) -> str:
    """ISO date or datetime → JJ/MM/AAAA (empty stays empty)."""
    if not valeur:
        return ""
    return f"{valeur[8:10]}/{valeur[5:7]}/{valeur[0:4]}"


def date_heure_fr(valeur: str | None) -> str:
    """ISO datetime → JJ/MM/AAAA HH:MM."""
    if not valeur:
        return ""
    return f"{date_fr(valeur)} {valeur[11:16]}"
