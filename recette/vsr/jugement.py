"""The VSR judged the contract's way, as one pure function of the samples.

Facts in (the samples of every poste, the probe's cadence and presence, the declared maintenance
windows, the VA prononcé date, the instant up to which samples are known, the contract), facts
out (each day's bands and verdict, the maintenance account, the outages, the VSR's end, the
response times per line). No clock, no I/O: ``jusqu_au`` is the caller's « now ».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from recette.contrat import Contrat
from recette.erreurs import FaitsInvalides
from recette.vsr.chronologie import Chronologie, Etat, chronologie_des_echantillons
from recette.vsr.echantillons import (
    CadenceSonde,
    FenetreMaintenance,
    PresenceSonde,
    Serie,
    presences_en_us,
    validite_us,
)
from recette.vsr.fin import FinVSR, Panne, fin_de_vsr, pannes
from recette.vsr.maintenance import AnneeMaintenance, MaintenanceDecomptee, decompter_maintenance
from recette.vsr.plages import Journee, Verdict, journees
from recette.vsr.temps import SECONDE_US, en_us
from recette.vsr.temps_de_reponse import TempsLigne, temps_de_reponse


@dataclass(frozen=True, eq=False)
class JugementVSR:
    debut: datetime
    jusqu_au: datetime
    chronologie: Chronologie
    journees: tuple[Journee, ...]
    maintenances: tuple[MaintenanceDecomptee, ...]
    annees_maintenance: tuple[AnneeMaintenance, ...]
    pannes: tuple[Panne, ...]
    fin: FinVSR
    temps_de_reponse: tuple[TempsLigne, ...]

    @property
    def journees_en_depassement(self) -> tuple[Journee, ...]:
        return tuple(j for j in self.journees if j.verdict is Verdict.DEPASSEMENT)

    def journee(self, jour: date) -> Journee:
        for j in self.journees:
            if j.jour == jour:
                return j
        raise KeyError(jour)

    def chronologie_du_jour(self, jour: date) -> tuple[tuple[datetime, datetime, Etat], ...]:
        """The journée's timeline (UTC instants, state): an anomaly's evidence."""
        plages = self.journee(jour).plages
        return self.chronologie.extrait(
            en_us(min(p.debut for p in plages)), en_us(max(p.fin for p in plages))
        )


def juger_vsr(
    serie: Serie,
    contrat: Contrat,
    *,
    debut_vsr: datetime | None,
    jusqu_au: datetime,
    cadence: CadenceSonde,
    maintenances: Sequence[FenetreMaintenance] = (),
    presences: Sequence[PresenceSonde] | None = None,
) -> JugementVSR:
    """Judges [debut_vsr, jusqu_au): samples outside are ignored, time without samples is
    « inconnu ». ``debut_vsr`` is decisions.debut_vsr(…): None while no VA is pronounced."""
    if debut_vsr is None:
        raise FaitsInvalides(
            "La VSR ne commence qu'au prononcé de la VA : le registre des décisions n'en contient "
            "aucun en vigueur."
        )
    debut_us = en_us(debut_vsr, "La date de prononcé de la VA")
    fin_us = en_us(jusqu_au, "L'instant de fin des observations")
    if fin_us <= debut_us:
        raise FaitsInvalides(
            "La VSR ne peut être jugée : l'instant de fin des observations précède le prononcé "
            "de la VA."
        )
    fuseau = contrat.calendrier.fuseau_horaire
    dispo = contrat.disponibilite
    chronologie = chronologie_des_echantillons(
        serie,
        contrat.performances,
        dispo,
        validite_us(cadence),
        debut_us,
        fin_us,
        presences_en_us(presences, serie.postes) if presences is not None else None,
    )
    chronologie, decomptes, annees = decompter_maintenance(
        chronologie, maintenances, dispo, debut_vsr, fuseau
    )
    observees = pannes(chronologie)
    debut_journee = min(p.debut for p in dispo.plages)
    # µs after local midnight: the day's first band starts there (7 h by default).
    debut_journee_us = (debut_journee.hour * 3600 + debut_journee.minute * 60) * SECONDE_US
    return JugementVSR(
        debut=debut_vsr,
        jusqu_au=jusqu_au,
        chronologie=chronologie,
        journees=journees(chronologie, dispo, fuseau),
        maintenances=decomptes,
        annees_maintenance=annees,
        pannes=observees,
        fin=fin_de_vsr(debut_vsr, observees, contrat),
        temps_de_reponse=temps_de_reponse(
            serie, contrat.performances, fuseau, debut_journee_us, (debut_us, fin_us)
        ),
    )
