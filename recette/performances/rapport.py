"""The verdict table of a load run, as a French HTML page and a JSON file, plus the measures and
the figures, written into a folder the caller gives. A saved run reads back, so that runs made at
different times of day can be compared (« Ils devront rester stables quel que soit le moment de
la journée »)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment

from recette.contrat import LignePerformance, StatistiquePerformance
from recette.performances.evaluation import (
    SOURCES,
    Chiffre,
    LigneEvaluee,
    Mesure,
    ResultatPerformances,
    StabiliteLigne,
    centile_libelle,
    comparer_executions,
    libelle_seuil,
    secondes,
)
from recette.performances.graphiques import LEGENDES, tracer

PARIS = ZoneInfo("Europe/Paris")
FICHIER_JSON = "performances.json"
FICHIER_HTML = "performances.html"
FICHIER_MESURES = "mesures.jsonl"


def _nombre(valeur: float | None) -> float | None:
    return None if valeur is None or math.isinf(valeur) else round(valeur, 6)


def en_dict(resultat: ResultatPerformances) -> dict:
    regle = resultat.statistique
    return {
        "conforme": resultat.conforme,
        "non_conformes": [ligne.code for ligne in resultat.non_conformes],
        "non_mesurees": [ligne.code for ligne in resultat.non_mesurees],
        "regle": asdict(regle),
        "contexte": resultat.contexte,
        "lignes": [
            {
                "code": ligne.code,
                "categorie": ligne.ligne.categorie,
                "libelle": ligne.ligne.libelle,
                "seuil_secondes": ligne.ligne.seuil_secondes,
                "source_decisive": ligne.source_decisive,
                "verdict": ligne.verdict,
                "chiffres": {
                    source: {
                        "nombre": c.nombre,
                        "echecs": c.echecs,
                        "p50_s": _nombre(c.p50),
                        "p95_s": _nombre(c.p95),
                        "max_s": _nombre(c.maximum),
                        "conforme": c.conforme,
                        "motifs": list(c.motifs),
                    }
                    for source, c in ligne.chiffres.items()
                },
            }
            for ligne in resultat.lignes
        ],
    }


def depuis_dict(donnees: dict) -> ResultatPerformances:
    """A run read back from its JSON (the figures, not the measures)."""
    lignes = []
    for brut in donnees["lignes"]:
        ligne = LignePerformance(
            brut["code"], brut["categorie"], brut["libelle"], float(brut["seuil_secondes"])
        )
        chiffres = {
            source: Chiffre(
                source=source,
                nombre=c["nombre"],
                echecs=c["echecs"],
                p50=c["p50_s"],
                p95=c["p95_s"],
                maximum=c["max_s"],
                conforme=c["conforme"],
                motifs=tuple(c["motifs"]),
            )
            for source, c in brut["chiffres"].items()
        }
        lignes.append(LigneEvaluee(ligne, chiffres, brut["source_decisive"], brut["verdict"]))
    return ResultatPerformances(
        lignes=tuple(lignes),
        statistique=StatistiquePerformance(**donnees["regle"]),
        contexte=donnees.get("contexte", {}),
    )


def charger_resultat(chemin: Path) -> ResultatPerformances:
    """A run's JSON file, or the folder holding it."""
    chemin = Path(chemin)
    if chemin.is_dir():
        chemin = chemin / FICHIER_JSON
    return depuis_dict(json.loads(chemin.read_text(encoding="utf-8")))


def comparer_dossiers(dossiers: Sequence[Path]) -> tuple[StabiliteLigne, ...]:
    """Stability across saved runs (e.g. morning, noon and evening): per line, the spread of
    the deciding centile and whether the verdicts agree."""
    return comparer_executions([charger_resultat(d) for d in dossiers])


def ecrire_mesures(mesures: Sequence[Mesure], chemin: Path) -> Path:
    with open(chemin, "w", encoding="utf-8") as fichier:
        for mesure in sorted(mesures, key=lambda m: m.debut):
            fichier.write(json.dumps(asdict(mesure), ensure_ascii=False) + "\n")
    return chemin


def ecrire_rapport(
    resultat: ResultatPerformances, mesures: Sequence[Mesure], dossier: Path, debut: float
) -> dict[str, Path]:
    """Writes figures, measures, JSON and HTML into `dossier`; returns {name: path}."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    fichiers = dict(tracer(resultat.lignes, mesures, debut, dossier))
    fichiers[FICHIER_MESURES] = ecrire_mesures(mesures, dossier / FICHIER_MESURES)
    chemin_json = dossier / FICHIER_JSON
    chemin_json.write_text(
        json.dumps(en_dict(resultat), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    fichiers[FICHIER_JSON] = chemin_json
    chemin_html = dossier / FICHIER_HTML
    chemin_html.write_text(page_html(resultat, fichiers), encoding="utf-8")
    fichiers[FICHIER_HTML] = chemin_html
    return fichiers


def _date(horodatage: float | None) -> str:
    if not horodatage:
        return "—"
    return datetime.fromtimestamp(horodatage, PARIS).strftime("%d/%m/%Y à %H:%M:%S")


_GABARIT = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Performances – {{ c.profil_libelle }}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: right; }
th[scope=row], td.texte { text-align: left; }
.conforme { background: #e3f4e3; } .non-conforme { background: #fbe0e0; }
.non-mesuree { background: #eee; } .decisif { font-weight: bold; }
.verdict { font-size: 1.2em; padding: 0.5em; display: inline-block; }
img { max-width: 100%; }
</style>
</head>
<body>
<h1>Performances de l'application – {{ c.profil_libelle }}</h1>
<p class="verdict {{ 'conforme' if r.conforme else 'non-conforme' }}">
{% if r.conforme %}Toutes les lignes du tableau sont conformes.
{% else %}{{ r.non_conformes|length }} ligne(s) non conforme(s){% if r.non_mesurees %},
{{ r.non_mesurees|length }} ligne(s) non mesurée(s){% endif %}.{% endif %}
</p>
<ul>
<li>Solution : {{ c.cible }} (profil « {{ c.profil }} »)</li>
<li>Tir du {{ debut }} au {{ fin }} : {{ c.utilisateurs }} utilisateurs simultanés pendant
{{ c.duree_s }} s{% if c.workers %}, {{ c.workers }} processus injecteurs{% endif %},
temps de réflexion de {{ seuil(c.reflexion_s[0]) }} à {{ seuil(c.reflexion_s[1]) }}
{%- if c.navigateur %}, plus un navigateur réel ({{ c.navigateur }}) qui fait les mêmes
opérations{% endif %}.</li>
<li>Règle : le {{ centile }} doit être strictement inférieur au seuil, aucune mesure isolée ne
doit dépasser {{ multiple }} fois le seuil{% if r.statistique.echecs_comptent_comme_depassement %},
une requête en échec compte comme un dépassement{% endif %}. Le chiffre qui décide est celui
{% if decisive == 'navigateur' %}du navigateur (temps « observé par l'utilisateur à partir du
poste client »){% else %}de l'injecteur{% endif %}.</li>
{% if c.plafond_atteint %}<li><strong>Le plafond de requêtes du banc a été atteint : le tir a été
arrêté avant la fin.</strong></li>{% endif %}
</ul>
<table>
<caption>Tableau des performances attendues, pour {{ c.utilisateurs }} utilisateurs
simultanés</caption>
<thead>
<tr><th scope="col" rowspan="2">Ligne du tableau</th><th scope="col" rowspan="2">Seuil</th>
{% for s in sources %}<th scope="colgroup" colspan="6">{{ legendes[s] }}</th>{% endfor %}
<th scope="col" rowspan="2">Verdict</th></tr>
<tr>{% for s in sources %}<th scope="col">mesures</th><th scope="col">échecs</th>
<th scope="col">médiane</th><th scope="col">{{ centile }}</th><th scope="col">max</th>
<th scope="col">conforme</th>{% endfor %}</tr>
</thead>
<tbody>
{% for l in r.lignes %}
<tr class="{{ classes[l.verdict] }}">
<th scope="row">{{ l.ligne.libelle }}</th><td>{{ seuil(l.ligne.seuil_secondes) }}</td>
{% for s in sources %}{% set ch = l.chiffres[s] %}
<td class="{{ 'decisif' if s == l.source_decisive else '' }}">{{ ch.nombre }}</td>
<td>{{ ch.echecs }}</td><td>{{ sec(ch.p50) }}</td>
<td class="{{ 'decisif' if s == l.source_decisive else '' }}">{{ sec(ch.p95) }}</td>
<td>{{ sec(ch.maximum) }}</td>
<td class="texte">{% if ch.conforme is none %}—{% elif ch.conforme %}oui{% else %}non :
{{ ch.motifs|join(' ; ') }}{% endif %}</td>
{% endfor %}
<td class="texte"><strong>{{ l.verdict }}</strong></td>
</tr>
{% endfor %}
</tbody>
</table>
<p>Les chiffres en gras sont ceux qui décident. « — » : pas de mesure (une opération faite sur
le seul poste, sans requête au serveur, n'a pas de chiffre d'injecteur).</p>
{% if c.couts %}
<h2>Coût du banc</h2>
<table>
<thead><tr><th scope="col">processus</th><th scope="col">temps processeur</th>
<th scope="col">mémoire max</th></tr></thead>
<tbody>{% for p in c.couts %}<tr><td class="texte">{{ p.role }}</td>
<td>{{ "%.1f"|format(p.cpu_s) }} s</td><td>{{ (p.memoire_max_kio / 1024)|round(0)|int }} Mio</td>
</tr>{% endfor %}</tbody>
</table>
{% endif %}
<h2>Temps de réponse au fil du tir</h2>
<img src="temps_de_reponse.svg" alt="Temps de réponse de chaque mesure au fil du tir, par ligne
du tableau, avec le seuil du contrat">
<h2>Distribution par ligne</h2>
<img src="distribution.svg" alt="Distribution des temps de réponse par ligne du tableau et par
source de mesure, avec le seuil du contrat">
<p>Mesures brutes : <a href="mesures.jsonl">mesures.jsonl</a> ; données :
<a href="performances.json">performances.json</a>.</p>
</body>
</html>
"""


def page_html(resultat: ResultatPerformances, fichiers: dict | None = None) -> str:
    environnement = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    gabarit = environnement.from_string(_GABARIT)
    contexte = {
        "profil_libelle": "",
        "profil": "",
        "cible": "",
        "utilisateurs": "",
        "duree_s": "",
        "workers": 0,
        "reflexion_s": (0, 0),
        "navigateur": "",
        "couts": [],
        "plafond_atteint": False,
        **resultat.contexte,
    }
    decisive = resultat.lignes[0].source_decisive if resultat.lignes else "navigateur"
    return gabarit.render(
        r=resultat,
        c=contexte,
        debut=_date(contexte.get("debut")),
        fin=_date(contexte.get("fin")),
        sources=SOURCES,
        legendes=LEGENDES,
        sec=secondes,
        seuil=libelle_seuil,
        centile=centile_libelle(resultat.statistique),
        multiple=f"{resultat.statistique.multiple_max_mesure:g}",
        decisive=decisive,
        classes={
            "conforme": "conforme",
            "non conforme": "non-conforme",
            "non mesurée": "non-mesuree",
        },
    )
