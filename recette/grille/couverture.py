"""How far the scenarios, the séances and the other checks cover the grid: for each requirement,
its verification methods (grid column « méthodes », or its domain's defaults) and, per method,
what covers it today: the automated scenarios and what each séance recorded, the manual
scenarios of the cahier and what the latest manual séance recorded, or the bench command that
will verify it (load, VSR, reprise, réversibilité, environment, document review) until that
check records its result. A requirement out of the contract's scope shows its reason and is
never counted as a gap. Per domain, priority and method, the share covered and passed.

A pure function of facts (the grid, the scenarios read from the features, the results of each
séance, the open anomalies): no file is read and no clock consulted, so the same facts always
give the same coverage, and the documents derived from it are byte-identical."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from recette.grille.features import ScenarioInfo
from recette.grille.modele import Exigence, Grille
from recette.grille.referentiel import HORS_PERIMETRE, Methode
from recette.resultats import Resultat

REUSSI = "réussi"
ECHOUE = "échoué"
INCOMPLET = "incomplet"
NON_EXECUTE = "non exécuté"
NON_ECRIT = "non écrit"
NON_COUVERT = "non couvert"
A_VERIFIER = "à vérifier"
HORS_PERIMETRE_CONTRACTUEL = "hors périmètre"
# Display order, from the best news to the worst gap; out of scope last (it is not a gap).
STATUTS = (
    REUSSI,
    ECHOUE,
    INCOMPLET,
    NON_EXECUTE,
    A_VERIFIER,
    NON_ECRIT,
    NON_COUVERT,
    HORS_PERIMETRE_CONTRACTUEL,
)
# The methods whose evidence is a scenario; the others are checks run by a bench command.
AUTOMATISE = "automatise"
MANUEL = "manuel"

EXPLICATIONS = {
    REUSSI: "tous les scénarios de l'exigence exécutés pendant la séance ont réussi",
    ECHOUE: "au moins un scénario de l'exigence a échoué pendant la séance",
    INCOMPLET: "des scénarios ont réussi, d'autres n'ont pas été exécutés pendant la séance",
    NON_EXECUTE: "l'exigence a des scénarios écrits, mais aucun n'a été exécuté",
    NON_ECRIT: "l'exigence n'a qu'un squelette de scénario (@a-ecrire), à écrire",
    NON_COUVERT: "aucune méthode ne la vérifie encore : ni scénario écrit, ni contrôle du banc",
    A_VERIFIER: "vérifiée par un contrôle du banc (charge, VSR, reprise, réversibilité, "
    "environnement, revue documentaire) qui n'a pas encore enregistré son résultat",
    HORS_PERIMETRE_CONTRACTUEL: "hors périmètre contractuel (motif donné), ni vérifiée ni "
    "comptée comme manque",
}


@dataclass(frozen=True)
class ScenarioCouvrant:
    emplacement: str  # "features/securite/connexion.feature:8"
    nom: str
    a_ecrire: bool


@dataclass(frozen=True)
class Verification:
    """One method of one requirement and what covers it today.

    `scenarios` are those of the method (automated or manual); `commande` is the bench command
    of the other methods; `par_defaut` says the method came from the domain, not the grid."""

    methode: str
    libelle: str
    statut: str
    par_defaut: bool = False
    scenarios: tuple[ScenarioCouvrant, ...] = ()
    commande: str = ""
    motif: str = ""

    @property
    def texte(self) -> str:
        """What a référent reads in the report for this method."""
        if self.methode == HORS_PERIMETRE:
            return self.motif  # shown after the method's label « hors périmètre contractuel »
        if self.scenarios:
            return self.statut
        if self.statut == A_VERIFIER:
            return f"à vérifier par {self.commande}" if self.commande else A_VERIFIER
        return self.statut


@dataclass(frozen=True)
class LigneCouverture:
    """One requirement: its automated scenarios, one status per séance (in `Couverture.seances`
    order), its open anomalies, its manual scenarios and what the latest manual séance said,
    and one `Verification` per method."""

    exigence: Exigence
    scenarios: tuple[ScenarioCouvrant, ...]
    statuts: tuple[str, ...]
    anomalies: tuple[str, ...]
    manuels: tuple[ScenarioCouvrant, ...] = ()
    statut_manuel: str | None = None  # None: no manual séance cited it
    verifications: tuple[Verification, ...] = ()
    motif_hors_perimetre: str = ""

    @property
    def hors_perimetre(self) -> bool:
        return bool(self.motif_hors_perimetre)

    @property
    def _automatisee(self) -> bool:
        return bool(self.scenarios) or bool(self.statuts and self.statuts[-1] != NON_COUVERT)

    @property
    def couverte(self) -> bool:
        """Covered means a way to verify it exists: a written scenario (a skeleton does not
        count), automated or manual, or a bench check among its methods. Out of scope is
        neither covered nor a gap."""
        if self.hors_perimetre:
            return False
        if any(not s.a_ecrire for s in (*self.scenarios, *self.manuels)):
            return True
        return any(v.statut == A_VERIFIER for v in self.verifications)

    @property
    def statut(self) -> str:
        """The status in the latest séance; without any séance, what the features alone say.
        A requirement no séance nor automated scenario speaks of takes the status of its manual
        scenarios, then of its bench checks."""
        if self.hors_perimetre:
            return HORS_PERIMETRE_CONTRACTUEL
        if self._automatisee:
            return self.statuts[-1] if self.statuts else _statut_sans_resultat(self.scenarios)
        if self.manuels or self.statut_manuel:
            return self.statut_manuel or _statut_sans_resultat(self.manuels)
        if any(v.statut == A_VERIFIER for v in self.verifications):
            return A_VERIFIER
        return self.statuts[-1] if self.statuts else NON_COUVERT

    @property
    def non_couverte_p1(self) -> bool:
        return self.exigence.priorite == 1 and not self.couverte and not self.hors_perimetre

    @property
    def methodes_par_defaut(self) -> tuple[str, ...]:
        return tuple(v.libelle for v in self.verifications if v.par_defaut)


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
    def hors_perimetre(self) -> int:
        return self.par_statut.get(HORS_PERIMETRE_CONTRACTUEL, 0)

    @property
    def non_couvertes(self) -> int:
        return self.total - self.couvertes - self.hors_perimetre

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
    def pourcentage_hors_perimetre(self) -> float:
        return self.pourcentage(self.hors_perimetre)

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
    # One row per method: how many requirements use it and their status by that method.
    par_methode: tuple[Synthese, ...] = ()
    seances_manuelles: tuple[str, ...] = ()
    # Requirements whose methods came from their domain because the grid said nothing.
    methodes_par_defaut: int = 0

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


def _index_resultats(resultats: Iterable[Resultat]) -> dict[str, list[Resultat]]:
    index: dict[str, list[Resultat]] = {}
    for resultat in resultats:
        for identifiant in resultat.exigences:
            index.setdefault(identifiant, []).append(resultat)
    return index


def _statut_manuel(
    identifiant: str, index_manuels: Sequence[dict[str, list[Resultat]]]
) -> str | None:
    """What the latest manual séance that cited the requirement said of it (a cahier usually
    holds one profession's part: an older séance still speaks for the requirements the latest
    one did not cite)."""
    for index in reversed(index_manuels):
        if identifiant in index:
            return statut_en_seance(index[identifiant], ())
    return None


def _verifications(
    exigence: Exigence,
    motif: str,
    automatises: tuple[ScenarioCouvrant, ...],
    statut_automatise: str,
    manuels: tuple[ScenarioCouvrant, ...],
    statut_manuel: str | None,
    methodes: Mapping[str, Methode],
) -> tuple[Verification, ...]:
    def libelle(cle: str) -> str:
        return methodes[cle].libelle if cle in methodes else cle

    if motif:
        return (
            Verification(
                HORS_PERIMETRE,
                libelle(HORS_PERIMETRE),
                HORS_PERIMETRE_CONTRACTUEL,
                par_defaut=False,
                motif=motif,
            ),
        )
    cles = list(exigence.methodes)
    # A scenario that cites the requirement verifies it whatever the grid says: never hide it.
    if (automatises or statut_automatise not in (NON_COUVERT,)) and AUTOMATISE not in cles:
        cles.append(AUTOMATISE)
    if (manuels or statut_manuel) and MANUEL not in cles:
        cles.append(MANUEL)
    verifications = []
    for cle in cles:
        declaree = cle in exigence.methodes
        par_defaut = declaree and exigence.methodes_par_defaut
        if cle == AUTOMATISE:
            statut = statut_automatise
            verifications.append(
                Verification(cle, libelle(cle), statut, par_defaut, scenarios=automatises)
            )
        elif cle == MANUEL:
            statut = statut_manuel or _statut_sans_resultat(manuels)
            verifications.append(
                Verification(cle, libelle(cle), statut, par_defaut, scenarios=manuels)
            )
        else:
            commande = methodes[cle].commande if cle in methodes else ""
            verifications.append(
                Verification(cle, libelle(cle), A_VERIFIER, par_defaut, commande=commande)
            )
    return tuple(verifications)


def calculer_couverture(
    grille: Grille,
    scenarios: Iterable[ScenarioInfo],
    seances: Sequence[tuple[str, Sequence[Resultat]]],
    anomalies_ouvertes: Mapping[str, Iterable[str]] | None = None,
    *,
    priorites: Mapping[int, str] | None = None,
    racine: Path | None = None,
    seances_manuelles: Sequence[tuple[str, Sequence[Resultat]]] = (),
    methodes: Mapping[str, Methode] | None = None,
    exclusions: Mapping[str, str] | None = None,
) -> Couverture:
    """The coverage of `grille` by `scenarios` and by `seances` (oldest first).

    `seances` are the automated séances, `seances_manuelles` the cahiers recorded as manual
    séances (oldest first); the scenarios tagged @manuel count only for the « manuel » method.
    `methodes` is the vocabulary of valeurs.yaml (labels and commands); `exclusions` maps the
    requirements a vendor profile puts out of the contract's scope to their reason (the grid's
    own « hors-perimetre » counts the same way).
    `priorites` gives the priority words of the referential (1 → "obligatoire") for the
    summary's labels; `racine` is the folder scenario locations are written relative to.
    Scenarios and results citing an id the grid does not know are ignored (the tag check
    reports those)."""
    anomalies_ouvertes = anomalies_ouvertes or {}
    methodes = methodes or {}
    exclusions = exclusions or {}
    automatises: dict[str, list[ScenarioCouvrant]] = {e: [] for e in grille.exigences}
    manuels: dict[str, list[ScenarioCouvrant]] = {e: [] for e in grille.exigences}
    for sc in sorted(scenarios, key=lambda s: (PurePath(s.fichier).as_posix(), s.ligne)):
        couvrant = ScenarioCouvrant(_emplacement(sc.fichier, sc.ligne, racine), sc.nom, sc.a_ecrire)
        cible = manuels if MANUEL in sc.tags else automatises
        for identifiant in sc.exigences:
            if identifiant in cible:
                cible[identifiant].append(couvrant)

    # Per séance, the results citing each requirement.
    resultats_par_seance = [_index_resultats(resultats) for _, resultats in seances]
    resultats_manuels = [_index_resultats(resultats) for _, resultats in seances_manuelles]

    lignes: list[LigneCouverture] = []
    for exigence in grille:
        couvrants = tuple(automatises[exigence.id])
        a_la_main = tuple(manuels[exigence.id])
        statuts = tuple(
            statut_en_seance(index.get(exigence.id, []), couvrants)
            for index in resultats_par_seance
        )
        statut_manuel = _statut_manuel(exigence.id, resultats_manuels)
        motif = exclusions.get(exigence.id) or exigence.motif_hors_perimetre
        statut_automatise = statuts[-1] if statuts else _statut_sans_resultat(couvrants)
        lignes.append(
            LigneCouverture(
                exigence=exigence,
                scenarios=couvrants,
                statuts=statuts,
                anomalies=tuple(sorted(set(anomalies_ouvertes.get(exigence.id, ())))),
                manuels=a_la_main,
                statut_manuel=statut_manuel,
                verifications=_verifications(
                    exigence,
                    motif,
                    couvrants,
                    statut_automatise,
                    a_la_main,
                    statut_manuel,
                    methodes,
                ),
                motif_hors_perimetre=motif,
            )
        )
    # Stable sort: grid order is kept inside each group.
    lignes.sort(key=lambda ligne: not ligne.non_couverte_p1)

    avec_seance = bool(seances) or bool(seances_manuelles)
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
        par_methode=_par_methode(lignes, methodes, avec_seance),
        seances_manuelles=tuple(identifiant for identifiant, _ in seances_manuelles),
        methodes_par_defaut=sum(
            bool(ligne.methodes_par_defaut) for ligne in lignes if not ligne.hors_perimetre
        ),
    )


def _par_methode(
    lignes: Sequence[LigneCouverture], methodes: Mapping[str, Methode], avec_seance: bool
) -> tuple[Synthese, ...]:
    """Per method, the requirements it verifies and their status by that method alone (a
    requirement with two methods counts in both rows). A method's requirements are covered
    when it has a written scenario or a bench command."""
    ordre = list(methodes)
    for ligne in lignes:
        for v in ligne.verifications:
            if v.methode not in ordre:
                ordre.append(v.methode)
    syntheses = []
    for cle in ordre:
        verifications = [v for ligne in lignes for v in ligne.verifications if v.methode == cle]
        if not verifications:
            continue
        par_statut = dict.fromkeys(STATUTS, 0)
        for v in verifications:
            par_statut[v.statut] += 1
        syntheses.append(
            Synthese(
                cle=cle,
                libelle=verifications[0].libelle,
                total=len(verifications),
                couvertes=sum(
                    v.statut == A_VERIFIER or any(not s.a_ecrire for s in v.scenarios)
                    for v in verifications
                ),
                par_statut=par_statut,
                avec_seance=avec_seance,
            )
        )
    return tuple(syntheses)
