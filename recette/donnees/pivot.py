"""The pivot format: one file per entity, written as CSV and JSON Lines (reading: lecture.py).

`format_pivot.yaml` is the single description of the format: the writers follow it, the reader
checks against it, and `dictionnaire.md` is rendered from it, so they cannot drift apart.

CSV: UTF-8 without BOM, comma separator, `"` quoting when needed, LF line ends, one header
line. JSON Lines (`.jsonl`): one JSON object per line, same keys as the CSV columns; empty
values are `null`, integer columns are numbers, yes/no columns are booleans. JSON Lines rather
than one JSON array, so that 100,000 patients are written and read one line at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from recette.donnees import referentiels
from recette.donnees.agenda import (
    Message,
    RendezVous,
    Tache,
    heure,
)
from recette.donnees.dossiers import (
    Consentement,
    ContactParent,
    Correspondant,
    Dossier,
    ElementMedical,
)
from recette.donnees.identite import (
    OID_INS_NIR,
    Patient,
    trait_ins,
)
from recette.donnees.professionnels import Professionnel
from recette.erreurs import ProfilDonneesInvalide

VERSION_FORMAT = 1
MANIFESTE = "manifeste.json"
DICTIONNAIRE = "dictionnaire.md"

FORMATS = {
    "identifiant": "texte sans espace",
    "texte": "texte libre",
    "date": "AAAA-MM-JJ",
    "datetime": "AAAA-MM-JJTHH:MM (heure de Paris)",
    "heure": "HH:MM (heure de Paris)",
    "entier": "entier positif",
    "enum": "une des valeurs listées",
    "nir": "15 caractères : sexe, année, mois, lieu (2A/2B pour la Corse), ordre, clé",
    "rpps": "11 chiffres, clé de Luhn",
    "code_lieu": "code COG à 5 caractères (99 + code pays à l'étranger)",
    "code_postal": "5 chiffres",
    "telephone": "10 chiffres commençant par 0, sans espace",
    "email": "adresse électronique",
    "prenoms": "prénoms séparés par une espace",
    "booleen": "oui / non (JSON : true / false)",
}


@dataclass(frozen=True, slots=True)
class Colonne:
    nom: str
    type: str
    obligatoire: bool
    description: str
    exemple: str
    valeurs: tuple[str, ...] = ()
    reference: tuple[str, str] | None = None  # (file, column) the value must exist in


@dataclass(frozen=True, slots=True)
class FichierPivot:
    nom: str
    description: str
    obligatoire: bool
    colonnes: tuple[Colonne, ...]
    cle: str | None = None

    @property
    def noms_colonnes(self) -> tuple[str, ...]:
        return tuple(c.nom for c in self.colonnes)


# Column order of each file, as the writers below produce it. `format_pivot.yaml` describes the
# same columns in the same order (checked when it loads); patients.csv's order is fixed by the
# import of the demo solution.
COLONNES: dict[str, tuple[str, ...]] = {
    "patients": (
        "id_patient", "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance",
        "code_lieu_naissance", "lieu_naissance", "nir", "adresse", "code_postal", "ville",
        "telephone", "email", "rpps_medecin_traitant", "consentement", "date_consentement",
    ),
    "identites_ins": (
        "id_patient", "statut_identite", "matricule_ins", "oid_ins", "nom_naissance",
        "prenoms_naissance", "premier_prenom", "sexe", "date_naissance", "code_lieu_naissance",
    ),
    "professionnels": (
        "id_professionnel", "nom", "prenom", "sexe", "profession", "libelle_profession", "rpps",
        "role", "email", "telephone",
    ),
    "elements_medicaux": ("id_patient", "type", "libelle", "date_debut"),
    "correspondants": (
        "id_patient", "role", "nom", "prenom", "specialite", "rpps", "telephone", "ville",
    ),
    "contacts_parents": ("id_patient", "lien", "nom", "prenom", "telephone"),
    "consentements": ("id_patient", "statut", "date", "recueilli_par"),
    "rendezvous": (
        "id_rendezvous", "id_patient", "id_professionnel", "date", "heure_debut", "heure_fin",
        "duree_minutes", "motif", "statut",
    ),
    "taches": (
        "id_tache", "id_patient", "libelle", "cree_par", "attribuee_a", "date_creation",
        "date_echeance", "statut", "priorite",
    ),
    "messages": (
        "id_message", "id_patient", "expediteur", "destinataire", "date_envoi", "objet", "corps",
        "lu",
    ),
}  # fmt: skip


def charger_schema(dossier: Path = referentiels.DOSSIER_FIXTURES) -> tuple[FichierPivot, ...]:
    """The pivot files described by `format_pivot.yaml`, checked against the writers' columns."""
    brut = referentiels.lire_yaml(dossier / "format_pivot.yaml")
    fichiers = []
    problemes = []
    for f in brut["fichiers"]:
        colonnes = []
        for c in f["colonnes"]:
            valeurs = c.get("valeurs") or ()
            if valeurs == "professions":
                valeurs = tuple(referentiels.professions(dossier))
            if c["type"] not in FORMATS:
                problemes.append(f"{f['nom']}.{c['nom']} : type « {c['type']} » inconnu")
            reference = tuple(c["reference"].split(".")) if c.get("reference") else None
            colonnes.append(
                Colonne(
                    nom=c["nom"],
                    type=c["type"],
                    obligatoire=bool(c["obligatoire"]),
                    description=str(c["description"]),
                    exemple=str(c["exemple"]),
                    valeurs=tuple(str(v) for v in valeurs),
                    reference=reference,
                )
            )
        fichier = FichierPivot(
            nom=f["nom"],
            description=str(f["description"]),
            obligatoire=bool(f["obligatoire"]),
            colonnes=tuple(colonnes),
            cle=f.get("cle"),
        )
        if COLONNES.get(fichier.nom) != fichier.noms_colonnes:
            problemes.append(
                f"{fichier.nom} : colonnes {', '.join(fichier.noms_colonnes)} ; attendues "
                f"{', '.join(COLONNES.get(fichier.nom, ()))}"
            )
        fichiers.append(fichier)
    if sorted(COLONNES) != sorted(f.nom for f in fichiers):
        problemes.append(f"fichiers décrits différents de {', '.join(COLONNES)}")
    if problemes:
        raise ProfilDonneesInvalide("format_pivot.yaml : " + " ; ".join(problemes))
    return tuple(fichiers)


SCHEMA: tuple[FichierPivot, ...] = charger_schema()
FICHIERS = {f.nom: f for f in SCHEMA}


# ---------------------------------------------------------------------------------------------
# Writing


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def ligne_patient(p: Patient) -> list[str]:
    return [
        p.id_patient,
        p.nom_naissance,
        p.nom_usage,
        " ".join(p.prenoms),
        p.sexe,
        p.date_naissance.isoformat(),
        p.code_lieu_naissance,
        p.lieu_naissance,
        p.nir,
        p.adresse,
        p.code_postal,
        p.ville,
        p.telephone,
        p.email,
        p.rpps_medecin_traitant,
        p.consentement,
        _date(p.date_consentement),
    ]


def ligne_identite_ins(p: Patient) -> list[str]:
    matricule = p.matricule_ins
    return [
        p.id_patient,
        p.statut_identite,
        matricule,
        OID_INS_NIR if matricule else "",
        trait_ins(p.nom_naissance),
        trait_ins(" ".join(p.prenoms)),
        trait_ins(p.premier_prenom),
        p.sexe,
        p.date_naissance.isoformat(),
        p.code_lieu_naissance,
    ]


def ligne_professionnel(p: Professionnel) -> list[str]:
    libelle = referentiels.professions()[p.profession].libelle
    return [
        p.id_professionnel,
        p.nom,
        p.prenom,
        p.sexe,
        p.profession,
        libelle,
        p.rpps,
        p.role,
        p.email,
        p.telephone,
    ]


def ligne_element(id_patient: str, e: ElementMedical) -> list[str]:
    return [id_patient, e.type, e.libelle, _date(e.date_debut)]


def ligne_correspondant(id_patient: str, c: Correspondant) -> list[str]:
    return [id_patient, c.role, c.nom, c.prenom, c.specialite, c.rpps, c.telephone, c.ville]


def ligne_contact(id_patient: str, c: ContactParent) -> list[str]:
    return [id_patient, c.lien, c.nom, c.prenom, c.telephone]


def ligne_consentement(id_patient: str, c: Consentement) -> list[str]:
    return [id_patient, c.statut, _date(c.date), c.id_professionnel]


def ligne_rendezvous(r: RendezVous) -> list[str]:
    return [
        r.id_rendezvous,
        r.id_patient,
        r.id_professionnel,
        r.date.isoformat(),
        heure(r.debut),
        heure(r.fin),
        str(r.duree),
        r.motif,
        r.statut,
    ]


def ligne_tache(t: Tache) -> list[str]:
    return [
        t.id_tache,
        t.id_patient,
        t.libelle,
        t.cree_par,
        t.attribuee_a,
        t.date_creation.isoformat(),
        t.date_echeance.isoformat(),
        t.statut,
        t.priorite,
    ]


def ligne_message(m: Message) -> list[str]:
    return [
        m.id_message,
        m.id_patient,
        m.expediteur,
        m.destinataire,
        m.date_envoi.strftime("%Y-%m-%dT%H:%M"),
        m.objet,
        m.corps,
        "oui" if m.lu else "non",
    ]


def _vers_json(type_: str) -> Callable[[str], str]:
    """The JSON text of one CSV value; the C string encoder of `json` does the escaping.

    Rows are assembled as text rather than through `json.dumps` of a dict: half the cost of
    writing 100,000 patients went into building and encoding those dicts.
    """
    if type_ == "entier":
        return lambda v: str(int(v)) if v else "null"
    if type_ == "booleen":
        return lambda v: ("true" if v == "oui" else "false") if v else "null"
    return lambda v: encode_basestring(v) if v else "null"


class _Sortie:
    """One entity's pair of files, written line by line."""

    def __init__(self, dossier: Path, fichier: FichierPivot):
        self.colonnes = fichier.noms_colonnes
        self.cles = [encode_basestring(c) + ":" for c in self.colonnes]
        self.convertisseurs = [_vers_json(c.type) for c in fichier.colonnes]
        self.texte_seul = all(c.type not in ("entier", "booleen") for c in fichier.colonnes)
        self._csv_fichier = (dossier / f"{fichier.nom}.csv").open("w", encoding="utf-8", newline="")
        self._json = (dossier / f"{fichier.nom}.jsonl").open("w", encoding="utf-8", newline="\n")
        # A machine format that must round-trip to the byte: not neutralised against formula
        # injection (recette.documents.tableurs does that for the spreadsheets made for people).
        self._csv = csv.writer(self._csv_fichier, lineterminator="\n")
        self._csv.writerow(self.colonnes)
        self.lignes = 0

    def ecrire(self, valeurs: list[str]) -> None:
        self._csv.writerow(valeurs)
        if self.texte_seul:
            champs = [
                cle + (encode_basestring(v) if v else "null")
                for cle, v in zip(self.cles, valeurs, strict=True)
            ]
        else:
            champs = [
                cle + f(v)
                for cle, f, v in zip(self.cles, self.convertisseurs, valeurs, strict=True)
            ]
        self._json.write("{" + ",".join(champs) + "}\n")
        self.lignes += 1

    def fermer(self) -> None:
        self._csv_fichier.close()
        self._json.close()


class EcrivainPivot:
    """Streams a population to the pivot files of a folder (CSV and JSON Lines side by side)."""

    def __init__(self, dossier: Path):
        self.dossier = dossier
        self._sorties = {f.nom: _Sortie(dossier, f) for f in SCHEMA}

    def __enter__(self) -> EcrivainPivot:
        return self

    def __exit__(self, *exc) -> None:
        self.fermer()

    def fermer(self) -> None:
        for s in self._sorties.values():
            s.fermer()

    @property
    def comptes(self) -> dict[str, int]:
        return {nom: s.lignes for nom, s in self._sorties.items()}

    def professionnels(self, equipe: list[Professionnel]) -> None:
        sortie = self._sorties["professionnels"]
        for p in equipe:
            sortie.ecrire(ligne_professionnel(p))

    def patient(
        self,
        patient: Patient,
        dossier: Dossier,
        rendezvous: Sequence[RendezVous] = (),
        taches: Sequence[Tache] = (),
        messages: Sequence[Message] = (),
    ) -> None:
        s = self._sorties
        ident = patient.id_patient
        s["patients"].ecrire(ligne_patient(patient))
        s["identites_ins"].ecrire(ligne_identite_ins(patient))
        for e in dossier.elements:
            s["elements_medicaux"].ecrire(ligne_element(ident, e))
        for c in dossier.correspondants:
            s["correspondants"].ecrire(ligne_correspondant(ident, c))
        for c in dossier.contacts_parents:
            s["contacts_parents"].ecrire(ligne_contact(ident, c))
        if dossier.consentement is not None:
            s["consentements"].ecrire(ligne_consentement(ident, dossier.consentement))
        for r in rendezvous:
            s["rendezvous"].ecrire(ligne_rendezvous(r))
        self.taches(taches)
        for m in messages:
            s["messages"].ecrire(ligne_message(m))

    def taches(self, taches: Sequence[Tache]) -> None:
        for t in taches:
            self._sorties["taches"].ecrire(ligne_tache(t))


def dictionnaire_markdown() -> str:
    """The French data dictionary of the pivot format, rendered from the schema."""
    lignes = [
        "# Dictionnaire des données du format pivot",
        "",
        f"Version du format : {VERSION_FORMAT}. Données entièrement fictives (environnement de "
        "formation, jeux d'essai de recette, essais de reprise et de réversibilité).",
        "",
        "## Conventions",
        "",
        "- Un fichier par entité, en deux formats équivalents : CSV (`.csv`) et JSON Lines "
        "(`.jsonl`).",
        "- CSV : encodage UTF-8 sans BOM, séparateur virgule, guillemets doubles si nécessaire, "
        "fin de ligne LF, une ligne d'en-tête avec les noms de colonnes dans l'ordre ci-dessous.",
        "- JSON Lines : un objet JSON par ligne, mêmes clés que les colonnes CSV ; valeur vide = "
        "`null`, colonnes entières en nombres, colonnes oui/non en booléens. Ce format, plutôt "
        "qu'un tableau JSON unique, se lit et s'écrit ligne à ligne, même pour 100 000 patients.",
        "- Dates au format AAAA-MM-JJ, heures HH:MM, heure légale de Paris.",
        "- Aucun fait n'est daté après la date de référence du manifeste, sauf les rendez-vous "
        "à venir (statut « planifie ») et les échéances de tâches.",
        "- Téléphones pris dans les tranches réservées à la fiction (ARCEP), adresses "
        "électroniques sous les domaines réservés example.* : aucun message ne peut atteindre "
        "une personne réelle.",
        f"- `{MANIFESTE}` : graine, profil, date de référence, nombre de lignes par fichier et "
        "empreinte SHA-256 de chaque fichier.",
        "",
    ]
    for f in SCHEMA:
        lignes += [
            f"## {f.nom}.csv / {f.nom}.jsonl",
            "",
            f.description,
            "",
            f"Fichier {'obligatoire' if f.obligatoire else 'facultatif'}"
            + (f" ; identifiant unique : `{f.cle}`." if f.cle else "."),
            "",
            "| colonne | description | type | format | obligatoire | exemple |",
            "|---|---|---|---|---|---|",
        ]
        for c in f.colonnes:
            fmt = FORMATS[c.type]
            if c.valeurs:
                fmt = " / ".join(f"`{v}`" for v in c.valeurs)
            description = c.description
            if c.reference:
                description += (
                    f" (doit exister dans {c.reference[0]}.csv, colonne {c.reference[1]})"
                )
            lignes.append(
                f"| `{c.nom}` | {description} | {c.type} | {fmt} | "
                f"{'oui' if c.obligatoire else 'non'} | `{c.exemple}` |"
            )
        lignes.append("")
    return "\n".join(lignes)


def sha256_fichier(chemin: Path) -> str:
    h = hashlib.sha256()
    with chemin.open("rb") as f:
        for bloc in iter(lambda: f.read(1 << 20), b""):
            h.update(bloc)
    return h.hexdigest()


def ecrire_json(chemin: Path, contenu: Any) -> None:
    """Deterministic JSON (sorted keys, fixed indentation) so the same run gives the same bytes."""
    chemin.write_text(
        json.dumps(contenu, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
