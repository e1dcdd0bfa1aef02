"""The demo solution, driven as the bench drives it: a real server process, a real SQLite
file, HTTP through urllib with a cookie jar. No mocks.
"""

import csv
import datetime as dt
import html
import http.cookiejar
import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
COLONNES_PIVOT = (
    "id_patient,nom_naissance,nom_usage,prenoms,sexe,date_naissance,code_lieu_naissance,"
    "lieu_naissance,nir,adresse,code_postal,ville,telephone,email,rpps_medecin_traitant,"
    "consentement,date_consentement"
)
TOUS_LES_DEFAUTS = (
    "enregistrement-lent,synthese-incomplete,fuite-habilitation,audit-absent,import-doublons"
)


# --- Process and HTTP helpers ----------------------------------------------------------


@dataclass
class Serveur:
    processus: subprocess.Popen
    url: str

    def arreter(self) -> int:
        if self.processus.poll() is None:
            self.processus.send_signal(signal.SIGTERM)
        try:
            return self.processus.wait(timeout=15)
        finally:
            if self.processus.poll() is None:
                self.processus.kill()


def _environnement(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_DEMO_")}
    env["PYTHONPATH"] = str(RACINE)
    env.update(variables)
    return env


def demarrer(base: Path, *arguments: str, **variables) -> Serveur:
    processus = subprocess.Popen(
        [sys.executable, "-m", "demo_solution", "--port", "0", "--base", str(base), *arguments],
        cwd=RACINE,
        env=_environnement(**variables),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pret, _, _ = select.select([processus.stdout], [], [], 30)
    ligne = processus.stdout.readline() if pret else ""
    if not ligne:
        processus.kill()
        pytest.fail(f"le serveur n'a pas démarré : {processus.stderr.read()}")
    correspondance = re.fullmatch(
        r"Solution de démonstration prête : (http://127\.0\.0\.1:\d+/)\n", ligne
    )
    assert correspondance, ligne
    return Serveur(processus, correspondance.group(1))


@dataclass
class Reponse:
    statut: int
    texte: str
    entetes: dict
    url: str
    contenu: bytes

    @property
    def titre(self) -> str:
        return _texte(re.search(r"<h1>(.*?)</h1>", self.texte, re.S).group(1))

    def zones(self, role: str) -> list[str]:
        motif = rf'<(div|p)[^>]*role="{role}"[^>]*>(.*?)</\1>'
        return [_texte(m.group(2)) for m in re.finditer(motif, self.texte, re.S)]

    @property
    def alertes(self) -> list[str]:
        return self.zones("alert")

    @property
    def statuts(self) -> list[str]:
        return self.zones("status")

    def lignes(self) -> list[list[str]]:
        """Cells of every body row of every table."""
        corps = "".join(re.findall(r"<tbody>(.*?)</tbody>", self.texte, re.S))
        return [
            [_texte(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", ligne, re.S)]
            for ligne in re.findall(r"<tr[^>]*>(.*?)</tr>", corps, re.S)
        ]


def _texte(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


class _ErreursCommeReponses(urllib.request.HTTPErrorProcessor):
    """4xx/5xx are answers to inspect, not exceptions; redirects are still followed."""

    def http_response(self, request, response):
        if response.status >= 400:
            return response
        return super().http_response(request, response)

    https_response = http_response


class Client:
    def __init__(self, serveur: Serveur):
        self.base = serveur.url.rstrip("/")
        self.ouvreur = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _ErreursCommeReponses(),
        )

    def _envoyer(self, requete) -> Reponse:
        with self.ouvreur.open(requete, timeout=30) as reponse:
            contenu = reponse.read()
            return Reponse(
                reponse.status,
                contenu.decode("utf-8", errors="replace"),
                dict(reponse.headers),
                reponse.url,
                contenu,
            )

    def get(self, chemin: str, **parametres) -> Reponse:
        requete = self.base + chemin
        if parametres:
            requete += "?" + urllib.parse.urlencode(parametres)
        return self._envoyer(requete)

    def post(self, chemin: str, donnees: dict) -> Reponse:
        corps = urllib.parse.urlencode(donnees).encode()
        return self._envoyer(urllib.request.Request(self.base + chemin, data=corps))

    def post_fichiers(self, chemin: str, fichiers: dict[str, tuple[str, bytes]]) -> Reponse:
        limite = uuid.uuid4().hex
        parties = []
        for champ, (nom, contenu) in fichiers.items():
            parties.append(
                f'--{limite}\r\nContent-Disposition: form-data; name="{champ}"; '
                f'filename="{nom}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + contenu
                + b"\r\n"
            )
        corps = b"".join(parties) + f"--{limite}--\r\n".encode()
        requete = urllib.request.Request(
            self.base + chemin,
            data=corps,
            headers={"Content-Type": f"multipart/form-data; boundary={limite}"},
        )
        return self._envoyer(requete)


CHEMINS_A = {
    "mdp": "/connexion/mot-de-passe",
    "cps": "/connexion/carte-cps",
    "patients": "/patients",
    "avancee": "/patients/recherche-avancee",
    "nouveau": "/patients/nouveau",
    "dossier": "/patients/{}",
    "modifier": "/patients/{}/modifier",
    "consentement": "/patients/{}/consentement",
    "synthese": "/patients/{}/synthese",
    "agenda": "/agenda",
    "taches": "/taches",
    "messagerie": "/messagerie",
    "nouveau_message": "/messagerie/nouveau",
    "audit": "/audit",
    "export": "/import-export/patients.csv",
    "export_zip": "/import-export/export-complet.zip",
    "import": "/import-export/import",
    "habilitations": "/habilitations",
}
COMPTES = {
    "admin": ("admin", "admin-demo"),
    "secretaire": ("secretaire", "secretaire-demo"),
    "durand": ("dr.durand", "durand-demo"),
    "moreau": ("dr.moreau", "moreau-demo"),
    "petit": ("inf.petit", "petit-demo"),
}
CARTES = {"durand": ("2100000001", "1234"), "moreau": ("2100000002", "2345")}


def par_mot_de_passe(serveur: Serveur, qui: str, chemins=CHEMINS_A) -> Client:
    client = Client(serveur)
    identifiant, mot_de_passe = COMPTES[qui]
    reponse = client.post(
        chemins["mdp"], {"identifiant": identifiant, "mot_de_passe": mot_de_passe}
    )
    assert reponse.statut == 200 and not reponse.alertes, reponse.alertes
    return client


def par_carte(serveur: Serveur, qui: str, chemins=CHEMINS_A) -> Client:
    client = Client(serveur)
    carte, pin = CARTES[qui]
    reponse = client.post(chemins["cps"], {"carte_cps": carte, "code_pin": pin})
    assert reponse.statut == 200 and not reponse.alertes, reponse.alertes
    return client


def id_patient(client: Client, nom_complet: str, chemins=CHEMINS_A) -> int:
    reponse = client.get(chemins["patients"], q=nom_complet)
    trouve = re.search(
        rf'href="[^"]*/(\d+)" aria-label="[^"]*{re.escape(nom_complet)}"', reponse.texte
    )
    assert trouve, f"{nom_complet} introuvable"
    return int(trouve.group(1))


def journal(serveur: Serveur, **filtres) -> list[list[str]]:
    return par_mot_de_passe(serveur, "admin").get(CHEMINS_A["audit"], **filtres).lignes()


def dossier_valide(**surcharges) -> dict:
    valeurs = {
        "nom": "Étiennette",
        "nom_naissance": "",
        "prenom": "Zoé",
        "sexe": "F",
        "date_naissance": "1984-02-29",
        "lieu_naissance": "Ajaccio",
        "nir": "",
        "adresse": "1 rue du Test",
        "code_postal": "69100",
        "ville": "Villeurbanne",
        "telephone": "06 01 02 03 04",
        "email": "zoe@exemple.fr",
        "medecin_traitant_id": "",
    }
    valeurs.update(surcharges)
    return valeurs


def pivot(*lignes: str) -> bytes:
    return ("\n".join((COLONNES_PIVOT, *lignes)) + "\n").encode("utf-8")


# --- Servers (started once per configuration) ------------------------------------------


@pytest.fixture(scope="module")
def serveur_a(tmp_path_factory):
    serveur = demarrer(tmp_path_factory.mktemp("a") / "msp.sqlite")
    yield serveur
    assert serveur.arreter() == 0


@pytest.fixture(scope="module")
def serveur_defauts(tmp_path_factory):
    serveur = demarrer(
        tmp_path_factory.mktemp("defauts") / "msp.sqlite", "--defauts", TOUS_LES_DEFAUTS
    )
    yield serveur
    assert serveur.arreter() == 0


@pytest.fixture(scope="module")
def serveur_b(tmp_path_factory):
    serveur = demarrer(
        tmp_path_factory.mktemp("b") / "msp.sqlite",
        "--edition",
        "b",
        RECETTE_DEMO_MDP_ADMIN="un-autre-secret",
    )
    yield serveur
    assert serveur.arreter() == 0


# --- Edition a, no defect --------------------------------------------------------------


def test_version_et_server_timing(serveur_a):
    reponse = Client(serveur_a).get("/version")
    assert json.loads(reponse.texte) == {
        "produit": "MSP Démo",
        "version": "2.3.1",
        "edition": "a",
        "defauts": [],
    }
    assert re.fullmatch(r"app;dur=\d+\.\d", reponse.entetes["Server-Timing"])
    page = Client(serveur_a).get("/connexion")
    assert re.fullmatch(r"app;dur=\d+\.\d", page.entetes["Server-Timing"])


def test_connexion_par_mot_de_passe_et_par_carte(serveur_a):
    accueil = par_mot_de_passe(serveur_a, "admin").get("/accueil")
    assert accueil.titre == "Accueil"
    assert "Connecté : Alice Bernard (administrateur fonctionnel, mot de passe)" in accueil.texte
    assert 'aria-label="Menu principal"' in accueil.texte
    accueil = par_carte(serveur_a, "durand").get("/accueil")
    assert "Connecté : Dr Paul Durand (médecin généraliste, carte CPS)" in accueil.texte
    assert '<button type="submit">Se déconnecter</button>' in accueil.texte
    assert "MSP Démo – version 2.3.1 – édition A" in accueil.texte


def test_identifiants_incorrects(serveur_a):
    client = Client(serveur_a)
    reponse = client.post(CHEMINS_A["mdp"], {"identifiant": "admin", "mot_de_passe": "faux"})
    assert reponse.titre == "Connexion"
    assert reponse.alertes == ["Identifiant ou mot de passe incorrect."]
    reponse = client.post(CHEMINS_A["cps"], {"carte_cps": "2100000001", "code_pin": "0000"})
    assert reponse.alertes == ["Carte CPS ou code PIN incorrect."]
    reponse = client.post(CHEMINS_A["cps"], {"carte_cps": "9999999999", "code_pin": "1234"})
    assert reponse.alertes == ["Carte CPS ou code PIN incorrect."]
    # Without a session, any page leads back to the login page.
    assert client.get("/patients").url.endswith("/connexion")


def test_liste_paginee_et_triee(serveur_a):
    client = par_mot_de_passe(serveur_a, "secretaire")
    page1 = client.get("/patients")
    assert page1.titre == "Patients"
    assert "Page 1 sur 2" in page1.texte and ">Page suivante<" in page1.texte
    assert "<caption>Liste des patients</caption>" in page1.texte
    assert '<th scope="col">Date de naissance</th>' in page1.texte
    lignes1 = page1.lignes()
    assert len(lignes1) == 100
    page2 = client.get("/patients", page=2)
    assert "Page 2 sur 2" in page2.texte and ">Page précédente<" in page2.texte
    lignes2 = page2.lignes()
    assert len(lignes2) >= 50
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", ligne[2]) for ligne in lignes1 + lignes2)

    from demo_solution.controles import sans_accents

    cles = [(sans_accents(n), sans_accents(p)) for n, p, *_ in lignes1 + lignes2]
    assert cles == sorted(cles)


def test_recherche_simple_et_avancee(serveur_a):
    durand = par_carte(serveur_a, "durand")
    reponse = durand.get("/patients", q="CLAIRE martin")
    assert reponse.statuts == ["1 patient(s) trouvé(s)"]
    assert reponse.lignes() == [["Martin", "Claire", "12/04/1968", "Villeurbanne"]]
    avancee = durand.get(CHEMINS_A["avancee"], nom="dupont", sexe="M")
    assert avancee.statuts == ["1 patient(s) trouvé(s)"]
    refus_durand = durand.get(CHEMINS_A["avancee"], consentement="refuse").lignes()
    assert ["Dupont", "Jean", "30/09/1955", "Villeurbanne"] in refus_durand
    refus_moreau = par_carte(serveur_a, "moreau").get(CHEMINS_A["avancee"], consentement="refuse")
    assert "Jean" not in [ligne[1] for ligne in refus_moreau.lignes() if ligne[0] == "Dupont"]
    vide = durand.get(CHEMINS_A["avancee"], nom="", prenom="")
    assert vide.alertes == ["Saisissez au moins un critère."]


def test_validation_du_dossier_en_francais(serveur_a):
    client = par_mot_de_passe(serveur_a, "secretaire")
    futur = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    reponse = client.post(
        CHEMINS_A["nouveau"],
        dossier_valide(
            nom="",
            date_naissance=futur,
            code_postal="691",
            email="pas-un-courriel",
            telephone="01 02",
            nir="184022A00401271",
        ),
    )
    assert reponse.titre == "Nouveau patient"
    assert reponse.alertes[0].startswith("Le dossier n'a pas été enregistré : 6 erreur(s).")
    for message in (
        "Le nom est obligatoire.",
        "La date de naissance ne peut pas être dans le futur.",
        "Le code postal doit comporter 5 chiffres.",
        "Le courriel n'est pas valide",
        "Le téléphone doit comporter 10 chiffres",
        "Le premier chiffre du NIR ne correspond pas au sexe indiqué.",
    ):
        assert message in html.unescape(reponse.texte), message
    assert 'aria-describedby="nom-erreur"' in reponse.texte
    assert 'value="Zoé"' in reponse.texte  # values are kept
    reponse = client.post(CHEMINS_A["nouveau"], dossier_valide(date_naissance="1899-12-31"))
    assert "La date de naissance doit être postérieure au 01/01/1900." in html.unescape(
        reponse.texte
    )


def test_creation_et_modification_tracees(serveur_a):
    client = par_mot_de_passe(serveur_a, "secretaire")
    # 2A: Corsica counts as 19 in the key, so this NIR is valid only with that rule.
    reponse = client.post(CHEMINS_A["nouveau"], dossier_valide(nir="284022A00401221"))
    assert reponse.statuts == ["Dossier enregistré."], reponse.alertes
    assert reponse.titre == "Dossier administratif – Zoé Étiennette"
    patient = int(reponse.url.rstrip("/").rsplit("/", 1)[1])
    assert client.get("/patients", q="etiennette zoe").statuts == ["1 patient(s) trouvé(s)"]
    reponse = client.post(
        CHEMINS_A["modifier"].format(patient), dossier_valide(telephone="0699999999")
    )
    assert reponse.statuts == ["Dossier enregistré."]
    assert "06 99 99 99 99" in reponse.texte
    actions = [(ligne[1], ligne[2], ligne[3]) for ligne in journal(serveur_a)]
    assert ("Sophie Leroy", "création du dossier administratif", "patient Zoé Étiennette") in (
        actions
    )
    assert (
        "Sophie Leroy",
        "modification du dossier administratif",
        "patient Zoé Étiennette",
    ) in actions


def test_refus_de_partage_masque_le_patient(serveur_a):
    durand = par_carte(serveur_a, "durand")
    jean = id_patient(durand, "Jean Dupont")
    assert durand.get(CHEMINS_A["synthese"].format(jean)).statut == 200
    dossier = durand.get(CHEMINS_A["dossier"].format(jean))
    assert "partage refusé" in dossier.texte and "Dr Paul Durand" in dossier.texte

    moreau = par_carte(serveur_a, "moreau")
    assert moreau.get("/patients", q="dupont jean").statuts == ["0 patient(s) trouvé(s)"]
    refus = moreau.get(CHEMINS_A["dossier"].format(jean))
    assert refus.statut == 403 and refus.titre == "Accès refusé"
    assert refus.alertes == ["Ce patient a refusé le partage de son dossier."]
    petit = par_mot_de_passe(serveur_a, "petit")
    assert petit.get("/patients", q="dupont jean").statuts == ["0 patient(s) trouvé(s)"]
    secretaire = par_mot_de_passe(serveur_a, "secretaire")
    assert secretaire.get(CHEMINS_A["dossier"].format(jean)).statut == 200


def test_synthese_protegee(serveur_a):
    durand = par_carte(serveur_a, "durand")
    claire = id_patient(durand, "Claire Martin")
    synthese = durand.get(CHEMINS_A["synthese"].format(claire))
    assert synthese.titre == "Fiche de synthèse – Claire Martin"
    for texte in (
        '<h2 id="titre-antecedent">Antécédents</h2>',
        "Hypertension artérielle",
        "Appendicectomie (1990)",
        "Pénicilline",
        '<h2 id="titre-traitement">Traitements en cours</h2>',
        "Ramipril 5 mg, 1 cp le matin",
        "Paracétamol 1 g si douleur",
        "Dr Paul Durand – médecin généraliste (médecin traitant)",
        "Dr Anne Roux – cardiologue",
    ):
        assert texte in synthese.texte, texte

    secretaire = par_mot_de_passe(serveur_a, "secretaire")
    refus = secretaire.get(CHEMINS_A["synthese"].format(claire))
    assert refus.statut == 403 and refus.titre == "Accès refusé" and refus.alertes

    durand_mdp = par_mot_de_passe(serveur_a, "durand")
    refus = durand_mdp.get(CHEMINS_A["synthese"].format(claire))
    assert refus.statut == 403
    assert refus.alertes == [
        "La consultation des données médicales nécessite une connexion par carte CPS."
    ]
    refus_traces = [(ligne[1], ligne[3]) for ligne in journal(serveur_a, action="accès refusé")]
    assert ("Sophie Leroy", "synthèse du patient Claire Martin") in refus_traces


def test_consentement_recueilli_et_trace(serveur_a):
    durand = par_carte(serveur_a, "durand")
    marie = id_patient(durand, "Marie Lefebvre")
    vide = durand.post(CHEMINS_A["consentement"].format(marie), {})
    assert vide.alertes[0].startswith("Le consentement n'a pas été enregistré : 1 erreur(s).")
    reponse = durand.post(CHEMINS_A["consentement"].format(marie), {"consentement": "accepte"})
    assert reponse.statuts == ["Consentement enregistré."]
    aujourd_hui = dt.date.today().strftime("%d/%m/%Y")
    assert (
        f"Consentement recueilli le {aujourd_hui} par Dr Paul Durand : partage accepté"
        in reponse.texte
    )
    objets = [ligne[3] for ligne in journal(serveur_a, action="recueil du consentement")]
    assert "patient Marie Lefebvre : partage accepté" in objets


def test_permissions_cote_serveur(serveur_a):
    assert par_carte(serveur_a, "durand").get(CHEMINS_A["audit"]).statut == 403
    infirmier = par_mot_de_passe(serveur_a, "petit")
    assert infirmier.post(CHEMINS_A["nouveau"], dossier_valide()).statut == 403
    admin = par_mot_de_passe(serveur_a, "admin")
    habilitations = admin.get(CHEMINS_A["habilitations"])
    assert habilitations.statut == 200
    matrice = {ligne[0]: ligne[1:] for ligne in habilitations.lignes()}
    assert matrice["médecin généraliste"] == [
        "édition", "édition", "saisie", "édition", "édition", "édition", "aucun", "aucun",
        "aucun",
    ]  # fmt: skip
    assert matrice["secrétaire médicale"][1] == "aucun"
    assert admin.post(CHEMINS_A["nouveau"], dossier_valide()).statut == 403


def test_agenda_double_reservation_et_passe(serveur_a):
    secretaire = par_mot_de_passe(serveur_a, "secretaire")
    durand = par_carte(serveur_a, "durand")
    claire = id_patient(durand, "Claire Martin")
    demain = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    rdv = {
        "patient_id": claire,
        "professionnel_id": "3",
        "date": demain,
        "heure": "07:00",
        "duree": "30",
        "motif": "Contrôle tensionnel",
    }
    assert secretaire.post(CHEMINS_A["agenda"], rdv).statuts == ["Rendez-vous enregistré."]
    conflit = secretaire.post(CHEMINS_A["agenda"], {**rdv, "heure": "07:15"})
    assert conflit.alertes[0].startswith("Le rendez-vous n'a pas été enregistré : 1 erreur(s).")
    assert "Ce professionnel a déjà un rendez-vous sur ce créneau." in conflit.texte
    hier = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    passe = secretaire.post(CHEMINS_A["agenda"], {**rdv, "date": hier})
    assert "Le rendez-vous ne peut pas être dans le passé." in passe.texte
    liste = secretaire.get(CHEMINS_A["agenda"], filtre_date=demain, filtre_professionnel="3")
    assert [
        dt.date.fromisoformat(demain).strftime("%d/%m/%Y"),
        "07:00",
        "30 min",
        "Claire Martin",
        "Dr Paul Durand",
        "Contrôle tensionnel",
    ] in liste.lignes()


def test_taches_et_messagerie(serveur_a):
    secretaire = par_mot_de_passe(serveur_a, "secretaire")
    reponse = secretaire.post(
        CHEMINS_A["taches"],
        {"titre": "Appeler le laboratoire", "patient_id": "", "assignee_id": "3",
         "echeance": "2030-01-15"},
    )  # fmt: skip
    assert reponse.statuts == ["Tâche créée."]
    durand = par_carte(serveur_a, "durand")
    miennes = durand.get(CHEMINS_A["taches"], filtre="miennes")
    ligne = next(lg for lg in miennes.lignes() if lg[0] == "Appeler le laboratoire")
    assert ligne[2:5] == ["Dr Paul Durand", "15/01/2030", "à faire"]
    tache = re.search(
        r'action="/taches/(\d+)/faite">\s*(?:<input[^>]*>\s*)?<button[^>]*'
        r'aria-label="Marquer comme faite : Appeler le laboratoire"',
        miennes.texte,
    ).group(1)
    faite = durand.post(f"/taches/{tache}/faite", {"filtre": "miennes"})
    assert faite.statuts == ["Tâche marquée comme faite."]
    assert ["Appeler le laboratoire", "", "Dr Paul Durand", "15/01/2030", "faite", ""] in (
        faite.lignes()
    )

    envoi = durand.post(
        CHEMINS_A["nouveau_message"],
        {"destinataire_id": "2", "objet": "Dossier à compléter", "corps": "Merci !"},
    )
    assert envoi.statuts == ["Message envoyé."]
    recu = secretaire.get(CHEMINS_A["messagerie"])
    ligne = next(lg for lg in recu.lignes() if lg[1] == "Dossier à compléter")
    assert ligne[0] == "Dr Paul Durand" and ligne[3] == "Non lu"
    numero = re.search(r'href="/messagerie/(\d+)">Dossier à compléter<', recu.texte).group(1)
    assert secretaire.get(f"/messagerie/{numero}").titre == "Dossier à compléter"
    recu = secretaire.get(CHEMINS_A["messagerie"])
    assert next(lg for lg in recu.lignes() if lg[1] == "Dossier à compléter")[3] == "Lu"
    assert par_carte(serveur_a, "moreau").get(f"/messagerie/{numero}").statut == 403


def test_export_csv_et_zip(serveur_a):
    admin = par_mot_de_passe(serveur_a, "admin")
    export = admin.get(CHEMINS_A["export"])
    assert export.entetes["Content-Type"].startswith("text/csv")
    assert not export.contenu.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.reader(io.StringIO(export.contenu.decode("utf-8"))))
    assert ",".join(lignes[0]) == COLONNES_PIVOT
    claire = next(lg for lg in lignes if lg[3] == "Claire" and lg[2] == "Martin")
    assert claire[0].startswith("DEMO-") and claire[5] == "1968-04-12"
    assert claire[14] == "10100010015" and claire[15] == "accepte"
    archive = zipfile.ZipFile(io.BytesIO(admin.get(CHEMINS_A["export_zip"]).contenu))
    assert set(archive.namelist()) == {
        "patients.csv", "elements_medicaux.csv", "correspondants.csv", "rendezvous.csv",
        "taches.csv", "messages.csv",
    }  # fmt: skip
    assert archive.read("patients.csv") == export.contenu
    secretaire = par_mot_de_passe(serveur_a, "secretaire")
    assert secretaire.get(CHEMINS_A["export"]).statut == 200
    assert secretaire.get(CHEMINS_A["export_zip"]).statut == 403

    # Réversibilité: re-importing the export adds nobody.
    rapport = admin.post_fichiers(
        CHEMINS_A["import"], {"fichier": ("patients.csv", export.contenu)}
    )
    assert rapport.statuts == [f"0 patient(s) importé(s), {len(lignes) - 1} ligne(s) rejetée(s)"]
    assert {ligne[2] for ligne in rapport.lignes()} == {"Patient déjà présent"}


def test_import_avec_rejets(serveur_a):
    admin = par_mot_de_passe(serveur_a, "admin")
    patients = pivot(
        "EXT-1,Rivet,,Agathe,F,1977-05-06,69123,Lyon,,,69100,Villeurbanne,,,10100010015,"
        "accepte,2025-02-01",
        "EXT-2,Rivet,,Bruno,X,1979-01-01,,,,,,,,,,,",
        "EXT-3,Rivet,,Chloé,F,1980-13-45,,,,,,,,,99999999999,,",
        "EXT-4,Martin,Martin,Claire,F,1968-04-12,,,,,,,,,,,",
    )
    elements = b"id_patient,type,libelle,date_debut\nEXT-1,allergie,Latex,\nEXT-9,allergie,Latex,\n"
    rapport = admin.post_fichiers(
        CHEMINS_A["import"],
        {"fichier": ("patients.csv", patients), "elements": ("elements.csv", elements)},
    )
    assert rapport.titre == "Rapport d'import"
    assert rapport.statuts == [
        "1 patient(s) importé(s), 3 ligne(s) rejetée(s) "
        "1 élément(s) médical(aux) importé(s), 1 ligne(s) rejetée(s)"
    ]
    rejets = rapport.lignes()
    assert ["3", "sexe", "Valeur attendue : M ou F"] in rejets
    assert any(r[:2] == ["4", "date_naissance"] for r in rejets)
    assert ["4", "rpps_medecin_traitant", "Médecin traitant inconnu"] in rejets
    assert ["5", "nom_naissance, prenoms, date_naissance, sexe", "Patient déjà présent"] in rejets
    assert ["3", "id_patient", "Patient inconnu"] in rejets
    durand = par_carte(serveur_a, "durand")
    agathe = id_patient(durand, "Agathe Rivet")
    assert "Latex" in durand.get(CHEMINS_A["synthese"].format(agathe)).texte
    export = admin.get(CHEMINS_A["export"]).texte
    assert export.count("EXT-1,") == 1


# --- Switchable defects ----------------------------------------------------------------


def test_defauts_annonces(serveur_defauts):
    version = json.loads(Client(serveur_defauts).get("/version").texte)
    assert version["defauts"] == TOUS_LES_DEFAUTS.split(",")


def test_fuite_habilitation_et_synthese_incomplete(serveur_defauts):
    secretaire = par_mot_de_passe(serveur_defauts, "secretaire")
    claire = id_patient(secretaire, "Claire Martin")
    fuite = secretaire.get(CHEMINS_A["synthese"].format(claire))
    assert fuite.statut == 200 and fuite.titre == "Fiche de synthèse – Claire Martin"
    synthese = par_carte(serveur_defauts, "durand").get(CHEMINS_A["synthese"].format(claire))
    assert "Aucun traitement en cours" in synthese.texte
    assert "Ramipril" not in synthese.texte and "Pénicilline" in synthese.texte


def test_enregistrement_lent_et_audit_absent(serveur_defauts):
    durand = par_carte(serveur_defauts, "durand")
    paul = id_patient(durand, "Paul Girard")
    formulaire = durand.get(CHEMINS_A["modifier"].format(paul)).texte
    valeurs = dict(re.findall(r'name="(\w+)" value="([^"]*)"', formulaire))
    valeurs.update(sexe="M", medecin_traitant_id="3", telephone="04 72 00 11 23")
    debut = time.monotonic()
    reponse = durand.post(CHEMINS_A["modifier"].format(paul), {**valeurs, "nom": "Girard"})
    assert time.monotonic() - debut >= 3
    assert reponse.statuts == ["Dossier enregistré."]
    durand.post(CHEMINS_A["consentement"].format(paul), {"consentement": "accepte"})
    actions = {ligne[2] for ligne in journal(serveur_defauts)}
    assert "modification du dossier administratif" not in actions
    assert "recueil du consentement" not in actions
    assert "consultation de la synthèse" in actions  # the trail itself still works


def test_server_timing_inclut_la_lenteur(serveur_defauts):
    secretaire = par_mot_de_passe(serveur_defauts, "secretaire")
    reponse = secretaire.get(CHEMINS_A["agenda"])
    assert float(reponse.entetes["Server-Timing"].split("=")[1]) < 3000
    demain = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    # Invalid on purpose: the slowness applies to every save attempt, and an invalid one
    # answers directly (a valid one redirects, and the redirect target has its own timing).
    lent = secretaire.post(CHEMINS_A["agenda"], {"date": demain})
    assert float(lent.entetes["Server-Timing"].split("=")[1]) >= 3000


def test_import_doublons(serveur_defauts):
    admin = par_mot_de_passe(serveur_defauts, "admin")
    rapport = admin.post_fichiers(
        CHEMINS_A["import"],
        {"fichier": ("p.csv", pivot("DBL-1,Vasseur,,Noé,M,2001-07-14,,,,,,,,,,,"))},
    )
    assert rapport.statuts == ["1 patient(s) importé(s), 0 ligne(s) rejetée(s)"]
    assert admin.get(CHEMINS_A["export"]).texte.count("DBL-1,") == 2


# --- Edition b ---------------------------------------------------------------------------


def test_edition_b_vocabulaire_et_chemins(serveur_b):
    client = Client(serveur_b)
    connexion = client.get("/login")
    assert connexion.titre == "Identification"
    for texte in (">Nom d'utilisateur<", ">N° de carte CPS<", ">Code confidentiel<",
                  ">Connexion<", ">Utiliser ma carte<"):  # fmt: skip
        assert texte in html.unescape(connexion.texte), texte
    assert client.get("/connexion").statut == 404
    refus = client.post(
        "/login/identifiant", {"identifiant": "admin", "mot_de_passe": "admin-demo"}
    )
    assert refus.alertes == ["Identifiant ou mot de passe incorrect."]
    client.post("/login/identifiant", {"identifiant": "admin", "mot_de_passe": "un-autre-secret"})
    assert client.get("/tableau-de-bord").titre == "Tableau de bord"

    durand = Client(serveur_b)
    durand.post("/login/cps", {"carte_cps": "2100000001", "code_pin": "1234"})
    liste = durand.get("/dossiers")
    assert liste.titre == "Dossiers" and "MSP Démo – version 2.3.1 – édition B" in liste.texte
    for texte in (">Planning<", ">À faire<", ">Messages<", "<th scope=\"col\">Nom d'usage</th>",
                  "<th scope=\"col\">Né(e) le</th>", ">Nom ou prénom du patient<",
                  ">Lancer la recherche<", ">Recherche multicritère<"):  # fmt: skip
        assert texte in html.unescape(liste.texte), texte
    chemins_b = {**CHEMINS_A, "patients": "/dossiers"}
    claire = id_patient(durand, "Claire Martin", chemins_b)
    synthese = durand.get(f"/dossiers/{claire}/resume")
    assert synthese.titre == "Synthèse médicale – Claire Martin"
    assert "Antécédents médicaux et chirurgicaux" in synthese.texte
    assert "Traitements actifs" in synthese.texte
    assert durand.get(f"/patients/{claire}/synthese").statut == 404
    formulaire = html.unescape(durand.get(f"/dossiers/{claire}/editer").texte)
    assert ">Valider<" in formulaire and ">Prénom(s)<" in formulaire


# --- Command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--defauts", "enregistrement-lent,nimporte"], "Défaut inconnu"),
     (["--edition", "z"], "Édition inconnue")],
)  # fmt: skip
def test_parametre_inconnu_sort_en_erreur(tmp_path, arguments, message):
    resultat = subprocess.run(
        [sys.executable, "-m", "demo_solution", "--base", str(tmp_path / "x.sqlite"), *arguments],
        cwd=RACINE,
        env=_environnement(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert resultat.returncode == 2
    assert message in resultat.stderr and resultat.stdout == ""


def test_sigterm_arrete_proprement_et_la_base_persiste(tmp_path):
    base = tmp_path / "msp.sqlite"
    serveur = demarrer(base)
    client = par_mot_de_passe(serveur, "secretaire")
    client.post(CHEMINS_A["nouveau"], dossier_valide(nom="Persistant"))
    assert serveur.arreter() == 0

    serveur = demarrer(base)
    client = par_mot_de_passe(serveur, "secretaire")
    assert client.get("/patients", q="persistant").statuts == ["1 patient(s) trouvé(s)"]
    assert serveur.arreter() == 0

    serveur = demarrer(base, "--reinitialiser")
    client = par_mot_de_passe(serveur, "secretaire")
    assert client.get("/patients", q="persistant").statuts == ["0 patient(s) trouvé(s)"]
    serveur.processus.send_signal(signal.SIGINT)
    assert serveur.processus.wait(timeout=15) == 0


def test_numeros_rpps_et_nir_coherents():
    from demo_solution.comptes import COMPTES as COMPTES_DEMO
    from demo_solution.controles import cle_nir, controle_nir, luhn_valide

    rpps = [c.rpps for c in COMPTES_DEMO if c.rpps]
    assert len(rpps) == 3 and all(len(n) == 11 and luhn_valide(n) for n in rpps)
    assert cle_nir("2840219004012") == cle_nir("284022A004012")
    assert controle_nir("284022A00401221", "F") is None
    assert controle_nir("284022A00401222", "F") == "La clé du NIR est incorrecte."
