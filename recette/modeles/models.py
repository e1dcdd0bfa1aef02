"""The models of the data layer, one module per concept (Django looks for them here)."""

from recette.modeles.anomalies import Anomalie, Evenement, Numerotation, Occurrence
from recette.modeles.seances import Seance

__all__ = ["Anomalie", "Evenement", "Numerotation", "Occurrence", "Seance"]
