"""Command line: python -m demo_solution --edition a|b|c --defauts x,y --port P --base FILE
[--reinitialiser] [--vide]."""

import argparse
import sys

from .application import (
    ParametreInvalide,
    lire_defauts,
    lire_edition,
    parametres_lenteur,
    parametres_panne,
)
from .editions import DEFAUTS, EDITIONS
from .serveur import serve


class _Analyseur(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {message}\n")


def main(argv=None) -> int:
    analyseur = _Analyseur(
        prog="python -m demo_solution",
        description="Solution de démonstration d'un logiciel de maison de santé (MSP Démo).",
    )
    analyseur.add_argument(
        "--edition", default="a", help=f"édition de l'interface ({', '.join(EDITIONS)})"
    )
    analyseur.add_argument(
        "--defauts",
        default="",
        help=f"défauts à activer, séparés par des virgules ({', '.join(DEFAUTS)})",
    )
    analyseur.add_argument(
        "--port", type=int, default=0, help="port d'écoute (0 : choisi par le système)"
    )
    analyseur.add_argument(
        "--base", default=None, help="fichier SQLite (défaut : nouveau fichier temporaire)"
    )
    analyseur.add_argument(
        "--reinitialiser",
        action="store_true",
        help="recréer la base et son jeu de données même si le fichier existe",
    )
    analyseur.add_argument(
        "--vide",
        action="store_true",
        help="à la création de la base : seulement les comptes et les habilitations, sans "
        "patients (base de départ d'une reprise de données)",
    )
    arguments = analyseur.parse_args(argv)
    try:
        edition = lire_edition(arguments.edition)
        defauts = lire_defauts(arguments.defauts)
        # Read now so that a bad value is a message, not a traceback from the server.
        if "panne" in defauts:
            parametres_panne()
        if "lenteur" in defauts:
            parametres_lenteur()
    except ParametreInvalide as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    serve(
        edition,
        defauts,
        arguments.base,
        arguments.port,
        arguments.reinitialiser,
        vide=arguments.vide,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
