"""Coherence rules of a patient's data, for generated files and imported ones alike.

Pure functions of the data and the reference tables of `fixtures/donnees/`: no clock (the
reference date travels with the dossier), no I/O. The generator's property tests and the
pivot reader both call them, so a rule is written once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recette.donnees import referentiels
from recette.donnees.agenda import RendezVous, heure
from recette.donnees.ages import annees_revolues
from recette.donnees.dossiers import Dossier
from recette.donnees.identite import Patient, nir_coherent
from recette.donnees.referentiels import Centre


@dataclass(frozen=True, slots=True)
class Constat:
    """One incoherence: the pivot file holding the fact, its rank there, the field, the why."""

    fichier: str  # patients, elements_medicaux, contacts_parents, correspondants, consentements
    index: int  # rank of the fact in the dossier's list of that file (0 for the patient)
    champ: str
    message: str


def _evoque_grossesse(libelle: str, mots: Iterable[str]) -> bool:
    minuscule = libelle.lower()
    return any(mot in minuscule for mot in mots)


def constats(patient: Patient, dossier: Dossier) -> list[Constat]:
    """Every incoherence of a patient and their file, as structured findings."""
    cat = referentiels.catalogue()
    reference = dossier.date_reference
    naissance = patient.date_naissance
    resultat: list[Constat] = []

    def signaler(fichier: str, index: int, champ: str, message: str) -> None:
        resultat.append(Constat(fichier, index, champ, message))

    for probleme in nir_coherent(patient.nir, patient.sexe, naissance, patient.code_lieu_naissance):
        signaler("patients", 0, "nir", probleme)
    if reference is not None and naissance > reference:
        signaler(
            "patients",
            0,
            "date_naissance",
            f"date de naissance {naissance} postérieure à la date de référence {reference}",
        )
    if not patient.prenoms:
        signaler("patients", 0, "prenoms", "au moins un prénom est attendu")

    _constats_consentement(patient, dossier, reference, signaler)

    age_reference = annees_revolues(naissance, reference) if reference else None
    mineur = age_reference is not None and age_reference < cat.majorite
    classes_allergiques = {}
    for e in dossier.elements:
        modele = cat.par_libelle.get((e.type, e.libelle))
        if e.type == "allergie" and modele and modele.classe:
            classes_allergiques[modele.classe] = e.libelle
    vus: set[tuple[str, str]] = set()
    for i, e in enumerate(dossier.elements):
        cle = (e.type, e.libelle)
        if cle in vus:
            signaler("elements_medicaux", i, "libelle", f"élément « {e.libelle} » en double")
        vus.add(cle)
        age_debut = None
        if e.date_debut is not None:
            if e.date_debut < naissance:
                signaler(
                    "elements_medicaux",
                    i,
                    "date_debut",
                    f"date de début {e.date_debut} antérieure à la naissance ({naissance})",
                )
            else:
                age_debut = annees_revolues(naissance, e.date_debut)
            if reference is not None and e.date_debut > reference:
                signaler(
                    "elements_medicaux",
                    i,
                    "date_debut",
                    f"date de début {e.date_debut} postérieure à la date de référence {reference}",
                )
        modele = cat.par_libelle.get(cle)
        grossesse = modele.grossesse if modele else _evoque_grossesse(e.libelle, cat.mots_grossesse)
        if grossesse:
            if patient.sexe != cat.grossesse_sexe:
                signaler(
                    "elements_medicaux",
                    i,
                    "libelle",
                    f"« {e.libelle} » (grossesse) chez un patient de sexe masculin",
                )
            elif age_debut is not None and not (
                cat.grossesse_age_min <= age_debut <= cat.grossesse_age_max
            ):
                signaler(
                    "elements_medicaux",
                    i,
                    "libelle",
                    f"« {e.libelle} » (grossesse) à {age_debut} ans (entre "
                    f"{cat.grossesse_age_min} et {cat.grossesse_age_max} ans attendu)",
                )
        if modele is None:
            continue
        if modele.sexe and modele.sexe != patient.sexe and not modele.grossesse:
            signaler(
                "elements_medicaux",
                i,
                "libelle",
                f"« {e.libelle} » réservé au sexe {modele.sexe} chez un patient de sexe "
                f"{patient.sexe}",
            )
        if age_debut is not None:
            if modele.age_min is not None and age_debut < modele.age_min:
                signaler(
                    "elements_medicaux",
                    i,
                    "date_debut",
                    f"« {e.libelle} » débute à {age_debut} ans (âge minimal {modele.age_min} ans)",
                )
            if modele.age_max is not None and age_debut > modele.age_max:
                signaler(
                    "elements_medicaux",
                    i,
                    "date_debut",
                    f"« {e.libelle} » débute à {age_debut} ans (âge maximal {modele.age_max} ans)",
                )
        if modele.adulte and (mineur or (age_debut is not None and age_debut < cat.majorite)):
            age = age_debut if age_debut is not None and age_debut < cat.majorite else age_reference
            signaler(
                "elements_medicaux",
                i,
                "libelle",
                f"traitement réservé à l'adulte « {e.libelle} » chez un patient de {age} ans",
            )
        if modele.classe and e.type == "traitement" and modele.classe in classes_allergiques:
            signaler(
                "elements_medicaux",
                i,
                "libelle",
                f"traitement « {e.libelle} » malgré l'allergie « "
                f"{classes_allergiques[modele.classe]} »",
            )
        if (
            modele.en_cours_jours is not None
            and reference is not None
            and e.date_debut is not None
            and (reference - e.date_debut).days > modele.en_cours_jours
        ):
            signaler(
                "elements_medicaux",
                i,
                "date_debut",
                f"« {e.libelle} » depuis plus de {modele.en_cours_jours} jours",
            )

    if mineur:
        if not dossier.contacts_parents:
            signaler(
                "patients",
                0,
                "id_patient",
                f"patient mineur ({age_reference} ans) sans contact parental (nom et téléphone)",
            )
        for j, contact in enumerate(dossier.contacts_parents):
            if not contact.nom:
                signaler("contacts_parents", j, "nom", "nom du parent absent")
            if not contact.telephone:
                signaler("contacts_parents", j, "telephone", "téléphone du parent absent")

    medecins = [c for c in dossier.correspondants if c.role == "medecin_traitant"]
    for j, c in enumerate(dossier.correspondants):
        if c.role == "medecin_traitant" and c.rpps != patient.rpps_medecin_traitant:
            signaler(
                "correspondants",
                j,
                "rpps",
                f"médecin traitant correspondant (RPPS {c.rpps or 'absent'}) différent de celui "
                f"du patient ({patient.rpps_medecin_traitant or 'aucun'})",
            )
    if dossier.correspondants and patient.rpps_medecin_traitant and not medecins:
        signaler(
            "patients",
            0,
            "rpps_medecin_traitant",
            "médecin traitant absent des correspondants du patient",
        )
    return resultat


def _constats_consentement(patient, dossier, reference, signaler) -> None:
    naissance = patient.date_naissance
    date = patient.date_consentement
    if patient.consentement and date is None:
        signaler(
            "patients",
            0,
            "date_consentement",
            f"consentement « {patient.consentement} » sans date de recueil",
        )
    if not patient.consentement and date is not None:
        signaler("patients", 0, "date_consentement", "date de consentement sans consentement")
    if date is not None:
        if date < naissance:
            signaler(
                "patients",
                0,
                "date_consentement",
                f"consentement recueilli le {date}, avant la naissance ({naissance})",
            )
        if reference is not None and date > reference:
            signaler(
                "patients",
                0,
                "date_consentement",
                f"consentement recueilli le {date}, après la date de référence {reference}",
            )
    c = dossier.consentement
    if c is not None:
        if c.statut != patient.consentement or c.date != date:
            signaler(
                "consentements",
                0,
                "statut",
                f"consentement « {c.statut} » du {c.date} différent de celui du patient "
                f"(« {patient.consentement} » du {date})",
            )
        if not c.id_professionnel:
            signaler("consentements", 0, "recueilli_par", "professionnel ayant recueilli absent")


def incoherences(patient: Patient, dossier: Dossier) -> list[str]:
    """French descriptions of every incoherence of a patient's data (empty list: coherent)."""
    return [
        f"{patient.id_patient} ({c.fichier}, champ « {c.champ} ») : {c.message}"
        for c in constats(patient, dossier)
    ]


def constats_agenda(
    rendezvous: Sequence[RendezVous],
    naissances: dict[str, dt.date] | None = None,
    professions: dict[str, str] | None = None,
    centre: Centre | None = None,
) -> list[tuple[int, str, str]]:
    """(rank, field, why) of appointments out of hours, before birth, of a wrong duration, or
    overlapping another one of the same professional or the same patient."""
    resultat = []
    groupes: dict[tuple[str, str, dt.date], list[int]] = {}
    for i, r in enumerate(rendezvous):
        if centre is not None and not centre.est_ouvert(r.date, r.debut, r.fin):
            resultat.append(
                (
                    i,
                    "heure_debut",
                    f"rendez-vous du {r.date} de {heure(r.debut)} à {heure(r.fin)} hors des "
                    "heures d'ouverture de la MSP",
                )
            )
        naissance = (naissances or {}).get(r.id_patient)
        if naissance is not None and r.date < naissance:
            resultat.append(
                (i, "date", f"rendez-vous le {r.date}, avant la naissance ({naissance})")
            )
        if professions is not None and centre is not None:
            motif = centre.motif_par_libelle.get((professions.get(r.id_professionnel, ""), r.motif))
            if motif is not None and motif.duree != r.duree:
                resultat.append(
                    (
                        i,
                        "duree_minutes",
                        f"durée de {r.duree} min pour « {r.motif} » ({motif.duree} min attendues)",
                    )
                )
        groupes.setdefault(("professionnel", r.id_professionnel, r.date), []).append(i)
        groupes.setdefault(("patient", r.id_patient, r.date), []).append(i)
    for (qui, ident, _jour), indices in groupes.items():
        if len(indices) < 2:
            continue
        indices.sort(key=lambda k: rendezvous[k].debut)
        precedent = indices[0]
        for k in indices[1:]:
            if rendezvous[k].debut < rendezvous[precedent].fin:
                cible = "du même professionnel" if qui == "professionnel" else "du même patient"
                resultat.append(
                    (
                        k,
                        "heure_debut",
                        f"chevauche le rendez-vous {rendezvous[precedent].id_rendezvous} {cible} "
                        f"({ident}, {heure(rendezvous[precedent].debut)}–"
                        f"{heure(rendezvous[precedent].fin)})",
                    )
                )
            if rendezvous[k].fin > rendezvous[precedent].fin:
                precedent = k
    return sorted(resultat)


def incoherences_agenda(
    rendezvous: Sequence[RendezVous],
    naissances: dict[str, dt.date] | None = None,
    professions: dict[str, str] | None = None,
    centre: Centre | None = None,
) -> list[str]:
    """French descriptions of the agenda's incoherences (see `constats_agenda`)."""
    return [
        f"{rendezvous[i].id_rendezvous} (champ « {champ} ») : {message}"
        for i, champ, message in constats_agenda(rendezvous, naissances, professions, centre)
    ]
