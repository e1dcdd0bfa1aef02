"""Pivot files: writing, data dictionary, manifest, and the validating reader's French messages."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from recette.donnees import (
    SCHEMA,
    PivotInvalide,
    agenda,
    dossiers,
    generer,
    identite,
    lire_manifeste,
    lire_pivot,
)
from recette.donnees.lecture import _controler
from recette.donnees.pivot import COLONNES, MANIFESTE


@pytest.fixture(scope="module")
def genere(tmp_path_factory) -> Path:
    dossier = tmp_path_factory.mktemp("pivot") / "formation"
    generer("formation", 2025, dossier)
    return dossier


@pytest.fixture
def copie(genere, tmp_path) -> Path:
    """A modifiable copy, without the manifest (whose fingerprints would flag every edit)."""
    cible = tmp_path / "copie"
    shutil.copytree(genere, cible)
    (cible / MANIFESTE).unlink()
    return cible


def _lignes(chemin: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(chemin.read_text(encoding="utf-8"), newline="")))


def _ecrire(chemin: Path, lignes: list[list[str]]) -> None:
    tampon = io.StringIO()
    csv.writer(tampon, lineterminator="\n").writerows(lignes)
    chemin.write_text(tampon.getvalue(), encoding="utf-8")


def _modifier(chemin: Path, ligne: int, colonne: str, valeur: str) -> None:
    """Set one field; `ligne` is the file's line number (1 = header)."""
    lignes = _lignes(chemin)
    lignes[ligne - 1][lignes[0].index(colonne)] = valeur
    _ecrire(chemin, lignes)


def _erreurs(dossier: Path, **options) -> list[str]:
    with pytest.raises(PivotInvalide) as exc:
        lire_pivot(dossier, **options)
    assert exc.value.message.startswith(f"{len(exc.value.erreurs)} erreur(s)")
    return exc.value.erreurs


def _cle_fausse(nir: str) -> str:
    return nir[:13] + ("01" if nir[13:] != "01" else "02")


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "jsonl"])
def test_relecture_sans_erreur(genere, format):
    jeu = lire_pivot(genere, format=format)
    manifeste = lire_manifeste(genere)
    attendus = {k: v for k, v in manifeste["comptes"].items() if k != "identites_ins"}
    assert jeu.comptes == attendus
    assert jeu.date_reference.isoformat() == manifeste["date_reference"]
    assert len(jeu.patients) == 50


def test_manifeste_et_dictionnaire(genere):
    manifeste = lire_manifeste(genere)
    assert manifeste["profil"] == "formation" and manifeste["graine"] == 2025
    noms = {p.name for p in genere.iterdir()} - {MANIFESTE}
    assert set(manifeste["fichiers"]) == noms
    assert {f"{f.nom}.{ext}" for f in SCHEMA for ext in ("csv", "jsonl")} <= noms
    dictionnaire = (genere / "dictionnaire.md").read_text(encoding="utf-8")
    for f in SCHEMA:
        assert f"## {f.nom}.csv" in dictionnaire
        for c in f.colonnes:
            assert f"| `{c.nom}` |" in dictionnaire


def test_jsonl_meme_contenu_que_csv(genere):
    for f in SCHEMA:
        lignes = _lignes(genere / f"{f.nom}.csv")
        objets = [
            json.loads(ligne)
            for ligne in (genere / f"{f.nom}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert len(objets) == len(lignes) - 1
        for valeurs, objet in zip(lignes[1:], objets, strict=True):
            assert list(objet) == lignes[0]
            for v, j in zip(valeurs, objet.values(), strict=True):
                attendu = None if v == "" else v
                if isinstance(j, bool):
                    j = "oui" if j else "non"
                elif isinstance(j, int):
                    j = str(j)
                assert j == attendu


def test_schema_exemples_valides_et_enums_du_code():
    for f in SCHEMA:
        assert f.noms_colonnes == COLONNES[f.nom]
        for c in f.colonnes:
            _, probleme = _controler(c, c.exemple)
            assert probleme is None, (f.nom, c.nom, probleme)
    enums = {(f.nom, c.nom): c.valeurs for f in SCHEMA for c in f.colonnes if c.valeurs}
    assert enums[("rendezvous", "statut")] == agenda.STATUTS_RENDEZVOUS
    assert enums[("taches", "statut")] == agenda.STATUTS_TACHES
    assert enums[("taches", "priorite")] == agenda.PRIORITES_TACHES
    assert enums[("elements_medicaux", "type")] == dossiers.TYPES_ELEMENTS
    assert enums[("contacts_parents", "lien")] == dossiers.LIENS_PARENT
    assert enums[("patients", "consentement")] == dossiers.STATUTS_CONSENTEMENT
    assert enums[("identites_ins", "statut_identite")] == identite.STATUTS_IDENTITE


# --- the reader's French messages ---------------------------------------------------------------


def test_date_invalide_ligne_12(copie):
    _modifier(copie / "patients.csv", 12, "date_naissance", "31/02/1980")
    assert _erreurs(copie) == [
        "patients.csv, ligne 12, champ « date_naissance » : date invalide « 31/02/1980 » "
        "(format attendu AAAA-MM-JJ)"
    ]


def test_colonne_absente(copie):
    lignes = _lignes(copie / "patients.csv")
    rang = lignes[0].index("nir")
    _ecrire(copie / "patients.csv", [ligne[:rang] + ligne[rang + 1 :] for ligne in lignes])
    erreurs = _erreurs(copie)
    assert "patients.csv, ligne 1, champ « nir » : colonne absente de l'en-tête" in erreurs


def test_encodage_latin1(copie):
    chemin = copie / "patients.csv"
    lignes = _lignes(chemin)
    # A line otherwise pure ASCII, so that the injected town holds its first non-UTF-8 byte.
    rang = next(i for i, ligne in enumerate(lignes) if i > 0 and ",".join(ligne).isascii())
    lignes[rang][lignes[0].index("ville")] = "Sèvres"
    tampon = io.StringIO()
    csv.writer(tampon, lineterminator="\n").writerows(lignes)
    chemin.write_bytes(tampon.getvalue().encode("latin-1", errors="replace"))
    erreurs = _erreurs(copie)
    debut = f"patients.csv, ligne {rang + 1}, champ « ville » : encodage invalide"
    (erreur,) = [e for e in erreurs if e.startswith(debut)]
    assert "UTF-8" in erreur and "0xE8" in erreur


def test_nir_cle_invalide(copie):
    nir = _lignes(copie / "patients.csv")[3][8]
    _modifier(copie / "patients.csv", 4, "nir", _cle_fausse(nir))
    (erreur,) = _erreurs(copie)
    assert erreur.startswith("patients.csv, ligne 4, champ « nir » : NIR")
    assert "clé de contrôle invalide" in erreur


def test_nir_incoherent_avec_le_sexe(copie):
    sexe = _lignes(copie / "patients.csv")[6][4]
    _modifier(copie / "patients.csv", 7, "sexe", "M" if sexe == "F" else "F")
    erreurs = _erreurs(copie)
    assert any(
        e.startswith("patients.csv, ligne 7, champ « nir » :") and "incohérent avec le sexe" in e
        for e in erreurs
    )


def test_reference_inconnue(copie):
    _modifier(copie / "elements_medicaux.csv", 3, "id_patient", "P999999")
    assert _erreurs(copie) == [
        "elements_medicaux.csv, ligne 3, champ « id_patient » : identifiant « P999999 » inconnu "
        "dans patients.csv"
    ]


def test_identifiant_en_double(copie):
    lignes = _lignes(copie / "professionnels.csv")
    lignes.append(list(lignes[1]))
    _ecrire(copie / "professionnels.csv", lignes)
    erreurs = _erreurs(copie)
    attendu = (
        f"professionnels.csv, ligne {len(lignes)}, champ « id_professionnel » : identifiant "
        "« PRO001 » en double (déjà présent ligne 2)"
    )
    assert attendu in erreurs


def test_plusieurs_erreurs_toutes_signalees(copie):
    chemin = copie / "patients.csv"
    nir = _lignes(chemin)[3][8]
    _modifier(chemin, 12, "date_naissance", "31/02/1980")
    _modifier(chemin, 4, "nir", _cle_fausse(nir))
    _modifier(chemin, 9, "telephone", "06 12")
    _modifier(copie / "elements_medicaux.csv", 3, "id_patient", "P999999")
    _modifier(copie / "rendezvous.csv", 2, "date", "2025-13-01")
    erreurs = _erreurs(copie)
    attendus = [
        "patients.csv, ligne 4, champ « nir »",
        "patients.csv, ligne 9, champ « telephone »",
        "patients.csv, ligne 12, champ « date_naissance »",
        "elements_medicaux.csv, ligne 3, champ « id_patient »",
        "rendezvous.csv, ligne 2, champ « date »",
    ]
    for debut in attendus:
        assert any(e.startswith(debut) for e in erreurs), (debut, erreurs)
    assert len(erreurs) == len(attendus)


def test_incoherence_medicale_signalee_a_sa_ligne(copie):
    lignes = _lignes(copie / "patients.csv")
    homme = next(ligne[0] for ligne in lignes[1:] if ligne[4] == "M")
    elements = _lignes(copie / "elements_medicaux.csv")
    elements.append([homme, "antecedent", "Grossesse en cours", "2025-01-10"])
    _ecrire(copie / "elements_medicaux.csv", elements)
    (erreur,) = _erreurs(copie)
    assert erreur.startswith(f"elements_medicaux.csv, ligne {len(elements)}, champ « libelle » :")
    assert "sexe masculin" in erreur


def test_fichier_obligatoire_absent(copie):
    (copie / "professionnels.csv").unlink()
    erreurs = _erreurs(copie)
    assert erreurs[0] == "professionnels.csv : fichier obligatoire absent"


def test_jsonl_date_invalide(copie):
    chemin = copie / "patients.jsonl"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    objet = json.loads(lignes[4])
    objet["date_naissance"] = "1980-02-30"
    lignes[4] = json.dumps(objet, ensure_ascii=False)
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    assert _erreurs(copie, format="jsonl") == [
        "patients.jsonl, ligne 5, champ « date_naissance » : date invalide « 1980-02-30 » "
        "(format attendu AAAA-MM-JJ)"
    ]


def test_manifeste_detecte_un_fichier_modifie(genere, tmp_path):
    cible = tmp_path / "avec_manifeste"
    shutil.copytree(genere, cible)
    texte = (cible / "messages.csv").read_text(encoding="utf-8")
    (cible / "messages.csv").write_text(texte.replace("Bonjour", "Salut", 1), encoding="utf-8")
    erreurs = _erreurs(cible)
    assert erreurs == [
        "manifeste.json, champ « fichiers » : empreinte SHA-256 de messages.csv différente de "
        "celle du manifeste (fichier modifié depuis la génération)"
    ]
