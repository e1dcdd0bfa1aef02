"""Consent to sharing: collected with its date and author; a refusal is respected."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from recette.seance import maintenant


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
    _verifier_consentement(solution, professionnel, True)


@then(
    parsers.parse(
        'son dossier indique le partage refusé, daté du jour et recueilli par "{professionnel}"'
    )
)
def refus_affiche(solution, professionnel):
    _verifier_consentement(solution, professionnel, False)


def _verifier_consentement(solution, professionnel, accepte):
    etat = solution.lire_consentement()
    mot = "accepté" if accepte else "refusé"
    assert etat["accepte"] is accepte, (
        f"Le dossier n'indique pas le partage {mot} : {etat['texte']}"
    )
    assert etat["date"] == maintenant().date(), (
        f"Date du consentement : {etat['date']}, attendu aujourd'hui."
    )
    assert professionnel in etat["texte"], f"Recueilli par : « {etat['texte']} »."
