"""How far the scenarios and the séances cover the grid: for each requirement, the scenarios
that cite it and what each séance recorded about it; per domain and per priority, the share of
requirements covered by a written scenario and the share that passed in the latest séance.

A pure function of facts (the grid, the scenarios read from the features, the results of each
séance, the open anomalies): no file is read and no clock consulted, so the same facts always
give the same coverage, and the documents derived from it are byte-identical."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from recette.grille.features import ScenarioInfo
from recette.grille.modele import Exigence, Grille
from recette.resultats import Resultat

REUSSI = "réussi"
ECHOUE = "échoué"
INCOMPLET = "incomplet"
NON_EXECUTE = "non exécuté"
NON_ECRIT = "non écrit"
NON_COUVERT = "non couvert"
# Display order, from the best news to the worst gap.
STATUTS = (REUSSI, ECHOUE, INCOMPLET, NON_EXECUTE, NON_ECRIT, NON_COUVERT)

EXPLICATIONS = {
    REUSSI: "tous les scénarios de l'exigence exécutés pendant la séance ont réussi",
    ECHOUE: "au moins un scénario de l'exigence a échoué pendant la séance",
    INCOMPLET: "des scénarios ont réussi, d'autres n'ont pas été exécutés pendant la séance",
    NON_EXECUTE: "l'exigence a des scénarios écrits, mais aucun n'a été exécuté",
    NON_ECRIT: "l'exigence n'a qu'un squelette de scénario (@a-ecrire), à écrire",
    NON_COUVERT: "aucun scénario ne cite l'exigence",
}


@dataclass(frozen=True)
class ScenarioCouvrant:
    emplacement: str  # "features/securite/connexion.feature:8"
    nom: str
    a_ecrire: bool


@dataclass(frozen=True)
class LigneCouverture:
    """One requirement: its scenarios, one status per séance (in `Couverture.seances` order) and
    its open anomalies."""

    exigence: Exigence
    scenarios: tuple[ScenarioCouvrant, ...]
    statuts: tuple[str, ...]
    anomalies: tuple[str, ...]

    @property
    def couverte(self) -> bool:
        """Covered means cited by at least one written scenario (a skeleton does not count)."""
        return any(not s.a_ecrire for s in self.scenarios)

    @property
    def statut(self) -> str:
        """The status in the latest séance; without any séance, what the features alone say."""
        return self.statuts[-1] if self.statuts else _statut_sans_resultat(self.scenarios)

    @property
    def non_couverte_p1(self) -> bool:
        return self.exigence.priorite == 1 and not self.couverte


@dataclass(frozen=True)
class Synthese:
    """One row of a summary: a domain, a priority or the whole grid. `par_statut` counts the
    requirements by their status in the latest séance (every status present, possibly 0)."""

    cle: str
    libelle: str
    total: int
    couvertes: int
    par_statut: dict[str, int]
    avec_seance: bool

    @property
    def non_couvertes(self) -> int:
        return self.total - self.couvertes

    @property
    def reussies(self) -> int:
        return self.par_statut[REUSSI]

    def pourcentage(self, nombre: int) -> float:
        return 100.0 * nombre / self.total if self.total else 0.0

    @property
    def pourcentage_couvert(self) -> float:
        return self.pourcentage(self.couvertes)

    @property
    def pourcentage_non_couvert(self) -> float:
        return self.pourcentage(self.non_couvertes)

    @property
    def pourcentage_reussi(self) -> float | None:
        """None when no séance ran: "0 % réussi" would read as a failure."""
        return self.pourcentage(self.reussies) if self.avec_seance else None


@dataclass(frozen=True)
class Couverture:
    grille: str  # the grid's file name, as the documents cite it
    seances: tuple[str, ...]  # oldest first; the last one is "the latest séance"
    lignes: tuple[LigneCouverture, ...]  # uncovered priority-1 requirements first, then grid order
    par_domaine: tuple[Synthese, ...]
    par_priorite: tuple[Synthese, ...]
    total: Synthese

    @property
    def derniere_seance(self) -> str | None:
        return self.seances[-1] if self.seances else None

    @property
    def non_couvertes_p1(self) -> tuple[LigneCouverture, ...]:
        return tuple(ligne for ligne in self.lignes if ligne.non_couverte_p1)

    def ligne(self, identifiant: str) -> LigneCouverture:
        for ligne in self.lignes:
            if ligne.exigence.id == identifiant:
                return ligne
        raise KeyError(identifiant)


def _emplacement(fichier: Path, ligne: int, racine: Path | None) -> str:
    chemin = PurePath(fichier)
    if racine is not None and chemin.is_relative_to(racine):
        chemin = chemin.relative_to(racine)
    elif "features" in chemin.parts:
        # Without a root, start at the features folder so that two copies of the bench (or two
        # machines) give the same text.
        depuis = len(chemin.parts) - 1 - chemin.parts[::-1].index("features")
        chemin = PurePath(*chemin.parts[depuis:])
    return f"{chemin.as_posix()}:{ligne}"


def _statut_sans_resultat(scenarios: Sequence[ScenarioCouvrant]) -> str:
    if not scenarios:
        return NON_COUVERT
    if all(s.a_ecrire for s in scenarios):
        return NON_ECRIT
    return NON_EXECUTE


def _derniers(resultats: Iterable[Resultat]) -> list[Resultat]:
    """A scenario run twice in one séance (a retry, a rerun) counts once, by its latest run."""
    par_cle: dict[tuple, Resultat] = {}
    ordre = sorted(resultats, key=lambda r: (r.debut or 0, r.fin or 0, r.uuid))
    for resultat in ordre:
        par_cle[(resultat.nom_complet or resultat.nom, resultat.parametres)] = resultat
    return list(par_cle.values())


def statut_en_seance(resultats: Sequence[Resultat], scenarios: Sequence[ScenarioCouvrant]) -> str:
    """What one séance says of one requirement, from the results that cite it."""
    if not resultats:
        return _statut_sans_resultat(scenarios)
    derniers = _derniers(resultats)
    if any(r.echec for r in derniers):
        return ECHOUE
    reussis = sum(r.statut == "passed" for r in derniers)
    if reussis == len(derniers):
        return REUSSI
    if reussis:
        return INCOMPLET
    if all(r.non_ecrit for r in derniers):
        return NON_ECRIT
    return NON_EXECUTE


def _synthese(
    cle: str, libelle: str, lignes: Sequence[LigneCouverture], avec_seance: bool
) -> Synthese:
    par_statut = dict.fromkeys(STATUTS, 0)
    for ligne in lignes:
        par_statut[ligne.statut] += 1
    return Synthese(
        cle=cle,
        libelle=libelle,
        total=len(lignes),
        couvertes=sum(ligne.couverte for ligne in lignes),
        par_statut=par_statut,
        avec_seance=avec_seance,
    )


def calculer_couverture(
    grille: Grille,
    scenarios: Iterable[ScenarioInfo],
    seances: Sequence[tuple[str, Sequence[Resultat]]],
    anomalies_ouvertes: Mapping[str, Iterable[str]] | None = None,
    *,
    priorites: Mapping[int, str] | None = None,
    racine: Path | None = None,
) -> Couverture:
    """The coverage of `grille` by `scenarios` and by `seances` (oldest first).

    `priorites` gives the priority words of the referential (1 → "obligatoire") for the
    summary's labels; `racine` is the folder scenario locations are written relative to.
    Scenarios and results citing an id the grid does not know are ignored (the tag check
    reports those)."""
    anomalies_ouvertes = anomalies_ouvertes or {}
    par_exigence: dict[str, list[ScenarioCouvrant]] = {e: [] for e in grille.exigences}
    for sc in sorted(scenarios, key=lambda s: (PurePath(s.fichier).as_posix(), s.ligne)):
        couvrant = ScenarioCouvrant(_emplacement(sc.fichier, sc.ligne, racine), sc.nom, sc.a_ecrire)
        for identifiant in sc.exigences:
            if identifiant in par_exigence:
                par_exigence[identifiant].append(couvrant)

    # Per séance, the results citing each requirement.
    resultats_par_seance: list[dict[str, list[Resultat]]] = []
    for _, resultats in seances:
        index: dict[str, list[Resultat]] = {}
        for resultat in resultats:
            for identifiant in resultat.exigences:
                index.setdefault(identifiant, []).append(resultat)
        resultats_par_seance.append(index)

    lignes: list[LigneCouverture] = []
    for exigence in grille:
        couvrants = tuple(par_exigence[exigence.id])
        lignes.append(
            LigneCouverture(
                exigence=exigence,
                scenarios=couvrants,
                statuts=tuple(
                    statut_en_seance(index.get(exigence.id, []), couvrants)
                    for index in resultats_par_seance
                ),
                anomalies=tuple(sorted(set(anomalies_ouvertes.get(exigence.id, ())))),
            )
        )
    # Stable sort: grid order is kept inside each group.
    lignes.sort(key=lambda ligne: not ligne.non_couverte_p1)

    avec_seance = bool(seances)
    par_domaine = tuple(
        _synthese(
            slug,
            grille.domaines.get(slug, slug),
            [ligne for ligne in lignes if ligne.exigence.domaine == slug],
            avec_seance,
        )
        for slug in grille.par_domaine()
    )
    par_priorite = tuple(
        _synthese(
            str(niveau),
            f"{niveau} – {priorites[niveau]}" if priorites and niveau in priorites else str(niveau),
            [ligne for ligne in lignes if ligne.exigence.priorite == niveau],
            avec_seance,
        )
        for niveau in grille.par_priorite()
    )
    return Couverture(
        grille=PurePath(grille.fichier).name,
        seances=tuple(identifiant for identifiant, _ in seances),
        lignes=tuple(lignes),
        par_domaine=par_domaine,
        par_priorite=par_priorite,
        total=_synthese("total", "Ensemble de la grille", lignes, avec_seance),
    )
