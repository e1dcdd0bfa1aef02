"""Fictitious, deterministic demo data (random.Random(20261125), no Faker).

Five well-known patients that the bench scenarios name explicitly come first; about 170
generated patients follow so that a 100-per-page list has two full-looking pages.
Rendez-vous, tâches and messages are placed relative to the day the base is created, so
that "this week" always has appointments.
"""

import datetime as dt
import random
import sqlite3

from .comptes import COMPTES, ROLES
from .controles import fabriquer_nir, sans_accents

GRAINE = 20261125
NB_PATIENTS_GENERES = 170

# The MSP lives near Lyon: most patients live around it, birth places are all over France.
# (commune, INSEE code, postal code)
COMMUNES_PROCHES = (
    ("Villeurbanne", "69266", "69100"),
    ("Lyon", "69123", "69003"),
    ("Vaulx-en-Velin", "69256", "69120"),
    ("Bron", "69029", "69500"),
    ("Caluire-et-Cuire", "69034", "69300"),
    ("Vénissieux", "69259", "69200"),
)
COMMUNES_NAISSANCE = COMMUNES_PROCHES + (
    ("Saint-Étienne", "42218", "42000"),
    ("Grenoble", "38185", "38000"),
    ("Paris", "75056", "75011"),
    ("Marseille", "13055", "13001"),
    ("Lille", "59350", "59000"),
    ("Bordeaux", "33063", "33000"),
    ("Toulouse", "31555", "31000"),
    ("Nantes", "44109", "44000"),
    ("Strasbourg", "67482", "67000"),
    ("Clermont-Ferrand", "63113", "63000"),
    ("Dijon", "21231", "21000"),
    ("Ajaccio", "2A004", "20000"),
    ("Bastia", "2B033", "20200"),
    ("Bourg-en-Bresse", "01053", "01000"),
    ("Mâcon", "71270", "71000"),
    ("Annecy", "74010", "74000"),
)
NOMS = (
    "Martin", "Thomas", "Robert", "Richard", "Dubois", "Laurent", "Simon", "Michel",
    "Lefèvre", "Garcia", "David", "Bertrand", "Morel", "Fournier", "Mercier", "Blanc",
    "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin",
    "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Masson",
    "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour",
    "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Gaillard", "Barbier",
    "Arnaud", "Gérard", "Roche", "Renard", "Schmitt", "Vidal", "Caron", "Picard",
    "Fabre", "Aubert", "Lemoine", "Renaud", "Ménard", "Lévêque", "Bénard", "Étienne",
    "Le Gall", "Da Silva", "Nguyen", "Benali", "Haddad", "Ferreira",
)  # fmt: skip
PRENOMS_F = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Laura",
    "Pauline", "Marine", "Céline", "Nathalie", "Isabelle", "Sylvie", "Catherine",
    "Françoise", "Monique", "Jacqueline", "Martine", "Nicole", "Valérie", "Sandrine",
    "Stéphanie", "Élodie", "Aurélie", "Anaïs", "Margaux", "Zoé", "Louise", "Jeanne",
    "Agnès", "Bernadette", "Josiane", "Yasmine", "Fatima",
)  # fmt: skip
PRENOMS_M = (
    "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Alexandre", "Hugo", "Léo",
    "Louis", "Gabriel", "Arthur", "Théo", "Mathis", "Nathan", "Pierre", "Philippe",
    "Michel", "Alain", "Christian", "Daniel", "Gérard", "Jacques", "René", "Patrick",
    "Éric", "Stéphane", "Frédéric", "Olivier", "Sébastien", "Jérôme", "François", "Yves",
    "Noé", "Karim", "Mehdi", "Hervé",
)  # fmt: skip
VOIES = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "cours Émile Zola",
    "rue Francis de Pressensé", "rue Paul Verlaine", "place Lazare Goujon",
    "rue Anatole France", "chemin des Pins", "allée des Tilleuls", "impasse des Lilas",
    "boulevard du 11 Novembre 1918", "rue du 4 Août 1789", "avenue Roger Salengro",
)  # fmt: skip
ANTECEDENTS = (
    "Hypertension artérielle", "Diabète de type 2", "Hypercholestérolémie", "Dépression",
    "Lombalgie chronique", "Hypothyroïdie", "BPCO", "Fracture du poignet (2015)",
    "Cholécystectomie (2008)", "Migraine", "Arthrose du genou", "Insuffisance veineuse",
    "Reflux gastro-œsophagien",
)  # fmt: skip
ANTECEDENTS_ENFANT = ("Asthme", "Eczéma atopique", "Otites à répétition", "Bronchiolite")
ALLERGIES = ("Pénicilline", "Aspirine", "Pollens de graminées", "Acariens", "Arachide",
             "Latex", "Iode", "Sulfamides")  # fmt: skip
TRAITEMENTS = (
    "Amlodipine 5 mg, 1 cp le soir", "Metformine 850 mg, matin et soir",
    "Atorvastatine 20 mg, 1 cp le soir", "Lévothyroxine 75 µg, 1 cp le matin",
    "Salbutamol 100 µg, 2 bouffées si besoin", "Oméprazole 20 mg, 1 gélule le matin",
    "Sertraline 50 mg, 1 cp le matin", "Paracétamol 1 g si douleur",
    "Bisoprolol 2,5 mg, 1 cp le matin",
)  # fmt: skip
SPECIALISTES = (
    ("Dr Anne Roux", "cardiologue"), ("Dr Karim Benali", "pneumologue"),
    ("Dr Sophie Vasseur", "dermatologue"), ("Dr Luc Fabre", "rhumatologue"),
    ("Mme Julie Carré", "masseur-kinésithérapeute"), ("Dr Nadia Haddad", "endocrinologue"),
)  # fmt: skip
MOTIFS_MEDECIN = (
    "Consultation de suivi", "Renouvellement d'ordonnance", "Vaccination",
    "Certificat médical", "Douleur lombaire", "Bilan annuel", "Résultats d'analyse",
)  # fmt: skip
MOTIFS_INFIRMIER = ("Prise de sang", "Pansement", "Injection", "Surveillance tensionnelle")

# (role, fonction) → droit, as in the contract's permission matrix.
FONCTIONS = (
    "patients", "synthese", "consentement", "agenda", "taches", "messagerie", "audit",
    "import_export", "habilitations",
)  # fmt: skip
MATRICE = {
    "médecin généraliste": (
        "edition", "edition", "saisie", "edition", "edition", "edition", "aucun", "aucun",
        "aucun",
    ),
    "infirmier": (
        "consultation", "consultation", "saisie", "consultation", "edition", "edition",
        "aucun", "aucun", "aucun",
    ),
    "secrétaire médicale": (
        "edition", "aucun", "saisie", "edition", "saisie", "edition", "aucun",
        "consultation", "aucun",
    ),
    "administrateur fonctionnel": (
        "consultation", "aucun", "aucun", "consultation", "consultation", "edition",
        "consultation", "edition", "consultation",
    ),
}  # fmt: skip

# Display names of the well-known patients; generated patients never reuse them.
PATIENTS_CONNUS = {"Claire Martin", "Jean Dupont", "Lucas Bernard", "Marie Lefebvre", "Paul Girard"}


def _inserer(db: sqlite3.Connection, table: str, **valeurs) -> int:
    colonnes = ", ".join(valeurs)
    marques = ", ".join("?" for _ in valeurs)
    curseur = db.execute(
        f"INSERT INTO {table} ({colonnes}) VALUES ({marques})", tuple(valeurs.values())
    )
    return curseur.lastrowid


def _ajouter_patient(
    db: sqlite3.Connection,
    rng: random.Random,
    ordre_nir: int,
    *,
    elements: dict[str, list[tuple[str, str | None]]],
    correspondants: list[tuple[str, str, str | None]],
    **champs,
) -> int:
    naissance = dt.date.fromisoformat(champs["date_naissance"])
    champs["nir"] = fabriquer_nir(
        champs["sexe"], naissance, champs["code_lieu_naissance"], ordre_nir
    )
    patient_id = _inserer(db, "patients", **champs)
    for type_, liste in elements.items():
        for libelle, debut in liste:
            _inserer(
                db, "elements_medicaux", patient_id=patient_id, type=type_, libelle=libelle,
                date_debut=debut,
            )  # fmt: skip
    for nom, specialite, role in correspondants:
        _inserer(
            db, "correspondants", patient_id=patient_id, nom=nom, specialite=specialite, role=role
        )
    return patient_id


def _date_aleatoire(rng: random.Random, debut: dt.date, fin: dt.date) -> dt.date:
    return debut + dt.timedelta(days=rng.randint(0, (fin - debut).days))


def _courriel(prenom: str, nom: str) -> str:
    def simple(mot: str) -> str:
        return sans_accents(mot).replace(" ", "-").replace("'", "")

    return f"{simple(prenom)}.{simple(nom)}@exemple.fr"


def peupler(db: sqlite3.Connection, aujourd_hui: dt.date | None = None, vide: bool = False) -> None:
    """Insert every demo row; the caller holds the transaction.

    ``vide``: accounts and permission matrix only, no patient nor activity (the empty base a
    reprise starts from)."""
    aujourd_hui = aujourd_hui or dt.date.today()
    rng = random.Random(GRAINE)

    ids = {}
    for compte in COMPTES:
        ids[compte.identifiant] = _inserer(
            db, "utilisateurs", identifiant=compte.identifiant, nom_affiche=compte.nom_affiche,
            role=compte.role, carte_cps=compte.carte_cps, rpps=compte.rpps,
        )  # fmt: skip
    for role in ROLES:
        for fonction, droit in zip(FONCTIONS, MATRICE[role], strict=True):
            _inserer(db, "habilitations", role=role, fonction=fonction, droit=droit)
    if vide:
        return

    durand, moreau = ids["dr.durand"], ids["dr.moreau"]
    traitant_durand = ("Dr Paul Durand", "médecin généraliste", "médecin traitant")
    traitant_moreau = ("Dr Hélène Moreau", "médecin généraliste", "médecin traitant")

    connus = {}
    connus["Claire Martin"] = _ajouter_patient(
        db, rng, 101, nom="Martin", nom_naissance="Martin", prenom="Claire", sexe="F",
        date_naissance="1968-04-12", code_lieu_naissance="69123", lieu_naissance="Lyon",
        adresse="12 rue de la République", code_postal="69100", ville="Villeurbanne",
        telephone="06 12 34 56 78", email="claire.martin@exemple.fr",
        medecin_traitant_id=durand, consentement="accepte", consentement_date="2025-03-12",
        consentement_par="Dr Paul Durand",
        elements={
            "antecedent": [("Hypertension artérielle", "2015-06-01"),
                           ("Appendicectomie (1990)", "1990-07-15")],
            "allergie": [("Pénicilline", None)],
            "traitement": [("Ramipril 5 mg, 1 cp le matin", "2015-06-01"),
                           ("Paracétamol 1 g si douleur", "2024-11-02")],
        },
        correspondants=[traitant_durand, ("Dr Anne Roux", "cardiologue", None)],
    )  # fmt: skip
    connus["Jean Dupont"] = _ajouter_patient(
        db, rng, 102, nom="Dupont", nom_naissance="Dupont", prenom="Jean", sexe="M",
        date_naissance="1955-09-30", code_lieu_naissance="42218", lieu_naissance="Saint-Étienne",
        adresse="8 avenue Jean Jaurès", code_postal="69100", ville="Villeurbanne",
        telephone="04 78 12 34 56", email=None, medecin_traitant_id=durand,
        consentement="refuse", consentement_date="2025-01-20", consentement_par="Dr Paul Durand",
        elements={
            "antecedent": [("Diabète de type 2", "2009-02-01"),
                           ("Infarctus du myocarde (2012)", "2012-10-05")],
            "allergie": [],
            "traitement": [("Metformine 1000 mg, matin et soir", "2009-02-01"),
                           ("Kardégic 75 mg, 1 sachet par jour", "2012-10-10")],
        },
        correspondants=[traitant_durand, ("Dr Anne Roux", "cardiologue", None)],
    )  # fmt: skip
    connus["Lucas Bernard"] = _ajouter_patient(
        db, rng, 103, nom="Bernard", nom_naissance="Bernard", prenom="Lucas", sexe="M",
        date_naissance="2019-06-02", code_lieu_naissance="69266", lieu_naissance="Villeurbanne",
        adresse="3 allée des Tilleuls", code_postal="69100", ville="Villeurbanne",
        telephone="06 98 76 54 32", email="famille.bernard@exemple.fr",
        medecin_traitant_id=moreau, consentement="accepte", consentement_date="2024-09-15",
        consentement_par="Dr Hélène Moreau",
        elements={
            "antecedent": [("Bronchiolite (2019)", "2019-12-10")],
            "allergie": [("Arachide", "2022-05-03")],
            "traitement": [("Salbutamol 100 µg, 2 bouffées si besoin", "2023-01-15")],
        },
        correspondants=[traitant_moreau],
    )  # fmt: skip
    connus["Marie Lefebvre"] = _ajouter_patient(
        db, rng, 104, nom="Lefebvre", nom_naissance="Lefebvre", prenom="Marie", sexe="F",
        date_naissance="1990-01-20", code_lieu_naissance="38185", lieu_naissance="Grenoble",
        adresse="27 cours Émile Zola", code_postal="69100", ville="Villeurbanne",
        telephone="07 11 22 33 44", email="marie.lefebvre@exemple.fr",
        medecin_traitant_id=moreau, consentement="accepte", consentement_date="2025-06-04",
        consentement_par="Sophie Leroy",
        elements={
            "antecedent": [("Asthme", "2001-03-01")],
            "allergie": [("Pollens de graminées", None)],
            "traitement": [("Lévothyroxine 50 µg, 1 cp le matin", "2020-09-01")],
        },
        correspondants=[traitant_moreau, ("Dr Nadia Haddad", "endocrinologue", None)],
    )  # fmt: skip
    connus["Paul Girard"] = _ajouter_patient(
        db, rng, 105, nom="Girard", nom_naissance="Girard", prenom="Paul", sexe="M",
        date_naissance="1948-11-03", code_lieu_naissance="69123", lieu_naissance="Lyon",
        adresse="5 place Lazare Goujon", code_postal="69100", ville="Villeurbanne",
        telephone="04 72 00 11 22", email=None, medecin_traitant_id=durand,
        consentement="accepte", consentement_date="2024-02-28", consentement_par="Dr Paul Durand",
        elements={
            "antecedent": [("Fibrillation auriculaire", "2016-04-01"),
                           ("Prothèse de hanche droite (2018)", "2018-03-12")],
            "allergie": [("Iode", None)],
            "traitement": [("Apixaban 5 mg, matin et soir", "2016-04-01")],
        },
        correspondants=[traitant_durand, ("Dr Anne Roux", "cardiologue", None)],
    )  # fmt: skip

    generes = _generer_patients(db, rng, durand, moreau, aujourd_hui)
    _generer_activite(db, rng, ids, connus, generes, aujourd_hui)
    _inserer(
        db, "audit", horodatage=dt.datetime.now().isoformat(timespec="seconds"),
        utilisateur="système", action="initialisation de la base",
        objet="données de démonstration",
    )  # fmt: skip


def _generer_patients(
    db: sqlite3.Connection, rng: random.Random, durand: int, moreau: int, aujourd_hui: dt.date
) -> list[tuple[int, int | None, str | None]]:
    """Return (patient id, médecin traitant id, consentement) of each generated patient."""
    deja = set(PATIENTS_CONNUS)
    generes = []
    traitants = {durand: "Dr Paul Durand", moreau: "Dr Hélène Moreau"}
    recueillants = ("Dr Paul Durand", "Dr Hélène Moreau", "Marc Petit", "Sophie Leroy")
    ordre = 200
    while len(generes) < NB_PATIENTS_GENERES:
        sexe = rng.choice("FM")
        prenom = rng.choice(PRENOMS_F if sexe == "F" else PRENOMS_M)
        nom = rng.choice(NOMS)
        if f"{prenom} {nom}" in deja:
            continue
        deja.add(f"{prenom} {nom}")
        naissance = _date_aleatoire(rng, dt.date(1932, 1, 1), dt.date(2025, 6, 30))
        age = (aujourd_hui - naissance).days // 365
        nom_naissance = nom
        if sexe == "F" and age >= 25 and rng.random() < 0.35:
            nom_naissance = rng.choice(NOMS)
        lieu, code_lieu, _ = rng.choice(COMMUNES_NAISSANCE)
        ville, _, code_postal = rng.choice(COMMUNES_PROCHES)
        tirage = rng.random()
        traitant = durand if tirage < 0.45 else moreau if tirage < 0.9 else None
        tirage = rng.random()
        consentement = "accepte" if tirage < 0.8 else "refuse" if tirage < 0.88 else None
        date_consentement = par = None
        if consentement:
            date_consentement = _date_aleatoire(
                rng, dt.date(2023, 1, 1), dt.date(2025, 12, 31)
            ).isoformat()
            par = traitants.get(traitant) or rng.choice(recueillants)
        telephone = None
        if rng.random() < 0.9:
            prefixe = rng.choice(("06", "07", "04"))
            telephone = " ".join([prefixe] + [f"{rng.randint(0, 99):02d}" for _ in range(4)])
        email = _courriel(prenom, nom) if rng.random() < 0.7 else None
        enfant = age < 15
        elements = {
            "antecedent": [
                (libelle, None)
                for libelle in rng.sample(
                    ANTECEDENTS_ENFANT if enfant else ANTECEDENTS,
                    rng.randint(0, 2 if enfant else 3),
                )
            ],
            "allergie": [(libelle, None) for libelle in rng.sample(ALLERGIES, rng.randint(0, 1))],
            "traitement": [
                (
                    libelle,
                    _date_aleatoire(rng, dt.date(2018, 1, 1), dt.date(2025, 12, 31)).isoformat(),
                )
                for libelle in rng.sample(TRAITEMENTS, 0 if enfant else rng.randint(0, 2))
            ],
        }
        correspondants = []
        if traitant:
            nom_traitant = traitants[traitant]
            correspondants.append((nom_traitant, "médecin généraliste", "médecin traitant"))
        if rng.random() < 0.2:
            correspondants.append((*rng.choice(SPECIALISTES), None))
        ordre += rng.randint(1, 4)
        patient_id = _ajouter_patient(
            db, rng, ordre, nom=nom, nom_naissance=nom_naissance, prenom=prenom, sexe=sexe,
            date_naissance=naissance.isoformat(), code_lieu_naissance=code_lieu,
            lieu_naissance=lieu, adresse=f"{rng.randint(1, 120)} {rng.choice(VOIES)}",
            code_postal=code_postal, ville=ville, telephone=telephone, email=email,
            medecin_traitant_id=traitant, consentement=consentement,
            consentement_date=date_consentement, consentement_par=par,
            elements=elements, correspondants=correspondants,
        )  # fmt: skip
        generes.append((patient_id, traitant, consentement))
    return generes


def _generer_activite(db, rng, ids, connus, generes, aujourd_hui: dt.date) -> None:
    """Rendez-vous this week, a few tâches and messages."""
    lundi = aujourd_hui - dt.timedelta(days=aujourd_hui.weekday())
    creneaux = [f"{h:02d}:{m:02d}" for h in range(8, 18) for m in (0, 20, 40)]

    def patients_pour(professionnel: int) -> list[int]:
        # Never put a patient who refused sharing in another professional's agenda.
        return [
            pid
            for pid, traitant, consentement in generes
            if consentement != "refuse" or traitant == professionnel
        ]

    rdv = [
        (connus["Claire Martin"], ids["dr.durand"], 3, "10:00", 20, "Consultation de suivi"),
        (connus["Jean Dupont"], ids["dr.durand"], 1, "14:00", 20, "Renouvellement d'ordonnance"),
        (connus["Lucas Bernard"], ids["dr.moreau"], 2, "09:00", 20, "Vaccination"),
        (connus["Marie Lefebvre"], ids["dr.moreau"], 4, "11:20", 20, "Bilan annuel"),
        (connus["Paul Girard"], ids["inf.petit"], 2, "08:00", 15, "Prise de sang"),
    ]
    for professionnel, motifs in (
        (ids["dr.durand"], MOTIFS_MEDECIN),
        (ids["dr.moreau"], MOTIFS_MEDECIN),
        (ids["inf.petit"], MOTIFS_INFIRMIER),
    ):
        candidats = patients_pour(professionnel)
        for jour in range(5):
            for heure in rng.sample(creneaux, 3):
                rdv.append(
                    (rng.choice(candidats), professionnel, jour, heure, 20, rng.choice(motifs))
                )
    occupes = set()
    for patient_id, professionnel, jour, heure, duree, motif in rdv:
        # Generated slots may collide with the fixed ones; the seed must not double-book.
        if (professionnel, jour, heure) in occupes:
            continue
        occupes.add((professionnel, jour, heure))
        debut = f"{(lundi + dt.timedelta(days=jour)).isoformat()}T{heure}"
        _inserer(
            db, "rendezvous", patient_id=patient_id, professionnel_id=professionnel,
            debut=debut, duree_minutes=duree, motif=motif,
        )  # fmt: skip

    def jour(decalage: int) -> str:
        return (aujourd_hui + dt.timedelta(days=decalage)).isoformat()

    taches = [
        ("Rappeler Mme Martin pour le résultat du bilan sanguin", connus["Claire Martin"],
         "dr.durand", "secretaire", jour(2), "à faire"),
        ("Préparer la réunion de concertation pour M. Girard", connus["Paul Girard"],
         "dr.moreau", "dr.durand", jour(5), "à faire"),
        ("Commander les vaccins antigrippaux", None, "secretaire", "dr.moreau", jour(7), "à faire"),
        ("Renouveler l'ordonnance de Mme Lefebvre", connus["Marie Lefebvre"], "dr.moreau",
         "secretaire", jour(1), "à faire"),
        ("Prise de sang à domicile pour M. Girard", connus["Paul Girard"], "inf.petit",
         "dr.durand", jour(3), "à faire"),
        ("Vérifier la sauvegarde de la nuit", None, "admin", "admin", jour(-1), "faite"),
    ]  # fmt: skip
    for titre, patient_id, assignee, createur, echeance, statut in taches:
        _inserer(
            db, "taches", titre=titre, patient_id=patient_id, assignee_id=ids[assignee],
            createur_id=ids[createur], echeance=echeance, statut=statut,
        )  # fmt: skip

    messages = [
        ("secretaire", "dr.durand", "Résultats de Mme Martin",
         "Bonjour,\nLe laboratoire a transmis les résultats du bilan de Mme Martin. "
         "Ils sont classés dans son dossier.\nSophie", 1, False),
        ("dr.moreau", "dr.durand", "Remplacement de vendredi",
         "Paul, peux-tu me remplacer vendredi après-midi ? Merci.\nHélène", 2, True),
        ("dr.durand", "inf.petit", "Passage à domicile chez M. Girard",
         "Marc, merci de passer chez M. Girard pour la prise de sang cette semaine.", 1, False),
        ("admin", "secretaire", "Mise à jour du logiciel",
         "La version 2.3.1 est installée depuis ce matin.", 0, False),
        ("secretaire", "dr.moreau", "Rendez-vous de Lucas Bernard",
         "La maman de Lucas Bernard souhaite avancer le rendez-vous de vaccination.", 0, False),
    ]  # fmt: skip
    maintenant = dt.datetime.combine(aujourd_hui, dt.time(8, 30))
    for rang, (de, a, objet, corps, il_y_a, lu) in enumerate(messages):
        envoye = maintenant - dt.timedelta(days=il_y_a, minutes=17 * rang)
        _inserer(
            db, "messages", expediteur_id=ids[de], destinataire_id=ids[a], objet=objet,
            corps=corps, envoye_le=envoye.isoformat(timespec="minutes"), lu=int(lu),
        )  # fmt: skip
