"""The former hand-written register (schema version 1 or 2 of recette/anomalies/registre.py,
before it moved onto the models), when its tables are in this database, is copied into the
models, then kept under ``ancien_v1_*`` (« v1 »: the first register, whatever its version).

The former register lived at ``reports/recette.sqlite`` (or ``RECETTE_BASE``), the default
database of the data layer, so a bench upgraded in place finds its register there. Every row is
copied: séances, anomalies with their number (year, rank: the next number continues after
them), occurrences and history with their own ids (the history's order). Dates were stored as
ISO 8601 text with the Paris offset; a date without one is read as Paris time. Nothing is
deleted: the old tables are renamed ``ancien_v1_meta``, ``ancien_v1_seances``… and the reverse
migration renames them back for the former code.

Schema 1 did not say what kind of check a séance was; it is read back from the identifiers the
former code gave (« CHARGE-… », « reprise-… », « reversibilite-… »). Schema 2 recorded it
(``genre``, and a check's report in ``rapport``) but called a cahier de recette « scenarios »
too. For either, a séance folder still on disk says through its ``seance.json`` whether it was
a cahier de recette (« manuel »).

Frozen: this file knows schemas 1 and 2 as they were, on purpose; of the bench it imports only
the error class the CLI prints.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations

from recette.erreurs import RegistreAnomaliesErreur

APPLICATION_V1 = "recette : registre des anomalies"
VERSIONS_V1 = ("1", "2")
TABLES_V1 = ("meta", "seances", "anomalies", "occurrences", "historique")
PREFIXE = "ancien_v1_"
PARIS = ZoneInfo("Europe/Paris")
LOT = 500


class RegistreV1Illisible(RegistreAnomaliesErreur):
    """The former register cannot be copied whole: the migration's transaction is rolled back
    and the file stays as it was; the CLI prints the French message."""


def _lignes(curseur, requete: str) -> list[dict]:
    curseur.execute(requete)
    noms = [colonne[0] for colonne in curseur.description]
    return [dict(zip(noms, ligne, strict=True)) for ligne in curseur.fetchall()]


def _moment(texte, ou: str, *, souple: bool = False) -> datetime | None:
    if texte is None or texte == "":
        return None
    try:
        moment = datetime.fromisoformat(str(texte))
    except ValueError:
        if souple:  # free text the former code accepted (séance start, end): kept in ancien_v1_
            return None
        raise RegistreV1Illisible(
            f"Registre des anomalies (schéma 1) : date illisible « {texte} » ({ou})."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=PARIS)


def _json(texte, defaut, ou: str):
    if texte is None or texte == "":
        return defaut
    try:
        return json.loads(texte)
    except ValueError:
        raise RegistreV1Illisible(
            f"Registre des anomalies (schéma 1) : valeur JSON illisible ({ou})."
        ) from None


def _dossiers_rapports(connexion) -> list[Path]:
    dossiers = []
    if getattr(settings, "RECETTE_RAPPORTS", None):
        dossiers.append(Path(settings.RECETTE_RAPPORTS))
    if connexion.vendor == "sqlite":
        dossiers.append(Path(str(connexion.settings_dict["NAME"])).parent)
    return dossiers


def _genre(seance: dict, dossiers: list[Path]) -> str:
    identifiant = seance["id"]
    enregistre = seance.get("genre")  # schema 2
    if enregistre and enregistre != "scenarios":
        return enregistre
    if identifiant.startswith("CHARGE-"):
        return "charge"
    if identifiant.startswith("reprise-"):
        return "reprise"
    if identifiant.startswith("reversibilite-"):
        return "reversibilite"
    for dossier in dossiers:
        fiche = dossier / identifiant / "seance.json"
        try:
            selection = json.loads(fiche.read_text(encoding="utf-8")).get("selection") or {}
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(selection, dict) and selection.get("genre") == "manuel":
            return "manuel"
        return "scenarios"
    return "scenarios"


def copier_registre_v1(apps, schema_editor):
    connexion = schema_editor.connection
    with connexion.cursor() as curseur:
        tables = set(connexion.introspection.table_names(curseur))
        if not set(TABLES_V1) <= tables:
            return
        meta = {m["cle"]: m["valeur"] for m in _lignes(curseur, "SELECT cle, valeur FROM meta")}
        if meta.get("application") != APPLICATION_V1:
            return  # another application's tables: not ours to touch
        if meta.get("version_schema") not in VERSIONS_V1:
            raise RegistreV1Illisible(
                "Registre des anomalies : schéma « "
                f"{meta.get('version_schema')} » inconnu (attendu : "
                f"{' ou '.join(VERSIONS_V1)}) ; rien n'a été modifié."
            )
        seances = _lignes(curseur, "SELECT * FROM seances ORDER BY enregistree_le, id")
        anomalies = _lignes(curseur, "SELECT * FROM anomalies ORDER BY annee, rang")
        occurrences = _lignes(curseur, "SELECT * FROM occurrences ORDER BY id")
        historique = _lignes(curseur, "SELECT * FROM historique ORDER BY id")

    Seance = apps.get_model("recette", "Seance")
    Anomalie = apps.get_model("recette", "Anomalie")
    Occurrence = apps.get_model("recette", "Occurrence")
    Evenement = apps.get_model("recette", "Evenement")
    Numerotation = apps.get_model("recette", "Numerotation")

    dossiers = _dossiers_rapports(connexion)
    Seance.objects.bulk_create(
        [
            Seance(
                id=s["id"],
                phase=s["phase"],
                genre=_genre(s, dossiers),
                profil=s["profil"],
                cible=s["cible"],
                debut=_moment(s["debut"], f"séance {s['id']}, début", souple=True),
                fin=_moment(s["fin"], f"séance {s['id']}, fin", souple=True),
                statut=s["statut"],
                compteurs=_json(s["compteurs"], {}, f"séance {s['id']}, compteurs"),
                enregistree_le=_moment(s["enregistree_le"], f"séance {s['id']}"),
                enregistree_par=s["enregistree_par"],
                rapport=s.get("rapport"),
            )
            for s in seances
        ],
        batch_size=LOT,
    )
    # Foreign keys are checked at the end of the migration (deferred on PostgreSQL, checked
    # after the schema editor on SQLite): a doublon may be copied before its reference.
    Anomalie.objects.bulk_create(
        [
            Anomalie(
                numero=a["numero"],
                annee=a["annee"],
                rang=a["rang"],
                titre=a["titre"],
                seance_origine_id=a["seance_origine"],
                scenario=a["scenario"],
                exigences=_json(a["exigences"], [], f"anomalie {a['numero']}, exigences"),
                domaine=a["domaine"],
                priorite=a["priorite"],
                etape_en_echec=a["etape_en_echec"],
                attendu=a["attendu"],
                observe=a["observe"],
                gravite_proposee=a["gravite_proposee"],
                gravite_qualifiee=a["gravite_qualifiee"],
                statut=a["statut"],
                reference_id=a["reference"],
                signature=a["signature"],
                verification_proposee_id=a["verification_proposee"],
                **{
                    champ: _moment(a[champ], f"anomalie {a['numero']}, {champ}")
                    for champ in (
                        "transmise_le",
                        "echeance_contournement",
                        "echeance_correction",
                        "contournee_le",
                        "corrigee_le",
                        "cree_le",
                        "modifie_le",
                    )
                },
                cree_par=a["cree_par"],
            )
            for a in anomalies
        ],
        batch_size=LOT,
    )
    rangs: dict[int, int] = {}
    for a in anomalies:
        rangs[a["annee"]] = max(rangs.get(a["annee"], 0), a["rang"])
    Numerotation.objects.bulk_create(
        [Numerotation(annee=annee, dernier_rang=rang) for annee, rang in rangs.items()]
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                id=o["id"],
                anomalie_id=o["anomalie"],
                seance_id=o["seance"],
                resultat=o["resultat"],
                observee_le=_moment(o["observee_le"], f"occurrence {o['id']}"),
                statut=o["statut"],
                message=o["message"] or "",
                preuves=_json(o["preuves"], [], f"occurrence {o['id']}, preuves"),
            )
            for o in occurrences
        ],
        batch_size=LOT,
    )
    Evenement.objects.bulk_create(
        [
            Evenement(
                id=h["id"],
                anomalie_id=h["anomalie"],
                date=_moment(h["date"], f"historique {h['id']}"),
                auteur=h["auteur"],
                action=h["action"],
                de=h["de"],
                vers=h["vers"],
                commentaire=h["commentaire"],
            )
            for h in historique
        ],
        batch_size=LOT,
    )
    # Ids were copied: the next ones continue after them (PostgreSQL sequences; SQLite's
    # AUTOINCREMENT follows by itself).
    with connexion.cursor() as curseur:
        for requete in connexion.ops.sequence_reset_sql(no_style(), [Occurrence, Evenement]):
            curseur.execute(requete)
    _renommer(schema_editor, {t: PREFIXE + t for t in TABLES_V1})


def rendre_registre_v1(apps, schema_editor):
    """Reverse, for going back to the former code: the former tables under their names again,
    as they were before the migration; the models' tables are emptied (what was recorded since
    is dropped, as reversing 0001 would drop it)."""
    connexion = schema_editor.connection
    with connexion.cursor() as curseur:
        tables = set(connexion.introspection.table_names(curseur))
    anciennes = {PREFIXE + t: t for t in TABLES_V1}
    if not set(anciennes) <= tables or tables & set(TABLES_V1):
        return
    # Children first; foreign keys are checked at the end of the migration anyway.
    for modele in ("Evenement", "Occurrence", "Anomalie", "Numerotation", "Seance"):
        table = apps.get_model("recette", modele)._meta.db_table
        schema_editor.execute(f"DELETE FROM {schema_editor.quote_name(table)}")
    _renommer(schema_editor, anciennes)


def _renommer(schema_editor, noms: dict[str, str]) -> None:
    q = schema_editor.quote_name
    for ancien, nouveau in noms.items():
        schema_editor.execute(f"ALTER TABLE {q(ancien)} RENAME TO {q(nouveau)}")


class Migration(migrations.Migration):
    dependencies = [("recette", "0001_initial")]

    operations = [migrations.RunPython(copier_registre_v1, rendre_registre_v1)]
