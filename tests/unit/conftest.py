"""Shared set-up of the unit tier."""

from hypothesis import settings

# Hypothesis' per-example deadline is a timed assertion: on a loaded 2-core machine it fails
# properties that hold. Speed belongs to bench/.
settings.register_profile("recette", deadline=None)
settings.load_profile("recette")
