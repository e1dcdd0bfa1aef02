"""Every value of fixtures/contrat/ is read by some code: the loader refuses a key it does not
read (test_contrat.py::test_cle_inconnue), and this test fails when a value the loader keeps is
used by no code of the bench (a contract clause validated and then ignored)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from recette.contrat import charger_contrat

RACINE = Path(__file__).resolve().parents[2]


def _sources() -> str:
    """The bench's code and templates: an attribute access `.nom` is a read; the loader builds
    the values with keywords (`nom=`), which is not."""
    fichiers = [*RACINE.joinpath("recette").rglob("*.py"), *RACINE.joinpath("load").rglob("*.py")]
    fichiers += list(RACINE.joinpath("recette").rglob("*.html"))
    return "\n".join(f.read_text(encoding="utf-8") for f in fichiers)


def _champs(valeur, chemin: str, vus: set[int]):
    if dataclasses.is_dataclass(valeur) and id(valeur) not in vus:
        vus.add(id(valeur))
        for champ in dataclasses.fields(valeur):
            yield f"{chemin}.{champ.name}", champ.name
            yield from _champs(getattr(valeur, champ.name), f"{chemin}.{champ.name}", vus)
    elif isinstance(valeur, tuple | list) and valeur:
        yield from _champs(valeur[0], f"{chemin}[]", vus)


def test_chaque_valeur_du_contrat_est_lue_par_le_banc():
    sources = _sources()
    contrat = charger_contrat(RACINE / "fixtures")
    champs = list(_champs(contrat, "contrat", set()))
    assert len(champs) > 40  # the walk sees the whole contract, not an empty shell
    non_lus = [chemin for chemin, nom in champs if not re.search(rf"\.{re.escape(nom)}\b", sources)]
    assert not non_lus, f"Valeurs du contrat lues par aucun code : {non_lus}"


def test_le_controle_voit_une_valeur_ignoree(tmp_path):
    """The check can fail: the same walk on code that never reads `seuil_poids_total` flags it."""
    sources = _sources().replace(".seuil_poids_total", ".autre_chose")
    champs = list(_champs(charger_contrat(RACINE / "fixtures"), "contrat", set()))
    non_lus = [c for c, nom in champs if not re.search(rf"\.{re.escape(nom)}\b", sources)]
    assert non_lus == ["contrat.cumul.seuil_poids_total"]
