"""Errors of the bench: each carries a French message naming the file, line or field at fault."""


class RecetteErreur(Exception):
    """Base of every error the bench reports to a person (CLI exits non-zero with `message`)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ProfilInvalide(RecetteErreur):
    """A vendor profile file is malformed or incomplete."""


class CibleInjoignable(RecetteErreur):
    """The solution under test does not answer."""


class SeanceInvalide(RecetteErreur):
    """A séance folder is missing, unsealed or inconsistent."""


class NavigateurIndisponible(RecetteErreur):
    """No Chromium can be started."""


class ContratInvalide(RecetteErreur):
    """A contract parameter file (fixtures/contrat/) is malformed, incomplete or inconsistent."""


class CalendrierIncomplet(RecetteErreur):
    """A deadline reaches a year whose public holidays were not loaded."""


class FaitsInvalides(RecetteErreur):
    """The facts given to the verdict rules cannot support a verdict (empty grid, naive date…)."""


class GrilleInvalide(RecetteErreur):
    """The requirements grid (default, customer's or being imported) is invalid.

    `erreurs` lists every problem found, each naming the file, the line and the column, so that
    a référent fixes the spreadsheet in one pass; `message` joins them, one per line."""

    def __init__(self, erreurs: list[str] | str):
        self.erreurs = [erreurs] if isinstance(erreurs, str) else list(erreurs)
        super().__init__("\n".join(self.erreurs))


class ProfilDonneesInvalide(RecetteErreur):
    """A data-generation profile or reference table of `fixtures/donnees/` is unusable."""


class PivotInvalide(RecetteErreur):
    """A pivot folder breaks the format: `erreurs` lists every fault (file, line, field)."""

    def __init__(self, erreurs: list[str], dossier: str = ""):
        self.erreurs = list(erreurs)
        entete = f"{len(self.erreurs)} erreur(s) dans les fichiers pivot"
        if dossier:
            entete += f" de {dossier}"
        super().__init__(entete + " :\n" + "\n".join(f"- {e}" for e in self.erreurs))


class RegistreAnomaliesErreur(RecetteErreur):
    """The anomaly register refuses an operation (unknown anomaly, forbidden status change,
    database of an unknown version…)."""


class DocumentImpossible(RecetteErreur):
    """A document (PV, fiche, register, avis) cannot be derived from what the bench holds: the
    séance is not recorded in the register, the register is missing…"""


class ProductionProtegee(RecetteErreur):
    """The bench refuses to write (fictitious data, an import) into a production profile."""


class EchangeImpossible(RecetteErreur):
    """An exchange of data files with the solution (login, import, export) failed; the message
    names the step and the address, never a secret."""


class ChargeRefusee(RecetteErreur):
    """A load the bench must not send: host not allowed by the profile, production target,
    users, duration or injector processes beyond the bench's limits."""


class ChargeImpossible(RecetteErreur):
    """A load test cannot run: an account is refused, the load injector fails or overruns."""
