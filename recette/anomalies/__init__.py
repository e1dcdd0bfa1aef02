"""The anomaly register: failures of séances become numbered anomalies, deduplicated by
signature, followed through their life (qualification, transmission, deadlines, verification)
and handed to the verdict rules as facts."""

from recette.anomalies.cycle import EN_COURS, LIBELLES, TRANSITIONS, libelle, verifier_transition
from recette.anomalies.modele import (
    Anomalie,
    Bilan,
    Evenement,
    Fiche,
    Occurrence,
    SeanceEnregistree,
    numero_anomalie,
)
from recette.anomalies.registre import Registre, chemin_registre, preuves_allure
from recette.anomalies.signature import (
    identite_resultat,
    identite_scenario,
    normaliser_etape,
    normaliser_message,
    signature,
    signature_resultat,
)

__all__ = [
    "EN_COURS",
    "LIBELLES",
    "TRANSITIONS",
    "Anomalie",
    "Bilan",
    "Evenement",
    "Fiche",
    "Occurrence",
    "Registre",
    "SeanceEnregistree",
    "chemin_registre",
    "identite_resultat",
    "identite_scenario",
    "libelle",
    "normaliser_etape",
    "normaliser_message",
    "numero_anomalie",
    "preuves_allure",
    "signature",
    "signature_resultat",
    "verifier_transition",
]
