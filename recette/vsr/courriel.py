"""Sending an interruption's start or end by e-mail (SMTP), bounded in time.

The message says when, from which poste and how many control transactions failed: never a
patient's name, an error text of the solution or a secret (an error text may quote a screen
that shows a patient). The relay is one host of the vendor profile's allow-list.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from recette.erreurs import RecetteErreur
from recette.vsr.alertes import Evenement


class AlerteNonEnvoyee(RecetteErreur):
    """The SMTP relay refused or did not answer."""


@dataclass(frozen=True)
class ConfigurationCourriel:
    hote: str
    port: int
    expediteur: str
    destinataires: tuple[str, ...]
    delai_s: float = 10.0
    prefixe_sujet: str = "[Recette VSR]"


def message(evenement: Evenement, config: ConfigurationCourriel, solution: str) -> EmailMessage:
    courriel = EmailMessage()
    courriel["From"] = config.expediteur
    courriel["To"] = ", ".join(config.destinataires)
    courriel["Subject"] = f"{config.prefixe_sujet} {solution} : {evenement.sujet()}"
    courriel["Date"] = format_datetime(evenement.detecte_le)
    courriel["Message-ID"] = make_msgid(domain="recette.invalid")
    courriel.set_content(
        f"Solution : {solution}\n\n{evenement.texte()}\n"
        "Message envoyé par le banc de recette (sonde de vérification de service régulier).\n",
        charset="utf-8",
    )
    return courriel


def envoyer(evenement: Evenement, config: ConfigurationCourriel, solution: str) -> None:
    if not config.destinataires:
        raise AlerteNonEnvoyee("Aucun destinataire d'alerte n'est configuré.")
    try:
        with smtplib.SMTP(config.hote, config.port, timeout=config.delai_s) as relais:
            relais.send_message(message(evenement, config, solution))
    except (smtplib.SMTPException, OSError) as exc:  # TimeoutError is an OSError
        raise AlerteNonEnvoyee(
            f"L'alerte « {evenement.sujet()} » n'a pas pu être envoyée par le relais "
            f"{config.hote}:{config.port} ({exc.__class__.__name__})."
        ) from None
