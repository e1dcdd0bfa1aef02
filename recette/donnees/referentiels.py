"""Reference data of the generator, read from `fixtures/donnees/` (data, not code).

Every table is loaded once and cached: the generator, the coherence checks and the pivot
reader must agree on the same rules, so they all read them from here.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from recette.erreurs import ProfilDonneesInvalide

# The project root holds fixtures/; an environment may point elsewhere through `dossier` args.
DOSSIER_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "donnees"

JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True, slots=True)
class Commune:
    code_insee: str
    type: str
    libelle: str
    departement: str
    code_postal: str
    ville: str
    lieu_naissance: bool
    residence: bool


@dataclass(frozen=True, slots=True)
class Pays:
    code_insee: str
    libelle: str
    poids: int


@dataclass(frozen=True, slots=True)
class Profession:
    code: str
    libelle: str
    rpps: bool
    role: str
    part_femmes: float


@dataclass(frozen=True, slots=True)
class Motif:
    profession: str
    libelle: str
    duree: int
    poids: int
    sexe: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    grossesse: bool = False


@dataclass(frozen=True, slots=True)
class ElementCatalogue:
    """One label of the medical catalogue with the rules a patient must meet to carry it."""

    type: str  # antecedent / allergie / traitement
    libelle: str
    sexe: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    grossesse: bool = False
    en_cours_jours: int | None = None
    specialite: str | None = None
    indications: tuple[str, ...] = ()
    adulte: bool = False
    classe: str | None = None


@dataclass(frozen=True)
class Catalogue:
    antecedents: tuple[ElementCatalogue, ...]
    grossesse_en_cours: ElementCatalogue
    obstetrique_passee: tuple[ElementCatalogue, ...]
    allergies: tuple[ElementCatalogue, ...]
    traitements: tuple[ElementCatalogue, ...]
    grossesse_sexe: str
    grossesse_age_min: int
    grossesse_age_max: int
    majorite: int
    mots_grossesse: tuple[str, ...]

    @functools.cached_property
    def par_libelle(self) -> dict[tuple[str, str], ElementCatalogue]:
        tous = (
            self.antecedents
            + (self.grossesse_en_cours,)
            + self.obstetrique_passee
            + self.allergies
            + self.traitements
        )
        return {(e.type, e.libelle): e for e in tous}


def _lire_csv_commente(chemin: Path) -> list[dict[str, str]]:
    """Read a fixture CSV whose first lines are `#` comments naming the source."""
    texte = chemin.read_text(encoding="utf-8")
    lignes = [ligne for ligne in texte.splitlines() if not ligne.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lignes))))


def lire_yaml(chemin: Path) -> Any:
    try:
        with chemin.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError as exc:
        raise ProfilDonneesInvalide(
            f"{chemin.name} : fichier de référence absent ({chemin})"
        ) from exc
    except yaml.YAMLError as exc:
        raise ProfilDonneesInvalide(f"{chemin.name} : YAML invalide ({exc})") from exc


@functools.cache
def communes(dossier: Path = DOSSIER_FIXTURES) -> tuple[Commune, ...]:
    return tuple(
        Commune(
            code_insee=r["code_insee"],
            type=r["type"],
            libelle=r["libelle"],
            departement=r["departement"],
            code_postal=r["code_postal"],
            ville=r["ville"],
            lieu_naissance=r["lieu_naissance"] == "1",
            residence=r["residence"] == "1",
        )
        for r in _lire_csv_commente(dossier / "communes.csv")
    )


@functools.cache
def pays(dossier: Path = DOSSIER_FIXTURES) -> tuple[Pays, ...]:
    return tuple(
        Pays(code_insee=r["code_insee"], libelle=r["libelle"], poids=int(r["poids"]))
        for r in _lire_csv_commente(dossier / "pays.csv")
    )


@functools.cache
def lieux(dossier: Path = DOSSIER_FIXTURES) -> dict[str, str]:
    """Every known birth-place code (commune or country) → its label."""
    resultat = {c.code_insee: c.libelle for c in communes(dossier)}
    resultat.update({p.code_insee: p.libelle for p in pays(dossier)})
    return resultat


@functools.cache
def prefixes_telephone(dossier: Path = DOSSIER_FIXTURES) -> tuple[tuple[str, str], ...]:
    return tuple(
        (r["prefixe"], r["usage"]) for r in _lire_csv_commente(dossier / "telephones_fiction.csv")
    )


@functools.cache
def professions(dossier: Path = DOSSIER_FIXTURES) -> dict[str, Profession]:
    brut = lire_yaml(dossier / "professions.yaml")["professions"]
    return {
        code: Profession(
            code=code,
            libelle=v["libelle"],
            rpps=bool(v["rpps"]),
            role=v["role"],
            part_femmes=float(v["part_femmes"]),
        )
        for code, v in brut.items()
    }


@functools.cache
def specialites(dossier: Path = DOSSIER_FIXTURES) -> dict[str, str]:
    return dict(lire_yaml(dossier / "professions.yaml")["specialites_correspondants"])


def _element(type_: str, brut: dict[str, Any]) -> ElementCatalogue:
    return ElementCatalogue(
        type=type_,
        libelle=str(brut["libelle"]),
        sexe=brut.get("sexe"),
        age_min=brut.get("age_min"),
        age_max=brut.get("age_max"),
        grossesse=bool(brut.get("grossesse", False)),
        en_cours_jours=brut.get("en_cours_jours"),
        specialite=brut.get("specialite"),
        indications=tuple(brut.get("indications", ())),
        adulte=bool(brut.get("adulte", False)),
        classe=brut.get("classe"),
    )


@functools.cache
def catalogue(dossier: Path = DOSSIER_FIXTURES) -> Catalogue:
    brut = lire_yaml(dossier / "catalogue_medical.yaml")
    regles = brut["regles"]
    resultat = Catalogue(
        antecedents=tuple(_element("antecedent", e) for e in brut["antecedents"]),
        grossesse_en_cours=_element("antecedent", brut["obstetrique"]["en_cours"]),
        obstetrique_passee=tuple(_element("antecedent", e) for e in brut["obstetrique"]["passes"]),
        allergies=tuple(_element("allergie", e) for e in brut["allergies"]),
        traitements=tuple(_element("traitement", e) for e in brut["traitements"]),
        grossesse_sexe=regles["grossesse"]["sexe"],
        grossesse_age_min=int(regles["grossesse"]["age_min"]),
        grossesse_age_max=int(regles["grossesse"]["age_max"]),
        majorite=int(regles["majorite"]),
        mots_grossesse=tuple(m.lower() for m in regles["mots_grossesse"]),
    )
    # A misspelt indication would silently leave a disease untreated: refuse it here.
    connus = {a.libelle for a in resultat.antecedents} | {resultat.grossesse_en_cours.libelle}
    inconnues = sorted(
        f"« {i} » (traitement « {t.libelle} »)"
        for t in resultat.traitements
        for i in t.indications
        if i not in connus
    )
    if inconnues:
        raise ProfilDonneesInvalide(
            "catalogue_medical.yaml : indications sans antécédent du même libellé : "
            + ", ".join(inconnues)
        )
    return resultat


def _minutes(texte: str) -> int:
    heures, minutes = texte.split(":")
    return int(heures) * 60 + int(minutes)


@dataclass(frozen=True)
class Centre:
    nom: str
    commune: str
    part_residents_commune: float
    # Opening ranges per weekday (0 = Monday), in minutes since midnight.
    ouverture: tuple[tuple[tuple[int, int], ...], ...]
    fermee_jours_feries: bool
    motifs: dict[str, tuple[Motif, ...]]
    statuts_passes: dict[str, int]
    taches_patient: tuple[tuple[str, tuple[str, ...]], ...]
    taches_generales: tuple[tuple[str, tuple[str, ...]], ...]
    statuts_taches: dict[str, int]
    priorites_taches: dict[str, int]
    messages: tuple[tuple[str, str], ...]

    def est_ouvert(self, jour: dt.date, debut: int, fin: int) -> bool:
        """Whether [debut, fin) minutes of `jour` lie inside one opening range."""
        if self.fermee_jours_feries and jour in jours_feries():
            return False
        return any(a <= debut and fin <= b for a, b in self.ouverture[jour.weekday()])

    @functools.cached_property
    def motif_par_libelle(self) -> dict[tuple[str, str], Motif]:
        return {(m.profession, m.libelle): m for ms in self.motifs.values() for m in ms}


@functools.cache
def centre(dossier: Path = DOSSIER_FIXTURES) -> Centre:
    brut = lire_yaml(dossier / "centre.yaml")
    ouverture = tuple(
        tuple((_minutes(a), _minutes(b)) for a, b in (brut["ouverture"].get(jour) or ()))
        for jour in JOURS_SEMAINE
    )
    motifs: dict[str, tuple[Motif, ...]] = {}
    for profession, liste in brut["motifs"].items():
        motifs[profession] = tuple(
            Motif(
                profession=profession,
                libelle=str(m["libelle"]),
                duree=int(m["duree"]),
                poids=int(m["poids"]),
                sexe=m.get("sexe"),
                age_min=m.get("age_min"),
                age_max=m.get("age_max"),
                grossesse=bool(m.get("grossesse", False)),
            )
            for m in liste
        )
        for m in motifs[profession]:
            if m.duree % 5:
                raise ProfilDonneesInvalide(
                    f"centre.yaml, motif « {m.libelle} » : durée {m.duree} min "
                    "(un multiple de 5 minutes est attendu)"
                )
    return Centre(
        nom=brut["nom"],
        commune=str(brut["commune"]),
        part_residents_commune=float(brut["part_residents_commune"]),
        ouverture=ouverture,
        fermee_jours_feries=bool(brut["fermee_jours_feries"]),
        motifs=motifs,
        statuts_passes=dict(brut["statuts_passes"]),
        taches_patient=tuple((t["libelle"], tuple(t["pour"])) for t in brut["taches_patient"]),
        taches_generales=tuple((t["libelle"], tuple(t["pour"])) for t in brut["taches_generales"]),
        statuts_taches=dict(brut["statuts_taches"]),
        priorites_taches=dict(brut["priorites_taches"]),
        messages=tuple((m["objet"], m["corps"]) for m in brut["messages"]),
    )


class _JoursFeries:
    """Public holidays of metropolitan France, years loaded on demand (holidays package)."""

    def __init__(self) -> None:
        import holidays

        self._feries = holidays.country_holidays("FR", years=())

    def __contains__(self, jour: dt.date) -> bool:
        # holidays expands years lazily on lookup; `expand=True` is its default behaviour.
        return jour in self._feries


@functools.cache
def jours_feries() -> _JoursFeries:
    return _JoursFeries()


def _fusionner(base: dict[str, Any], surcharge: dict[str, Any]) -> dict[str, Any]:
    resultat = dict(base)
    for cle, valeur in surcharge.items():
        if isinstance(valeur, dict) and isinstance(resultat.get(cle), dict):
            resultat[cle] = _fusionner(resultat[cle], valeur)
        else:
            resultat[cle] = valeur
    return resultat


def noms_profils(dossier: Path = DOSSIER_FIXTURES) -> list[str]:
    return list(lire_yaml(dossier / "profils.yaml")["profils"])


def charger_profil(nom: str, dossier: Path = DOSSIER_FIXTURES) -> dict[str, Any]:
    """The merged generation spec of one volume profile of `profils.yaml`, validated."""
    brut = lire_yaml(dossier / "profils.yaml")
    profils = brut.get("profils") or {}
    if nom not in profils:
        connus = ", ".join(sorted(profils))
        raise ProfilDonneesInvalide(
            f"profils.yaml : profil de données « {nom} » inconnu (profils connus : {connus})"
        )
    profil = _fusionner(brut.get("defaut") or {}, profils[nom] or {})
    profil["nom"] = nom
    _valider_profil(profil, dossier)
    return profil


def _valider_profil(profil: dict[str, Any], dossier: Path) -> None:
    nom = profil["nom"]
    erreurs = []
    if not isinstance(profil.get("patients"), int) or profil["patients"] < 1:
        erreurs.append("« patients » doit être un entier positif")
    if not isinstance(profil.get("date_reference"), dt.date):
        erreurs.append("« date_reference » doit être une date AAAA-MM-JJ")
    for cle, valeur in (profil.get("proportions") or {}).items():
        if not isinstance(valeur, int | float) or not 0 <= valeur <= 1:
            erreurs.append(
                f"proportion « {cle} » = {valeur!r} (une fraction entre 0 et 1 est attendue)"
            )
    proportions = profil.get("proportions") or {}
    if proportions.get("consentement_accepte", 0) + proportions.get("consentement_refuse", 0) > 1:
        erreurs.append("consentement_accepte + consentement_refuse dépasse 1")
    connues = professions(dossier)
    for code, effectif in (profil.get("professionnels") or {}).items():
        if code not in connues:
            erreurs.append(f"profession « {code} » inconnue de professions.yaml")
        elif not isinstance(effectif, int) or effectif < 0:
            erreurs.append(f"effectif de « {code} » = {effectif!r} (entier positif attendu)")
    if (profil.get("professionnels") or {}).get("medecin_generaliste", 0) < 1:
        erreurs.append("au moins un médecin généraliste est nécessaire (médecin traitant)")
    for code in (profil.get("agenda") or {}).get("repartition", {}):
        if code not in connues:
            erreurs.append(f"agenda.repartition : profession « {code} » inconnue")
    if erreurs:
        raise ProfilDonneesInvalide(f"profils.yaml, profil « {nom} » : " + " ; ".join(erreurs))
