"""The MSP's team and its outside correspondents: professions, roles, RPPS numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker.providers import BaseProvider
from stdnum import luhn

from recette.donnees import referentiels
from recette.donnees.identite import FournisseurIdentite, identifiant_ascii
from recette.erreurs import ProfilDonneesInvalide

DOMAINE_MSP = "msp-des-tilleuls.example"


@dataclass(slots=True)
class Professionnel:
    id_professionnel: str
    nom: str
    prenom: str
    sexe: str
    profession: str  # key of professions.yaml
    rpps: str  # "" for professions outside the RPPS (secretaries, administrator…)
    role: str
    email: str
    telephone: str


@dataclass(slots=True)
class Specialiste:
    """A specialist outside the MSP, correspondent of some patients (fictitious directory)."""

    nom: str
    prenom: str
    specialite: str
    rpps: str
    telephone: str
    ville: str


def rpps_valide(rpps: str) -> bool:
    """11 digits whose last one is the Luhn key (ANS, RPPS identifier)."""
    return len(rpps) == 11 and rpps.isdigit() and luhn.is_valid(rpps)


def probleme_rpps(rpps: str) -> str | None:
    if len(rpps) != 11 or not rpps.isdigit():
        return f"RPPS « {rpps} » mal formé (11 chiffres attendus)"
    if not luhn.is_valid(rpps):
        return f"RPPS « {rpps} » : clé de Luhn invalide"
    return None


class FournisseurProfessionnels(BaseProvider):
    """Faker provider of the bench: Luhn-valid 11-digit RPPS numbers."""

    def rpps(self) -> str:
        # RPPS numbers in use start with 10; the 9 following digits are drawn, then the key.
        corps = "10" + f"{self.generator.random.randrange(10**8):08d}"
        return corps + luhn.calc_check_digit(corps)


def constituer_equipe(
    effectifs: dict[str, int],
    rnd: random.Random,
    identite: FournisseurIdentite,
    fournisseur: FournisseurProfessionnels,
    rpps_utilises: set[str],
    medecins_traitants: list[str] | None = None,
) -> list[Professionnel]:
    """The MSP's professionals, in the order of professions.yaml, ids PRO001, PRO002, …

    When `medecins_traitants` is given (RPPS of a target solution's fixed doctors), the MSP's
    general practitioners are exactly those doctors: one each, carrying that RPPS.
    """
    professions = referentiels.professions()
    effectifs = dict(effectifs)
    if medecins_traitants is not None:
        imposes = list(dict.fromkeys(medecins_traitants))
        problemes = [p for p in (probleme_rpps(r) for r in imposes) if p]
        if not imposes:
            problemes.append("liste vide")
        if problemes:
            raise ProfilDonneesInvalide(
                "médecins traitants imposés invalides : " + " ; ".join(problemes)
            )
        effectifs["medecin_generaliste"] = len(imposes)
        rpps_utilises.update(imposes)
    else:
        imposes = []
    equipe: list[Professionnel] = []
    emails: set[str] = set()
    for code, profession in professions.items():
        for rang in range(effectifs.get(code, 0)):
            sexe = "F" if rnd.random() < profession.part_femmes else "M"
            prenom = identite.prenom_personne(sexe)
            nom = identite.nom_famille().upper()
            if profession.rpps:
                if code == "medecin_generaliste" and imposes:
                    rpps = imposes[rang]
                else:
                    rpps = _rpps_unique(fournisseur, rpps_utilises)
            else:
                rpps = ""
            email = f"{identifiant_ascii(prenom)}.{identifiant_ascii(nom)}@{DOMAINE_MSP}"
            suffixe = 2
            while email in emails:
                email = (
                    f"{identifiant_ascii(prenom)}.{identifiant_ascii(nom)}{suffixe}@{DOMAINE_MSP}"
                )
                suffixe += 1
            emails.add(email)
            equipe.append(
                Professionnel(
                    id_professionnel=f"PRO{len(equipe) + 1:03d}",
                    nom=nom,
                    prenom=prenom,
                    sexe=sexe,
                    profession=code,
                    rpps=rpps,
                    role=profession.role,
                    email=email,
                    telephone=identite.telephone_fiction(mobile=False),
                )
            )
    return equipe


def annuaire_specialistes(
    par_specialite: int,
    rnd: random.Random,
    identite: FournisseurIdentite,
    fournisseur: FournisseurProfessionnels,
    rpps_utilises: set[str],
) -> dict[str, list[Specialiste]]:
    """Outside specialists by specialty, living in the reference communes."""
    villes = [c.ville for c in referentiels.communes() if c.residence]
    annuaire: dict[str, list[Specialiste]] = {}
    for specialite in referentiels.specialites():
        annuaire[specialite] = [
            Specialiste(
                nom=identite.nom_famille().upper(),
                prenom=identite.prenom_personne("F" if rnd.random() < 0.5 else "M"),
                specialite=specialite,
                rpps=_rpps_unique(fournisseur, rpps_utilises),
                telephone=identite.telephone_fiction(mobile=False),
                ville=villes[int(rnd.random() * len(villes))],
            )
            for _ in range(max(1, par_specialite))
        ]
    return annuaire


def _rpps_unique(fournisseur: FournisseurProfessionnels, utilises: set[str]) -> str:
    while True:
        rpps = fournisseur.rpps()
        if rpps not in utilises:
            utilises.add(rpps)
            return rpps
