"""Administration: audit trail, import / export (pivot format), permission matrix."""

import math

from flask import Response, jsonify, render_template, request

from . import pivot
from .acces import db, defaut, exiger, journaliser, peut, presentation
from .comptes import ROLES
from .jeu_de_donnees import FONCTIONS

PAR_PAGE = 100


def audit():
    exiger("audit")
    filtres = {
        "utilisateur": request.args.get("utilisateur", ""),
        "action": request.args.get("action", ""),
    }
    conditions, parametres = ["1"], []
    for colonne, valeur in filtres.items():
        if valeur:
            conditions.append(f"{colonne} = ?")
            parametres.append(valeur)
    where = " AND ".join(conditions)
    total = db().execute(f"SELECT count(*) FROM audit WHERE {where}", parametres).fetchone()[0]
    pages = max(1, math.ceil(total / PAR_PAGE))
    try:
        page = min(max(1, int(request.args.get("page", "1"))), pages)
    except ValueError:
        page = 1
    evenements = (
        db()
        .execute(
            f"SELECT * FROM audit WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*parametres, PAR_PAGE, (page - 1) * PAR_PAGE],
        )
        .fetchall()
    )
    utilisateurs = [r[0] for r in db().execute("SELECT DISTINCT utilisateur FROM audit ORDER BY 1")]
    actions = [r[0] for r in db().execute("SELECT DISTINCT action FROM audit ORDER BY 1")]
    return render_template(
        "audit.html",
        evenements=evenements,
        filtres=filtres,
        utilisateurs=utilisateurs,
        actions=actions,
        page=page,
        pages=pages,
        total=total,
    )


def import_export():
    exiger("import_export")
    return render_template(
        "import_export.html",
        colonnes_patients=", ".join(pivot.COLONNES_PATIENTS),
        colonnes_elements=", ".join(pivot.COLONNES_ELEMENTS),
    )


def export_patients():
    exiger("import_export", "consultation", "export des patients")
    contenu = pivot.export_patients(db())
    journaliser("export des patients", "fichier patients.csv")
    return Response(
        contenu.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="patients.csv"'},
    )


def export_complet():
    # Medical data leaves the base here: reserved to those who may also import.
    exiger("import_export", "edition", "export complet")
    contenu = pivot.export_complet(db())
    journaliser("export complet", "fichier export-complet.zip")
    return Response(
        contenu,
        mimetype="application/zip",
        headers={"Content-Disposition": 'attachment; filename="export-complet.zip"'},
    )


def _bilan_pivot(bilan: pivot.Bilan, bilan_elements: pivot.Bilan | None) -> dict:
    return {
        "patients": bilan.en_dict(),
        "elements": bilan_elements.en_dict() if bilan_elements else None,
    }


def _resultat_integration(bilan: pivot.Bilan | None) -> dict | None:
    """Edition c's own report: another vendor names the same facts differently."""
    if bilan is None:
        return None
    return {
        "acceptes": bilan.importes,
        "nombre_refus": bilan.lignes_rejetees,
        "refus": [
            {"numero_ligne": r.ligne, "colonne": r.champ, "raison": r.motif} for r in bilan.rejets
        ],
        "fichier_illisible": bilan.erreur,
    }


BILANS_JSON = {
    "bilan": _bilan_pivot,
    "resultat": lambda bilan, elements: {
        "resultat": {
            "patients": _resultat_integration(bilan),
            "elements_medicaux": _resultat_integration(elements),
        }
    },
}


def importer():
    exiger("import_export", "saisie", "import de patients")
    fichier = request.files.get("fichier")
    elements = request.files.get("elements")
    contenu = fichier.read() if fichier else b""
    contenu_elements = elements.read() if elements and elements.filename else None
    bilan, bilan_elements = pivot.importer(
        db(), contenu, contenu_elements, doublonner=defaut("import-doublons")
    )
    nom = (fichier.filename if fichier else "") or "fichier sans nom"
    if bilan.erreur is None:
        journaliser(
            "import de patients",
            f"{nom} : {bilan.importes} patient(s) importé(s), "
            f"{bilan.lignes_rejetees} ligne(s) rejetée(s)",
        )
    if request.accept_mimetypes.accept_json and not request.accept_mimetypes.accept_html:
        return jsonify(BILANS_JSON[presentation().bilan_json](bilan, bilan_elements))
    return render_template("import_rapport.html", bilan=bilan, bilan_elements=bilan_elements)


def habilitations():
    exiger("habilitations")
    droits = {
        (r["role"], r["fonction"]): r["droit"]
        for r in db().execute("SELECT role, fonction, droit FROM habilitations")
    }
    matrice = [(role, [droits.get((role, f), "aucun") for f in FONCTIONS]) for role in ROLES]
    # The same data read the other way (edition c): one row per function, one column per role.
    par_fonction = [(f, [droits.get((role, f), "aucun") for role in ROLES]) for f in FONCTIONS]
    return render_template(
        "habilitations.html",
        matrice=matrice,
        par_fonction=par_fonction,
        fonctions=FONCTIONS,
        roles=ROLES,
        peut=peut,
    )
