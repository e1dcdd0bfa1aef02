"""What a vendor profile puts out of the contract's scope: `perimetre: {exclusions: {EXG-…:
"reason"}}`, one requirement per line with the reason (an option the MSP did not buy). The
coverage and the PV show these requirements as « hors périmètre contractuel » with the reason,
never as gaps and never silently dropped.

Read from the profile's YAML with the line of every key, so that an unknown requirement id or
an empty reason is reported with the file and the line."""

from __future__ import annotations

from pathlib import Path

from recette.erreurs import ProfilInvalide
from recette.grille.modele import Grille
from recette.validation import ligne_de, lire_yaml


def lire_exclusions(fichier_profil: Path, grille: Grille) -> dict[str, str]:
    """Requirement id → reason, in the profile's order; raises ProfilInvalide naming the file
    and the line of every unknown id, empty reason or badly shaped section."""
    fichier_profil = Path(fichier_profil)
    contenu = lire_yaml(fichier_profil, ProfilInvalide)
    perimetre = (contenu or {}).get("perimetre") if isinstance(contenu, dict) else None
    if perimetre is None:
        return {}
    nom = fichier_profil.name

    def ou(section, cle) -> str:
        ligne = ligne_de(section, cle)
        return f"{nom}, ligne {ligne}" if ligne else nom

    if not isinstance(perimetre, dict):
        raise ProfilInvalide(
            f"{ou(contenu, 'perimetre')} : « perimetre » doit être une section "
            "(« exclusions: {EXG-…: motif} »)."
        )
    exclusions = perimetre.get("exclusions") or {}
    if not isinstance(exclusions, dict):
        raise ProfilInvalide(
            f"{ou(perimetre, 'exclusions')} : « perimetre.exclusions » doit associer à chaque "
            "identifiant d'exigence son motif (« EXG-FAC-01: option non retenue par la MSP »)."
        )
    erreurs: list[str] = []
    resultat: dict[str, str] = {}
    for identifiant, motif in exclusions.items():
        identifiant = str(identifiant)
        if identifiant not in grille:
            erreurs.append(
                f"{ou(exclusions, identifiant)} : l'exigence « {identifiant} » exclue du "
                f"périmètre n'existe pas dans la grille {Path(grille.fichier).name}."
            )
            continue
        if not isinstance(motif, str) or not motif.strip():
            erreurs.append(
                f"{ou(exclusions, identifiant)} : l'exclusion de « {identifiant} » doit donner "
                "son motif (par exemple « option non retenue par la MSP »)."
            )
            continue
        resultat[identifiant] = motif.strip()
    if erreurs:
        raise ProfilInvalide("\n".join(erreurs))
    return resultat
