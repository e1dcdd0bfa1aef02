"""Consent to sharing: collected with its date and author; a refusal is respected."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pytest_bdd import parsers, then, when


@when(parsers.parse('je recueille le consentement de "{patient}" qui accepte le partage'))
def recueillir_accord(solution, contexte, patient):
    contexte["patient"] = patient
    solution.enregistrer_consentement(patient, accepte=True)


@when(parsers.parse('je recueille le consentement de "{patient}" qui refuse le partage'))
def recueillir_refus(solution, contexte, patient):
    contexte["patient"] = patient
    solution.enregistrer_consentement(patient, accepte=False)


@then(
    parsers.parse(
        'son dossier indique le partage accepté, daté du jour et recueilli par "{professionnel}"'
    )
)
def consentement_affiche(solution, professionnel):
    etat = solution.lire_consentement()
    assert etat["accepte"] is True, f"Le dossier n'indique pas le partage accepté : {etat['texte']}"
    assert etat["date"] == datetime.now(ZoneInfo("Europe/Paris")).date(), (
        f"Date du consentement : {etat['date']}, attendu aujourd'hui."
    )
    assert professionnel in etat["texte"], f"Recueilli par : « {etat['texte']} »."
