"""Contract deadlines: pure functions of a start moment, a delay and a holiday set.

Nothing here reads the clock: "now" is always a parameter (``en_retard``), so every clause of the
contract about a deadline is one function and its test.

Conventions (the contract is silent on them; they are the bench's reading):

- Every moment is a timezone-aware datetime; the contract's functions work in its timezone
  (Europe/Paris), so "a day" is a Paris day.
- A deadline counted in days from a datetime keeps the time of day: an avis received on Thursday
  at 16:00 with 3 working days to answer is due at 16:00 on the third working day after.
  Working days (jours ouvrés) are Monday to Friday, public holidays excepted; the start day
  itself is never counted, whether or not it is a working day.
- Calendar-day deadlines are not pushed past a weekend or holiday: the contract says
  « jours calendaires maximum ».
- Clock hours are elapsed hours (a 4 h delay across the autumn DST change ends 4 real hours
  later). Working hours (``heures_ouvrees``) count only the contract's working-hours range
  on working days.
- A local time that does not exist (the spring DST gap) moves forward by the gap.
"""

from __future__ import annotations

import calendar
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import holidays

from recette.contrat import Contrat, Delai, Gravite, PlageHoraire, Unite
from recette.erreurs import CalendrierIncomplet

JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@dataclass(frozen=True)
class JoursFeries:
    """Public holidays of the loaded years; asking about another year is an error, not a guess."""

    dates: frozenset[date]
    annees: frozenset[int]

    def __contains__(self, jour: object) -> bool:
        if isinstance(jour, date) and jour.year not in self.annees:
            chargees = ", ".join(str(a) for a in sorted(self.annees)) or "aucune"
            raise CalendrierIncomplet(
                f"Les jours fériés de l'année {jour.year} ne sont pas chargés "
                f"(années chargées : {chargees})."
            )
        return jour in self.dates


def jours_feries_france(
    annees: Iterable[int],
    subdivision: str | None = None,
    *,
    lundi_de_pentecote_ferie: bool = True,
    ajouts: Iterable[date] = (),
    retraits: Iterable[date] = (),
) -> JoursFeries:
    """French public holidays (metropolitan France when subdivision is None).

    holidays.France counts the lundi de Pentecôte as a holiday; many employers work it as the
    journée de solidarité, so the customer may make it a working day, and may add or remove
    dated days (bridges, closures of the MSP).
    """
    annees = frozenset(annees)
    calendrier = holidays.France(years=sorted(annees), subdiv=subdivision, language="en_US")
    dates = set(calendrier)
    if not lundi_de_pentecote_ferie:
        dates -= set(calendrier.get_named("Pentecost Monday", lookup="exact"))
    dates |= {d for d in ajouts if d.year in annees}
    dates -= set(retraits)
    return JoursFeries(dates=frozenset(dates), annees=annees)


def jours_feries_du_contrat(contrat: Contrat, annees: Iterable[int]) -> JoursFeries:
    cal = contrat.calendrier
    return jours_feries_france(
        annees,
        cal.subdivision,
        lundi_de_pentecote_ferie=cal.lundi_de_pentecote_ferie,
        ajouts=cal.feries_ajoutes,
        retraits=cal.feries_retires,
    )


def est_jour_ouvre(d: date, jours_feries: Container[date]) -> bool:
    return d.isoweekday() <= 5 and d not in jours_feries


def ajouter_jours_calendaires(debut: datetime, n: int) -> datetime:
    _verifier(debut, n)
    return _meme_heure(debut, debut.date() + timedelta(days=n))


def ajouter_jours_ouvres(debut: datetime, n: int, feries: Container[date]) -> datetime:
    """The same time of day on the n-th working day after debut's day (debut's day not counted)."""
    _verifier(debut, n)
    jour = debut.date()
    restants = n
    while restants:
        jour += timedelta(days=1)
        if est_jour_ouvre(jour, feries):
            restants -= 1
    return _meme_heure(debut, jour)


def ajouter_heures(
    debut: datetime,
    n: float,
    *,
    feries: Container[date] | None = None,
    heures_ouvrees: PlageHoraire | None = None,
) -> datetime:
    """Adds n hours: clock hours by default, working hours when heures_ouvrees is given.

    The contract's 4 h to a workaround of a blocking anomaly are clock hours: the text does not
    say « heures ouvrées », a blocking anomaly means a total unavailability of a service expected
    « 24 heures sur 24 et 7 jours sur 7 », and the project plan (Étape 16) asks for « une
    intervention immédiate ». The unit is a parameter of the fixture (``heures_ouvrees``) for a
    customer who negotiates working hours.
    """
    _verifier(debut, n)
    if heures_ouvrees is None:
        return (debut.astimezone(UTC) + timedelta(hours=n)).astimezone(debut.tzinfo)
    if feries is None:
        raise ValueError("Les heures ouvrées exigent la liste des jours fériés.")
    reste = timedelta(hours=n)
    curseur = debut.replace(tzinfo=None)
    jour = curseur.date()
    while reste:
        ouverture = datetime.combine(jour, heures_ouvrees.debut)
        fermeture = datetime.combine(jour, heures_ouvrees.fin)
        depart = max(curseur, ouverture)
        if est_jour_ouvre(jour, feries) and depart < fermeture:
            if reste <= fermeture - depart:
                return _localiser(depart + reste, debut.tzinfo)
            reste -= fermeture - depart
        jour += timedelta(days=1)
        curseur = datetime.combine(jour, time.min)
    return debut


def ajouter_delai(
    debut: datetime,
    delai: Delai,
    feries: Container[date] | None = None,
    heures_ouvrees: PlageHoraire | None = None,
) -> datetime:
    if delai.unite is Unite.JOURS_CALENDAIRES:
        return ajouter_jours_calendaires(debut, delai.duree)
    if delai.unite is Unite.HEURES:
        return ajouter_heures(debut, delai.duree)
    if feries is None:
        raise ValueError(f"Un délai en {delai.unite.value} exige la liste des jours fériés.")
    if delai.unite is Unite.JOURS_OUVRES:
        return ajouter_jours_ouvres(debut, delai.duree, feries)
    if heures_ouvrees is None:
        raise ValueError("Un délai en heures ouvrées exige la plage des heures ouvrées.")
    return ajouter_heures(debut, delai.duree, feries=feries, heures_ouvrees=heures_ouvrees)


def en_retard(echeance: datetime, maintenant: datetime) -> bool:
    """Late strictly after the deadline: a fix delivered at the deadline itself is on time."""
    for moment in (echeance, maintenant):
        _verifier(moment, 0)
    return maintenant > echeance


# --- the contract's deadlines -----------------------------------------------------------------


@dataclass(frozen=True)
class Echeances:
    """Corrective-maintenance deadlines of one anomaly; no workaround deadline if non-blocking."""

    contournement: datetime | None
    correction: datetime


@dataclass(frozen=True)
class EcheancesAjournement:
    # Last moment for the vendor to say, with reasons, that the granted delay is too short.
    contestation: datetime
    # The vendor's delay to perfect its work, at most the contract's maximum (10 calendar days).
    nouvelle_recette_au_plus_tard: datetime


def echeances_anomalie(
    gravite: Gravite | str,
    transmise_le: datetime,
    contrat: Contrat,
    feries: Container[date] | None = None,
) -> Echeances:
    """Deadlines counted « à compter de la réception par le prestataire de l'avis qui constate
    l'anomalie » (§ « Maintenance corrective »): transmise_le is taken as that receipt."""
    gravite = Gravite.depuis(gravite)
    maintenance = contrat.maintenance
    if gravite is Gravite.BLOQUANTE:
        return Echeances(
            contournement=_echeance(
                transmise_le, maintenance.contournement_bloquante, contrat, feries
            ),
            correction=_echeance(transmise_le, maintenance.correction_bloquante, contrat, feries),
        )
    return Echeances(
        contournement=None,
        correction=_echeance(transmise_le, maintenance.correction_non_bloquante, contrat, feries),
    )


def echeance_reserve(
    decide_le: datetime, contrat: Contrat, feries: Container[date] | None = None
) -> datetime:
    """Deadline to perfect the work subject to a réserve, from the decision (PV) date."""
    return _echeance(decide_le, contrat.delai_reserves, contrat, feries)


def echeances_ajournement(
    avis_le: datetime, contrat: Contrat, feries: Container[date] | None = None
) -> EcheancesAjournement:
    """Counted from the avis d'ajournement, taken as received the day it is sent."""
    ajournement = contrat.ajournement
    return EcheancesAjournement(
        contestation=_echeance(avis_le, ajournement.contestation, contrat, feries),
        nouvelle_recette_au_plus_tard=_echeance(
            avis_le, ajournement.delai_accorde, contrat, feries
        ),
    )


def echeance_va(
    mise_en_ordre_de_marche: datetime, contrat: Contrat, feries: Container[date] | None = None
) -> datetime:
    return _echeance(mise_en_ordre_de_marche, contrat.delai_va, contrat, feries)


def fin_vsr(
    mise_en_production: datetime, indisponibilites: Iterable[timedelta], contrat: Contrat
) -> datetime:
    """End of the VSR: duree_mois after go-live, plus every unavailability at least as long as
    the threshold (« une prolongation de la période de VSR d'une durée égale »)."""
    _verifier(mise_en_production, 0)
    debut = mise_en_production.astimezone(contrat.calendrier.fuseau_horaire)
    prolongation = timedelta()
    for duree in indisponibilites:
        if duree < timedelta():
            raise ValueError(f"Durée d'indisponibilité négative : {duree}.")
        if duree >= contrat.vsr.prolongation_seuil:
            prolongation += duree
    fin = _meme_heure(debut, _ajouter_mois(debut.date(), contrat.vsr.duree_mois))
    return (fin.astimezone(UTC) + prolongation).astimezone(debut.tzinfo)


def echeance_remarques_documentaires(
    livre_le: datetime, contrat: Contrat, feries: Container[date] | None = None
) -> datetime:
    """The buyer's deadline to notify remarks on a delivered document."""
    return _echeance(livre_le, contrat.validation_documentaire.remarques, contrat, feries)


def echeance_reponse_documentaire(
    notifie_le: datetime, contrat: Contrat, feries: Container[date] | None = None
) -> datetime:
    """The vendor's deadline to take the remarks into account or justify not doing so."""
    return _echeance(
        notifie_le, contrat.validation_documentaire.reponse_prestataire, contrat, feries
    )


# --- French rendering of moments, for motifs and documents ----------------------------------


def date_en_francais(jour: date) -> str:
    """« vendredi 8 janvier 2027 »."""
    premier = "1er" if jour.day == 1 else str(jour.day)
    return f"{JOURS_SEMAINE[jour.weekday()]} {premier} {MOIS[jour.month - 1]} {jour.year}"


def moment_en_francais(moment: datetime) -> str:
    """« jeudi 24 décembre 2026 à 20 h 00 »."""
    return f"{date_en_francais(moment.date())} à {moment.hour} h {moment.minute:02d}"


# --- helpers ----------------------------------------------------------------------------------


def _echeance(
    debut: datetime, delai: Delai, contrat: Contrat, feries: Container[date] | None
) -> datetime:
    _verifier(debut, 0)
    local = debut.astimezone(contrat.calendrier.fuseau_horaire)
    if feries is None:
        # Enough years for any contractual delay (at most a few weeks) started this year.
        feries = jours_feries_du_contrat(contrat, (local.year, local.year + 1))
    return ajouter_delai(local, delai, feries, contrat.calendrier.heures_ouvrees)


def _verifier(moment: datetime, n: float) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"La date « {moment} » doit porter son fuseau horaire (Europe/Paris).")
    if n < 0:
        raise ValueError(f"Un délai ne peut être négatif (reçu : {n}).")


def _meme_heure(debut: datetime, jour: date) -> datetime:
    return _localiser(datetime.combine(jour, debut.time()), debut.tzinfo)


def _localiser(local: datetime, fuseau) -> datetime:
    # The UTC round trip resolves a time in the spring DST gap to a real instant.
    return local.replace(tzinfo=fuseau).astimezone(UTC).astimezone(fuseau)


def _ajouter_mois(jour: date, n: int) -> date:
    mois = jour.month - 1 + n
    annee, mois = jour.year + mois // 12, mois % 12 + 1
    # 31 December + 2 months is the last day of February, not an error.
    return date(annee, mois, min(jour.day, calendar.monthrange(annee, mois)[1]))
