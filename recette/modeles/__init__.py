"""The bench's data layer, a Django app (label « recette »): the séance index, the anomaly
register with its occurrences and history. Nothing here is imported before Django is set up:
go through ``recette.base.initialiser()`` first."""
