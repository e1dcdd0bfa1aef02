"""Interruption detection and its e-mail, with a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from recette.vsr.alertes import Genre, Observation, Surveillance, interruptions
from recette.vsr.courriel import AlerteNonEnvoyee, ConfigurationCourriel, envoyer

T0 = datetime(2027, 3, 28, 0, 50, tzinfo=UTC)  # 01:50 in Paris, ten minutes before DST starts


def serie(poste: str, etats: str, pas_s: int = 30) -> list[Observation]:
    """'o' available, 'x' unavailable, one sample every pas_s seconds from T0."""
    return [
        Observation(poste, T0 + timedelta(seconds=i * pas_s), etat == "o")
        for i, etat in enumerate(etats)
    ]


def test_une_interruption_est_signalee_au_n_ieme_echec_et_sa_fin_au_premier_succes():
    evenements = interruptions(serie("accueil", "ooxxxxxoo"), echecs_consecutifs=3)
    assert [e.genre for e in evenements] == [Genre.DEBUT, Genre.FIN]
    debut, fin = evenements
    assert debut.depuis == T0 + timedelta(seconds=60)  # the first failed sample
    assert debut.detecte_le == T0 + timedelta(seconds=120)  # the third one
    assert fin.detecte_le == T0 + timedelta(seconds=210) and fin.echecs == 5
    assert "28/03/2027 à 01:51:00 (heure de Paris)" in debut.texte()
    # After the DST change the same clock reads 03:xx: the end is told in summer time.
    assert "28/03/2027 à 03:" not in debut.texte()


def test_moins_de_n_echecs_ne_font_pas_une_interruption_et_chaque_poste_compte_pour_lui():
    assert interruptions(serie("accueil", "oxxoxxo"), echecs_consecutifs=3) == []
    # Two postes failing alternately never make three consecutive failures on one poste.
    melange = serie("accueil", "xoxo") + serie("cabinet-2", "oxox")
    assert interruptions(melange, echecs_consecutifs=2) == []
    surveillance = Surveillance(2)
    for observation in serie("cabinet-2", "xx"):
        surveillance.observer(observation)
    assert surveillance.en_cours() == ["cabinet-2"]


def test_un_seuil_nul_est_refuse():
    with pytest.raises(ValueError, match="au moins 1"):
        Surveillance(0)


class _Boite:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def relais():
    boite = _Boite()
    with socket.socket() as libre:  # aiosmtpd checks its own port: it needs a real one
        libre.bind(("127.0.0.1", 0))
        port = libre.getsockname()[1]
    controleur = Controller(boite, hostname="127.0.0.1", port=port)
    controleur.start()
    try:
        yield boite, port
    finally:
        controleur.stop()


def test_debut_et_fin_arrivent_au_relais_smtp(relais):
    boite, port = relais
    config = ConfigurationCourriel("127.0.0.1", port, "sonde@msp.invalid", ("moa@msp.invalid",))
    for evenement in interruptions(serie("accueil", "oxxxo"), echecs_consecutifs=3):
        envoyer(evenement, config, "MSP Démo – édition A")
    assert len(boite.messages) == 2
    sujets = [str(make_header(decode_header(m["Subject"]))) for _, m in boite.messages]
    assert sujets[0].endswith("Interruption de service détectée depuis le poste « accueil »")
    assert "Fin de l'interruption" in sujets[1]
    assert all(dest == ["moa@msp.invalid"] for dest, _ in boite.messages)
    corps = boite.messages[1][1].get_payload(decode=True).decode("utf-8")
    assert "L'interruption avait commencé le 28/03/2027 à 01:50:30" in corps


def test_un_relais_injoignable_donne_un_message_francais(relais):
    _, port = relais
    evenement = interruptions(serie("accueil", "xx"), echecs_consecutifs=2)[0]
    fermee = ConfigurationCourriel("127.0.0.1", 9, "s@msp.invalid", ("m@msp.invalid",), 2.0)
    with pytest.raises(AlerteNonEnvoyee, match="n'a pas pu être envoyée par le relais 127.0.0.1:9"):
        envoyer(evenement, fermee, "MSP")
