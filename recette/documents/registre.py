"""The anomaly register as the MOA and the vendor exchange it: an Excel workbook (one row per
anomaly, styled header, filters, frozen header) and a CSV file (UTF-8 with a byte-order mark so
that Excel opens accents correctly, « ; » as separator as French Excel expects)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from recette.anomalies import Anomalie
from recette.documents import tableurs
from recette.documents.faits import FaitsDocument
from recette.documents.rendu import court, libelle_statut

FICHIER_XLSX = "registre-anomalies.xlsx"
FICHIER_CSV = "registre-anomalies.csv"
FORMAT_DATE = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Colonne:
    titre: str
    largeur: int
    valeur: Callable[[Anomalie, datetime], Any]


def _gravite_qualifiee(a: Anomalie, _: datetime) -> str:
    return a.gravite_qualifiee.value if a.gravite_qualifiee else ""


def _retard(a: Anomalie, maintenant: datetime) -> str:
    return ", ".join(a.retards(maintenant)) or "non"


COLONNES: tuple[Colonne, ...] = (
    Colonne("Numéro", 15, lambda a, _: a.numero),
    Colonne("Titre", 45, lambda a, _: a.titre),
    Colonne("Statut", 12, lambda a, _: libelle_statut(a.statut)),
    Colonne("Gravité retenue", 14, lambda a, _: a.gravite.value),
    Colonne("Gravité proposée", 14, lambda a, _: a.gravite_proposee.value),
    Colonne("Gravité qualifiée", 14, _gravite_qualifiee),
    Colonne("Domaine", 20, lambda a, _: a.domaine or ""),
    Colonne("Priorité", 9, lambda a, _: a.priorite),
    Colonne("Exigences", 18, lambda a, _: ", ".join(a.exigences)),
    Colonne("Séance d'origine", 28, lambda a, _: a.seance_origine),
    Colonne("Scénario", 40, lambda a, _: a.scenario),
    Colonne("Étape en échec", 35, lambda a, _: a.etape_en_echec or ""),
    Colonne("Attendu", 35, lambda a, _: a.attendu),
    Colonne("Observé", 45, lambda a, _: a.observe),
    Colonne("Échecs constatés", 10, lambda a, _: a.nombre_echecs),
    Colonne("Créée le", 16, lambda a, _: a.cree_le),
    Colonne("Transmise le", 16, lambda a, _: a.transmise_le),
    Colonne("Échéance de contournement", 16, lambda a, _: a.echeance_contournement),
    Colonne("Échéance de correction", 16, lambda a, _: a.echeance_correction),
    Colonne("Contournée le", 16, lambda a, _: a.contournee_le),
    Colonne("Corrigée le", 16, lambda a, _: a.corrigee_le),
    Colonne("Retard", 14, _retard),
    Colonne("Vérification proposée (séance)", 28, lambda a, _: a.verification_proposee or ""),
    Colonne("Doublon de", 15, lambda a, _: a.reference or ""),
    Colonne("Modifiée le", 16, lambda a, _: a.modifie_le),
)


def lignes_registre(anomalies: Sequence[Anomalie], maintenant: datetime) -> list[list[Any]]:
    """One row per anomaly, values as typed objects (datetimes, ints, text)."""
    return [[c.valeur(a, maintenant) for c in COLONNES] for a in anomalies]


def ecrire_registre_xlsx(
    anomalies: Sequence[Anomalie], maintenant: datetime, destination: Path, titre: str = ""
) -> Path:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Registre des anomalies"
    tableurs.en_tete(feuille, 1, [c.titre for c in COLONNES])
    tableurs.largeurs(feuille, [c.largeur for c in COLONNES])
    for numero, ligne in enumerate(lignes_registre(anomalies, maintenant), start=2):
        for cellule in tableurs.ligne_de_cellules(feuille, numero, ligne):
            if cellule.is_date:
                cellule.number_format = FORMAT_DATE
    feuille.freeze_panes = "B2"
    feuille.auto_filter.ref = f"A1:{get_column_letter(len(COLONNES))}{len(anomalies) + 1}"
    proprietes = classeur.properties
    proprietes.title = titre or "Registre des anomalies"
    proprietes.creator = "banc de recette"
    # The facts' date, not the clock: the workbook says when the register was read.
    proprietes.created = proprietes.modified = maintenant.replace(tzinfo=None)
    return tableurs.enregistrer_classeur(classeur, destination)


def registre_csv(anomalies: Sequence[Anomalie], maintenant: datetime) -> str:
    return tableurs.texte_csv(
        [c.titre for c in COLONNES],
        (
            [court(v) if isinstance(v, datetime) else v for v in ligne]
            for ligne in lignes_registre(anomalies, maintenant)
        ),
    )


def ecrire_registre_csv(
    anomalies: Sequence[Anomalie], maintenant: datetime, destination: Path
) -> Path:
    return tableurs.ecrire_csv(destination, registre_csv(anomalies, maintenant))


def ecrire_registre(faits: FaitsDocument, dossier: Path) -> tuple[Path, Path]:
    """The anomalies of the facts, late or not at the decision date; returns (xlsx, csv)."""
    titre = f"Registre des anomalies – {faits.phase.libelle} – séance {faits.seance_id}"
    return (
        ecrire_registre_xlsx(faits.anomalies, faits.decide_le, Path(dossier) / FICHIER_XLSX, titre),
        ecrire_registre_csv(faits.anomalies, faits.decide_le, Path(dossier) / FICHIER_CSV),
    )
