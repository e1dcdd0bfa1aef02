"""Pivot CSV format: export of patients, full réversibilité export, import with a report.

Import policy (as vendors usually do it): valid rows are imported, invalid rows are
rejected and listed (line, column, reason), everything inside one transaction.
"""

import csv
import datetime as dt
import io
import sqlite3
import zipfile
from dataclasses import dataclass, field

from .base import transaction
from .comptes import MEDECIN
from .controles import (
    controle_code_postal,
    controle_courriel,
    controle_date_naissance,
    controle_nir,
    controle_telephone,
    lire_date,
    normaliser_nir,
    normaliser_telephone,
    sans_accents,
)

COLONNES_PATIENTS = (
    "id_patient", "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance",
    "code_lieu_naissance", "lieu_naissance", "nir", "adresse", "code_postal", "ville",
    "telephone", "email", "rpps_medecin_traitant", "consentement", "date_consentement",
)  # fmt: skip
OBLIGATOIRES_PATIENTS = ("id_patient", "nom_naissance", "prenoms", "sexe", "date_naissance")
COLONNES_ELEMENTS = ("id_patient", "type", "libelle", "date_debut")
OBLIGATOIRES_ELEMENTS = ("id_patient", "type", "libelle")
TYPES = ("antecedent", "allergie", "traitement")
DEJA_PRESENT = "Patient déjà présent"


class FichierInvalide(Exception):
    """The whole file is unusable (encoding, missing column): nothing of it is imported."""


@dataclass
class Rejet:
    ligne: int
    champ: str
    motif: str


@dataclass
class Bilan:
    importes: int = 0
    lignes_rejetees: int = 0
    rejets: list[Rejet] = field(default_factory=list)
    erreur: str | None = None

    def rejeter(self, ligne: int, erreurs: list[tuple[str, str]]) -> None:
        self.lignes_rejetees += 1
        self.rejets.extend(Rejet(ligne, champ, motif) for champ, motif in erreurs)

    def en_dict(self) -> dict:
        return {
            "importes": self.importes,
            "lignes_rejetees": self.lignes_rejetees,
            "rejets": [r.__dict__ for r in self.rejets],
            "erreur": self.erreur,
        }


def id_pivot(patient: sqlite3.Row) -> str:
    return patient["id_externe"] or f"DEMO-{patient['id']}"


def _csv(entetes, lignes) -> str:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon)
    ecrivain.writerow(entetes)
    ecrivain.writerows(lignes)
    return tampon.getvalue()


def export_patients(db: sqlite3.Connection) -> str:
    lignes = db.execute(
        "SELECT p.*, u.rpps FROM patients p LEFT JOIN utilisateurs u"
        " ON u.id = p.medecin_traitant_id ORDER BY p.id"
    )
    return _csv(
        COLONNES_PATIENTS,
        (
            (
                id_pivot(p),
                p["nom_naissance"],
                p["nom"],
                p["prenom"],
                p["sexe"],
                p["date_naissance"],
                p["code_lieu_naissance"],
                p["lieu_naissance"],
                p["nir"],
                p["adresse"],
                p["code_postal"],
                p["ville"],
                p["telephone"],
                p["email"],
                p["rpps"],
                p["consentement"],
                p["consentement_date"],
            )  # fmt: skip
            for p in lignes
        ),
    )


def export_complet(db: sqlite3.Connection) -> bytes:
    """One CSV per entity, patients referenced by their pivot id, people by identifiant."""
    ids = {p["id"]: id_pivot(p) for p in db.execute("SELECT id, id_externe FROM patients")}
    fichiers = {
        "patients.csv": export_patients(db),
        "elements_medicaux.csv": _csv(
            COLONNES_ELEMENTS,
            (
                (ids[e["patient_id"]], e["type"], e["libelle"], e["date_debut"])
                for e in db.execute("SELECT * FROM elements_medicaux ORDER BY id")
            ),
        ),
        "correspondants.csv": _csv(
            ("id_patient", "nom", "specialite", "role"),
            (
                (ids[c["patient_id"]], c["nom"], c["specialite"], c["role"])
                for c in db.execute("SELECT * FROM correspondants ORDER BY id")
            ),
        ),
        "rendezvous.csv": _csv(
            (
                "id_rendezvous",
                "id_patient",
                "professionnel",
                "rpps_professionnel",
                "debut",
                "duree_minutes",
                "motif",
            ),  # fmt: skip
            (
                (
                    r["id"],
                    ids[r["patient_id"]],
                    r["identifiant"],
                    r["rpps"],
                    r["debut"],
                    r["duree_minutes"],
                    r["motif"],
                )  # fmt: skip
                for r in db.execute(
                    "SELECT r.*, u.identifiant, u.rpps FROM rendezvous r"
                    " JOIN utilisateurs u ON u.id = r.professionnel_id ORDER BY r.id"
                )
            ),
        ),
        "taches.csv": _csv(
            ("id_tache", "titre", "id_patient", "assignee", "createur", "echeance", "statut"),
            (
                (
                    t["id"],
                    t["titre"],
                    ids.get(t["patient_id"], ""),
                    t["assignee"],
                    t["createur"],
                    t["echeance"],
                    t["statut"],
                )  # fmt: skip
                for t in db.execute(
                    "SELECT t.*, a.identifiant AS assignee, c.identifiant AS createur"
                    " FROM taches t JOIN utilisateurs a ON a.id = t.assignee_id"
                    " JOIN utilisateurs c ON c.id = t.createur_id ORDER BY t.id"
                )
            ),
        ),
        "messages.csv": _csv(
            ("id_message", "expediteur", "destinataire", "objet", "corps", "envoye_le", "lu"),
            (
                (
                    m["id"],
                    m["expediteur"],
                    m["destinataire"],
                    m["objet"],
                    m["corps"],
                    m["envoye_le"],
                    "oui" if m["lu"] else "non",
                )  # fmt: skip
                for m in db.execute(
                    "SELECT m.*, e.identifiant AS expediteur, d.identifiant AS destinataire"
                    " FROM messages m JOIN utilisateurs e ON e.id = m.expediteur_id"
                    " JOIN utilisateurs d ON d.id = m.destinataire_id ORDER BY m.id"
                )
            ),
        ),
    }
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in fichiers.items():
            archive.writestr(nom, contenu.encode("utf-8"))
    return tampon.getvalue()


def _lire_csv(contenu: bytes, obligatoires) -> list[tuple[int, dict[str, str]]]:
    """(line number in the file, row) for each record; header is line 1."""
    try:
        # A BOM is tolerated on input even though exports never write one.
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FichierInvalide("le fichier n'est pas encodé en UTF-8.") from exc
    if not texte.strip():
        raise FichierInvalide("le fichier est vide.")
    lecteur = csv.reader(io.StringIO(texte, newline=""))
    entetes = [e.strip().lower() for e in next(lecteur)]
    absentes = [c for c in obligatoires if c not in entetes]
    if absentes:
        raise FichierInvalide(f"colonne(s) obligatoire(s) absente(s) : {', '.join(absentes)}.")
    lignes = []
    for valeurs in lecteur:
        if not any(v.strip() for v in valeurs):
            continue
        ligne = {e: (valeurs[i].strip() if i < len(valeurs) else "") for i, e in enumerate(entetes)}
        lignes.append((lecteur.line_num, ligne))
    return lignes


def _cle_identite(nom_naissance: str, prenom: str, date_naissance: str, sexe: str) -> tuple:
    return (sans_accents(nom_naissance), sans_accents(prenom), date_naissance, sexe)


def _controler_patient(ligne: dict, medecins: dict[str, int]) -> list[tuple[str, str]]:
    erreurs = []
    for champ in OBLIGATOIRES_PATIENTS:
        if not ligne.get(champ):
            erreurs.append((champ, "Valeur obligatoire"))
    sexe = ligne.get("sexe", "").upper()
    if sexe and sexe not in ("M", "F"):
        erreurs.append(("sexe", "Valeur attendue : M ou F"))
    if ligne.get("date_naissance") and (
        message := controle_date_naissance(ligne["date_naissance"])
    ):
        erreurs.append(("date_naissance", message))
    nir = normaliser_nir(ligne.get("nir", ""))
    if nir and (message := controle_nir(nir, sexe if sexe in ("M", "F") else None)):
        erreurs.append(("nir", message))
    if ligne.get("code_postal") and (message := controle_code_postal(ligne["code_postal"])):
        erreurs.append(("code_postal", message))
    if ligne.get("telephone") and (message := controle_telephone(ligne["telephone"])):
        erreurs.append(("telephone", message))
    if ligne.get("email") and (message := controle_courriel(ligne["email"])):
        erreurs.append(("email", message))
    rpps = ligne.get("rpps_medecin_traitant", "")
    if rpps and rpps not in medecins:
        erreurs.append(("rpps_medecin_traitant", "Médecin traitant inconnu"))
    consentement = ligne.get("consentement", "").lower()
    if consentement and consentement not in ("accepte", "refuse"):
        erreurs.append(("consentement", "Valeur attendue : accepte, refuse ou vide"))
    date_consentement = ligne.get("date_consentement", "")
    if date_consentement:
        date = lire_date(date_consentement)
        if date is None:
            erreurs.append(("date_consentement", "Date non valide (format attendu : AAAA-MM-JJ)"))
        elif date > dt.date.today():
            erreurs.append(("date_consentement", "Date dans le futur"))
    elif consentement in ("accepte", "refuse"):
        erreurs.append(
            ("date_consentement", "Date obligatoire quand le consentement est renseigné")
        )
    return erreurs


def importer(
    db: sqlite3.Connection,
    patients_csv: bytes,
    elements_csv: bytes | None,
    doublonner: bool = False,
) -> tuple[Bilan, Bilan | None]:
    """Import the pivot files; ``doublonner`` is the import-doublons defect."""
    bilan = Bilan()
    bilan_elements = Bilan() if elements_csv else None
    try:
        lignes = _lire_csv(patients_csv, OBLIGATOIRES_PATIENTS)
    except FichierInvalide as exc:
        bilan.erreur = str(exc)
        return bilan, bilan_elements

    medecins = {
        u["rpps"]: u["id"]
        for u in db.execute(
            "SELECT id, rpps FROM utilisateurs WHERE role = ? AND rpps IS NOT NULL", (MEDECIN,)
        )
    }
    with transaction(db):
        existants = db.execute("SELECT * FROM patients").fetchall()
        par_id = {id_pivot(p): p["id"] for p in existants}
        identites = {
            _cle_identite(p["nom_naissance"], p["prenom"], p["date_naissance"], p["sexe"])
            for p in existants
        }
        nirs = {p["nir"] for p in existants if p["nir"]}
        premier = True
        for numero, ligne in lignes:
            erreurs = _controler_patient(ligne, medecins)
            if erreurs:
                bilan.rejeter(numero, erreurs)
                continue
            sexe = ligne["sexe"].upper()
            nir = normaliser_nir(ligne.get("nir", "")) or None
            identite = _cle_identite(
                ligne["nom_naissance"], ligne["prenoms"], ligne["date_naissance"], sexe
            )
            if ligne["id_patient"] in par_id:
                bilan.rejeter(numero, [("id_patient", DEJA_PRESENT)])
                continue
            if nir and nir in nirs:
                bilan.rejeter(numero, [("nir", DEJA_PRESENT)])
                continue
            if identite in identites:
                bilan.rejeter(
                    numero, [("nom_naissance, prenoms, date_naissance, sexe", DEJA_PRESENT)]
                )
                continue
            consentement = ligne.get("consentement", "").lower() or None
            colonnes = {
                "id_externe": ligne["id_patient"],
                "nom": ligne.get("nom_usage") or ligne["nom_naissance"],
                "nom_naissance": ligne["nom_naissance"],
                "prenom": ligne["prenoms"],
                "sexe": sexe,
                "date_naissance": ligne["date_naissance"],
                "code_lieu_naissance": ligne.get("code_lieu_naissance") or None,
                "lieu_naissance": ligne.get("lieu_naissance") or None,
                "nir": nir,
                "adresse": ligne.get("adresse") or None,
                "code_postal": ligne.get("code_postal") or None,
                "ville": ligne.get("ville") or None,
                "telephone": normaliser_telephone(ligne.get("telephone", "")) or None,
                "email": ligne.get("email") or None,
                "medecin_traitant_id": medecins.get(ligne.get("rpps_medecin_traitant", "")),
                "consentement": consentement,
                "consentement_date": (ligne.get("date_consentement") or None)
                if consentement
                else None,
            }
            copies = 2 if doublonner and premier else 1
            premier = False
            for _ in range(copies):
                patient_id = _inserer_patient(db, colonnes)
                par_id.setdefault(ligne["id_patient"], patient_id)
            identites.add(identite)
            if nir:
                nirs.add(nir)
            bilan.importes += 1

        if elements_csv:
            _importer_elements(db, elements_csv, par_id, bilan_elements)
    return bilan, bilan_elements


def _inserer_patient(db: sqlite3.Connection, colonnes: dict) -> int:
    noms = ", ".join(colonnes)
    marques = ", ".join("?" for _ in colonnes)
    patient_id = db.execute(
        f"INSERT INTO patients ({noms}) VALUES ({marques})", tuple(colonnes.values())
    ).lastrowid
    db.execute(
        "INSERT INTO correspondants (patient_id, nom, specialite, role)"
        " SELECT p.id, u.nom_affiche, u.role, 'médecin traitant'"
        " FROM patients p JOIN utilisateurs u ON u.id = p.medecin_traitant_id WHERE p.id = ?",
        (patient_id,),
    )
    return patient_id


def _importer_elements(
    db: sqlite3.Connection, contenu: bytes, par_id: dict[str, int], bilan: Bilan
) -> None:
    try:
        lignes = _lire_csv(contenu, OBLIGATOIRES_ELEMENTS)
    except FichierInvalide as exc:
        bilan.erreur = str(exc)
        return
    for numero, ligne in lignes:
        erreurs = []
        for champ in OBLIGATOIRES_ELEMENTS:
            if not ligne.get(champ):
                erreurs.append((champ, "Valeur obligatoire"))
        if ligne.get("id_patient") and ligne["id_patient"] not in par_id:
            erreurs.append(("id_patient", "Patient inconnu"))
        type_ = ligne.get("type", "").lower()
        if type_ and type_ not in TYPES:
            erreurs.append(("type", "Valeur attendue : antecedent, allergie ou traitement"))
        date_debut = ligne.get("date_debut", "")
        if date_debut and lire_date(date_debut) is None:
            erreurs.append(("date_debut", "Date non valide (format attendu : AAAA-MM-JJ)"))
        if erreurs:
            bilan.rejeter(numero, erreurs)
            continue
        db.execute(
            "INSERT INTO elements_medicaux (patient_id, type, libelle, date_debut)"
            " VALUES (?, ?, ?, ?)",
            (par_id[ligne["id_patient"]], type_, ligne["libelle"], date_debut or None),
        )
        bilan.importes += 1
