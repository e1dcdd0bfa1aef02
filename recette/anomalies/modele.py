"""What the anomaly register gives back: frozen values, read from the SQLite file by
registre.py, with the few rules that only need the values themselves (lateness, the verdict's
fact, the number, the title of a new anomaly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recette.anomalies import cycle
from recette.contrat import Gravite
from recette.delais import en_retard
from recette.resultats import Resultat
from recette.verdicts import AnomalieFait, StatutAnomalie

S = StatutAnomalie

# The verdict's cumul rule groups by domain; a scenario without a domain tag still counts.
DOMAINE_INCONNU = "non renseigné"


@dataclass(frozen=True)
class Anomalie:
    numero: str
    titre: str
    seance_origine: str
    scenario: str
    exigences: tuple[str, ...]
    domaine: str | None
    priorite: int | None
    etape_en_echec: str | None
    attendu: str
    observe: str
    gravite_proposee: Gravite
    gravite_qualifiee: Gravite | None
    statut: StatutAnomalie
    reference: str | None
    signature: str
    # The séance in which the scenario passed again, while the anomaly awaits verification.
    verification_proposee: str | None
    transmise_le: datetime | None
    echeance_contournement: datetime | None
    echeance_correction: datetime | None
    contournee_le: datetime | None
    corrigee_le: datetime | None
    cree_le: datetime
    cree_par: str
    modifie_le: datetime
    # Failed runs recorded against it (the first one included).
    nombre_echecs: int

    @property
    def gravite(self) -> Gravite:
        """The person's qualification when there is one, the bench's proposal otherwise."""
        return self.gravite_qualifiee or self.gravite_proposee

    @property
    def libelle_statut(self) -> str:
        return cycle.libelle(self.statut)

    @property
    def est_ouverte(self) -> bool:
        return self.statut.est_ouverte

    def retards(self, maintenant: datetime) -> tuple[str, ...]:
        """The deadlines missed at ``maintenant``: « contournement », « correction ».

        A deadline is met by the date the workaround (or the fix, which also ends the
        unavailability) was recorded; while none is recorded, it is compared with maintenant.
        A rejected or duplicate anomaly is never late."""
        if self.statut in (S.REJETEE, S.DOUBLON):
            return ()
        manques = []
        contourne = self.contournee_le or self.corrigee_le
        for nom, echeance, fait_le in (
            ("contournement", self.echeance_contournement, contourne),
            ("correction", self.echeance_correction, self.corrigee_le),
        ):
            if echeance is not None and en_retard(echeance, fait_le or maintenant):
                manques.append(nom)
        return tuple(manques)

    def en_retard(self, maintenant: datetime) -> bool:
        return bool(self.retards(maintenant))

    def fait(self) -> AnomalieFait:
        return AnomalieFait(
            numero=self.numero,
            titre=self.titre,
            gravite=self.gravite,
            statut=self.statut,
            domaine=self.domaine or DOMAINE_INCONNU,
            exigences=self.exigences,
            ouverte_le=self.cree_le,
            transmise_le=self.transmise_le,
            priorite=self.priorite,
            qualifiee=self.gravite_qualifiee is not None,
        )


@dataclass(frozen=True)
class Occurrence:
    seance: str
    resultat: str
    observee_le: datetime
    statut: str  # the run's status: failed, broken, passed
    message: str
    preuves: tuple[str, ...]


@dataclass(frozen=True)
class Evenement:
    date: datetime
    auteur: str
    action: str
    de: StatutAnomalie | None
    vers: StatutAnomalie | None
    commentaire: str | None


@dataclass(frozen=True)
class Fiche:
    """One anomaly with everything known about it: the content of a fiche anomalie."""

    anomalie: Anomalie
    occurrences: tuple[Occurrence, ...]
    historique: tuple[Evenement, ...]


@dataclass(frozen=True)
class SeanceEnregistree:
    id: str
    phase: str
    profil: str
    cible: str
    debut: str | None
    fin: str | None
    statut: str
    compteurs: dict
    enregistree_le: datetime
    # « scenarios » or « manuel » for a séance (a sealed folder), else the kind of check
    # (« charge », « reprise », « reversibilite ») whose evidence is its report, at `rapport`.
    genre: str = "scenarios"
    rapport: str | None = None

    @property
    def est_controle(self) -> bool:
        return self.genre not in ("scenarios", "manuel")


@dataclass(frozen=True)
class Bilan:
    """What recording a séance changed in the register."""

    seance: str
    deja_enregistree: bool = False
    nouvelles: tuple[str, ...] = ()
    recurrentes: tuple[str, ...] = ()  # anomalies that got one more failed occurrence
    proposees_verifiees: tuple[str, ...] = ()


def numero_anomalie(annee: int, rang: int) -> str:
    """« ANO-2026-0001 »: the rank restarts at 1 each year."""
    return f"ANO-{annee}-{rang:04d}"


def titre_anomalie(r: Resultat) -> str:
    valeurs = ", ".join(f"{cle} : {valeur}" for cle, valeur in r.parametres)
    titre = r.nom or r.nom_complet
    return f"{titre} ({valeurs})" if valeurs else titre


def attendu_anomalie(r: Resultat) -> str:
    if r.etape_en_echec:
        return f"L'étape « {r.etape_en_echec} » se vérifie."
    return "Le scénario s'exécute jusqu'au bout."
