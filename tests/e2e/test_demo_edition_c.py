"""Edition c of the demo solution (another vendor's markup) and the consent-leak defect on every
edition: a real server process, HTTP through urllib with a cookie jar, as in
test_demo_solution.py. A client of edition c loads each form before posting it and carries its
hidden fields, as a browser does.
"""

import datetime as dt
import html
import json
import re
import urllib.request
import uuid

import pytest
from test_demo_solution import Client, Reponse, _texte, demarrer, dossier_valide, pivot

CARTES = {"durand": ("2100000001", "1234"), "moreau": ("2100000002", "2345")}
MOTS_DE_PASSE = {"admin": ("admin", "admin-demo"), "secretaire": ("secretaire", "secretaire-demo")}


def _caches(texte: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', texte))


class ClientC(Client):
    """Loads the page holding a form, then posts it with that page's hidden fields."""

    def soumettre(self, page: str, action: str, donnees: dict) -> Reponse:
        caches = _caches(self.get(page).texte)
        assert "jeton" in caches, f"aucun jeton sur {page}"
        return self.post(action, {**caches, **donnees})

    def soumettre_fichiers(
        self, page: str, action: str, fichiers: dict, accepter: str = "text/html"
    ) -> Reponse:
        champs = _caches(self.get(page).texte)
        limite = uuid.uuid4().hex
        parties = [
            f'--{limite}\r\nContent-Disposition: form-data; name="{nom}"\r\n\r\n'
            f"{valeur}\r\n".encode()
            for nom, valeur in champs.items()
        ]
        for champ, (nom, contenu) in fichiers.items():
            parties.append(
                f'--{limite}\r\nContent-Disposition: form-data; name="{champ}"; '
                f'filename="{nom}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + contenu
                + b"\r\n"
            )
        requete = urllib.request.Request(
            self.base + action,
            data=b"".join(parties) + f"--{limite}--\r\n".encode(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={limite}",
                "Accept": accepter,
            },
        )
        return self._envoyer(requete)


def carte_c(serveur, qui: str) -> ClientC:
    client = ClientC(serveur)
    carte, pin = CARTES[qui]
    reponse = client.soumettre("/session", "/session/carte", {"carte_cps": carte, "code_pin": pin})
    assert reponse.titre == "Mon bureau", reponse.alertes
    return client


def mot_de_passe_c(serveur, qui: str) -> ClientC:
    client = ClientC(serveur)
    identifiant, secret = MOTS_DE_PASSE[qui]
    reponse = client.soumettre(
        "/session", "/session/mot-de-passe", {"identifiant": identifiant, "mot_de_passe": secret}
    )
    assert reponse.titre == "Mon bureau", reponse.alertes
    return client


def lien_patient(reponse: Reponse, identite: str) -> str:
    trouve = re.search(rf'<a href="([^"]+)">{re.escape(identite)}</a>', reponse.texte)
    assert trouve, f"{identite} introuvable"
    return trouve.group(1)


def tableau(reponse: Reponse, legende: str) -> tuple[list[str], list[list[str]]]:
    """Column headers and body rows of the table with that caption."""
    bloc = re.search(
        rf"<caption>{re.escape(html.escape(legende, quote=True))}</caption>(.*?)</table>",
        reponse.texte,
        re.S,
    )
    assert bloc, f"pas de tableau « {legende} »"
    entetes = [_texte(c) for c in re.findall(r'<th scope="col">(.*?)</th>', bloc.group(1), re.S)]
    corps = re.search(r"<tbody>(.*?)</tbody>", bloc.group(1), re.S).group(1)
    lignes = [
        [_texte(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", ligne, re.S)]
        for ligne in re.findall(r"<tr[^>]*>(.*?)</tr>", corps, re.S)
    ]
    return entetes, lignes


@pytest.fixture(scope="module")
def serveur_c(tmp_path_factory):
    serveur = demarrer(tmp_path_factory.mktemp("c") / "msp.sqlite", "--edition", "c")
    yield serveur
    assert serveur.arreter() == 0


# --- Edition c ---------------------------------------------------------------------------


def test_version_menu_lateral_et_identites_ins(serveur_c):
    version = Client(serveur_c).get("/version")
    assert json.loads(version.texte)["edition"] == "c"
    durand = carte_c(serveur_c, "durand")
    liste = durand.get("/patientele")
    assert re.fullmatch(r"app;dur=\d+\.\d", liste.entetes["Server-Timing"])
    assert re.search(
        r'<nav class="menu-lateral" aria-label="Menu de l&#39;application">', liste.texte
    )
    assert '<a class="bouton bouton-discret" href="/sortie">Se déconnecter</a>' in liste.texte
    assert "<button" not in liste.texte
    entetes, lignes = tableau(liste, "Dossiers de la patientèle")
    assert entetes == ["Identité", "Sexe", "Né(e) le", "Commune"]
    assert len(lignes) == 100 and 'rel="next">Suivante »</a>' in liste.texte
    assert ["MARTIN Claire", "F", "12/04/1968", "Villeurbanne"] in lignes
    # Identity-vigilance capitals: no diacritics in the family name, the first name keeps them.
    assert all(re.fullmatch(r"[A-Z' -]+ \S.*", ligne[0]) for ligne in lignes), lignes[:3]
    page2 = durand.get("/patientele", page=2)
    assert "Page 2 / 2" in page2.texte and len(tableau(page2, "Dossiers de la patientèle")[1]) > 50

    recherche = durand.get("/patientele", q="claire MARTIN")
    assert recherche.statuts == ["1 dossier(s) correspondant(s)"]
    dossier = durand.get(lien_patient(recherche, "MARTIN Claire"))
    assert dossier.titre == "MARTIN Claire – dossier administratif"
    volet = durand.get(re.search(r'href="([^"]+)">Volet médical<', dossier.texte).group(1))
    assert volet.titre == "Volet médical – MARTIN Claire"
    for texte in ("Antécédents personnels", "Pénicilline", "Ramipril 5 mg, 1 cp le matin",
                  "<strong>Médecin traitant</strong> : Dr Paul Durand"):  # fmt: skip
        assert texte in volet.texte, texte
    objets = [ligne[3] for ligne in mot_de_passe_c(serveur_c, "admin").get("/journal").lignes()]
    assert "patient MARTIN Claire" in objets


def test_connexion_exige_le_jeton(serveur_c):
    client = ClientC(serveur_c)
    carte = {"carte_cps": "2100000001", "code_pin": "1234"}
    sans_jeton = client.post("/session/carte", carte)
    assert sans_jeton.statut == 403 and sans_jeton.titre == "Requête refusée"
    assert sans_jeton.alertes == [
        "Le formulaire a expiré ou ne provient pas de l'application. Rechargez la page et "
        "recommencez."
    ]
    assert client.get("/bureau").url.endswith("/session")  # no session was opened
    client.get("/session")
    faux = client.post("/session/carte", {**carte, "jeton": "x" * 43})
    assert faux.statut == 403 and client.get("/bureau").url.endswith("/session")

    connecte = client.soumettre("/session", "/session/carte", carte)
    assert connecte.titre == "Mon bureau"
    assert "médecin généraliste, connexion par carte CPS" in connecte.texte
    mot_de_passe_c(serveur_c, "secretaire")

    # A token from another session is refused, and nothing is written.
    intrus = ClientC(serveur_c)
    jeton_intrus = _caches(intrus.get("/session").texte)["jeton"]
    creation = client.post(
        "/patientele/creation", {**dossier_valide(nom="Intrus"), "jeton": jeton_intrus}
    )
    assert creation.statut == 403
    assert client.get("/patientele", q="intrus").statuts == ["0 dossier(s) correspondant(s)"]

    sortie = client.get("/sortie")
    assert sortie.titre == "Ouverture de session" and sortie.statuts == [
        "Votre session est fermée."
    ]
    assert client.get("/bureau").url.endswith("/session")


def test_memes_regles_qu_en_editions_a_et_b(serveur_c):
    durand = carte_c(serveur_c, "durand")
    jean = lien_patient(durand.get("/patientele", q="dupont jean"), "DUPONT Jean")
    assert durand.get(f"{jean}/volet-medical").statut == 200

    durand_mdp = ClientC(serveur_c)
    durand_mdp.soumettre(
        "/session",
        "/session/mot-de-passe",
        {"identifiant": "dr.durand", "mot_de_passe": "durand-demo"},
    )
    refus = durand_mdp.get(f"{jean}/volet-medical")
    assert refus.statut == 403 and refus.titre == "Accès refusé"
    assert refus.alertes == [
        "La consultation des données médicales nécessite une connexion par carte CPS."
    ]
    moreau = carte_c(serveur_c, "moreau")
    assert moreau.get("/patientele", q="dupont").statuts == ["0 dossier(s) correspondant(s)"]
    refus = moreau.get(jean)
    assert refus.statut == 403
    assert refus.alertes == ["Ce patient a refusé le partage de son dossier."]
    traces = mot_de_passe_c(serveur_c, "admin").get("/journal", action="accès refusé").lignes()
    assert ["Dr Hélène Moreau", "accès refusé", "dossier administratif du patient DUPONT Jean"] in [
        ligne[1:] for ligne in traces
    ]


def test_libelles_par_ecran_radios_et_validation(serveur_c):
    secretaire = mot_de_passe_c(serveur_c, "secretaire")
    creation = html.unescape(secretaire.get("/patientele/creation").texte)
    assert 'value="Enregistrer le dossier"' in creation and ">Commune</label>" in creation
    assert creation.count('type="radio" id="sexe') == 2 and '<select id="sexe"' not in creation
    criteres = html.unescape(secretaire.get("/patientele/criteres").texte)
    assert ">Commune de résidence</label>" in criteres and ">Commune</label>" not in criteres
    assert re.search(r'type="radio" id="sexe-F" name="sexe" value="F"', criteres)

    futur = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    erreurs = secretaire.soumettre(
        "/patientele/creation",
        "/patientele/creation",
        dossier_valide(nom="", date_naissance=futur, code_postal="691", nir="184022A00401271"),
    )
    assert erreurs.alertes[0].startswith("Le dossier n'a pas été enregistré : 4 erreur(s).")
    texte = html.unescape(erreurs.texte)
    for message in ("La date de naissance ne peut pas être dans le futur.",
                    "Le code postal doit comporter 5 chiffres.",
                    "Le premier chiffre du NIR ne correspond pas au sexe indiqué."):  # fmt: skip
        assert message in texte, message
    assert re.search(r'id="nom" name="nom" value=""[^>]*aria-describedby="nom-erreur" '
                     r'aria-invalid="true"', erreurs.texte)  # fmt: skip

    cree = secretaire.soumettre(
        "/patientele/creation", "/patientele/creation", dossier_valide(nir="284022A00401221")
    )
    assert cree.statuts == ["Le dossier a été enregistré."], cree.alertes
    assert cree.titre == "ETIENNETTE Zoé – dossier administratif"
    modification = cree.url.rstrip("/") + "/mise-a-jour"
    chemin = modification.removeprefix(secretaire.base)
    assert 'value="Enregistrer les modifications"' in secretaire.get(chemin).texte
    modifie = secretaire.soumettre(chemin, chemin, dossier_valide(telephone="0699999999"))
    assert modifie.statuts == ["Le dossier a été enregistré."]
    journal = mot_de_passe_c(serveur_c, "admin").get("/journal").lignes()
    assert ["Sophie Leroy", "modification du dossier administratif", "patient ETIENNETTE Zoé"] in [
        ligne[1:] for ligne in journal
    ]


def test_rdv_derriere_le_bouton_et_patient_saisi(serveur_c):
    secretaire = mot_de_passe_c(serveur_c, "secretaire")
    agenda = secretaire.get("/rdv")
    assert '<a class="bouton" href="/rdv/prise">Nouveau rendez-vous</a>' in agenda.texte
    assert 'method="post"' not in agenda.texte
    formulaire = secretaire.get("/rdv/prise").texte
    # Even with a valid token, the agenda itself takes no booking.
    assert secretaire.post("/rdv", _caches(formulaire)).statut == 405
    assert re.search(r'<input type="text" id="patient" name="patient" list="patients-proposes"',
                     formulaire)  # fmt: skip
    assert '<option value="MARTIN Claire (12/04/1968)">' in formulaire
    assert re.findall(r'<option value="(\d+)"[^>]*>\d+ min</option>', formulaire) == [
        "15", "20", "30", "45", "60",
    ]  # fmt: skip
    demain = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    rdv = {"patient": "martin claire", "professionnel_id": "3", "date": demain, "heure": "07:00",
           "duree": "30", "motif": "Contrôle tensionnel"}  # fmt: skip
    inconnu = secretaire.soumettre("/rdv/prise", "/rdv/prise", {**rdv, "patient": "NIMPORTE Qui"})
    assert inconnu.titre == "Prise de rendez-vous"
    assert "Aucun patient de ce nom : choisissez un patient dans la liste proposée." in (
        html.unescape(inconnu.texte)
    )
    assert 'aria-describedby="patient-aide patient-erreur" aria-invalid="true"' in inconnu.texte
    pris = secretaire.soumettre("/rdv/prise", "/rdv/prise", rdv)
    assert pris.titre == "Rendez-vous" and pris.statuts == ["Le rendez-vous est réservé."]
    conflit = secretaire.soumettre(
        "/rdv/prise",
        "/rdv/prise",
        {**rdv, "patient": "MARTIN Claire (12/04/1968)", "heure": "07:15"},
    )
    assert "Ce professionnel a déjà un rendez-vous sur ce créneau." in conflit.texte
    liste = secretaire.get("/rdv", filtre_date=demain, filtre_professionnel="3")
    jour = dt.date.fromisoformat(demain).strftime("%d/%m/%Y")
    assert [jour, "07:00", "Dr Paul Durand", "MARTIN Claire", "30 min", "Contrôle tensionnel"] in (
        tableau(liste, "Rendez-vous planifiés")[1]
    )

    tache = secretaire.soumettre(
        "/taches-partagees",
        "/taches-partagees",
        {"titre": "Rappeler la patiente", "patient": "MARTIN Claire", "assignee_id": "3",
         "echeance": "2030-01-15"},
    )  # fmt: skip
    assert tache.statuts == ["La tâche a été créée."], tache.alertes
    durand = carte_c(serveur_c, "durand")
    miennes = durand.get("/taches-partagees", filtre="miennes")
    ligne = next(lg for lg in miennes.lignes() if lg[0] == "Rappeler la patiente")
    assert ligne[1:5] == ["MARTIN Claire", "Dr Paul Durand", "15/01/2030", "à faire"]
    action = re.search(
        r'action="(/taches-partagees/\d+/cloture)"[^>]*>(?:\s*<input type="hidden"[^>]*>)*'
        r'\s*<input type="submit"[^>]*aria-label="Clôturer « Rappeler la patiente »"',
        miennes.texte,
    ).group(1)
    faite = durand.soumettre("/taches-partagees", action, {"filtre": "miennes"})
    assert faite.statuts == ["La tâche est clôturée."]


def test_courrier_non_lu_dans_l_objet(serveur_c):
    durand = carte_c(serveur_c, "durand")
    envoi = durand.soumettre(
        "/courrier/redaction",
        "/courrier/redaction",
        {"destinataire_id": "2", "objet": "Ordonnance à préparer", "corps": "Merci."},
    )
    assert envoi.statuts == ["Le courrier est parti."]
    secretaire = mot_de_passe_c(serveur_c, "secretaire")
    entetes, lignes = tableau(secretaire.get("/courrier"), "Courrier reçu")
    assert entetes == ["Objet", "Expéditeur", "Reçu le"]
    assert ["Ordonnance à préparer (non lu)", "Dr Paul Durand"] == next(
        lg for lg in lignes if lg[0].startswith("Ordonnance à préparer")
    )[:2]
    recu = secretaire.get("/courrier")
    secretaire.get(re.search(r'href="(/courrier/\d+)">Ordonnance à préparer<', recu.texte).group(1))
    lignes = tableau(secretaire.get("/courrier"), "Courrier reçu")[1]
    assert next(lg for lg in lignes if lg[0].startswith("Ordonnance"))[0] == "Ordonnance à préparer"


def test_habilitations_fonctions_en_lignes(serveur_c):
    admin = mot_de_passe_c(serveur_c, "admin")
    entetes, lignes = tableau(
        admin.get("/administration/droits"), "Droits par fonction et par profil"
    )
    assert entetes == ["Fonction", "médecin généraliste", "infirmier", "secrétaire médicale",
                       "administrateur fonctionnel"]  # fmt: skip
    matrice = {ligne[0]: ligne[1:] for ligne in lignes}
    assert matrice["Synthèse médicale"] == ["édition", "consultation", "aucun", "aucun"]
    assert matrice["Import / export"] == ["aucun", "aucun", "consultation", "édition"]
    assert len(matrice) == 9


def test_import_rapport_json_et_jeton(serveur_c):
    admin = mot_de_passe_c(serveur_c, "admin")
    fichier = pivot(
        "EXTC-1,Rivet,,Agathe,F,1977-05-06,69123,Lyon,,,69100,Villeurbanne,,,10100010015,"
        "accepte,2025-02-01",
        "EXTC-2,Rivet,,Bruno,X,1979-01-01,,,,,,,,,,,",
    )
    # Without the token (the form not loaded first): refused, nothing imported.
    sans_jeton = admin.post_fichiers("/donnees/integration", {"fichier": ("p.csv", fichier)})
    assert sans_jeton.statut == 403
    assert admin.get("/patientele", q="rivet agathe").statuts == ["0 dossier(s) correspondant(s)"]

    rapport = admin.soumettre_fichiers(
        "/donnees", "/donnees/integration", {"fichier": ("p.csv", fichier)}, "application/json"
    )
    assert json.loads(rapport.texte) == {
        "resultat": {
            "patients": {
                "acceptes": 1,
                "nombre_refus": 1,
                "refus": [
                    {"numero_ligne": 3, "colonne": "sexe", "raison": "Valeur attendue : M ou F"}
                ],
                "fichier_illisible": None,
            },
            "elements_medicaux": None,
        }
    }
    page = admin.soumettre_fichiers(
        "/donnees", "/donnees/integration", {"fichier": ("p.csv", fichier)}
    )
    assert page.titre == "Bilan d'intégration"
    assert page.statuts == ["0 dossier(s) intégré(s), 2 ligne(s) refusée(s)"]
    entetes, lignes = tableau(page, "Refus – dossiers patients")
    assert entetes == ["Ligne du fichier", "Raison du refus", "Colonne en cause"]
    assert ["2", "Patient déjà présent", "id_patient"] in lignes


# --- Consent leak, on every edition ------------------------------------------------------

# How each edition lets a doctor log in by card and read the patient list.
EDITIONS = {
    "a": {"cps": "/connexion/carte-cps", "patients": "/patients", "jean": "Jean Dupont",
          "claire": "Claire Martin"},
    "b": {"cps": "/login/cps", "patients": "/dossiers", "jean": "Jean Dupont",
          "claire": "Claire Martin"},
    "c": {"cps": "/session/carte", "patients": "/patientele", "jean": "DUPONT Jean",
          "claire": "MARTIN Claire"},
}  # fmt: skip


def _moreau(serveur, edition: str) -> ClientC:
    client = ClientC(serveur)
    carte, pin = CARTES["moreau"]
    donnees = {"carte_cps": carte, "code_pin": pin}
    if edition == "c":
        client.soumettre("/session", EDITIONS[edition]["cps"], donnees)
    else:
        client.post(EDITIONS[edition]["cps"], donnees)
    return client


def _patients_vus(client: ClientC, edition: str, **parametres) -> list[str]:
    reponse = client.get(EDITIONS[edition]["patients"], **parametres)
    assert reponse.statut == 200
    if edition == "c":
        return [ligne[0] for ligne in reponse.lignes()]
    return [f"{prenom} {nom}" for nom, prenom, *_ in reponse.lignes()]


@pytest.mark.parametrize("edition", ["a", "b", "c"])
def test_fuite_consentement(tmp_path, edition):
    noms = EDITIONS[edition]
    sain = demarrer(tmp_path / "sain.sqlite", "--edition", edition)
    try:
        moreau = _moreau(sain, edition)
        # The check can see: the same doctor sees other patients in the list and the search.
        assert len(_patients_vus(moreau, edition)) == 100
        assert _patients_vus(moreau, edition, q="martin claire") == [noms["claire"]]
        assert noms["jean"] not in _patients_vus(moreau, edition, q="dupont")
    finally:
        assert sain.arreter() == 0

    fuite = demarrer(tmp_path / "fuite.sqlite", "--edition", edition, "--defauts",
                     "fuite-consentement")  # fmt: skip
    try:
        moreau = _moreau(fuite, edition)
        assert noms["jean"] in _patients_vus(moreau, edition, q="dupont jean")
        liste = moreau.get(noms["patients"], q="dupont jean")
        lien = re.search(rf'href="({re.escape(noms["patients"])}/\d+)"', liste.texte).group(1)
        dossier = moreau.get(lien)
        assert dossier.statut == 200 and "partage refusé" in dossier.texte
        toute_la_liste = _patients_vus(moreau, edition) + _patients_vus(moreau, edition, page=2)
        assert noms["jean"] in toute_la_liste
    finally:
        assert fuite.arreter() == 0


def test_defauts_en_edition_c(tmp_path):
    serveur = demarrer(tmp_path / "c.sqlite", "--edition", "c", "--defauts",
                       "synthese-incomplete,fuite-habilitation")  # fmt: skip
    try:
        secretaire = mot_de_passe_c(serveur, "secretaire")
        claire = lien_patient(secretaire.get("/patientele", q="martin claire"), "MARTIN Claire")
        volet = secretaire.get(f"{claire}/volet-medical")
        assert volet.statut == 200 and volet.titre == "Volet médical – MARTIN Claire"
        assert "Aucun traitement au long cours" in volet.texte and "Ramipril" not in volet.texte
    finally:
        assert serveur.arreter() == 0
