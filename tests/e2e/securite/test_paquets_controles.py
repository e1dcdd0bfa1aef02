"""An anomaly found by a check (load, reprise) is not a scenario's: it has no séance folder and
no reproduction pack; its evidence is the check's report. A load anomaly once broke every later
`recette demo` (« Séance « CHARGE-… » introuvable »), `recette anomalies paquet` and the packs.

The register's séance index now knows checks (the former register's version 1 files are
migrated). The end-to-end test replays the reported sequence: `recette demo --defauts
enregistrement-lent`, then a plain `recette demo`, then `recette anomalies paquet` and
`recette pv` (real demo server, real Chromium, real Locust)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from recette.adaptateur.profil import charger_profil
from recette.anomalies import Registre
from recette.contrat import charger_contrat

RACINE = Path(__file__).resolve().parents[3]
CONTRAT = charger_contrat(RACINE / "fixtures")
MOMENT = "2026-03-02T10:00:00+01:00"
# The hand-written register's first schema (version 1), frozen here as test data: the bench no
# longer writes it, it migrates it (recette/modeles/migrations/0002_registre_v1.py).
APPLICATION = "recette : registre des anomalies"
SCHEMA = """CREATE TABLE meta (
    cle TEXT PRIMARY KEY,
    valeur TEXT NOT NULL
);
CREATE TABLE seances (
    id TEXT PRIMARY KEY,
    phase TEXT NOT NULL CHECK (phase IN ('va', 'vsr')),
    profil TEXT NOT NULL,
    cible TEXT NOT NULL,
    debut TEXT,
    fin TEXT,
    statut TEXT NOT NULL,
    compteurs TEXT NOT NULL DEFAULT '{}',
    enregistree_le TEXT NOT NULL,
    enregistree_par TEXT NOT NULL
);
CREATE TABLE anomalies (
    numero TEXT PRIMARY KEY,
    annee INTEGER NOT NULL,
    rang INTEGER NOT NULL CHECK (rang > 0),
    titre TEXT NOT NULL,
    seance_origine TEXT NOT NULL REFERENCES seances(id),
    scenario TEXT NOT NULL,
    exigences TEXT NOT NULL DEFAULT '[]',
    domaine TEXT,
    priorite INTEGER,
    etape_en_echec TEXT,
    attendu TEXT NOT NULL,
    observe TEXT NOT NULL,
    gravite_proposee TEXT NOT NULL CHECK (gravite_proposee IN ('bloquante', 'non bloquante')),
    gravite_qualifiee TEXT CHECK (gravite_qualifiee IN ('bloquante', 'non bloquante')),
    statut TEXT NOT NULL,
    reference TEXT REFERENCES anomalies(numero),
    signature TEXT NOT NULL,
    verification_proposee TEXT REFERENCES seances(id),
    transmise_le TEXT,
    echeance_contournement TEXT,
    echeance_correction TEXT,
    contournee_le TEXT,
    corrigee_le TEXT,
    cree_le TEXT NOT NULL,
    cree_par TEXT NOT NULL,
    modifie_le TEXT NOT NULL,
    UNIQUE (annee, rang),
    CHECK ((statut = 'doublon') = (reference IS NOT NULL))
);
CREATE INDEX anomalies_signature ON anomalies(signature);
CREATE INDEX anomalies_scenario ON anomalies(scenario);
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    anomalie TEXT NOT NULL REFERENCES anomalies(numero),
    seance TEXT NOT NULL REFERENCES seances(id),
    resultat TEXT NOT NULL,
    observee_le TEXT NOT NULL,
    statut TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    preuves TEXT NOT NULL DEFAULT '[]',
    UNIQUE (anomalie, seance, resultat)
);
CREATE INDEX occurrences_anomalie ON occurrences(anomalie);
CREATE TABLE historique (
    id INTEGER PRIMARY KEY,
    anomalie TEXT NOT NULL REFERENCES anomalies(numero),
    date TEXT NOT NULL,
    auteur TEXT NOT NULL,
    action TEXT NOT NULL,
    de TEXT,
    vers TEXT,
    commentaire TEXT
);
CREATE INDEX historique_anomalie ON historique(anomalie);
"""


def registre_v1(chemin: Path) -> None:
    """A register as version 1 of the bench wrote it: one séance, one load check that opened
    an anomaly (its séance row looks like any séance's)."""
    with sqlite3.connect(chemin) as cx:
        for instruction in SCHEMA.split(";"):
            if instruction.strip():
                cx.execute(instruction)
        cx.executemany(
            "INSERT INTO meta (cle, valeur) VALUES (?, ?)",
            [("application", APPLICATION), ("version_schema", "1")],
        )
        for seance in ("VA-20260302-090000-demo-a", "CHARGE-20260302-100000-demo-a"):
            cx.execute(
                "INSERT INTO seances (id, phase, profil, cible, debut, fin, statut, compteurs,"
                " enregistree_le, enregistree_par) VALUES (?, 'va', 'demo-a',"
                " 'http://127.0.0.1:8000/', ?, ?, 'terminée', '{}', ?, 'banc')",
                (seance, MOMENT, MOMENT, MOMENT),
            )
        cx.execute(
            "INSERT INTO anomalies (numero, annee, rang, titre, seance_origine, scenario,"
            " exigences, attendu, observe, gravite_proposee, statut, signature, cree_le,"
            " cree_par, modifie_le) VALUES ('ANO-2026-0001', 2026, 1,"
            " 'Temps de réponse non conforme', 'CHARGE-20260302-100000-demo-a',"
            " 'performance:validation_enregistrement', '[]', 'en moins de 3 s', 'p95 4 s',"
            " 'non bloquante', 'ouverte', 'abc', ?, 'banc', ?)",
            (MOMENT, MOMENT),
        )
        cx.execute(
            "INSERT INTO occurrences (anomalie, seance, resultat, observee_le, statut, message)"
            " VALUES ('ANO-2026-0001', 'CHARGE-20260302-100000-demo-a', 'u1', ?, 'failed', 'x')",
            (MOMENT,),
        )
    cx.close()


def recette(args, env, timeout=900):
    propre = {k: v for k, v in os.environ.items() if not k.startswith("RECETTE_")}
    return subprocess.run(
        [sys.executable, "-m", "recette.cli", *args],
        cwd=RACINE,
        env={**propre, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_un_registre_v1_est_migre(tmp_path):
    chemin = tmp_path / "recette.sqlite"
    registre_v1(chemin)
    with Registre(chemin, CONTRAT) as registre:
        assert registre.seance("CHARGE-20260302-100000-demo-a").genre == "charge"
        assert registre.seance("VA-20260302-090000-demo-a").genre == "scenarios"
        assert registre.voir("ANO-2026-0001").anomalie.titre == "Temps de réponse non conforme"
    with sqlite3.connect(chemin) as cx:
        # The former tables are kept, renamed, beside the models' (nothing lost).
        version = cx.execute(
            "SELECT valeur FROM ancien_v1_meta WHERE cle = 'version_schema'"
        ).fetchone()
        anomalies = cx.execute("SELECT count(*) FROM ancien_v1_anomalies").fetchone()
    cx.close()
    assert version == ("1",)
    assert anomalies == (1,)


def test_paquet_d_une_anomalie_de_charge_d_un_registre_v1(tmp_path):
    """`recette anomalies paquet` on it: a French refusal naming the check, exit 2."""
    chemin = tmp_path / "recette.sqlite"
    registre_v1(chemin)
    env = {"RECETTE_BASE": str(chemin), "RECETTE_RAPPORTS": str(tmp_path / "r")}
    execution = recette(["anomalies", "paquet", "ANO-2026-0001"], env)
    assert execution.returncode == 2, execution.stdout + execution.stderr
    assert "introuvable" not in execution.stderr, execution.stderr
    assert "contrôle des temps de réponse sous charge" in execution.stderr, execution.stderr
    assert "Traceback" not in execution.stderr


def test_demo_apres_une_anomalie_de_charge(tmp_path):
    variables = charger_profil("demo-a", RACINE).variables_secretes
    secrets = {
        v: ("9" + str(4_000_000 + i * 1_414_213)) if "_PIN_" in v else f"mdp-controle-{i}k"
        for i, v in enumerate(variables)
    }
    rapports = tmp_path / "reports"
    env = {**secrets, "RECETTE_RAPPORTS": str(rapports)}
    selection = ["--tags", "EXG-DP-04", "--sans-reprise"]
    lente = recette(
        ["demo", "--defauts", "enregistrement-lent", *selection, "--duree-charge", "20s"], env
    )
    sortie = lente.stdout + lente.stderr
    assert "Où regarder" in lente.stdout, sortie
    trouve = re.search(r"anomalie (ANO-\d{4}-\d{4}) : ligne « validation_enregistrement »", sortie)
    assert trouve, sortie  # the load check did find the slow save
    numero = trouve.group(1)

    suivante = recette(["demo", *selection, "--sans-charge"], env)
    sortie = suivante.stdout + suivante.stderr
    assert suivante.returncode == 0, sortie
    assert "introuvable" not in sortie and "Où regarder" in suivante.stdout, sortie
    ligne = next(
        x
        for x in suivante.stdout.splitlines()
        if f"{numero} (contrôle des temps de réponse sous charge) : preuve = " in x
    )
    rapport = Path(ligne.split("preuve = ", 1)[1].strip())
    assert rapport.name == "performances.html" and rapport.is_file(), ligne

    paquet = recette(["anomalies", "paquet", numero], env)
    assert paquet.returncode == 2, paquet.stdout + paquet.stderr
    assert "Traceback" not in paquet.stderr and "introuvable" not in paquet.stderr
    assert str(rapport) in " ".join(paquet.stderr.split()), paquet.stderr

    seance = sorted(p.name for p in rapports.iterdir() if p.name.startswith("VA-"))[-1]
    pv = recette(["pv", seance], env)
    assert pv.returncode == 0, pv.stdout + pv.stderr
    assert (rapports / "documents" / seance / "pv-va.pdf").is_file()
    infos = json.loads((rapports / seance / "seance.json").read_text(encoding="utf-8"))
    assert infos["phase"] == "va"
