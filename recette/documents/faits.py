"""Everything a document needs, gathered once from a sealed séance, the anomaly register, the
grid and the contract: the facts a PV, a fiche, the register export or an avis are rendered from.

Rules of the bench (the contract leaves them open):

- The PV rests on one séance and its manifest: the requirements' results and the coverage come
  from that séance's results only. Earlier séances of the same phase are listed, not merged.
- The scope of a phase is the grid's requirements verified in that phase (column
  « vérification »: VA, VSR or VA+VSR).
- The anomalies are those found in the séances of the same phase that started no later than
  this one, in their current state in the register (the MOA qualifies them before signing).
- The decision date defaults to the séance's end, never to the clock: the same séance and the
  same register always give the same facts, hence the same PV.
- Coverage status → requirement result for the verdict: « réussi » is verified, « échoué » is
  failed, « incomplet » and « non exécuté » are not verified (not executed), « non écrit » and
  « non couvert » are not covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from recette import seance as seances
from recette.adaptateur.profil import chemin_profil
from recette.anomalies import Anomalie, Fiche, Registre, chemin_registre
from recette.anomalies.modele import DOMAINE_INCONNU
from recette.anomalies.registre import registre_existe
from recette.contrat import Contrat, charger_contrat
from recette.delais import moment_en_francais
from recette.erreurs import DocumentImpossible, ProfilInvalide, SeanceInvalide
from recette.grille import charger_grille, charger_referentiel
from recette.grille.couverture import (
    A_VERIFIER,
    ECHOUE,
    INCOMPLET,
    NON_EXECUTE,
    REUSSI,
    Couverture,
    calculer_couverture,
)
from recette.grille.features import lire_features
from recette.grille.modele import Grille
from recette.grille.perimetre import lire_exclusions
from recette.preuves import MANIFESTE, empreinte_manifeste, lire_manifeste
from recette.resultats import Resultat, compter, lire_resultats
from recette.verdicts import (
    Faits,
    Phase,
    ResultatExigence,
    StatutAnomalie,
    Verdict,
    proposer_verdict,
)
from recette.verdicts import (
    Resultat as ResultatVerdict,
)

ORGANISATION_INCONNUE = "Organisme acheteur"

_RESULTAT_DU_STATUT = {
    REUSSI: ResultatVerdict.REUSSI,
    ECHOUE: ResultatVerdict.ECHOUE,
    INCOMPLET: ResultatVerdict.NON_EXECUTE,
    NON_EXECUTE: ResultatVerdict.NON_EXECUTE,
    # Verified by a bench check (load, VSR, reprise…) that has not recorded its result yet.
    A_VERIFIER: ResultatVerdict.NON_EXECUTE,
}


@dataclass(frozen=True)
class Solution:
    libelle: str
    profil: str
    cible: str
    version: str
    navigateur: str


@dataclass(frozen=True)
class SeanceResumee:
    id: str
    debut: datetime | None
    fin: datetime | None
    statut: str
    compteurs: dict
    courante: bool


@dataclass(frozen=True)
class LigneResultats:
    """Scenario runs of one domain, one priority, or of the whole séance."""

    cle: str
    libelle: str
    total: int
    reussis: int
    echoues: int
    ignores: int
    non_ecrits: int

    @property
    def pourcentage_reussi(self) -> float | None:
        return 100.0 * self.reussis / self.total if self.total else None


@dataclass(frozen=True)
class FaitsDocument:
    seance_id: str
    phase: Phase
    dossier: Path  # the sealed séance folder
    dossier_rapports: Path
    organisation: str
    solution: Solution
    debut: datetime | None
    fin: datetime | None
    statut_seance: str
    remarques: tuple[str, ...]
    decide_le: datetime
    seances: tuple[SeanceResumee, ...]  # same phase, up to this one, oldest first
    resultats: tuple[Resultat, ...]
    par_domaine: tuple[LigneResultats, ...]
    par_priorite: tuple[LigneResultats, ...]
    total: LigneResultats
    grille: str  # the grid's file name
    priorites: dict[int, str]  # 1 → « obligatoire »
    domaines: dict[str, str]  # slug → libellé
    couverture: Couverture
    exigences: tuple[ResultatExigence, ...]
    fiches: tuple[Fiche, ...]  # number order
    verdict: Verdict
    manifeste_sha256: str
    fichiers_preuves: int  # files listed by the manifest
    contrat: Contrat = field(repr=False)
    # Requirements of the phase out of the contract's scope (profile's exclusions or the grid's
    # « hors-perimetre » method): (id, libellé, reason each).
    hors_perimetre: tuple[tuple[str, str, str], ...] = ()
    # The response-time check run with this séance (documents/<séance>/performances/), if any.
    performances: object | None = None

    @property
    def anomalies(self) -> tuple[Anomalie, ...]:
        return tuple(f.anomalie for f in self.fiches)

    @property
    def ouvertes(self) -> tuple[Anomalie, ...]:
        return tuple(a for a in self.anomalies if a.est_ouverte)

    @property
    def fermees(self) -> tuple[Anomalie, ...]:
        return tuple(a for a in self.anomalies if not a.est_ouverte)

    @property
    def ecarts(self) -> tuple[ResultatExigence, ...]:
        """Requirements of the scope not verified by this séance."""
        return tuple(e for e in self.exigences if not e.verifiee)

    def fiche(self, numero: str) -> Fiche:
        for f in self.fiches:
            if f.anomalie.numero == numero:
                return f
        raise KeyError(numero)

    def libelle_domaine(self, slug: str | None) -> str:
        if not slug:
            return DOMAINE_INCONNU
        return self.domaines.get(slug, slug)


def rassembler_faits(
    racine: Path, seance_id: str, decide_le: datetime | None = None
) -> FaitsDocument:
    """The facts of the documents of séance ``seance_id`` of the bench at ``racine``."""
    racine = Path(racine)
    racine_rapports = seances.dossier_rapports(racine)
    dossier, donnees = seances.charger(racine_rapports, seance_id)
    seance_id = dossier.name
    contrat = charger_contrat(racine / "fixtures")
    fuseau = contrat.calendrier.fuseau_horaire
    try:
        phase = Phase.depuis(donnees.get("phase", ""))
    except ValueError as exc:
        raise SeanceInvalide(f"Séance {seance_id} : {exc}") from None
    debut = _moment(donnees.get("debut"), fuseau)
    fin = _moment(donnees.get("fin"), fuseau)
    if decide_le is None:
        decide_le = fin or debut
        if decide_le is None:
            raise DocumentImpossible(
                f"La séance {seance_id} n'a ni début ni fin : indiquez la date de décision."
            )
    elif decide_le.tzinfo is None or decide_le.utcoffset() is None:
        raise DocumentImpossible(
            f"La date de décision « {decide_le} » doit porter son fuseau horaire (Europe/Paris)."
        )
    decide_le = decide_le.astimezone(fuseau)

    dossier_resultats = dossier / "allure-results"
    resultats = lire_resultats(dossier_resultats) if dossier_resultats.is_dir() else []

    referentiel = charger_referentiel(racine)
    grille = _perimetre(charger_grille(racine), phase)
    grille, hors_perimetre = _perimetre_du_profil(racine, donnees, grille)
    fiches = _fiches_de_la_phase(racine, seance_id, phase, debut, contrat)
    ouvertes: dict[str, list[str]] = {}
    for f in fiches:
        if f.anomalie.est_ouverte:
            for exigence in f.anomalie.exigences:
                ouvertes.setdefault(exigence, []).append(f.anomalie.numero)
    couverture = calculer_couverture(
        grille,
        lire_features(racine / "features"),
        [(seance_id, resultats)],
        ouvertes,
        priorites=referentiel.priorites,
        racine=racine,
        methodes=referentiel.methodes,
    )
    exigences = tuple(_resultat_exigence(ligne) for ligne in couverture.lignes)
    verdict = proposer_verdict(
        Faits(
            phase=phase,
            decide_le=decide_le,
            exigences=exigences,
            anomalies=tuple(f.anomalie.fait() for f in fiches),
            contrat=contrat,
        )
    )
    domaines = dict(grille.domaines)
    return FaitsDocument(
        seance_id=seance_id,
        phase=phase,
        dossier=dossier,
        dossier_rapports=racine_rapports,
        organisation=organisation_de(racine),
        solution=_solution(racine, donnees),
        debut=debut,
        fin=fin,
        statut_seance=str(donnees.get("statut", "")),
        remarques=tuple(str(r) for r in donnees.get("remarques", [])),
        decide_le=decide_le,
        seances=_seances_de_la_phase(racine_rapports, seance_id, phase, debut, fuseau),
        resultats=tuple(resultats),
        par_domaine=_par_cle(
            resultats,
            lambda r: r.domaine or "",
            lambda cle: domaines.get(cle, cle) if cle else DOMAINE_INCONNU,
            list(domaines),
        ),
        par_priorite=_par_cle(
            resultats,
            lambda r: str(r.priorite) if r.priorite is not None else "",
            lambda cle: _libelle_priorite(cle, referentiel.priorites),
            [str(p) for p in sorted(referentiel.priorites)],
        ),
        total=_ligne("total", "Ensemble de la séance", resultats),
        grille=couverture.grille,
        priorites=dict(referentiel.priorites),
        domaines=domaines,
        couverture=couverture,
        exigences=exigences,
        fiches=fiches,
        verdict=verdict,
        manifeste_sha256=empreinte_manifeste(dossier),
        fichiers_preuves=len(lire_manifeste(dossier)),
        contrat=contrat,
        hors_perimetre=hors_perimetre,
        performances=_performances(racine_rapports / "documents" / seance_id),
    )


def statut_au(fiche: Fiche, moment: datetime) -> StatutAnomalie | None:
    """The anomaly's status at ``moment``, replayed from its history; None if not yet created."""
    if fiche.anomalie.cree_le > moment:
        return None
    statut = StatutAnomalie.OUVERTE
    for evenement in fiche.historique:
        if evenement.date > moment:
            break
        if evenement.vers is not None:
            statut = evenement.vers
    return statut


def constats(verdict: Verdict) -> tuple[str, ...]:
    """The verdict's reasons without the two sentences that restate an ajournement's deadlines:
    documents show those deadlines in a table of their own."""
    if verdict.echeances is None:
        return verdict.motifs
    dates = (
        moment_en_francais(verdict.echeances.contestation),
        moment_en_francais(verdict.echeances.nouvelle_recette_au_plus_tard),
    )
    return tuple(m for m in verdict.motifs if not any(d in m for d in dates))


def seances_suivantes(racine: Path, faits: FaitsDocument) -> list[str]:
    """Sealed séances of the same phase that started after this one, oldest first: where a
    réserve's control happens."""
    suivantes = []
    for identifiant, donnees in _seances_scellees(faits.dossier_rapports):
        if identifiant == faits.seance_id or donnees.get("phase") != faits.phase.value:
            continue
        debut = _moment(donnees.get("debut"), faits.contrat.calendrier.fuseau_horaire)
        if debut is not None and faits.debut is not None and debut > faits.debut:
            suivantes.append((debut, identifiant))
    return [identifiant for _, identifiant in sorted(suivantes)]


# --- helpers ----------------------------------------------------------------------------------


def _moment(texte, fuseau) -> datetime | None:
    if not texte:
        return None
    try:
        moment = datetime.fromisoformat(str(texte))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=fuseau)
    return moment.astimezone(fuseau)


def _perimetre(grille: Grille, phase: Phase) -> Grille:
    retenues = {e.id: e for e in grille if e.verifiee_en(phase.value)}
    return Grille(retenues, grille.domaines, grille.fichier, grille.avertissements)


def _performances(dossier_documents: Path):
    """The load check kept beside the séance's documents, read back as recorded facts."""
    chemin = dossier_documents / "performances" / "performances.json"
    if not chemin.exists():
        return None
    from recette.performances.rapport import charger_resultat

    return charger_resultat(chemin)


def _perimetre_du_profil(
    racine: Path, donnees: dict, grille: Grille
) -> tuple[Grille, tuple[tuple[str, str, str], ...]]:
    """The requirements the contract excludes (the profile's `perimetre.exclusions`, or the
    grid's « hors-perimetre » method) leave the decision; the PV lists each with its reason.
    Everything else in the grid counts, whatever verifies it."""
    try:
        fichier = chemin_profil(str(donnees.get("profil", "")), racine)
    except ProfilInvalide:
        fichier = None
    exclusions = lire_exclusions(fichier, grille) if fichier is not None else {}
    motifs = {
        e.id: exclusions.get(e.id) or e.motif_hors_perimetre
        for e in grille
        if e.id in exclusions or e.motif_hors_perimetre
    }
    retenues = {i: e for i, e in grille.exigences.items() if i not in motifs}
    exclues = tuple((e.id, e.libelle, motifs[e.id]) for e in grille if e.id in motifs)
    return Grille(retenues, grille.domaines, grille.fichier, grille.avertissements), exclues


def _resultat_exigence(ligne) -> ResultatExigence:
    resultat = _RESULTAT_DU_STATUT.get(ligne.statut, ResultatVerdict.NON_ECRIT)
    # A scenario the séance ran covers its requirement, even if the features changed since.
    couverte = ligne.couverte or ligne.statut in (REUSSI, ECHOUE, INCOMPLET)
    return ResultatExigence(
        identifiant=ligne.exigence.id,
        priorite=ligne.exigence.priorite,
        domaine=ligne.exigence.domaine,
        couverte=couverte,
        resultat=resultat,
    )


def _fiches_de_la_phase(
    racine: Path, seance_id: str, phase: Phase, debut: datetime | None, contrat: Contrat
) -> tuple[Fiche, ...]:
    chemin = chemin_registre(racine)
    if not registre_existe(chemin):
        raise DocumentImpossible(
            f"Le registre des anomalies {chemin} n'existe pas : la séance {seance_id} n'y a "
            "jamais été enregistrée."
        )
    fuseau = contrat.calendrier.fuseau_horaire
    with Registre(chemin, contrat) as registre:
        enregistrees = registre.seances()
        if seance_id not in {s.id for s in enregistrees}:
            raise DocumentImpossible(
                f"La séance {seance_id} n'est pas enregistrée dans le registre des anomalies "
                f"{chemin} : ses échecs n'y sont pas, le PV serait faux."
            )
        retenues = set()
        for s in enregistrees:
            if s.phase != phase.value:
                continue
            sa_date = _moment(s.debut, fuseau)
            if s.id == seance_id or (sa_date and debut and sa_date <= debut):
                retenues.add(s.id)
        return tuple(
            registre.voir(a.numero) for a in registre.lister() if a.seance_origine in retenues
        )


def _seances_scellees(racine_rapports: Path) -> Iterable[tuple[str, dict]]:
    for identifiant in seances.lister(racine_rapports):
        if not (racine_rapports / identifiant / MANIFESTE).exists():
            continue
        try:
            _, donnees = seances.charger(racine_rapports, identifiant)
        except SeanceInvalide:
            continue
        yield identifiant, donnees


def _seances_de_la_phase(
    racine_rapports: Path, seance_id: str, phase: Phase, debut: datetime | None, fuseau
) -> tuple[SeanceResumee, ...]:
    retenues = []
    for identifiant, donnees in _seances_scellees(racine_rapports):
        if donnees.get("phase") != phase.value:
            continue
        sa_date = _moment(donnees.get("debut"), fuseau)
        if identifiant != seance_id and not (sa_date and debut and sa_date <= debut):
            continue
        retenues.append(
            SeanceResumee(
                id=identifiant,
                debut=sa_date,
                fin=_moment(donnees.get("fin"), fuseau),
                statut=str(donnees.get("statut", "")),
                compteurs=dict(donnees.get("compteurs") or {}),
                courante=identifiant == seance_id,
            )
        )
    return tuple(sorted(retenues, key=lambda s: (s.debut.isoformat() if s.debut else "", s.id)))


def organisation_de(racine: Path) -> str:
    """The buyer's name, from the data fixture of the health centre being tested
    (fixtures/donnees/centre.yaml, key « nom »)."""
    chemin = racine / "fixtures" / "donnees" / "centre.yaml"
    try:
        donnees = yaml.safe_load(chemin.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ORGANISATION_INCONNUE
    if not isinstance(donnees, dict):
        return ORGANISATION_INCONNUE
    return str(donnees.get("nom") or ORGANISATION_INCONNUE)


def _solution(racine: Path, donnees: dict) -> Solution:
    profil = str(donnees.get("profil", ""))
    libelle = profil
    try:
        contenu = yaml.safe_load(chemin_profil(profil, racine).read_text(encoding="utf-8"))
        if isinstance(contenu, dict) and contenu.get("libelle"):
            libelle = str(contenu["libelle"])
    except (ProfilInvalide, OSError, yaml.YAMLError):
        pass
    version = (donnees.get("version_cible") or {}).get("version") or "inconnue"
    navigateur = donnees.get("navigateur") or {}
    texte_navigateur = " ".join(str(navigateur[c]) for c in ("nom", "version") if navigateur.get(c))
    return Solution(
        libelle=libelle or "non renseignée",
        profil=profil,
        cible=str(donnees.get("cible", "")),
        version=str(version),
        navigateur=texte_navigateur or "non renseigné",
    )


def _ligne(cle: str, libelle: str, resultats: list[Resultat]) -> LigneResultats:
    compte = compter(resultats)
    return LigneResultats(
        cle=cle,
        libelle=libelle,
        total=compte["total"],
        reussis=compte["reussis"],
        echoues=compte["echoues"],
        ignores=compte["ignores"],
        non_ecrits=compte["non_ecrits"],
    )


def _par_cle(resultats, cle_de, libelle_de, ordre: list[str]) -> tuple[LigneResultats, ...]:
    groupes: dict[str, list[Resultat]] = {}
    for r in resultats:
        groupes.setdefault(cle_de(r), []).append(r)
    # Known keys in display order, then unknown ones alphabetically, the missing key last.
    rang = {cle: i for i, cle in enumerate(ordre)}
    cles = sorted(groupes, key=lambda c: (c == "", rang.get(c, len(rang)), c))
    return tuple(_ligne(c, libelle_de(c), groupes[c]) for c in cles)


def _libelle_priorite(cle: str, priorites: dict[int, str]) -> str:
    if not cle:
        return "non renseignée"
    niveau = int(cle)
    return f"{niveau} – {priorites[niveau]}" if niveau in priorites else cle
