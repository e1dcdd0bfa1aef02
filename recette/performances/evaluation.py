"""The contract's performance rule applied to recorded measures: pure functions, no clock, no I/O.

For each line of the table and each source of measures (the load injector, the real browser):
count, median, 95th centile, maximum, failures, and whether the series conforms. The rule is the
contract's (fixtures/contrat/performances.yaml, `statistique`): the centile must be strictly
below the threshold (« [< 2 s.] »), no single measure may exceed `multiple_max_mesure` times the
threshold, and a failed request counts as a measure over the threshold. The figure that decides
a line is the one the contract names (`mesure_decisive`): the browser's when the time is the one
« observé par l'utilisateur à partir du poste client ».
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from recette.contrat import LignePerformance, StatistiquePerformance, TableauPerformances

SOURCE_CHARGE = "charge"  # the load injector (Locust), at the protocol level
SOURCE_NAVIGATEUR = "navigateur"  # a real browser: the user's station
SOURCES = (SOURCE_CHARGE, SOURCE_NAVIGATEUR)
# The contract says "serveur" for a figure not taken at the user's station: the injector's.
SOURCE_DU_CONTRAT = {"navigateur": SOURCE_NAVIGATEUR, "serveur": SOURCE_CHARGE}

CONFORME = "conforme"
NON_CONFORME = "non conforme"
NON_MESUREE = "non mesurée"


@dataclass(frozen=True)
class Mesure:
    """One timed operation. `debut` is a Unix time in seconds; `serveur_s` is the solution's own
    time (Server-Timing) when it gives one."""

    operation: str
    source: str
    debut: float
    duree_s: float
    succes: bool = True
    serveur_s: float | None = None
    utilisateur: str = ""


@dataclass(frozen=True)
class Chiffre:
    """The figures of one source for one line. Durations in seconds, None without a measure."""

    source: str
    nombre: int
    echecs: int
    p50: float | None
    p95: float | None  # the contract's centile (named p95 for the default 95)
    maximum: float | None
    conforme: bool | None  # None: nothing measured
    motifs: tuple[str, ...] = ()  # why it does not conform, in French

    @property
    def mesure(self) -> bool:
        return self.nombre > 0


@dataclass(frozen=True)
class LigneEvaluee:
    ligne: LignePerformance
    chiffres: dict[str, Chiffre]
    source_decisive: str
    verdict: str

    @property
    def code(self) -> str:
        return self.ligne.code

    @property
    def conforme(self) -> bool:
        return self.verdict == CONFORME

    @property
    def decisif(self) -> Chiffre:
        return self.chiffres[self.source_decisive]


@dataclass(frozen=True)
class ResultatPerformances:
    """A run's verdict per line, plus what the report states about the run itself."""

    lignes: tuple[LigneEvaluee, ...]
    statistique: StatistiquePerformance
    contexte: dict = field(default_factory=dict)  # target, profile, duration, users, costs…
    fichiers: dict = field(default_factory=dict)  # name -> Path of what was written

    @property
    def conforme(self) -> bool:
        return all(ligne.conforme for ligne in self.lignes)

    @property
    def non_conformes(self) -> tuple[LigneEvaluee, ...]:
        return tuple(ligne for ligne in self.lignes if ligne.verdict == NON_CONFORME)

    @property
    def non_mesurees(self) -> tuple[LigneEvaluee, ...]:
        return tuple(ligne for ligne in self.lignes if ligne.verdict == NON_MESUREE)

    def ligne(self, code: str) -> LigneEvaluee:
        for ligne in self.lignes:
            if ligne.code == code:
                return ligne
        raise KeyError(code)


def centile(valeurs: Sequence[float], rang: float) -> float | None:
    """Nearest-rank centile: the smallest value with at least `rang` % of the series at or
    below it (never an interpolation between two measures)."""
    if not valeurs:
        return None
    ordonnees = sorted(valeurs)
    position = max(1, math.ceil(rang / 100 * len(ordonnees)))
    return ordonnees[position - 1]


def chiffrer(
    mesures: Sequence[Mesure], source: str, ligne: LignePerformance, regle: StatistiquePerformance
) -> Chiffre:
    """The figures of one series against one line of the table."""
    if not mesures:
        return Chiffre(source, 0, 0, None, None, None, None)
    reussies = [m.duree_s for m in mesures if m.succes]
    echecs = len(mesures) - len(reussies)
    seuil_s = ligne.seuil_secondes
    seuil_texte = libelle_seuil(seuil_s)
    # A failure counts as a measure over the threshold: infinite for the centile.
    serie = reussies + ([math.inf] * echecs if regle.echecs_comptent_comme_depassement else [])
    p_decision = centile(serie, regle.centile)
    maximum = max(reussies) if reussies else None
    motifs = []
    if p_decision is not None and not p_decision < seuil_s:
        if math.isinf(p_decision):
            motifs.append(
                f"{centile_libelle(regle)} : au moins {100 - regle.centile:g} % des mesures sont "
                f"des échecs ({echecs} sur {len(mesures)})"
            )
        else:
            motifs.append(f"{centile_libelle(regle)} {secondes(p_decision)} ≥ seuil {seuil_texte}")
    borne = regle.multiple_max_mesure * seuil_s
    if maximum is not None and maximum > borne:
        motifs.append(
            f"mesure isolée {secondes(maximum)} > {regle.multiple_max_mesure:g} × seuil "
            f"({secondes(borne)})"
        )
    return Chiffre(
        source=source,
        nombre=len(mesures),
        echecs=echecs,
        p50=centile(reussies, 50),
        p95=centile(reussies, regle.centile),
        maximum=maximum,
        conforme=None if p_decision is None else not motifs,
        motifs=tuple(motifs),
    )


def evaluer(tableau: TableauPerformances, mesures: Iterable[Mesure]) -> tuple[LigneEvaluee, ...]:
    """Every line of the table judged on the measures recorded for its operation code.
    Measures of codes outside the table are ignored."""
    par_cle: dict[tuple[str, str], list[Mesure]] = {}
    for mesure in mesures:
        par_cle.setdefault((mesure.operation, mesure.source), []).append(mesure)
    decisive = SOURCE_DU_CONTRAT[tableau.mesure_decisive]
    lignes = []
    for ligne in tableau.lignes:
        regle = tableau.statistique
        chiffres = {
            source: chiffrer(par_cle.get((ligne.code, source), []), source, ligne, regle)
            for source in SOURCES
        }
        decisif = chiffres[decisive]
        if decisif.conforme is None:
            verdict = NON_MESUREE
        else:
            verdict = CONFORME if decisif.conforme else NON_CONFORME
        lignes.append(LigneEvaluee(ligne, chiffres, decisive, verdict))
    return tuple(lignes)


@dataclass(frozen=True)
class StabiliteLigne:
    """One line across several runs: « Ils devront rester stables quel que soit le moment de la
    journée » — the spread of the deciding centile, and whether the verdicts agree."""

    code: str
    libelle: str
    seuil_secondes: float
    p95: tuple[float | None, ...]
    verdicts: tuple[str, ...]
    ecart_s: float | None  # max − min of the measured centiles
    ecart_relatif: float | None  # ecart_s / min, None when min is 0 or unmeasured

    @property
    def verdicts_identiques(self) -> bool:
        return len(set(self.verdicts)) <= 1


def comparer_executions(executions: Sequence[ResultatPerformances]) -> tuple[StabiliteLigne, ...]:
    """Per line of the first run, the deciding centile of each run and its spread."""
    if not executions:
        return ()
    stabilites = []
    for ligne in executions[0].lignes:
        p95s, verdicts = [], []
        for execution in executions:
            try:
                evaluee = execution.ligne(ligne.code)
            except KeyError:
                p95s.append(None)
                verdicts.append(NON_MESUREE)
                continue
            p95s.append(evaluee.decisif.p95)
            verdicts.append(evaluee.verdict)
        mesures = [p for p in p95s if p is not None]
        ecart = max(mesures) - min(mesures) if mesures else None
        relatif = ecart / min(mesures) if mesures and min(mesures) > 0 else None
        stabilites.append(
            StabiliteLigne(
                code=ligne.code,
                libelle=ligne.ligne.libelle,
                seuil_secondes=ligne.ligne.seuil_secondes,
                p95=tuple(p95s),
                verdicts=tuple(verdicts),
                ecart_s=ecart,
                ecart_relatif=relatif,
            )
        )
    return tuple(stabilites)


# --- French wording shared by the report --------------------------------------------------------


def centile_libelle(regle: StatistiquePerformance) -> str:
    return f"{regle.centile:g}e centile"


def libelle_seuil(valeur: float) -> str:
    """A threshold as the contract writes it: 10 -> « 10 s », 0.5 -> « 0,5 s »."""
    return f"{valeur:g} s".replace(".", ",")


def secondes(valeur: float | None) -> str:
    """3.5 -> « 3,50 s », 0.0123 -> « 12 ms »; French decimal comma."""
    if valeur is None:
        return "—"
    if math.isinf(valeur):
        return "échec"
    if valeur < 1:
        return f"{valeur * 1000:.0f} ms"
    return f"{valeur:.2f} s".replace(".", ",")
