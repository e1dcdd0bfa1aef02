"""The manifest seals a séance; the secret scan keeps passwords and PINs out of every file."""

import zipfile

from recette import preuves


def _dossier(tmp_path):
    (tmp_path / "preuves").mkdir()
    (tmp_path / "seance.json").write_text('{"id": "VA-1"}', encoding="utf-8")
    (tmp_path / "preuves" / "capture.png").write_bytes(b"\x89PNG...")
    return tmp_path


def test_manifeste_intact_puis_altere(tmp_path):
    dossier = _dossier(tmp_path)
    preuves.ecrire_manifeste(dossier)
    assert preuves.verifier_manifeste(dossier).intact
    (dossier / "seance.json").write_text('{"id": "VA-2"}', encoding="utf-8")
    (dossier / "preuves" / "capture.png").unlink()
    (dossier / "ajout.txt").write_text("x", encoding="utf-8")
    ecarts = preuves.verifier_manifeste(dossier)
    assert ecarts.modifies == ("seance.json",)
    assert ecarts.manquants == ("preuves/capture.png",)
    assert ecarts.ajoutes == ("ajout.txt",)


def test_manifeste_au_format_sha256sum(tmp_path):
    dossier = _dossier(tmp_path)
    texte = preuves.ecrire_manifeste(dossier).read_text(encoding="utf-8")
    ligne = next(x for x in texte.splitlines() if x.endswith("seance.json"))
    empreinte, chemin = ligne.split("  ")
    assert len(empreinte) == 64 and chemin == "seance.json"


def test_secret_masque_dans_les_textes_et_les_archives(tmp_path):
    (tmp_path / "journal.txt").write_text("pin=48213377&carte=2100000001", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "trace.zip", "w") as archive:
        reseau = '{"postData": "numero=2100000001&pin=48213377", "t": 1764048213377}'
        archive.writestr("trace.network", reseau)
    trouves = preuves.fuites(tmp_path, {"48213377"})
    assert set(trouves) == {"journal.txt", "trace.zip!trace.network"}
    preuves.masquer_dossier(tmp_path, {"48213377"})
    assert preuves.fuites(tmp_path, {"48213377"}) == []
    texte = (tmp_path / "journal.txt").read_text(encoding="utf-8")
    assert "2100000001" in texte and "48213377" not in texte
    with zipfile.ZipFile(tmp_path / "trace.zip") as archive:
        reseau = archive.read("trace.network").decode()
    # A time stamp that merely contains the PIN's digits is left alone.
    assert "1764048213377" in reseau


def test_secret_dans_un_nom_de_fichier(tmp_path):
    (tmp_path / "capture-mdp-Zx81q.txt").write_text("rien", encoding="utf-8")
    assert preuves.fuites(tmp_path, {"mdp-Zx81q"}) == ["capture-mdp-Zx81q.txt"]
