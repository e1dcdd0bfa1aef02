"""Banc de recette (VA / VSR) du SI d'une maison de santé pluri-professionnelle."""

__version__ = "0.1.0"
