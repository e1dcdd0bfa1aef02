"""Vendor profiles: the two demo profiles load; a malformed one gets a French message naming
the file and the key."""

from pathlib import Path

import pytest

from recette.adaptateur.profil import charger_profil
from recette.erreurs import ProfilInvalide

RACINE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("nom", ["demo-a", "demo-b"])
def test_profils_de_demo(nom):
    profil = charger_profil(nom, RACINE)
    assert not profil.production
    assert profil.compte("Dr Paul Durand").numero_carte
    assert profil.compte("secrétaire médicale").identifiant == "secretaire"


def test_editions_differentes_memes_cles():
    a, b = charger_profil("demo-a", RACINE), charger_profil("demo-b", RACINE)
    assert a.vocabulaire.keys() == b.vocabulaire.keys()
    differences = [k for k in a.vocabulaire if a.vocabulaire[k] != b.vocabulaire[k]]
    assert len(differences) > 30


def _profil(tmp_path, texte):
    chemin = tmp_path / "fournisseur.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_yaml_illisible_nomme_la_ligne(tmp_path):
    chemin = _profil(tmp_path, "nom: x\ncible: [\n")
    with pytest.raises(ProfilInvalide) as erreur:
        charger_profil(str(chemin), RACINE)
    assert "fournisseur.yaml, ligne" in erreur.value.message


def test_cle_manquante(tmp_path):
    texte = (RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8")
    chemin = _profil(tmp_path, texte.replace("production: false", ""))
    with pytest.raises(ProfilInvalide, match="« production » est obligatoire"):
        charger_profil(str(chemin), RACINE)


def test_secret_en_clair_refuse(tmp_path):
    texte = (RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8")
    texte = texte.replace("{env: RECETTE_DEMO_MDP_ADMIN}", "admin-demo")
    with pytest.raises(ProfilInvalide, match="jamais la valeur du secret"):
        charger_profil(str(_profil(tmp_path, texte)), RACINE)


def test_vocabulaire_incomplet(tmp_path):
    texte = (RACINE / "fixtures/profils/demo-a.yaml").read_text(encoding="utf-8")
    texte = texte.replace("    code_pin: Code PIN\n", "")
    with pytest.raises(ProfilInvalide, match="connexion.code_pin"):
        charger_profil(str(_profil(tmp_path, texte)), RACINE)


def test_compte_inconnu():
    with pytest.raises(ProfilInvalide, match="aucun compte « Dr Who »"):
        charger_profil("demo-a", RACINE).compte("Dr Who")


def test_profil_introuvable():
    with pytest.raises(ProfilInvalide, match="Profils disponibles : demo-a, demo-b"):
        charger_profil("editeur-inconnu", RACINE)
