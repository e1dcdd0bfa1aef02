"""The verdict of a VA or VSR séance: a pure function of recorded facts and the contract.

Source: cahier des charges type, § « Modalités communes de prononcé de VA et VSR ».

- prononcé: no open anomaly and every requirement of the grid covered and verified;
- prononcé avec réserves: only non-blocking anomalies open (« En cas d'anomalie non bloquante,
  l'Organisme acheteur peut décider de prononcer […] avec réserves »), and lower-priority
  requirements not verified; each becomes a réserve due at the decision date plus the contract's
  delay (15 calendar days);
- ajournement: a blocking anomaly open, or open non-blocking ones that count together as blocking
  (« une somme d'anomalies individuellement non bloquantes peut constituer une anomalie
  bloquante », rule in fixtures/contrat/parametres.yaml, each anomaly weighing by the priority
  of its requirement), or a requirement of a blocking priority uncovered or failed
  (configurable) — unless the MOA qualified that failure's anomaly « non bloquante »: a gravity
  the MOA qualified is never overridden by a priority rule; it carries the vendor's deadlines;
- refus: proposed instead of an ajournement when a previous séance of the same phase was already
  ajournée (« Procéder à un nouvel ajournement ; Refuser la VA ou la VSR »). The buyer chooses.

An anomaly counts as open until it is verified: « contournée » (a workaround is not a fix) and
« corrigée » (the fix is not yet checked by the buyer) are still open; « vérifiée », « close »,
« rejetée » and « doublon » are not.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from recette.contrat import Contrat, Gravite
from recette.delais import (
    EcheancesAjournement,
    echeance_reserve,
    echeances_ajournement,
    moment_en_francais,
)
from recette.erreurs import FaitsInvalides


def _normaliser(texte: str) -> str:
    """« Qualifiée » → « qualifiee », « non écrit » → « non_ecrit »: people type accents."""
    sans_accent = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode()
    return sans_accent.strip().lower().replace(" ", "_").replace("-", "_")


class _Depuis(StrEnum):
    @classmethod
    def depuis(cls, texte: str):
        try:
            return cls(_normaliser(texte))
        except ValueError:
            attendus = ", ".join(m.value for m in cls)
            raise ValueError(f"Valeur inconnue « {texte} » (attendu : {attendus}).") from None


class Phase(_Depuis):
    VA = "va"
    VSR = "vsr"

    @property
    def libelle(self) -> str:
        return self.value.upper()


class Decision(_Depuis):
    PRONONCE = "prononce"
    PRONONCE_AVEC_RESERVES = "prononce_avec_reserves"
    AJOURNEMENT = "ajournement"
    REFUS = "refus"

    @property
    def libelle(self) -> str:
        return _LIBELLES_DECISION[self]


_LIBELLES_DECISION = {
    Decision.PRONONCE: "prononcé",
    Decision.PRONONCE_AVEC_RESERVES: "prononcé avec réserves",
    Decision.AJOURNEMENT: "ajournement",
    Decision.REFUS: "refus",
}
_ORDRE = {
    Decision.REFUS: 0,
    Decision.AJOURNEMENT: 1,
    Decision.PRONONCE_AVEC_RESERVES: 2,
    Decision.PRONONCE: 3,
}


def ordre(decision: Decision | str) -> int:
    """Rank of a decision, higher is better: prononcé > avec réserves > ajournement > refus."""
    return _ORDRE[Decision.depuis(decision)]


class StatutAnomalie(_Depuis):
    OUVERTE = "ouverte"
    QUALIFIEE = "qualifiee"
    TRANSMISE = "transmise"
    CONTOURNEE = "contournee"
    CORRIGEE = "corrigee"
    VERIFIEE = "verifiee"
    CLOSE = "close"
    REJETEE = "rejetee"
    DOUBLON = "doublon"

    @property
    def est_ouverte(self) -> bool:
        return self not in _STATUTS_FERMES


_STATUTS_FERMES = frozenset(
    {StatutAnomalie.VERIFIEE, StatutAnomalie.CLOSE, StatutAnomalie.REJETEE, StatutAnomalie.DOUBLON}
)


class Resultat(_Depuis):
    """Last result of the scenarios of a requirement."""

    REUSSI = "reussi"
    ECHOUE = "echoue"
    NON_EXECUTE = "non_execute"
    NON_ECRIT = "non_ecrit"


@dataclass(frozen=True)
class ResultatExigence:
    identifiant: str
    priorite: int
    domaine: str
    couverte: bool
    resultat: Resultat = Resultat.NON_ECRIT

    def __post_init__(self):
        object.__setattr__(self, "resultat", Resultat.depuis(self.resultat))

    @property
    def verifiee(self) -> bool:
        return self.couverte and self.resultat is Resultat.REUSSI

    @property
    def en_echec(self) -> bool:
        return self.couverte and self.resultat is Resultat.ECHOUE


@dataclass(frozen=True)
class AnomalieFait:
    numero: str
    titre: str
    gravite: Gravite
    statut: StatutAnomalie
    domaine: str
    exigences: tuple[str, ...] = ()
    ouverte_le: datetime | None = None
    transmise_le: datetime | None = None
    # Weight class for the cumul rule; when None, the best priority of its requirements.
    priorite: int | None = None
    # True when the MOA qualified the gravity itself: the priority rules then only propose.
    qualifiee: bool = False

    def __post_init__(self):
        object.__setattr__(self, "gravite", Gravite.depuis(self.gravite))
        object.__setattr__(self, "statut", StatutAnomalie.depuis(self.statut))
        object.__setattr__(self, "exigences", tuple(self.exigences))

    @property
    def est_ouverte(self) -> bool:
        return self.statut.est_ouverte


@dataclass(frozen=True)
class Faits:
    phase: Phase
    decide_le: datetime
    exigences: tuple[ResultatExigence, ...]
    anomalies: tuple[AnomalieFait, ...]
    contrat: Contrat
    # Decisions of the earlier séances of the same phase, oldest first.
    decisions_precedentes: tuple[Decision, ...] = ()
    feries: Container[date] | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "phase", Phase.depuis(self.phase))
        object.__setattr__(self, "exigences", tuple(self.exigences))
        object.__setattr__(self, "anomalies", tuple(self.anomalies))
        precedentes = tuple(Decision.depuis(d) for d in self.decisions_precedentes)
        object.__setattr__(self, "decisions_precedentes", precedentes)


@dataclass(frozen=True)
class Reserve:
    numero: str
    titre: str
    echeance: datetime


@dataclass(frozen=True)
class Verdict:
    phase: Phase
    decision: Decision
    motifs: tuple[str, ...]
    reserves: tuple[Reserve, ...] = ()
    # Only for an ajournement: the vendor's contestation and rework deadlines.
    echeances: EcheancesAjournement | None = None


def proposer_verdict(faits: Faits) -> Verdict:
    _verifier(faits)
    ouvertes = sorted((a for a in faits.anomalies if a.est_ouverte), key=lambda a: a.numero)
    bloquantes = [a for a in ouvertes if a.gravite is Gravite.BLOQUANTE]
    non_bloquantes = [a for a in ouvertes if a.gravite is Gravite.NON_BLOQUANTE]
    exigences = sorted(faits.exigences, key=lambda e: e.identifiant)
    regle = faits.contrat.exigences
    # The MOA decides severity: a requirement whose failure is an open anomaly it qualified
    # « non bloquante » is judged through that anomaly (a réserve), not by its priority.
    qualifiees_non_bloquantes = {
        numero for a in non_bloquantes if a.qualifiee for numero in a.exigences
    }
    ecarts_bloquants = [
        e
        for e in exigences
        if e.priorite in regle.priorites_bloquantes
        and e.identifiant not in qualifiees_non_bloquantes
        and (
            (e.en_echec and regle.ajourner_si_en_echec)
            or (not e.verifiee and not e.en_echec and regle.ajourner_si_non_couverte)
        )
    ]
    motifs_ajournement = (
        [_motif_bloquante(a) for a in bloquantes]
        + _motifs_cumul(non_bloquantes, faits)
        + [f"{_constat_exigence(e)}." for e in ecarts_bloquants]
    )
    if motifs_ajournement:
        return _ajourner_ou_refuser(faits, motifs_ajournement)

    echeance = echeance_reserve(faits.decide_le, faits.contrat, faits.feries)
    quand = moment_en_francais(echeance)
    liees = {numero for a in non_bloquantes for numero in a.exigences}
    # A requirement whose gap is already an open anomaly is reserved once, through the anomaly.
    ecarts = [e for e in exigences if not e.verifiee and e.identifiant not in liees]
    if not non_bloquantes and not ecarts:
        n = len(exigences)
        motif = (
            "Aucune anomalie n'est ouverte et toutes les exigences de la grille sont couvertes "
            f"et vérifiées ({n} sur {n})."
        )
        return Verdict(faits.phase, Decision.PRONONCE, (motif,))
    reserves = [Reserve(a.numero, a.titre, echeance) for a in non_bloquantes] + [
        Reserve(e.identifiant, _titre_ecart(e), echeance) for e in ecarts
    ]
    motifs = [
        f"L'anomalie non bloquante {a.numero} « {a.titre} » est ouverte : réserve à lever "
        f"au plus tard le {quand}."
        for a in non_bloquantes
    ] + [f"{_constat_exigence(e)} : réserve à lever au plus tard le {quand}." for e in ecarts]
    return Verdict(faits.phase, Decision.PRONONCE_AVEC_RESERVES, tuple(motifs), tuple(reserves))


def _ajourner_ou_refuser(faits: Faits, motifs: list[str]) -> Verdict:
    phase = faits.phase.libelle
    precedents = sum(
        d in (Decision.AJOURNEMENT, Decision.REFUS) for d in faits.decisions_precedentes
    )
    if precedents >= faits.contrat.refus_apres_ajournements:
        motifs += [
            f"La {phase} a déjà été ajournée lors d'une séance précédente et ne peut toujours "
            "pas être prononcée : le refus est proposé.",
            "L'Organisme acheteur peut, à son choix, procéder à un nouvel ajournement.",
        ]
        return Verdict(faits.phase, Decision.REFUS, tuple(motifs))
    echeances = echeances_ajournement(faits.decide_le, faits.contrat, faits.feries)
    motifs += [
        "Le prestataire peut indiquer, de manière motivée, que le délai accordé lui paraît "
        f"insuffisant jusqu'au {moment_en_francais(echeances.contestation)}.",
        "Le prestataire présente les éléments corrigés en vue d'une nouvelle séance de recette "
        f"au plus tard le {moment_en_francais(echeances.nouvelle_recette_au_plus_tard)}.",
    ]
    return Verdict(faits.phase, Decision.AJOURNEMENT, tuple(motifs), echeances=echeances)


def _motif_bloquante(a: AnomalieFait) -> str:
    debut = f"L'anomalie bloquante {a.numero} « {a.titre} » est ouverte"
    if a.statut is StatutAnomalie.CONTOURNEE:
        return f"{debut} : elle est contournée mais pas corrigée."
    if a.statut is StatutAnomalie.CORRIGEE:
        return f"{debut} : sa correction n'est pas encore vérifiée."
    return f"{debut}."


def _motifs_cumul(non_bloquantes: list[AnomalieFait], faits: Faits) -> list[str]:
    """Open non-blocking anomalies that together make a blocking one, each weighing by the
    priority of the requirement it touches (three priority-3 typos weigh little)."""
    regle = faits.contrat.cumul
    priorites = {e.identifiant: e.priorite for e in faits.exigences}

    def poids(groupe: list[AnomalieFait]) -> int:
        return sum(regle.poids(_priorite(a, priorites)) for a in groupe)

    motifs = []
    if regle.seuil_poids_par_domaine is not None:
        par_domaine: dict[str, list[AnomalieFait]] = defaultdict(list)
        for a in non_bloquantes:
            par_domaine[a.domaine].append(a)
        for domaine, groupe in sorted(par_domaine.items()):
            if poids(groupe) >= regle.seuil_poids_par_domaine:
                numeros = ", ".join(a.numero for a in groupe)
                motifs.append(
                    f"Les {len(groupe)} anomalies non bloquantes ouvertes du domaine « {domaine} » "
                    f"({numeros}) pèsent ensemble {poids(groupe)} (seuil : "
                    f"{regle.seuil_poids_par_domaine} par domaine) et constituent ensemble une "
                    "anomalie bloquante."
                )
    if regle.seuil_poids_total is not None and non_bloquantes:
        total = poids(non_bloquantes)
        if total >= regle.seuil_poids_total:
            motifs.append(
                f"Les {len(non_bloquantes)} anomalies non bloquantes ouvertes pèsent ensemble "
                f"{total} (seuil : {regle.seuil_poids_total}) et constituent ensemble une "
                "anomalie bloquante."
            )
    return motifs


def _priorite(a: AnomalieFait, priorites: dict[str, int]) -> int | None:
    if a.priorite is not None:
        return a.priorite
    connues = [priorites[e] for e in a.exigences if e in priorites]
    return min(connues, default=None)


def _constat_exigence(e: ResultatExigence) -> str:
    debut = f"L'exigence {e.identifiant} (priorité {e.priorite})"
    if e.en_echec:
        return f"{debut} est en échec"
    if e.couverte and e.resultat is Resultat.NON_EXECUTE:
        return f"{debut} n'a pas été vérifiée, son scénario n'ayant pas été exécuté"
    return f"{debut} n'est couverte par aucun scénario"


def _titre_ecart(e: ResultatExigence) -> str:
    if e.en_echec:
        return "Exigence en échec"
    if e.couverte and e.resultat is Resultat.NON_EXECUTE:
        return "Exigence non vérifiée"
    return "Exigence non couverte"


def _verifier(faits: Faits) -> None:
    if faits.decide_le.tzinfo is None or faits.decide_le.utcoffset() is None:
        raise FaitsInvalides(
            f"La date de décision « {faits.decide_le} » doit porter son fuseau horaire."
        )
    if not faits.exigences:
        raise FaitsInvalides(
            "La grille ne contient aucune exigence : aucun verdict n'est possible."
        )
    for nom, valeurs in (
        ("exigence", [e.identifiant for e in faits.exigences]),
        ("anomalie", [a.numero for a in faits.anomalies]),
    ):
        doublons = sorted(v for v, n in Counter(valeurs).items() if n > 1)
        if doublons:
            raise FaitsInvalides(f"Identifiant d'{nom} en double : {', '.join(doublons)}.")
