"""The life of an anomaly: which status may follow which, and the French words for them.

    ouverte ──► qualifiée ──► transmise ──► contournée ──► corrigée ──► vérifiée ──► close
    ouverte ──► transmise                       (urgent: the proposed gravity is retained)
    transmise ──► corrigée                      (a fix with no workaround first)
    contournée, corrigée ──► transmise          (the workaround or the fix is refused)
    ouverte, qualifiée, transmise ──► rejetée | doublon

- The bench opens an anomaly and proposes a gravity; a person qualifies it (the gravity is
  then the person's). An anomaly may go straight from « ouverte » to « transmise »: the project
  plan (Étape 16) wants blocking anomalies reported to the vendor « sans délai »; transmitting
  then retains the proposed gravity, and the history says so.
- A workaround or a fix that the buyer finds not working sends the anomaly back to
  « transmise »; the deadlines are not restarted (they run from the receipt of the avis).
- « rejetée » (not an anomaly: the reason is mandatory) and « doublon » (of a named anomaly)
  end the life of an anomaly, as does « close ».

Statuses are the values of verdicts.StatutAnomalie, so the register and the verdict rules
speak of the same thing.
"""

from __future__ import annotations

from recette.erreurs import RegistreAnomaliesErreur
from recette.verdicts import StatutAnomalie

S = StatutAnomalie

LIBELLES: dict[StatutAnomalie, str] = {
    S.OUVERTE: "ouverte",
    S.QUALIFIEE: "qualifiée",
    S.TRANSMISE: "transmise",
    S.CONTOURNEE: "contournée",
    S.CORRIGEE: "corrigée",
    S.VERIFIEE: "vérifiée",
    S.CLOSE: "close",
    S.REJETEE: "rejetée",
    S.DOUBLON: "doublon",
}

TRANSITIONS: dict[StatutAnomalie, tuple[StatutAnomalie, ...]] = {
    S.OUVERTE: (S.QUALIFIEE, S.TRANSMISE, S.REJETEE, S.DOUBLON),
    S.QUALIFIEE: (S.TRANSMISE, S.REJETEE, S.DOUBLON),
    S.TRANSMISE: (S.CONTOURNEE, S.CORRIGEE, S.REJETEE, S.DOUBLON),
    S.CONTOURNEE: (S.CORRIGEE, S.TRANSMISE),
    S.CORRIGEE: (S.VERIFIEE, S.TRANSMISE),
    S.VERIFIEE: (S.CLOSE,),
    S.CLOSE: (),
    S.REJETEE: (),
    S.DOUBLON: (),
}

# Statuses in which the anomaly is still being dealt with: a new failure with its signature is
# one more occurrence of it, and a success of its scenario proposes it « vérifiée ».
EN_COURS = frozenset({S.OUVERTE, S.QUALIFIEE, S.TRANSMISE, S.CONTOURNEE, S.CORRIGEE})


def libelle(statut: StatutAnomalie | str) -> str:
    return LIBELLES[statut_depuis(statut)]


def statut_depuis(texte: StatutAnomalie | str) -> StatutAnomalie:
    """« Qualifiée », « qualifiee », « QUALIFIÉE » are the same status; an unknown word is a
    French error listing the known ones."""
    try:
        return StatutAnomalie.depuis(texte)
    except ValueError:
        connus = ", ".join(LIBELLES.values())
        raise RegistreAnomaliesErreur(
            f"Statut d'anomalie inconnu « {texte} » (statuts : {connus})."
        ) from None


def verifier_transition(numero: str, de: StatutAnomalie, vers: StatutAnomalie) -> None:
    if vers in TRANSITIONS[de]:
        return
    possibles = ", ".join(LIBELLES[s] for s in TRANSITIONS[de])
    suite = (
        f"depuis « {LIBELLES[de]} », statuts possibles : {possibles}"
        if possibles
        else f"« {LIBELLES[de]} » est un statut final"
    )
    raise RegistreAnomaliesErreur(
        f"L'anomalie {numero} ne peut pas passer du statut « {LIBELLES[de]} » au statut "
        f"« {LIBELLES[vers]} » ({suite})."
    )
