"""Patient identity: NIR built from the person, INS identity traits, names, contact details.

Faker's fr_FR `ssn()` draws a NIR unrelated to the person it is attached to; the NIR here is
built from the person's sex, birth date and birth place, so that every identity passes the
checks a vendor's INS module applies.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass

from faker.providers import BaseProvider
from faker.providers.person.fr_FR import Provider as PersonneFr
from stdnum.fr import nir as stdnum_nir

from recette.donnees import referentiels

# OIDs of the INS matricule (ANS, référentiel INS): NIR, or NIA for people not yet registered.
OID_INS_NIR = "1.2.250.1.213.1.4.8"
OID_INS_NIA = "1.2.250.1.213.1.4.9"

# Before 1976 Corsica was one department: NIRs of people born there carry 20, not 2A/2B.
ANNEE_BIDEPARTEMENTALISATION_CORSE = 1976

STATUTS_IDENTITE = ("provisoire", "recuperee", "validee", "qualifiee")
# The INS matricule is only held once retrieved from the INSi téléservice.
STATUTS_AVEC_MATRICULE = ("recuperee", "qualifiee")

# Reserved for documentation (RFC 2606): a training environment never mails a real person.
DOMAINES_EMAIL = ("example.com", "example.org", "example.net")


@dataclass(slots=True)
class Patient:
    id_patient: str
    nom_naissance: str
    nom_usage: str
    prenoms: tuple[str, ...]
    sexe: str
    date_naissance: dt.date
    code_lieu_naissance: str
    lieu_naissance: str
    nir: str
    adresse: str
    code_postal: str
    ville: str
    telephone: str
    email: str
    rpps_medecin_traitant: str
    consentement: str  # accepte / refuse / "" (not yet collected)
    date_consentement: dt.date | None
    statut_identite: str = "qualifiee"

    @property
    def premier_prenom(self) -> str:
        return self.prenoms[0] if self.prenoms else ""

    @property
    def matricule_ins(self) -> str:
        return self.nir if self.statut_identite in STATUTS_AVEC_MATRICULE else ""


def calculer_nir(sexe: str, date_naissance: dt.date, code_lieu: str, ordre: int) -> str:
    """The 15-character NIR of a person: sex, birth year and month, birth place, order, key.

    `code_lieu` is the INSEE COG code of the birth commune (2A/2B for Corsica, 97x for the
    overseas departments) or 99 + the country code for a birth abroad.
    """
    if sexe not in ("M", "F"):
        raise ValueError(f"sexe « {sexe} » (M ou F attendu)")
    if not 1 <= ordre <= 999:
        raise ValueError(f"numéro d'ordre {ordre} (1 à 999 attendu)")
    if len(code_lieu) != 5:
        raise ValueError(f"code lieu « {code_lieu} » (5 caractères attendus)")
    corps = (
        f"{1 if sexe == 'M' else 2}{date_naissance.year % 100:02d}"
        f"{date_naissance.month:02d}{code_lieu}{ordre:03d}"
    )
    return corps + stdnum_nir.calc_check_digits(corps)


def nir_coherent(nir: str, sexe: str, date_naissance: dt.date | None, code_lieu: str) -> list[str]:
    """French descriptions of every way `nir` contradicts the person (empty list: coherent).

    python-stdnum only checks the format and the key (it accepts a month 13): this also checks
    sex, birth year and month, birth place and order number against the identity.
    """
    nir = stdnum_nir.compact(nir or "")
    if len(nir) != 15 or not _format_ok(nir):
        return [
            f"NIR « {nir} » mal formé (15 caractères attendus : sexe, année, mois, lieu de "
            "naissance, numéro d'ordre et clé ; 2A ou 2B pour la Corse)"
        ]
    problemes = []
    cle = stdnum_nir.calc_check_digits(nir)
    if cle != nir[13:]:
        problemes.append(f"clé de contrôle du NIR invalide : « {nir[13:]} » (attendue « {cle} »)")
    chiffre_sexe = nir[0]
    if chiffre_sexe not in "12":
        problemes.append(f"premier chiffre du NIR « {chiffre_sexe} » invalide (1 ou 2 attendu)")
    elif sexe in ("M", "F") and chiffre_sexe != ("1" if sexe == "M" else "2"):
        problemes.append(
            f"premier chiffre du NIR « {chiffre_sexe} » incohérent avec le sexe {sexe}"
        )
    mois = int(nir[3:5])
    if not 1 <= mois <= 12:
        problemes.append(f"mois de naissance du NIR « {nir[3:5]} » invalide (01 à 12 attendu)")
    if date_naissance is not None:
        if nir[1:3] != f"{date_naissance.year % 100:02d}":
            problemes.append(
                f"année de naissance du NIR « {nir[1:3]} » incohérente avec la date de "
                f"naissance {date_naissance.isoformat()}"
            )
        if 1 <= mois <= 12 and mois != date_naissance.month:
            problemes.append(
                f"mois de naissance du NIR « {nir[3:5]} » incohérent avec la date de "
                f"naissance {date_naissance.isoformat()}"
            )
    lieu = nir[5:10]
    if lieu == "99100":
        problemes.append(
            "lieu de naissance du NIR « 99100 » invalide (la France n'est pas l'étranger)"
        )
    elif code_lieu and lieu != code_lieu and not _corse_avant_1976(lieu, code_lieu, date_naissance):
        problemes.append(
            f"lieu de naissance du NIR « {lieu} » incohérent avec le code lieu de naissance "
            f"« {code_lieu} »"
        )
    if nir[10:13] == "000":
        problemes.append("numéro d'ordre du NIR « 000 » invalide (001 à 999 attendu)")
    return problemes


def _format_ok(nir: str) -> bool:
    return (
        nir[:5].isdigit()
        and nir[7:].isdigit()
        and (nir[5:7].isdigit() or nir[5:7] in ("2A", "2B"))
        and nir.isascii()
    )


def _corse_avant_1976(lieu: str, code_lieu: str, date_naissance: dt.date | None) -> bool:
    return (
        code_lieu[:2] in ("2A", "2B")
        and lieu == "20" + code_lieu[2:]
        and date_naissance is not None
        and date_naissance.year < ANNEE_BIDEPARTEMENTALISATION_CORSE
    )


@functools.lru_cache(maxsize=1 << 16)
def trait_ins(texte: str) -> str:
    """A name in the form of the INS identity traits: capitals, no diacritics (Œ → OE)."""
    texte = texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return " ".join(sans_accents.upper().split())


@functools.lru_cache(maxsize=1 << 16)
def identifiant_ascii(texte: str) -> str:
    """Lower-case ASCII letters, digits and hyphens of a name, for e-mail local parts."""
    brut = trait_ins(texte).lower()
    return "".join(c for c in brut if c.isalnum() or c == "-")


class FournisseurIdentite(BaseProvider):
    """Faker provider of the bench: coherent NIR, fictitious phone numbers and e-mails.

    Draws come from the Faker instance's seeded random, so a seed gives the same population.
    Name lists are Faker fr_FR's own, preloaded once (Faker's `name()` goes through format
    parsing at each call, far slower than a choice in a list).
    """

    prenoms_femmes: tuple[str, ...] = tuple(
        p for p in PersonneFr.first_names_female if " " not in p
    )
    prenoms_hommes: tuple[str, ...] = tuple(p for p in PersonneFr.first_names_male if " " not in p)
    noms: tuple[str, ...] = tuple(PersonneFr.last_names)

    def __init__(self, generator) -> None:
        super().__init__(generator)
        self._prefixes_mobiles = tuple(
            p for p, usage in referentiels.prefixes_telephone() if usage == "mobile"
        )
        self._prefixes_fixes = tuple(
            p for p, usage in referentiels.prefixes_telephone() if usage == "fixe"
        )

    def nir_personne(self, sexe: str, date_naissance: dt.date, code_lieu: str) -> str:
        return calculer_nir(sexe, date_naissance, code_lieu, self.generator.random.randint(1, 999))

    def prenom_personne(self, sexe: str) -> str:
        liste = self.prenoms_femmes if sexe == "F" else self.prenoms_hommes
        return liste[int(self.generator.random.random() * len(liste))]

    def nom_famille(self) -> str:
        return self.noms[int(self.generator.random.random() * len(self.noms))]

    def telephone_fiction(self, mobile: bool = True) -> str:
        """A French 10-digit number in the ranges ARCEP reserves for fiction."""
        prefixes = self._prefixes_mobiles if mobile else self._prefixes_fixes
        rnd = self.generator.random
        return prefixes[int(rnd.random() * len(prefixes))] + f"{rnd.randrange(10000):04d}"

    def email_fictif(self, prenom: str, nom: str) -> str:
        rnd = self.generator.random
        domaine = DOMAINES_EMAIL[int(rnd.random() * len(DOMAINES_EMAIL))]
        return f"{identifiant_ascii(prenom)}.{identifiant_ascii(nom)}@{domaine}"
