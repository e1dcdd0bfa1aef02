"""Pivot CSV files as plain text rows, as an import or an export holds them.

The reprise and réversibilité checks compare what a solution returns with the files it was
given, value by value, so they read both sides as text (no typing, no validation beyond the
header) and keep each row's line number, which an import report refers to.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from recette.donnees.identite import trait_ins
from recette.erreurs import PivotInvalide


@dataclass(frozen=True)
class Ligne:
    numero: int  # physical line of the record's end in its file; the header is line 1
    valeurs: dict[str, str]

    def __getitem__(self, colonne: str) -> str:
        return self.valeurs.get(colonne, "")


@dataclass(frozen=True)
class Table:
    nom: str  # file name, for messages
    entetes: tuple[str, ...]
    lignes: tuple[Ligne, ...]

    def __len__(self) -> int:
        return len(self.lignes)


def lire_texte_csv(texte: str, nom: str) -> Table:
    lecteur = csv.reader(io.StringIO(texte, newline=""))
    try:
        entetes = tuple(e.strip() for e in next(lecteur))
    except StopIteration:
        raise PivotInvalide([f"{nom} : fichier vide, ligne d'en-tête absente"]) from None
    except csv.Error as exc:
        raise PivotInvalide([f"{nom}, ligne 1 : en-tête illisible ({exc})"]) from None
    lignes = []
    try:
        for valeurs in lecteur:
            if not any(v.strip() for v in valeurs):
                continue
            lignes.append(
                Ligne(
                    lecteur.line_num,
                    {e: (valeurs[i] if i < len(valeurs) else "") for i, e in enumerate(entetes)},
                )
            )
    except csv.Error as exc:
        raise PivotInvalide([f"{nom}, ligne {lecteur.line_num} : CSV illisible ({exc})"]) from None
    return Table(nom, entetes, tuple(lignes))


def lire_octets_csv(contenu: bytes, nom: str) -> Table:
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        ligne = contenu[: exc.start].count(b"\n") + 1
        raise PivotInvalide(
            [f"{nom}, ligne {ligne} : le fichier n'est pas encodé en UTF-8 (octet {exc.start})"]
        ) from None
    return lire_texte_csv(texte, nom)


def lire_csv(chemin: Path, exiger: tuple[str, ...] = ()) -> Table:
    """A pivot CSV file; `exiger` lists columns that must be in its header."""
    chemin = Path(chemin)
    if not chemin.is_file():
        raise PivotInvalide([f"{chemin} : fichier introuvable"], str(chemin.parent))
    table = lire_octets_csv(chemin.read_bytes(), chemin.name)
    absentes = [c for c in exiger if c not in table.entetes]
    if absentes:
        raise PivotInvalide(
            [f"{chemin.name}, ligne 1 : colonne(s) absente(s) : {', '.join(absentes)}"],
            str(chemin.parent),
        )
    return table


def ecrire_csv(entetes: tuple[str, ...], lignes: list[Ligne]) -> tuple[bytes, dict[int, Ligne]]:
    """UTF-8 CSV bytes of `lignes` under `entetes`, and which line of the written file ends
    each row (a value holding a line break spans several lines)."""
    morceaux: list[str] = []
    tampon = io.StringIO()
    # Pivot and vendor files round-trip exactly, so no formula neutralisation here (see
    # recette.documents.tableurs for the spreadsheets made for people).
    ecrivain = csv.writer(tampon, lineterminator="\n")

    def rendre(valeurs) -> str:
        tampon.seek(0)
        tampon.truncate()
        ecrivain.writerow(valeurs)
        morceaux.append(tampon.getvalue())
        return morceaux[-1]

    numero = rendre(entetes).count("\n")
    positions: dict[int, Ligne] = {}
    for ligne in lignes:
        numero += rendre([ligne[e] for e in entetes]).count("\n")
        positions[numero] = ligne
    return "".join(morceaux).encode("utf-8"), positions


# --- identity --------------------------------------------------------------------------------

_FORMATS_DATE = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")


def date_iso(texte: str) -> str | None:
    """A date in any usual written form as AAAA-MM-JJ; None when it is not a date."""
    brut = (texte or "").strip()
    if not brut:
        return None
    brut = re.split(r"[T ]", brut, maxsplit=1)[0] if re.match(r"\d{4}-", brut) else brut
    for format_ in _FORMATS_DATE:
        try:
            return dt.datetime.strptime(brut, format_).date().isoformat()
        except ValueError:
            continue
    return None


def premier_prenom(prenoms: str) -> str:
    mots = (prenoms or "").replace(",", " ").split()
    return mots[0] if mots else ""


def cle_identite(ligne: Ligne | dict[str, str]) -> tuple[str, str, str, str, str]:
    """The INS identity traits of a patient row: birth name, first given name, birth date, sex
    and birth place (its INSEE code, else its name), in the INS written form."""
    valeurs = ligne.valeurs if isinstance(ligne, Ligne) else ligne
    date = valeurs.get("date_naissance", "")
    lieu = valeurs.get("code_lieu_naissance", "").strip().upper() or trait_ins(
        valeurs.get("lieu_naissance", "")
    )
    return (
        trait_ins(valeurs.get("nom_naissance", "")),
        trait_ins(premier_prenom(valeurs.get("prenoms", ""))),
        date_iso(date) or date.strip(),
        valeurs.get("sexe", "").strip().upper(),
        lieu,
    )


def libelle_patient(ligne: Ligne | dict[str, str]) -> str:
    """« DUPONT Jean, né le 30/09/1955 à Lyon » for a report."""
    valeurs = ligne.valeurs if isinstance(ligne, Ligne) else ligne
    nom = (valeurs.get("nom_naissance") or "").strip()
    prenom = premier_prenom(valeurs.get("prenoms", ""))
    accord = "née" if valeurs.get("sexe", "").strip().upper() == "F" else "né"
    date = date_iso(valeurs.get("date_naissance", ""))
    texte = f"{nom} {prenom}".strip() or "(sans nom)"
    if date:
        texte += f", {accord} le {dt.date.fromisoformat(date).strftime('%d/%m/%Y')}"
    lieu = (valeurs.get("lieu_naissance") or "").strip()
    if lieu:
        texte += f" à {lieu}"
    return texte
