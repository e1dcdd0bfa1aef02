"""Logging in: by CPS card for health professionals, by password for administrative work."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

CONNEXION = r'je suis connectée? comme "(?P<qui>[^"]+)" avec (?:ma|sa) carte CPS'
CONNEXION_MDP = r'je suis connectée? comme "(?P<qui>[^"]+)" avec (?:mon|son) mot de passe'


@given(parsers.re(CONNEXION))
def connecte_par_carte(solution, qui):
    solution.se_connecter(qui, "carte")


@given(parsers.re(CONNEXION_MDP))
def connecte_par_mot_de_passe(solution, qui):
    solution.se_connecter(qui, "mot de passe")


@when(parsers.parse('je présente la carte CPS de "{qui}" avec un code PIN erroné'))
def carte_pin_errone(solution, qui):
    solution.tenter_connexion(qui, "carte", secret_errone=True)


@when(parsers.parse('je saisis l\'identifiant de "{qui}" avec un mot de passe erroné'))
def mot_de_passe_errone(solution, qui):
    solution.tenter_connexion(qui, "mot de passe", secret_errone=True)


@then("la connexion est refusée avec un message d'erreur")
def connexion_refusee(solution):
    assert not solution.est_connecte(), "La solution a ouvert une session malgré l'erreur."
    message = solution.message_erreur()
    assert message, "Aucun message d'erreur n'explique le refus de connexion."
    # "No session" must be seen: the same login with the right secret is recognised as one.
    solution.controler_refus_de_connexion()


@then(parsers.parse('je suis identifié comme "{nom}" connecté par carte CPS'))
def identifie_par_carte(solution, nom):
    utilisateur = solution.utilisateur_connecte()
    assert nom in utilisateur, f"Utilisateur affiché : « {utilisateur} », attendu « {nom} »."
    assert solution.mode_de_connexion_affiche() == "carte", (
        f"La solution n'indique pas une connexion par carte CPS : « {utilisateur} »."
    )
