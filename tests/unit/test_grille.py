"""The contract's grid: the default grid, the customer's import (CSV and XLSX) and its errors."""

from __future__ import annotations

import csv
import dataclasses
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from recette.erreurs import GrilleInvalide
from recette.grille import (
    Exigence,
    Grille,
    charger_grille,
    charger_referentiel,
    chemin_grille,
    chemin_grille_client,
    ecrire_grille,
    importer_grille,
    lire_grille,
)

RACINE = Path(__file__).resolve().parents[2]
GRILLE = RACINE / "fixtures" / "grille"

# Ids the scenarios already use, with the domain they belong to.
IDS_ATTENDUS = {
    **{f"EXG-SEC-0{n}": "securite" for n in range(1, 6)},
    **{f"EXG-DP-0{n}": "dossier-patient" for n in range(1, 8)},
    "EXG-CONS-01": "consentement",
    "EXG-CONS-02": "consentement",
    "EXG-HAB-01": "habilitations",
    "EXG-HAB-02": "habilitations",
    "EXG-AG-01": "agenda",
    "EXG-AG-02": "agenda",
    "EXG-AG-03": "agenda",
    "EXG-MSG-01": "messagerie",
    **{f"EXG-ECH-0{n}": "echanges" for n in range(1, 5)},
    "EXG-REP-01": "reprise",
    "EXG-FORM-01": "formation",
    "EXG-REV-01": "reversibilite",
    **{f"EXG-PERF-0{n}": "performance" for n in range(1, 9)},
    "EXG-DISPO-01": "disponibilite",
    "EXG-FAC-01": "facturation",
    "EXG-IND-01": "indicateurs",
    "EXG-ALE-01": "alertes",
    "EXG-PIL-01": "pilotage",
    "EXG-COO-01": "coordination",
}

# A small customer grid in the bench's canonical column order; the tests write it in other
# shapes (headers, order, separators, encodings, words) and expect the same grid back.
EN_TETES_CLIENT = [
    "Réf.",
    "Domaine",
    "Fonctionnalité",
    "Description",
    "Priorité",
    "Professions concernées",
    "Phase",
    "Source",
]
LIGNES_CLIENT = [
    [
        "EXG-SEC-01",
        "Sécurité",
        "Carte CPS",
        "Accès au dossier par carte CPx.",
        "1",
        "Médecins, IDE",
        "VA",
        "CCTP § 5.3",
    ],
    [
        "EXG-SEC-03",
        "securite",
        "Secrétariat",
        "Pas de données médicales.",
        "1",
        "secrétaire médicale",
        "VA",
        "CCTP § 5.3",
    ],
    [
        "EXG-DP-04",
        "Dossier patient partagé et synthèse",
        "Synthèse",
        "Antécédents, allergies.",
        "1",
        "médecin généraliste|pharmacien",
        "VA",
        "",
    ],
    ["EXG-AG-03", "agenda", "Tâches", "Créer, assigner, clore.", "2", "toutes", "VA", ""],
    ["EXG-FAC-01", "Facturation", "Facturation", "Facturer ses actes.", "3", "Kiné", "VA", ""],
    ["EXG-PERF-01", "Performances", "Ouverture", "Moins de 10 s.", "1", "Tous", "VA+VSR", ""],
    ["EXG-DISPO-01", "disponibilite", "Disponibilité", "", "2", "", "VSR", "CCTP § 5.2"],
]
MOTS_PRIORITE = {"1": "Obligatoire", "2": "SOUHAITEE", "3": "facultative"}


def ecrire_xlsx(
    chemin: Path,
    en_tetes: list[str],
    lignes: list[list],
    titre: bool = True,
    notice: bool = True,
) -> Path:
    """A workbook as a customer sends it: a notice sheet first, the grid in « Grille » under a
    title, priorities as numbers."""
    classeur = Workbook()
    feuille = classeur.active
    if notice:
        feuille.title = "Notice"
        feuille.append(["Mode d'emploi de la grille"])
        feuille = classeur.create_sheet("Grille")
    if titre:
        feuille.append(["Grille hiérarchisée des fonctionnalités"])
        feuille.append([])
    feuille.append(en_tetes)
    for ligne in lignes:
        feuille.append([int(v) if isinstance(v, str) and v.isdigit() else v for v in ligne])
    classeur.save(chemin)
    return chemin


def ecrire_csv(
    chemin: Path,
    en_tetes: list[str],
    lignes: list[list[str]],
    separateur: str = ";",
    encodage: str = "utf-8",
) -> Path:
    with chemin.open("w", encoding=encodage, newline="") as flux:
        ecrivain = csv.writer(flux, delimiter=separateur)
        ecrivain.writerow(en_tetes)
        ecrivain.writerows(lignes)
    return chemin


def sans_lignes(grille: Grille) -> list[Exigence]:
    """The requirements without their line numbers, which depend on the file's layout."""
    return [dataclasses.replace(e, ligne=0) for e in grille]


def racine_temporaire(dossier: Path) -> Path:
    """A bench root with the real referential and default grid, and nothing imported."""
    cible = dossier / "fixtures" / "grille"
    cible.mkdir(parents=True)
    for fichier in GRILLE.glob("*.yaml"):
        shutil.copy(fichier, cible)
    shutil.copy(GRILLE / "grille.csv", cible)
    return dossier


@pytest.fixture
def grille_client_xlsx(tmp_path: Path) -> Path:
    return ecrire_xlsx(tmp_path / "grille.xlsx", EN_TETES_CLIENT, LIGNES_CLIENT)


# -- the default grid ------------------------------------------------------------------------


def test_la_grille_par_defaut_se_charge_et_couvre_le_contrat():
    grille = charger_grille(RACINE, GRILLE / "grille.csv")
    referentiel = charger_referentiel(RACINE)

    assert len(grille) >= 60
    assert grille.avertissements == ()
    assert list(grille.domaines) == list(referentiel.domaines)
    assert set(grille.par_domaine()) == set(referentiel.domaines), "chaque domaine est servi"
    for identifiant, domaine in IDS_ATTENDUS.items():
        assert identifiant in grille, identifiant
        assert grille[identifiant].domaine == domaine, identifiant
    for exigence in grille:
        code = referentiel.domaines[exigence.domaine].code
        assert re.fullmatch(rf"EXG-{code}-\d\d", exigence.id), exigence.id
        assert exigence.priorite in (1, 2, 3)
        assert exigence.verification in ("VA", "VSR", "VA+VSR")
        assert exigence.description and exigence.source and exigence.professions
        assert set(exigence.professions) <= {*referentiel.professions, "toutes"}


def test_la_grille_par_defaut_a_le_sens_attendu_des_exigences_citees():
    grille = charger_grille(RACINE, GRILLE / "grille.csv")
    assert "CPx" in grille["EXG-SEC-01"].description
    assert "mot de passe" in grille["EXG-SEC-02"].description
    assert grille["EXG-SEC-03"].professions == ("secrétaire médicale",)
    assert "journal d'audit" in grille["EXG-SEC-04"].description
    assert "DMP" in grille["EXG-ECH-03"].libelle
    assert "MSSanté" in grille["EXG-ECH-04"].libelle
    assert "données fictives" in grille["EXG-FORM-01"].description
    seuils = [
        "10 secondes",
        "2 secondes",
        "10 secondes",
        "2 secondes",
        "immédiat",
        "2 secondes",
        "10 secondes",
        "5 minutes",
    ]
    for n, seuil in enumerate(seuils, start=1):
        exigence = grille[f"EXG-PERF-0{n}"]
        assert "10 utilisateurs simultanés" in exigence.description
        assert seuil in exigence.description
        assert exigence.verifiee_en("vsr")
    assert grille["EXG-DISPO-01"].verification == "VSR"
    # The priorities are the CSV's own column, grouped without loss: 64 / 25 / 10 in the file.
    with (GRILLE / "grille.csv").open(encoding="utf-8-sig", newline="") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    colonne = next(c for c in lignes[0] if c.casefold().startswith("priorit"))
    attendu: dict[int, set[str]] = {}
    for ligne in lignes:
        attendu.setdefault(int(ligne[colonne]), set()).add(ligne[next(iter(ligne))])
    groupes = grille.par_priorite()
    assert list(groupes) == sorted(attendu)
    assert {p: {e.id for e in g} for p, g in groupes.items()} == attendu


def test_la_grille_par_defaut_est_deja_au_format_normalise(tmp_path: Path):
    grille = charger_grille(RACINE, GRILLE / "grille.csv")
    ecrire_grille(grille, tmp_path / "grille.csv", RACINE)
    assert (tmp_path / "grille.csv").read_bytes() == (GRILLE / "grille.csv").read_bytes()


def test_charger_grille_prefere_la_grille_importee(tmp_path: Path, grille_client_xlsx: Path):
    racine = racine_temporaire(tmp_path / "banc")
    assert chemin_grille(racine).name == "grille.csv"
    assert len(charger_grille(racine)) >= 60

    importer_grille(grille_client_xlsx, racine)

    assert chemin_grille(racine) == chemin_grille_client(racine)
    grille = charger_grille(racine)
    assert grille.fichier == chemin_grille_client(racine)
    assert list(grille.exigences) == [ligne[0] for ligne in LIGNES_CLIENT]


# -- import ----------------------------------------------------------------------------------


def test_xlsx_et_csv_aux_colonnes_melangees_donnent_la_meme_grille(
    tmp_path: Path, grille_client_xlsx: Path
):
    ordre = [6, 2, 0, 7, 4, 1, 5, 3]
    en_tetes = [EN_TETES_CLIENT[i] for i in ordre]
    en_tetes[en_tetes.index("Réf.")] = "N° exigence"
    en_tetes[en_tetes.index("Priorité")] = "PRIO"
    lignes = []
    for ligne in LIGNES_CLIENT:
        en_mots = [*ligne[:4], MOTS_PRIORITE[ligne[4]], *ligne[5:]]
        lignes.append([en_mots[i] for i in ordre])
    fichier_csv = ecrire_csv(
        tmp_path / "grille.csv", en_tetes, lignes, separateur=",", encodage="utf-8-sig"
    )

    depuis_xlsx = importer_grille(grille_client_xlsx, RACINE, destination=tmp_path / "a.csv")
    depuis_csv = importer_grille(fichier_csv, RACINE, destination=tmp_path / "b.csv")

    assert sans_lignes(depuis_xlsx) == sans_lignes(depuis_csv)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert [e.ligne for e in depuis_xlsx] == list(range(4, 4 + len(LIGNES_CLIENT)))
    assert [e.ligne for e in depuis_csv] == list(range(2, 2 + len(LIGNES_CLIENT)))
    synthese = depuis_csv["EXG-DP-04"]
    assert synthese.domaine == "dossier-patient"
    assert synthese.professions == ("médecin généraliste", "pharmacien")
    assert depuis_csv["EXG-SEC-01"].professions == ("médecin généraliste", "infirmier")
    assert depuis_csv["EXG-PERF-01"].professions == ("toutes",)
    assert depuis_csv["EXG-DISPO-01"].professions == ()
    assert [e.priorite for e in depuis_csv] == [int(ligne[4]) for ligne in LIGNES_CLIENT]
    assert any("feuille « Grille »" in a for a in depuis_xlsx.avertissements)


def test_une_grille_fausse_donne_toutes_ses_erreurs_et_ne_remplace_rien(
    tmp_path: Path, grille_client_xlsx: Path
):
    destination = tmp_path / "fixtures" / "grille-client.csv"
    importer_grille(grille_client_xlsx, RACINE, destination=destination)
    avant = destination.read_bytes()

    lignes = [list(ligne) for ligne in LIGNES_CLIENT]
    lignes[3][0] = "EXG-SEC-01"  # duplicated id, sheet line 7 (line 4 has it already)
    lignes[4][4] = ""  # empty priority, sheet line 8
    lignes[5][5] = "Tous, astrologue"  # unknown profession, sheet line 9
    fausse = ecrire_xlsx(tmp_path / "grille-fausse.xlsx", EN_TETES_CLIENT, lignes)

    with pytest.raises(GrilleInvalide) as erreur:
        importer_grille(fausse, RACINE, destination=destination)

    assert erreur.value.erreurs == [
        "grille-fausse.xlsx, ligne 7, colonne « Réf. » (A) : l'identifiant « EXG-SEC-01 » est "
        "déjà utilisé ligne 4.",
        "grille-fausse.xlsx, ligne 8, colonne « Priorité » (E) : la priorité est vide.",
        "grille-fausse.xlsx, ligne 9, colonne « Professions concernées » (F) : profession "
        "« astrologue » inconnue ; professions possibles : médecin généraliste, infirmier, "
        "chirurgien-dentiste, masseur-kinésithérapeute, psychologue, assistant social, "
        "orthophoniste, orthoptiste, pédicure-podologue, sage-femme, diététicien, pharmacien, "
        "secrétaire médicale, administrateur fonctionnel, coordinateur ou « toutes » "
        "(voir professions.yaml).",
    ]
    assert erreur.value.message == "\n".join(erreur.value.erreurs)
    assert destination.read_bytes() == avant
    assert sorted(p.name for p in destination.parent.iterdir()) == ["grille-client.csv"]


@pytest.mark.parametrize(
    ("colonne", "valeur", "attendu"),
    [
        (
            1,
            "Radiologie",
            "colonne « Domaine » : domaine « Radiologie » inconnu ; domaines "
            "possibles : dossier-patient, coordination,",
        ),
        (
            6,
            "recette",
            "colonne « Phase » : vérification « recette » inconnue ; écrire VA, VSR, VA+VSR.",
        ),
        (
            4,
            "urgente",
            "colonne « Priorité » : priorité « urgente » inconnue ; écrire 1, 2, 3 ou "
            "obligatoire, souhaitée, optionnelle.",
        ),
        (4, "2 - obligatoire", "priorité « 2 - obligatoire » inconnue"),
        (2, "", "colonne « Fonctionnalité » : le libellé est vide."),
        (1, "", "colonne « Domaine » : le domaine est vide."),
        (6, "", "colonne « Phase » : la vérification (VA, VSR ou VA+VSR) est vide."),
        (0, "", "colonne « Réf. » : l'identifiant est vide."),
        (0, "EXG SEC 01", "l'identifiant « EXG SEC 01 » contient un espace"),
    ],
)
def test_chaque_erreur_de_cellule_nomme_fichier_ligne_et_colonne(
    tmp_path: Path, colonne: int, valeur: str, attendu: str
):
    lignes = [list(ligne) for ligne in LIGNES_CLIENT]
    lignes[2][colonne] = valeur
    fichier = ecrire_csv(tmp_path / "grille.csv", EN_TETES_CLIENT, lignes)

    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)

    [message] = erreur.value.erreurs
    assert message.startswith("grille.csv, ligne 4, colonne ")
    assert attendu in message


def test_une_colonne_obligatoire_absente_est_nommee(tmp_path: Path):
    en_tetes = [e for e in EN_TETES_CLIENT if e != "Priorité"]
    lignes = [[v for i, v in enumerate(ligne) if i != 4] for ligne in LIGNES_CLIENT]
    lignes[0][1] = "Radiologie"
    fichier = ecrire_xlsx(tmp_path / "grille.xlsx", en_tetes, lignes, notice=False)

    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)

    assert erreur.value.erreurs[0].startswith(
        "grille.xlsx, ligne 3 : colonne obligatoire « priorité » introuvable (en-têtes "
        "acceptés : Priorité, Prio,"
    )
    # The rows are still checked on the columns that are there.
    assert erreur.value.erreurs[1].startswith(
        "grille.xlsx, ligne 4, colonne « Domaine » (B) : domaine « Radiologie » inconnu"
    )


def test_deux_colonnes_pour_le_meme_champ_sont_refusees(tmp_path: Path):
    en_tetes = [*EN_TETES_CLIENT, "Id"]
    lignes = [[*ligne, ligne[0]] for ligne in LIGNES_CLIENT]
    fichier = ecrire_xlsx(tmp_path / "grille.xlsx", en_tetes, lignes, titre=False, notice=False)

    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)

    assert erreur.value.erreurs == [
        "grille.xlsx, ligne 1 : les colonnes « Réf. » (A) et « Id » (I) désignent toutes deux "
        "le champ « identifiant » ; n'en garder qu'une."
    ]


def test_un_csv_windows_cp1252_est_lu_et_signale(tmp_path: Path):
    fichier = ecrire_csv(
        tmp_path / "grille.csv",
        EN_TETES_CLIENT,
        LIGNES_CLIENT,
        separateur="\t",
        encodage="cp1252",
    )
    assert b"S\xe9curit\xe9" in fichier.read_bytes()

    grille = lire_grille(fichier, RACINE)

    assert sans_lignes(grille) == sans_lignes(
        lire_grille(ecrire_csv(tmp_path / "utf8.csv", EN_TETES_CLIENT, LIGNES_CLIENT), RACINE)
    )
    assert grille["EXG-SEC-03"].description == "Pas de données médicales."
    [avertissement] = grille.avertissements
    assert "cp1252" in avertissement and avertissement.startswith("grille.csv : ")


def test_une_correspondance_de_colonnes_remplace_les_en_tetes_par_defaut(tmp_path: Path):
    en_tetes = [
        "Code",
        "Secteur",
        "Intitulé",
        "Texte",
        "Niveau",
        "Acteurs",
        "Contrôle",
        "Provenance",
    ]
    fichier = ecrire_csv(tmp_path / "grille.csv", en_tetes, LIGNES_CLIENT)

    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)
    manquantes = [re.search(r"« (\w+) » introuvable", e) for e in erreur.value.erreurs]
    assert [m.group(1) for m in manquantes if m] == [
        "identifiant",
        "domaine",
        "priorité",
        "vérification",
    ]

    correspondance = {
        "identifiant": "Code",
        "domaine": "Secteur",
        "priorité": ["Niveau"],
        "Vérification": "Contrôle",
        "description": "Texte",
        "professions": "Acteurs",
        "source": "Provenance",
    }
    reference = lire_grille(
        ecrire_csv(tmp_path / "ref.csv", EN_TETES_CLIENT, LIGNES_CLIENT), RACINE
    )
    assert sans_lignes(lire_grille(fichier, RACINE, correspondance)) == sans_lignes(reference)

    fichier_yaml = tmp_path / "correspondance.yaml"
    fichier_yaml.write_text(
        "identifiant: Code\ndomaine: Secteur\npriorite: Niveau\nverification: Contrôle\n"
        "description: Texte\nprofessions: Acteurs\nsource: Provenance\n",
        encoding="utf-8",
    )
    grille = importer_grille(fichier, RACINE, fichier_yaml, destination=tmp_path / "client.csv")
    assert sans_lignes(grille) == sans_lignes(reference)


def test_une_correspondance_vers_un_champ_inconnu_est_refusee(tmp_path: Path):
    fichier = ecrire_csv(tmp_path / "grille.csv", EN_TETES_CLIENT, LIGNES_CLIENT)
    with pytest.raises(GrilleInvalide, match="la clé « couleur » est inconnue"):
        lire_grille(fichier, RACINE, {"couleur": "Rouge"})


def test_colonnes_inconnues_et_identifiants_hors_etiquette_sont_signales(tmp_path: Path):
    lignes = [[*ligne, "à revoir"] for ligne in LIGNES_CLIENT]
    lignes[0][0] = "R-12"
    fichier = ecrire_csv(tmp_path / "grille.csv", [*EN_TETES_CLIENT, "Commentaire"], lignes)

    grille = lire_grille(fichier, RACINE)

    assert "R-12" in grille
    assert grille.avertissements == (
        "grille.csv, ligne 1 : colonne « Commentaire » non reconnue, ignorée.",
        "grille.csv : 1 identifiant(s) hors de la forme EXG-<DOMAINE>-<N> (R-12) ; aucun "
        "scénario ne pourra les citer en étiquette.",
    )


def test_les_intertitres_du_client_sont_ignores(tmp_path: Path):
    lignes = [
        ["1. Sécurité", "", "", "", "", "", "", ""],
        *LIGNES_CLIENT[:2],
        ["", "", "Dossier patient", "", "", "", "", ""],
        ["EXG-DP-09", "", "", "", "", "", "", ""],
    ]
    fichier = ecrire_xlsx(tmp_path / "grille.xlsx", EN_TETES_CLIENT, lignes, notice=False)

    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)

    # A lone id is a requirement left incomplete, not a section title.
    assert [e.split(" : ")[0] for e in erreur.value.erreurs] == [
        "grille.xlsx, ligne 8, colonne « Domaine » (B)",
        "grille.xlsx, ligne 8, colonne « Fonctionnalité » (C)",
        "grille.xlsx, ligne 8, colonne « Priorité » (E)",
        "grille.xlsx, ligne 8, colonne « Phase » (G)",
    ]
    grille = lire_grille(
        ecrire_xlsx(tmp_path / "ok.xlsx", EN_TETES_CLIENT, lignes[:-1], notice=False), RACINE
    )
    assert list(grille.exigences) == ["EXG-SEC-01", "EXG-SEC-03"]
    assert grille.avertissements == (
        "ok.xlsx, ligne 4 : « 1. Sécurité » lu comme un intertitre, ignoré.",
        "ok.xlsx, ligne 7 : « Dossier patient » lu comme un intertitre, ignoré.",
    )


def test_les_priorites_s_ecrivent_en_chiffres_ou_en_mots():
    referentiel = charger_referentiel(RACINE)
    lues = {
        ecrit: referentiel.priorite(ecrit)
        for ecrit in [
            "1",
            "P2",
            " 3 ",
            "Obligatoire",
            "SOUHAITÉE",
            "souhaitable",
            "Optionnelle",
            "FACULTATIVE",
            "1 - Obligatoire",
            "2 – souhaitée",
            "2 - obligatoire",
            "urgente",
            "4",
            "",
        ]
    }
    assert lues == {
        "1": 1,
        "P2": 2,
        " 3 ": 3,
        "Obligatoire": 1,
        "SOUHAITÉE": 2,
        "souhaitable": 2,
        "Optionnelle": 3,
        "FACULTATIVE": 3,
        "1 - Obligatoire": 1,
        "2 – souhaitée": 2,
        "2 - obligatoire": None,
        "urgente": None,
        "4": None,
        "": None,
    }


def test_les_exemples_fournis_s_importent_en_la_meme_grille(tmp_path: Path):
    exemples = GRILLE / "exemples"
    depuis_xlsx = lire_grille(exemples / "grille-client-exemple.xlsx", RACINE)
    depuis_csv = lire_grille(exemples / "grille-client-exemple.csv", RACINE)
    assert len(depuis_xlsx) >= 10
    assert sans_lignes(depuis_xlsx) == sans_lignes(depuis_csv)
    assert set(depuis_xlsx.exigences) <= set(
        charger_grille(RACINE, GRILLE / "grille.csv").exigences
    )


@pytest.mark.parametrize(
    ("nom", "contenu", "attendu"),
    [
        ("grille.xlsx", b"pas un classeur", "grille.xlsx : classeur Excel illisible"),
        ("grille.xls", b"", "grille.xls : format .xls non pris en charge"),
        ("grille.pdf", b"", "grille.pdf : extension « .pdf » inconnue"),
        ("grille.csv", b"", "grille.csv : le fichier est vide."),
        (
            "grille.csv",
            "Réf.;Domaine;Libellé;Priorité;Phase\n;;;;\n".encode(),
            "grille.csv : la grille ne contient aucune exigence.",
        ),
    ],
)
def test_un_fichier_illisible_est_refuse_en_francais(
    tmp_path: Path, nom: str, contenu: bytes, attendu: str
):
    fichier = tmp_path / nom
    fichier.write_bytes(contenu)
    with pytest.raises(GrilleInvalide) as erreur:
        lire_grille(fichier, RACINE)
    assert any(e.startswith(attendu) for e in erreur.value.erreurs), erreur.value.message


# -- round trip ------------------------------------------------------------------------------

REFERENTIEL = charger_referentiel(RACINE)
TEXTE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
    | st.sampled_from(';,"\n\t|'),
    max_size=40,
).map(lambda t: t.replace("\r", "").strip())
EXIGENCE = st.builds(
    Exigence,
    id=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True),
    domaine=st.sampled_from(list(REFERENTIEL.domaines)),
    libelle=TEXTE.filter(bool),
    description=TEXTE,
    priorite=st.sampled_from(list(REFERENTIEL.priorites)),
    professions=st.one_of(
        st.just(("toutes",)),
        st.lists(st.sampled_from(REFERENTIEL.professions), unique=True, max_size=4).map(tuple),
    ),
    verification=st.sampled_from(REFERENTIEL.verifications),
    source=TEXTE,
    ligne=st.just(0),
).flatmap(
    # Methods chosen in the grid, an exclusion with its reason, or the domain's defaults.
    lambda e: st.one_of(
        st.lists(
            st.sampled_from([m for m in REFERENTIEL.methodes if m != "hors-perimetre"]),
            unique=True,
            min_size=1,
            max_size=3,
        ).map(lambda m: dataclasses.replace(e, methodes=tuple(m))),
        TEXTE.filter(bool).map(
            lambda motif: dataclasses.replace(
                e, methodes=("hors-perimetre",), motif_hors_perimetre=motif
            )
        ),
        st.just(
            dataclasses.replace(
                e, methodes=REFERENTIEL.methodes_par_domaine[e.domaine], methodes_par_defaut=True
            )
        ),
    )
)


@settings(max_examples=60, deadline=None)
@given(st.lists(EXIGENCE, min_size=1, max_size=8, unique_by=lambda e: e.id))
def test_une_grille_ecrite_se_relit_a_l_identique(exigences: list[Exigence]):
    grille = Grille({e.id: e for e in exigences}, REFERENTIEL.libelles_domaines, Path("x.csv"))
    with tempfile.TemporaryDirectory() as dossier:
        fichier = Path(dossier) / "grille.csv"
        ecrire_grille(grille, fichier, RACINE)
        relue = charger_grille(RACINE, fichier)
    assert sans_lignes(relue) == sans_lignes(grille)
    assert [e.ligne for e in relue] == list(range(2, 2 + len(exigences)))
