"""Figures of a load run, PNG and SVG (matplotlib without a display): the response time of every
measure over the run, and its distribution per line of the table, each against its threshold."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

from recette.performances.evaluation import (
    SOURCE_CHARGE,
    SOURCE_NAVIGATEUR,
    LigneEvaluee,
    Mesure,
)

LEGENDES = {SOURCE_CHARGE: "injecteur (Locust)", SOURCE_NAVIGATEUR: "navigateur (poste client)"}
COULEURS = {SOURCE_CHARGE: "#1f77b4", SOURCE_NAVIGATEUR: "#ff7f0e"}
MARQUEURS = {SOURCE_CHARGE: ".", SOURCE_NAVIGATEUR: "x"}
PLANCHER_S = 0.001  # log scale: a 0 ms measure is drawn at 1 ms


def _figure(largeur: float, hauteur: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(largeur, hauteur), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _enregistrer(figure, dossier: Path, nom: str) -> dict[str, Path]:
    chemins = {}
    for extension in ("png", "svg"):
        chemin = dossier / f"{nom}.{extension}"
        figure.savefig(chemin, dpi=110, metadata={"Date": None} if extension == "svg" else None)
        chemins[f"{nom}.{extension}"] = chemin
    return chemins


def tracer_temps(
    lignes: Sequence[LigneEvaluee], mesures: Sequence[Mesure], debut: float, dossier: Path
) -> dict[str, Path]:
    """One panel per line: every measure at its time in the run, failures in red, threshold."""
    colonnes = 2
    rangs = max(1, math.ceil(len(lignes) / colonnes))
    figure = _figure(12, 2.6 * rangs)
    axes = figure.subplots(rangs, colonnes, squeeze=False).ravel()
    for axe, ligne in zip(axes, lignes, strict=False):
        for source in (SOURCE_CHARGE, SOURCE_NAVIGATEUR):
            serie = [m for m in mesures if m.operation == ligne.code and m.source == source]
            bonnes = [m for m in serie if m.succes]
            axe.scatter(
                [m.debut - debut for m in bonnes],
                [max(m.duree_s, PLANCHER_S) for m in bonnes],
                s=14,
                marker=MARQUEURS[source],
                color=COULEURS[source],
                label=LEGENDES[source],
            )
            echecs = [m for m in serie if not m.succes]
            if echecs:
                axe.scatter(
                    [m.debut - debut for m in echecs],
                    [max(m.duree_s, PLANCHER_S) for m in echecs],
                    s=30,
                    marker="X",
                    color="#d62728",
                    label=f"échec ({LEGENDES[source]})",
                )
        axe.axhline(ligne.ligne.seuil_secondes, color="#d62728", linestyle="--", linewidth=1)
        axe.set_yscale("log")
        axe.set_title(ligne.ligne.libelle, fontsize=8, loc="left", wrap=True)
        axe.set_xlabel("secondes depuis le début du tir", fontsize=7)
        axe.set_ylabel("temps de réponse (s)", fontsize=7)
        axe.tick_params(labelsize=7)
        axe.grid(True, which="major", alpha=0.3)
    for axe in axes[len(lignes) :]:
        axe.set_visible(False)
    poignees, etiquettes = [], []
    for axe in axes[: len(lignes)]:
        for poignee, etiquette in zip(*axe.get_legend_handles_labels(), strict=True):
            if etiquette not in etiquettes:
                poignees.append(poignee)
                etiquettes.append(etiquette)
    from matplotlib.lines import Line2D

    poignees.append(Line2D([], [], color="#d62728", linestyle="--", linewidth=1))
    etiquettes.append("seuil du contrat")
    figure.legend(poignees, etiquettes, loc="outside lower center", ncols=4, fontsize=8)
    figure.suptitle("Temps de réponse au fil du tir", fontsize=11)
    return _enregistrer(figure, dossier, "temps_de_reponse")


def tracer_distribution(
    lignes: Sequence[LigneEvaluee], mesures: Sequence[Mesure], dossier: Path
) -> dict[str, Path]:
    """Box plots per line and source (successful measures), threshold as a red mark."""
    figure = _figure(11, 0.9 * len(lignes) + 1.8)
    axe = figure.subplots()
    for i, ligne in enumerate(lignes):
        for decalage, source in ((-0.18, SOURCE_CHARGE), (0.18, SOURCE_NAVIGATEUR)):
            valeurs = [
                max(m.duree_s, PLANCHER_S)
                for m in mesures
                if m.operation == ligne.code and m.source == source and m.succes
            ]
            if not valeurs:
                continue
            axe.boxplot(
                valeurs,
                positions=[i + decalage],
                widths=0.3,
                orientation="horizontal",
                patch_artist=True,
                boxprops={"facecolor": COULEURS[source], "alpha": 0.6},
                medianprops={"color": "black"},
                flierprops={"markersize": 3},
                whis=(5, 95),
            )
        axe.plot(
            [ligne.ligne.seuil_secondes] * 2, [i - 0.42, i + 0.42], color="#d62728", linewidth=2
        )
    libelles = [textwrap.fill(ligne.ligne.libelle, 42) for ligne in lignes]
    axe.set_yticks(range(len(lignes)), libelles, fontsize=7)
    axe.invert_yaxis()
    axe.set_xscale("log")
    axe.set_xlabel("temps de réponse (s, échelle logarithmique) ; moustaches : 5e–95e centile")
    axe.grid(True, axis="x", alpha=0.3)
    from matplotlib.patches import Patch

    axe.legend(
        handles=[
            Patch(color=COULEURS[SOURCE_CHARGE], alpha=0.6, label=LEGENDES[SOURCE_CHARGE]),
            Patch(color=COULEURS[SOURCE_NAVIGATEUR], alpha=0.6, label=LEGENDES[SOURCE_NAVIGATEUR]),
            Patch(color="#d62728", label="seuil du contrat"),
        ],
        fontsize=8,
        loc="lower right",
    )
    figure.suptitle("Distribution des temps de réponse par ligne du tableau", fontsize=11)
    return _enregistrer(figure, dossier, "distribution")


def tracer(
    lignes: Sequence[LigneEvaluee], mesures: Sequence[Mesure], debut: float, dossier: Path
) -> dict[str, Path]:
    dossier.mkdir(parents=True, exist_ok=True)
    return {
        **tracer_temps(lignes, mesures, debut, dossier),
        **tracer_distribution(lignes, mesures, dossier),
    }
