"""The requirements grid of the contract: the backbone of traceability. Every scenario is tagged
with the ids of the requirements it verifies, and every verdict is read against this grid.

Plain data: reading, validating and writing files live in `lecture.py` and `import_grille.py`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# How the normalised grid writes the two phases of the recette and their combination.
VA = "VA"
VSR = "VSR"
TOUTES = "toutes"


@dataclass(frozen=True)
class Exigence:
    """One requirement (one line of the grid).

    `professions` holds canonical profession names or the single word "toutes"; it is empty
    when the grid does not say. `ligne` is the line of `Grille.fichier` it was read from, as a
    spreadsheet shows it (the header is line 1 when it is the first row)."""

    id: str
    domaine: str
    libelle: str
    description: str
    priorite: int
    professions: tuple[str, ...]
    verification: str
    source: str
    ligne: int
    # Verification methods (keys of valeurs.yaml `methodes`), in the grid's order; those of the
    # domain when the grid says nothing (`methodes_par_defaut` then True, and the coverage
    # report says so). `motif_hors_perimetre` is the reason of a « hors-perimetre » method.
    methodes: tuple[str, ...] = ()
    methodes_par_defaut: bool = False
    motif_hors_perimetre: str = ""

    def verifiee_en(self, phase: str) -> bool:
        """True when the requirement is checked during that phase ("va" or "vsr", any case)."""
        return phase.upper() in self.verification.split("+")

    def concerne(self, profession: str) -> bool:
        return TOUTES in self.professions or profession in self.professions


@dataclass(frozen=True)
class Grille:
    """A whole grid: requirements by id in the order of the file, and every domain known to the
    bench (slug → libellé, in display order), used or not by this grid."""

    exigences: dict[str, Exigence]
    domaines: dict[str, str]
    fichier: Path
    # Things a person should know but that do not block (encoding guessed, column ignored…).
    avertissements: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.exigences)

    def __iter__(self) -> Iterator[Exigence]:
        return iter(self.exigences.values())

    def __contains__(self, identifiant: object) -> bool:
        return identifiant in self.exigences

    def __getitem__(self, identifiant: str) -> Exigence:
        return self.exigences[identifiant]

    def par_domaine(self) -> dict[str, list[Exigence]]:
        """Requirements grouped by domain slug, domains in display order, empty ones left out."""
        groupes: dict[str, list[Exigence]] = {slug: [] for slug in self.domaines}
        for exigence in self:
            groupes.setdefault(exigence.domaine, []).append(exigence)
        return {slug: liste for slug, liste in groupes.items() if liste}

    def par_priorite(self) -> dict[int, list[Exigence]]:
        """Requirements grouped by priority (1 obligatoire first), empty priorities left out."""
        groupes: dict[int, list[Exigence]] = {}
        for exigence in sorted(self, key=lambda e: e.priorite):
            groupes.setdefault(exigence.priorite, []).append(exigence)
        return groupes

    def a_verifier_en(self, phase: str) -> list[Exigence]:
        """The requirements a séance of that phase ("va" or "vsr") must cover."""
        return [e for e in self if e.verifiee_en(phase)]
