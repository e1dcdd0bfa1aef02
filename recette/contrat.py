"""The contract's parameters (fixtures/contrat/*.yaml) loaded into frozen, validated values.

Three files hold the defaults of the model contract: ``parametres.yaml`` (deadlines, verdict
rules, calendar), ``performances.yaml`` (the response-time table) and ``disponibilite.yaml``
(availability limits). A customer's negotiated values come as one optional override file whose
top-level keys ``parametres``, ``performances`` and ``disponibilite`` are merged key by key over
the matching default file (mappings merge, lists and scalars replace).

Every problem is a ``ContratInvalide`` naming the file, the line and the key path, because the
person fixing it edits YAML, not Python.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from recette.erreurs import ContratInvalide
from recette.validation import Carte, lire_yaml, message_cle_inconnue

FICHIERS = {
    "parametres": "parametres.yaml",
    "performances": "performances.yaml",
    "disponibilite": "disponibilite.yaml",
}


class Unite(StrEnum):
    """How a delay is counted; see delais.ajouter_delai."""

    HEURES = "heures"
    HEURES_OUVREES = "heures_ouvrees"
    JOURS_CALENDAIRES = "jours_calendaires"
    JOURS_OUVRES = "jours_ouvres"


_LIBELLES_UNITE = {
    Unite.HEURES: ("heure", "heures"),
    Unite.HEURES_OUVREES: ("heure ouvrée", "heures ouvrées"),
    Unite.JOURS_CALENDAIRES: ("jour calendaire", "jours calendaires"),
    Unite.JOURS_OUVRES: ("jour ouvré", "jours ouvrés"),
}


class Gravite(StrEnum):
    """The contract's two classes of anomaly (§ « Maintenance corrective »)."""

    BLOQUANTE = "bloquante"
    NON_BLOQUANTE = "non bloquante"

    @classmethod
    def depuis(cls, texte: str | Gravite) -> Gravite:
        """Accepts what people type: « non bloquante », « non-bloquante », « non_bloquante »."""
        normalise = str(texte).strip().lower().replace("_", " ").replace("-", " ")
        for gravite in cls:
            if gravite.value == normalise:
                return gravite
        raise ValueError(
            f"Gravité inconnue « {texte} » (attendu : « bloquante » ou « non bloquante »)."
        )


@dataclass(frozen=True)
class Delai:
    duree: int
    unite: Unite

    def libelle(self) -> str:
        singulier, pluriel = _LIBELLES_UNITE[self.unite]
        return f"{self.duree} {singulier if self.duree == 1 else pluriel}"


@dataclass(frozen=True)
class PlageHoraire:
    """Hours of a working day, [debut, fin) in local time, debut < fin."""

    debut: time
    fin: time


@dataclass(frozen=True)
class Calendrier:
    fuseau_horaire: ZoneInfo
    pays: str
    subdivision: str | None
    lundi_de_pentecote_ferie: bool
    feries_ajoutes: frozenset[date]
    feries_retires: frozenset[date]
    heures_ouvrees: PlageHoraire


@dataclass(frozen=True)
class ParametresVSR:
    duree_mois: int
    # An unavailability at least this long extends the VSR by its own duration.
    prolongation_seuil: timedelta
    # How « une journée » is read: heures_consecutives (the threshold above) or jour_calendaire
    # (the outage covers a whole Paris calendar day).
    prolongation_journee: str


@dataclass(frozen=True)
class ParametresAjournement:
    contestation: Delai
    delai_max: Delai
    delai_accorde: Delai


@dataclass(frozen=True)
class RegleExigences:
    priorites_bloquantes: frozenset[int]
    ajourner_si_non_couverte: bool
    ajourner_si_en_echec: bool


@dataclass(frozen=True)
class RegleCumul:
    """When open non-blocking anomalies count together as one blocking anomaly."""

    seuil_poids_par_domaine: int | None
    seuil_poids_total: int | None
    poids_par_priorite: tuple[tuple[int, int], ...]
    poids_par_defaut: int

    def poids(self, priorite: int | None) -> int:
        return dict(self.poids_par_priorite).get(priorite, self.poids_par_defaut)


@dataclass(frozen=True)
class MaintenanceCorrective:
    contournement_bloquante: Delai
    correction_bloquante: Delai
    correction_non_bloquante: Delai


@dataclass(frozen=True)
class ValidationDocumentaire:
    remarques: Delai
    reponse_prestataire: Delai


@dataclass(frozen=True)
class LignePerformance:
    """One line of the table; a measure conforms when strictly below seuil_secondes."""

    code: str
    categorie: str
    libelle: str
    seuil_secondes: float


@dataclass(frozen=True)
class StatistiquePerformance:
    centile: float
    multiple_max_mesure: float
    echecs_comptent_comme_depassement: bool


@dataclass(frozen=True)
class StabilitePerformances:
    """Tolerance of « identiques sur l'ensemble des postes » and « stables quel que soit le
    moment de la journée » (an interpretation the MOA may change, see performances.yaml)."""

    ecart_relatif_max: float
    ecart_absolu_min_secondes: float
    mesures_min: int


@dataclass(frozen=True)
class TableauPerformances:
    utilisateurs_simultanes: int
    mesure_decisive: str
    statistique: StatistiquePerformance
    lignes: tuple[LignePerformance, ...]
    # Only the VSR's judgement needs it; tables built by hand in tests may leave it out.
    stabilite: StabilitePerformances | None = None

    def ligne(self, code: str) -> LignePerformance:
        for ligne in self.lignes:
            if ligne.code == code:
                return ligne
        raise KeyError(code)


@dataclass(frozen=True)
class PlageDisponibilite:
    """A daily period; when debut > fin it runs past midnight into the next day."""

    code: str
    debut: time
    fin: time
    indisponibilite_max_minutes_par_jour: int


@dataclass(frozen=True)
class Disponibilite:
    jours_ouverts: frozenset[int]
    plages: tuple[PlageDisponibilite, ...]
    maintenance_max_heures_par_an: float
    depassement_temps_de_reponse_vaut_indisponibilite: bool
    # How recette/vsr reads the clauses (each documented in disponibilite.yaml).
    lenteur_multiple_du_seuil: float
    regle_postes: str  # au_moins_un | majorite | tous
    maintenance_annee: str  # civile | depuis_debut_vsr
    maintenance_decompte: str  # indisponibilite_constatee | fenetre_declaree


@dataclass(frozen=True)
class Contrat:
    calendrier: Calendrier
    delai_va: Delai
    vsr: ParametresVSR
    delai_reserves: Delai
    ajournement: ParametresAjournement
    refus_apres_ajournements: int
    exigences: RegleExigences
    cumul: RegleCumul
    maintenance: MaintenanceCorrective
    validation_documentaire: ValidationDocumentaire
    performances: TableauPerformances
    disponibilite: Disponibilite
    fichiers: tuple[Path, ...]


def charger_contrat(dossier_fixtures: Path, surcharge: Path | None = None) -> Contrat:
    """Loads fixtures/contrat/*.yaml, merges the customer's override file, validates it all."""
    dossier = Path(dossier_fixtures) / "contrat"
    donnees: dict[str, Any] = {}
    origines: dict[tuple[str, ...], tuple[Path, int | None]] = {}
    fichiers = []
    for section, nom in FICHIERS.items():
        chemin = dossier / nom
        contenu = _lire_yaml(chemin)
        if not isinstance(contenu, dict):
            raise ContratInvalide(f"{chemin} : le fichier doit contenir des clés et des valeurs.")
        donnees[section] = contenu
        origines[(section,)] = (chemin, None)
        _noter_origines(contenu, (section,), chemin, origines)
        fichiers.append(chemin)
    if surcharge is not None:
        surcharge = Path(surcharge)
        contenu = _lire_yaml(surcharge)
        if contenu is not None:
            _verifier_surcharge(contenu, surcharge)
            _noter_origines(contenu, (), surcharge, origines)
            donnees = _fusionner(donnees, contenu)
        fichiers.append(surcharge)
    lecteur = _Lecteur(donnees, origines, surcharge)
    contrat = _construire_contrat(lecteur, tuple(fichiers))
    lecteur.refuser_cles_inconnues()
    return contrat


# --- YAML reading, with the line of every key so errors can point at it ---------------------


def _lire_yaml(chemin: Path) -> Any:
    return lire_yaml(chemin, ContratInvalide)


def _noter_origines(noeud: Any, prefixe: tuple[str, ...], chemin: Path, origines: dict) -> None:
    if not isinstance(noeud, dict):
        return
    lignes = getattr(noeud, "lignes", {})
    for cle, valeur in noeud.items():
        sous_chemin = (*prefixe, str(cle))
        # An override's mapping merges into the default one, which stays the origin of the
        # keys the override does not repeat.
        if not (isinstance(valeur, dict) and sous_chemin in origines):
            origines[sous_chemin] = (chemin, lignes.get(cle))
        _noter_origines(valeur, sous_chemin, chemin, origines)


def _verifier_surcharge(contenu: Any, chemin: Path) -> None:
    if not isinstance(contenu, dict):
        raise ContratInvalide(f"{chemin} : le fichier doit contenir des clés et des valeurs.")
    for cle in contenu:
        if cle not in FICHIERS:
            ligne = contenu.lignes.get(cle) if isinstance(contenu, Carte) else None
            raise ContratInvalide(message_cle_inconnue(chemin, ligne, str(cle), FICHIERS))


def _fusionner(base: Any, dessus: Any) -> Any:
    if isinstance(base, dict) and isinstance(dessus, dict):
        fusion = dict(base)
        for cle, valeur in dessus.items():
            fusion[cle] = _fusionner(base[cle], valeur) if cle in base else valeur
        return fusion
    return dessus


# --- validation -------------------------------------------------------------------------------

_HEURE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class _Lecteur:
    """Reads typed values by key path and reports errors where the value came from."""

    def __init__(self, donnees: dict, origines: dict, surcharge: Path | None):
        self.donnees = donnees
        self.origines = origines
        self.surcharge = surcharge
        self.lues: set[tuple[str, ...]] = set()

    def erreur(self, chemin: tuple[str, ...], texte: str) -> ContratInvalide:
        for n in range(len(chemin), 0, -1):
            if chemin[:n] in self.origines:
                fichier, ligne = self.origines[chemin[:n]]
                break
        else:
            fichier, ligne = Path(FICHIERS.get(chemin[0], "?")), None
        # Keys are shown as written in the file at fault: the override file has the section.
        montre = chemin if fichier == self.surcharge else chemin[1:]
        cle = ".".join(montre) or chemin[0]
        ou = f", ligne {ligne}" if ligne else ""
        # replace, not format: the text may quote a found value holding braces.
        return ContratInvalide(f"{fichier}{ou} : {texte.replace('{cle}', cle)}")

    def valeur(self, *chemin: str) -> Any:
        noeud: Any = self.donnees
        for i, cle in enumerate(chemin):
            if not isinstance(noeud, dict):
                raise self.erreur(chemin[:i], "la valeur « {cle} » doit contenir des clés")
            # Paths are strings; YAML keys may be ints (priorities), hence the comparison by str.
            cles = [k for k in noeud if str(k) == cle]
            if not cles:
                raise self.erreur(chemin[: i + 1], "la clé « {cle} » est absente")
            noeud = noeud[cles[0]]
        self.lues.add(chemin)
        return noeud

    def invalide(self, chemin, attendu: str, trouve: Any) -> ContratInvalide:
        return self.erreur(
            chemin, f"la valeur « {{cle}} » doit être {attendu} (trouvé : « {trouve} »)"
        )

    def entier(self, *chemin: str, minimum: int = 1, nul_permis: bool = False) -> int | None:
        v = self.valeur(*chemin)
        if v is None and nul_permis:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            attendu = (
                "un nombre entier positif" if minimum >= 1 else "un nombre entier positif ou nul"
            )
            raise self.invalide(chemin, attendu + (" ou null" if nul_permis else ""), v)
        return v

    def nombre(self, *chemin: str) -> float:
        v = self.valeur(*chemin)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
            raise self.invalide(chemin, "un nombre strictement positif", v)
        return float(v)

    def booleen(self, *chemin: str) -> bool:
        v = self.valeur(*chemin)
        if not isinstance(v, bool):
            raise self.invalide(chemin, "true ou false", v)
        return v

    def texte(self, *chemin: str) -> str:
        v = self.valeur(*chemin)
        if not isinstance(v, str) or not v.strip():
            raise self.invalide(chemin, "un texte non vide", v)
        return v.strip()

    def choix(self, *chemin: str, parmi: tuple[str, ...]) -> str:
        v = self.valeur(*chemin)
        if v not in parmi:
            raise self.invalide(chemin, "l'une des valeurs " + ", ".join(parmi), v)
        return v

    def heure(self, *chemin: str) -> time:
        v = self.valeur(*chemin)
        correspondance = _HEURE.match(v) if isinstance(v, str) else None
        if not correspondance:
            raise self.invalide(chemin, "une heure « HH:MM » entre guillemets", v)
        return time(int(correspondance[1]), int(correspondance[2]))

    def carte(self, *chemin: str) -> dict:
        v = self.valeur(*chemin)
        if not isinstance(v, dict):
            raise self.invalide(chemin, "une liste de clés et de valeurs", v)
        return v

    def liste(self, *chemin: str) -> list:
        v = self.valeur(*chemin)
        if not isinstance(v, list):
            raise self.invalide(chemin, "une liste entre crochets", v)
        return v

    def dates(self, *chemin: str) -> frozenset[date]:
        resultat = set()
        for element in self.liste(*chemin):
            if isinstance(element, date):
                resultat.add(element)
                continue
            try:
                resultat.add(date.fromisoformat(str(element)))
            except ValueError:
                raise self.invalide(chemin, "une liste de dates AAAA-MM-JJ", element) from None
        return frozenset(resultat)

    def delai(self, *chemin: str) -> Delai:
        unites = tuple(u.value for u in Unite)
        return Delai(
            duree=self.entier(*chemin, "duree"),
            unite=Unite(self.choix(*chemin, "unite", parmi=unites)),
        )

    def refuser_cles_inconnues(self) -> None:
        """A misspelt key in an override would silently keep the default: refuse it."""
        lus = {chemin[:n] for chemin in self.lues for n in range(1, len(chemin) + 1)}
        for chemin in sorted(self.origines, key=len):
            if chemin not in lus and chemin[:-1] in lus | {()}:
                fichier, ligne = self.origines[chemin]
                montre = chemin if fichier == self.surcharge else chemin[1:]
                connues = {c[-1] for c in lus if c[:-1] == chemin[:-1]}
                raise ContratInvalide(
                    message_cle_inconnue(fichier, ligne, ".".join(montre) or chemin[0], connues)
                )


def _construire_contrat(lire: _Lecteur, fichiers: tuple[Path, ...]) -> Contrat:
    p = "parametres"
    ajournement = ParametresAjournement(
        contestation=lire.delai(p, "ajournement", "contestation"),
        delai_max=lire.delai(p, "ajournement", "delai_max"),
        delai_accorde=lire.delai(p, "ajournement", "delai_accorde"),
    )
    if (
        ajournement.delai_accorde.unite != ajournement.delai_max.unite
        or ajournement.delai_accorde.duree > ajournement.delai_max.duree
    ):
        raise lire.erreur(
            (p, "ajournement", "delai_accorde"),
            "la valeur « {cle} » ne peut dépasser le délai maximal de "
            f"{ajournement.delai_max.libelle()} et doit avoir la même unité",
        )
    return Contrat(
        calendrier=_calendrier(lire),
        delai_va=lire.delai(p, "va", "delai"),
        vsr=ParametresVSR(
            duree_mois=lire.entier(p, "vsr", "duree_mois"),
            prolongation_seuil=timedelta(hours=lire.nombre(p, "vsr", "prolongation_seuil_heures")),
            prolongation_journee=lire.choix(
                p, "vsr", "prolongation_journee", parmi=("heures_consecutives", "jour_calendaire")
            ),
        ),
        delai_reserves=lire.delai(p, "reserves", "delai"),
        ajournement=ajournement,
        refus_apres_ajournements=lire.entier(p, "refus", "ajournements_prealables"),
        exigences=_regle_exigences(lire),
        cumul=_regle_cumul(lire),
        maintenance=MaintenanceCorrective(
            contournement_bloquante=lire.delai(
                p, "maintenance_corrective", "bloquante", "contournement"
            ),
            correction_bloquante=lire.delai(p, "maintenance_corrective", "bloquante", "correction"),
            correction_non_bloquante=lire.delai(
                p, "maintenance_corrective", "non_bloquante", "correction"
            ),
        ),
        validation_documentaire=ValidationDocumentaire(
            remarques=lire.delai(p, "validation_documentaire", "remarques"),
            reponse_prestataire=lire.delai(p, "validation_documentaire", "reponse_prestataire"),
        ),
        performances=_performances(lire),
        disponibilite=_disponibilite(lire),
        fichiers=fichiers,
    )


def _calendrier(lire: _Lecteur) -> Calendrier:
    c = ("parametres", "calendrier")
    nom_fuseau = lire.texte(*c, "fuseau_horaire")
    try:
        fuseau = ZoneInfo(nom_fuseau)
    except (ZoneInfoNotFoundError, ValueError):
        raise lire.invalide((*c, "fuseau_horaire"), "un fuseau horaire connu", nom_fuseau) from None
    pays = lire.choix(*c, "pays", parmi=("FR",))
    plage = PlageHoraire(
        debut=lire.heure(*c, "heures_ouvrees", "debut"),
        fin=lire.heure(*c, "heures_ouvrees", "fin"),
    )
    if plage.debut >= plage.fin:
        raise lire.erreur(
            (*c, "heures_ouvrees", "fin"), "la valeur « {cle} » doit être après l'heure de début"
        )
    subdivision = lire.valeur(*c, "subdivision")
    if subdivision is not None:
        subdivision = str(subdivision)
        if subdivision not in holidays.France.subdivisions:
            connues = ", ".join(holidays.France.subdivisions)
            raise lire.invalide(
                (*c, "subdivision"), f"null ou l'un des codes {connues}", subdivision
            )
    return Calendrier(
        fuseau_horaire=fuseau,
        pays=pays,
        subdivision=subdivision,
        lundi_de_pentecote_ferie=lire.booleen(*c, "lundi_de_pentecote_ferie"),
        feries_ajoutes=lire.dates(*c, "feries_ajoutes"),
        feries_retires=lire.dates(*c, "feries_retires"),
        heures_ouvrees=plage,
    )


def _regle_exigences(lire: _Lecteur) -> RegleExigences:
    e = ("parametres", "exigences")
    priorites = lire.liste(*e, "priorites_bloquantes")
    for priorite in priorites:
        if isinstance(priorite, bool) or not isinstance(priorite, int) or priorite < 1:
            raise lire.invalide(
                (*e, "priorites_bloquantes"), "une liste d'entiers positifs", priorite
            )
    return RegleExigences(
        priorites_bloquantes=frozenset(priorites),
        ajourner_si_non_couverte=lire.booleen(*e, "ajourner_si_non_couverte"),
        ajourner_si_en_echec=lire.booleen(*e, "ajourner_si_en_echec"),
    )


def _regle_cumul(lire: _Lecteur) -> RegleCumul:
    c = ("parametres", "cumul_non_bloquantes")
    poids = []
    for priorite in lire.carte(*c, "poids_par_priorite"):
        if isinstance(priorite, bool) or not isinstance(priorite, int) or priorite < 1:
            raise lire.erreur(
                (*c, "poids_par_priorite", str(priorite)),
                "la clé « {cle} » doit être une priorité (entier positif)",
            )
        poids.append((priorite, lire.entier(*c, "poids_par_priorite", str(priorite), minimum=0)))
    return RegleCumul(
        seuil_poids_par_domaine=lire.entier(*c, "seuil_poids_par_domaine", nul_permis=True),
        seuil_poids_total=lire.entier(*c, "seuil_poids_total", nul_permis=True),
        poids_par_priorite=tuple(sorted(poids)),
        poids_par_defaut=lire.entier(*c, "poids_par_defaut", minimum=0),
    )


def _performances(lire: _Lecteur) -> TableauPerformances:
    f = "performances"
    lignes = []
    for code in lire.carte(f, "lignes"):
        if not isinstance(code, str) or not _CODE.match(code):
            raise lire.erreur(
                (f, "lignes", str(code)),
                "la clé « {cle} » doit être un code en minuscules sans accent (ex. liste_100)",
            )
        lignes.append(
            LignePerformance(
                code=code,
                categorie=lire.choix(
                    f, "lignes", code, "categorie", parmi=("navigation", "interrogation")
                ),
                libelle=lire.texte(f, "lignes", code, "libelle"),
                seuil_secondes=lire.nombre(f, "lignes", code, "seuil_secondes"),
            )
        )
    if not lignes:
        raise lire.erreur((f, "lignes"), "la valeur « {cle} » doit contenir au moins une ligne")
    centile = lire.nombre(f, "statistique", "centile")
    if centile > 100:
        raise lire.invalide((f, "statistique", "centile"), "un centile entre 0 et 100", centile)
    return TableauPerformances(
        utilisateurs_simultanes=lire.entier(f, "utilisateurs_simultanes"),
        mesure_decisive=lire.choix(f, "mesure_decisive", parmi=("navigateur", "serveur")),
        statistique=StatistiquePerformance(
            centile=centile,
            multiple_max_mesure=lire.nombre(f, "statistique", "multiple_max_mesure"),
            echecs_comptent_comme_depassement=lire.booleen(
                f, "statistique", "echecs_comptent_comme_depassement"
            ),
        ),
        lignes=tuple(lignes),
        stabilite=StabilitePerformances(
            ecart_relatif_max=lire.nombre(f, "stabilite", "ecart_relatif_max"),
            ecart_absolu_min_secondes=lire.nombre(f, "stabilite", "ecart_absolu_min_secondes"),
            mesures_min=lire.entier(f, "stabilite", "mesures_min"),
        ),
    )


def _disponibilite(lire: _Lecteur) -> Disponibilite:
    f = "disponibilite"
    jours = lire.liste(f, "jours_ouverts")
    for jour in jours:
        if isinstance(jour, bool) or jour not in range(1, 8):
            raise lire.invalide((f, "jours_ouverts"), "une liste de jours de 1 (lundi) à 7", jour)
    plages = []
    for code in lire.carte(f, "plages"):
        plage = PlageDisponibilite(
            code=str(code),
            debut=lire.heure(f, "plages", str(code), "debut"),
            fin=lire.heure(f, "plages", str(code), "fin"),
            indisponibilite_max_minutes_par_jour=lire.entier(
                f, "plages", str(code), "indisponibilite_max_minutes_par_jour", minimum=0
            ),
        )
        if plage.debut == plage.fin:
            raise lire.erreur(
                (f, "plages", str(code), "fin"), "la valeur « {cle} » doit différer du début"
            )
        plages.append(plage)
    return Disponibilite(
        jours_ouverts=frozenset(jours),
        plages=tuple(plages),
        maintenance_max_heures_par_an=lire.nombre(f, "maintenance_max_heures_par_an"),
        depassement_temps_de_reponse_vaut_indisponibilite=lire.booleen(
            f, "depassement_temps_de_reponse_vaut_indisponibilite"
        ),
        lenteur_multiple_du_seuil=lire.nombre(f, "lenteur_multiple_du_seuil"),
        regle_postes=lire.choix(f, "regle_postes", parmi=("au_moins_un", "majorite", "tous")),
        maintenance_annee=lire.choix(f, "maintenance_annee", parmi=("civile", "depuis_debut_vsr")),
        maintenance_decompte=lire.choix(
            f, "maintenance_decompte", parmi=("indisponibilite_constatee", "fenetre_declaree")
        ),
    )
