"""The `recette` command: French verbs for référents, the vendor and the MOA's project lead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from recette import seance as seances
from recette.console import console, echapper, erreurs
from recette.erreurs import RecetteErreur

RACINE = Path(os.environ.get("RECETTE_RACINE") or Path(__file__).resolve().parent.parent)

app = typer.Typer(
    help="Banc de recette (VA / VSR) du système d'information de la maison de santé.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
# User data (titles, labels, names, paths, messages) is printed through `echapper` only: Rich
# would read its brackets as markup (see recette.console).

CODE_ECHECS = 1
CODE_REFUS = 2
CODE_INTERRUPTION = 3


def _echouer(exc: RecetteErreur, code: int = CODE_REFUS) -> None:
    erreurs.print(f"[bold red]Erreur :[/] {echapper(exc.message)}")
    raise typer.Exit(code)


def _rapports() -> Path:
    return seances.dossier_rapports(RACINE)


def _dossier_documents(identifiant: str) -> Path:
    return _rapports() / "documents" / identifiant


def _executer_seance(profil, cible, phase, tags, parallele, video):
    from recette import lanceur

    with console.status(
        "Vérifications préalables : profil, grille, solution, navigateur, comptes…"
    ):
        preparation = lanceur.preparer(RACINE, profil, cible, tags)
    console.print(
        f"Solution : [bold]{echapper(preparation.profil.libelle)}[/] — "
        f"{echapper(preparation.profil.cible)} "
        f"(version {echapper(preparation.version_cible.get('version', 'inconnue'))})"
    )
    with Progress(
        TextColumn("[bold]Séance[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[dernier]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progression:
        tache = progression.add_task("séance", total=preparation.nombre_scenarios, dernier="")

        def sur_evenement(evenement: dict) -> None:
            if evenement["evenement"] == "total":
                progression.update(tache, total=evenement["n"])
            elif evenement["evenement"] == "resultat":
                marque = {"passed": "[green]réussi[/]", "failed": "[red]échoué[/]"}.get(
                    evenement["statut"], "[yellow]ignoré[/]"
                )
                progression.update(
                    tache, advance=1, dernier=f"{marque} {echapper(evenement['nom'][:60])}"
                )

        return lanceur.executer(
            RACINE, preparation, phase, tags, parallele, video, sur_evenement=sur_evenement
        )


def _resume(seance: seances.Seance, bilan) -> None:
    c = seance.compteurs
    tableau = Table(
        title=f"Séance {echapper(seance.id)} ({echapper(seance.statut)})", show_header=True
    )
    for colonne in ("Scénarios", "Réussis", "Échoués", "Non écrits", "Ignorés"):
        tableau.add_column(colonne, justify="right")
    tableau.add_row(
        echapper(c.get("total", 0)),
        f"[green]{echapper(c.get('reussis', 0))}[/]",
        f"[red]{echapper(c.get('echoues', 0))}[/]",
        echapper(c.get("non_ecrits", 0)),
        echapper(c.get("ignores", 0)),
    )
    console.print(tableau)
    for remarque in seance.remarques:
        console.print(f"[yellow]Remarque :[/] {echapper(remarque)}")
    if bilan is not None:

        def partie(nombre_et_mot: str, numeros: tuple[str, ...]) -> str:
            return f"{len(numeros)} {nombre_et_mot}" + (
                f" ({' '.join(numeros)})" if numeros else ""
            )

        console.print(
            "Registre des anomalies : "
            + echapper(
                ", ".join(
                    (
                        partie("nouvelle(s)", bilan.nouvelles),
                        partie("déjà connue(s)", bilan.recurrentes),
                        partie("proposée(s) « vérifiée »", bilan.proposees_verifiees),
                    )
                )
            )
        )


def _code_de_sortie(seance: seances.Seance) -> int:
    if seance.statut == "interrompue":
        return CODE_INTERRUPTION
    if seance.compteurs.get("echoues", 0) or seance.statut != "terminée":
        return CODE_ECHECS
    return 0


@app.command()
def lancer(
    profil: Annotated[str, typer.Option(help="Profil fournisseur (fixtures/profils/NOM.yaml).")],
    phase: Annotated[str, typer.Option(help="Phase de recette : va ou vsr.")] = "va",
    cible: Annotated[
        str | None, typer.Option(help="Adresse de la solution (remplace celle du profil).")
    ] = None,
    tags: Annotated[
        str | None,
        typer.Option(help="Sélection : « priorite:1 and not lecture-seule », « EXG-DP-04 »…"),
    ] = None,
    parallele: Annotated[int, typer.Option(min=1, max=8, help="Scénarios en parallèle.")] = 1,
    sans_video: Annotated[
        bool, typer.Option("--sans-video", help="Ne pas filmer les échecs.")
    ] = False,
    domaine: Annotated[
        list[str] | None, typer.Option(help="Domaine de la grille (répétable).")
    ] = None,
    priorite: Annotated[
        list[int] | None, typer.Option(help="Priorité 1, 2 ou 3 (répétable).")
    ] = None,
    profession: Annotated[
        list[str] | None, typer.Option(help="Profession concernée (répétable).")
    ] = None,
    exigence: Annotated[list[str] | None, typer.Option(help="Exigence EXG-… (répétable).")] = None,
    lecture_seule: Annotated[
        bool, typer.Option("--lecture-seule", help="Seulement les scénarios @lecture-seule.")
    ] = False,
):
    """Lance une séance de recette : scénarios, preuves, dossier scellé."""
    try:
        tags = _selection(tags, domaine, priorite, profession, exigence, lecture_seule)
        seance, bilan = _executer_seance(
            profil, cible, phase.lower(), tags, parallele, not sans_video
        )
    except RecetteErreur as exc:
        _echouer(exc)
    _resume(seance, bilan)
    console.print(f"Rapport : recette rapport {echapper(seance.id)}")
    raise typer.Exit(_code_de_sortie(seance))


def _selection(tags, domaines, priorites, professions, exigences, lecture_seule) -> str | None:
    """The selection options, as one tag expression (what a séance records)."""
    from recette.grille import charger_grille

    parties = [f"({tags})"] if tags else []
    if domaines:
        parties.append("(" + " or ".join(f"domaine:{d}" for d in domaines) + ")")
    if priorites:
        parties.append("(" + " or ".join(f"priorite:{p}" for p in priorites) + ")")
    if exigences:
        parties.append("(" + " or ".join(exigences) + ")")
    if professions:
        grille = charger_grille(RACINE)
        concernees = sorted(
            e.id for e in grille.exigences.values() if any(e.concerne(p) for p in professions)
        )
        if not concernees:
            raise RecetteErreur(
                f"Aucune exigence de la grille ne concerne : {', '.join(professions)}."
            )
        parties.append("(" + " or ".join(concernees) + ")")
    if lecture_seule:
        parties.append("lecture-seule")
    return " and ".join(parties) or None


@app.command()
def rapport(seance: Annotated[str, typer.Argument(help="Identifiant de la séance.")]):
    """Construit le rapport Allure HTML hors ligne d'une séance."""
    from recette.documents import allure

    try:
        dossier, donnees = seances.charger(_rapports(), seance)
        with console.status("Construction du rapport Allure…"):
            page = allure.generer(
                RACINE,
                dossier / "allure-results",
                _dossier_documents(dossier.name) / "rapport-allure",
                f"Recette {donnees['phase'].upper()} — {donnees['id']}",
            )
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(f"Rapport Allure (hors ligne, un seul fichier) : {echapper(page)}")


@app.command()
def verifier(seance: Annotated[str, typer.Argument(help="Identifiant de la séance.")]):
    """Recalcule l'empreinte de chaque fichier d'une séance et signale toute altération."""

    from recette import preuves

    try:
        dossier = seances.dossier_de(_rapports(), seance)
    except RecetteErreur as exc:
        _echouer(exc)
    ecarts = preuves.verifier_scellement(dossier)
    if ecarts.intact:
        n = len(preuves.lire_manifeste(dossier))
        console.print(f"[green]Séance intacte[/] : {n:d} fichiers conformes au manifeste.")
        console.print(f"Empreinte du manifeste : {echapper(preuves.empreinte_manifeste(dossier))}")
        return
    for numero in ecarts.lignes_illisibles:
        erreurs.print(
            f"[red]Manifeste illisible[/] : {echapper(preuves.MANIFESTE)}, ligne {echapper(numero)}"
        )
    for libelle, chemins in (
        ("Fichier modifié", ecarts.modifies),
        ("Fichier manquant", ecarts.manquants),
        ("Fichier ajouté", ecarts.ajoutes),
        ("Dossier ajouté", ecarts.dossiers_ajoutes),
        ("Dossier manquant", ecarts.dossiers_manquants),
        ("Lien symbolique (jamais scellé)", ecarts.liens),
        ("Droits modifiés", ecarts.droits),
    ):
        for chemin in chemins:
            erreurs.print(f"[red]{echapper(libelle)}[/] : {echapper(chemin)}")
    erreurs.print(
        f"[bold red]La séance {echapper(dossier.name)} a été altérée depuis son scellement.[/]"
    )
    raise typer.Exit(CODE_ECHECS)


@app.command("seances")
def lister_seances():
    """Liste les séances scellées."""
    tableau = Table("Séance", "Phase", "Statut", "Réussis", "Échoués", "Début")
    for identifiant in seances.lister(_rapports()):
        try:
            _, d = seances.charger(_rapports(), identifiant)
        except RecetteErreur:
            # One tampered séance must not hide the others: `recette verifier` says what.
            tableau.add_row(echapper(identifiant), "", "[red]altérée[/]", "", "", "")
            continue
        c = d.get("compteurs", {})
        tableau.add_row(
            *map(
                echapper,
                (
                    identifiant,
                    d["phase"].upper(),
                    d["statut"],
                    c.get("reussis", 0),
                    c.get("echoues", 0),
                    d["debut"],
                ),
            )
        )
    console.print(tableau)


@app.command()
def demo(
    defauts: Annotated[
        str,
        typer.Option(help="Défauts à activer, séparés par des virgules (ex. synthese-incomplete)."),
    ] = "",
    edition: Annotated[
        str, typer.Option(help="Édition de la solution de démonstration : a ou b.")
    ] = "a",
    tags: Annotated[str | None, typer.Option(help="Sélection de scénarios.")] = None,
    parallele: Annotated[int, typer.Option(min=1, max=8, help="Scénarios en parallèle.")] = 1,
    sans_reprise: Annotated[
        bool, typer.Option("--sans-reprise", help="Ne pas charger ni vérifier le jeu de recette.")
    ] = False,
    sans_charge: Annotated[
        bool, typer.Option("--sans-charge", help="Sans le contrôle des temps de réponse.")
    ] = False,
    duree_charge: Annotated[str, typer.Option(help="Durée du contrôle de charge.")] = "30s",
):
    """Démarre la solution de démonstration, y joue une séance de VA, construit le rapport,
    arrête la solution et indique où regarder."""
    from recette import demo as demonstration
    from recette import lanceur
    from recette.adaptateur.profil import charger_profil
    from recette.documents import allure

    edition = edition.lower()
    if edition not in ("a", "b"):
        erreurs.print(f"[bold red]Erreur :[/] édition « {echapper(edition)} » inconnue : a ou b.")
        raise typer.Exit(CODE_REFUS)
    liste_defauts = tuple(d.strip() for d in defauts.split(",") if d.strip())
    try:
        profil = charger_profil(f"demo-{edition}", RACINE)
        lanceur.verifier_registre_de(RACINE)
        secrets = demonstration.secrets_aleatoires(profil.variables_secretes)
        os.environ.update(secrets)
        with console.status("Démarrage de la solution de démonstration…"):
            serveur = demonstration.demarrer(edition, liste_defauts)
        with serveur:
            console.print(
                f"Solution de démonstration (édition {echapper(edition.upper())}) : "
                f"{echapper(serveur.url)}"
                + (
                    f" — défauts activés : {echapper(', '.join(liste_defauts))}"
                    if liste_defauts
                    else ""
                )
            )
            reprise = None if sans_reprise else _charger_jeu_de_recette(profil.nom, serveur.url)
            seance, bilan = _executer_seance(profil.nom, serveur.url, "va", tags, parallele, True)
            _resume(seance, bilan)
            charge = None
            if not sans_charge:
                charge = _verifier_charge(
                    profil.nom,
                    serveur.url,
                    _duree(duree_charge),
                    None,
                    0,
                    True,
                    _dossier_documents(seance.id) / "performances",
                )
        if reprise is not None:
            couleur = "green" if reprise.conforme else "red"
            console.print(
                f"Reprise du jeu de recette : [{couleur}]{echapper(reprise.verdict)}[/] — "
                f"{echapper(reprise.html)}"
            )
        with console.status("Construction du rapport Allure…"):
            page = allure.generer(
                RACINE,
                seance.dossier / "allure-results",
                _dossier_documents(seance.id) / "rapport-allure",
                f"Recette VA — {seance.id}",
            )
        _documents(seance.id, paquets=True)
        # What the browser cannot check is left to the référents, with the cahier to fill in:
        # the bench never invents a manual result.
        from recette.cahier import produire_cahier

        cahier = produire_cahier(
            RACINE,
            _dossier_documents(seance.id) / "cahier",
            profil.libelle,
            "va",
            seances.maintenant(),
        )
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(
        f"Reste pour les référents : {echapper(len(cahier.scenarios))} scénario(s) manuel(s) "
        "du cahier de recette, à exécuter à la main puis à importer (recette cahier importer)."
    )
    console.print("\n[bold]Où regarder :[/]")
    console.print(f"  • PV de VA proposé : {echapper(_dossier_documents(seance.id) / 'pv-va.pdf')}")
    console.print(f"  • Rapport Allure (ouvrir dans un navigateur) : {echapper(page)}")
    console.print(f"  • Preuves scellées de la séance : {echapper(seance.dossier)}")
    if charge is not None:
        page_charge = charge.fichiers.get("performances.html")
        console.print(f"  • Rapport des temps de réponse sous charge : {echapper(page_charge)}")
    console.print(f"  • Cahier de recette à imprimer : {echapper(cahier.pdf)}")
    console.print(f"  • Cahier de recette à remplir : {echapper(cahier.classeur)}")
    console.print(f"  • Vérifier l'intégrité : recette verifier {echapper(seance.id)}")
    raise typer.Exit(_code_de_sortie(seance))


anomalies_app = typer.Typer(
    help="Le registre des anomalies : lister, voir, qualifier, transmettre…"
)
app.add_typer(anomalies_app, name="anomalies")


def _registre():
    from recette.anomalies import Registre, chemin_registre
    from recette.contrat import charger_contrat

    return Registre(chemin_registre(RACINE), charger_contrat(RACINE / "fixtures"))


@anomalies_app.command("lister")
def anomalies_lister(
    toutes: Annotated[bool, typer.Option("--toutes", help="Aussi les anomalies closes.")] = False,
):
    """Liste les anomalies ouvertes (ou toutes), avec leurs échéances et retards."""
    try:
        with _registre() as registre:
            anomalies = registre.lister(ouvertes=None if toutes else True)
    except RecetteErreur as exc:
        _echouer(exc)
    maintenant = seances.maintenant()
    tableau = Table("Titre", "Gravité", "Statut", "Exigences", "Échéance", "Retard")
    tableau.columns.insert(0, Column("Numéro", no_wrap=True))
    for a in anomalies:
        echeance = a.echeance_correction.strftime("%d/%m/%Y %H:%M") if a.echeance_correction else ""
        tableau.add_row(
            *map(
                echapper,
                (a.numero, a.titre, a.gravite, a.libelle_statut, " ".join(a.exigences), echeance),
            ),
            "[red]oui[/]" if a.en_retard(maintenant) else "",
        )
    console.print(tableau)


@anomalies_app.command("voir")
def anomalies_voir(numero: Annotated[str, typer.Argument(help="ANO-AAAA-NNNN")]):
    """Affiche une fiche anomalie : constat, occurrences, historique."""
    try:
        with _registre() as registre:
            fiche = registre.voir(numero)
    except RecetteErreur as exc:
        _echouer(exc)
    a = fiche.anomalie
    console.print(f"[bold]{echapper(a.numero)}[/] — {echapper(a.titre)}")
    console.print(
        f"Statut : {echapper(a.libelle_statut)} ; gravité : {echapper(a.gravite)} ; "
        f"exigences : {echapper(' '.join(a.exigences))}"
    )
    console.print(
        f"Scénario : {echapper(a.scenario)}\nÉtape en échec : {echapper(a.etape_en_echec or '—')}"
    )
    console.print(f"Attendu : {echapper(a.attendu)}\nObservé : {echapper(a.observe)}")
    console.print(f"Occurrences : {len(fiche.occurrences)}")
    for e in fiche.historique:
        console.print(f"  {e.date:%d/%m/%Y %H:%M} {echapper(e.auteur)} : {echapper(e.action)}")


def _changer(action: str, numero: str, auteur: str, **options) -> None:
    try:
        with _registre() as registre:
            anomalie = getattr(registre, action)(
                numero, quand=seances.maintenant(), auteur=auteur, **options
            )
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(f"{echapper(anomalie.numero)} : {echapper(anomalie.libelle_statut)}")


AUTEUR = typer.Option(help="Qui fait ce changement (tracé dans l'historique).")


@anomalies_app.command("qualifier")
def anomalies_qualifier(
    numero: str,
    gravite: Annotated[str, typer.Option(help="bloquante ou « non bloquante ».")],
    auteur: Annotated[str, AUTEUR],
):
    """Qualifie une anomalie (la gravité proposée par le banc est confirmée ou corrigée)."""
    _changer("qualifier", numero, auteur, gravite=gravite)


@anomalies_app.command("transmettre")
def anomalies_transmettre(numero: str, auteur: Annotated[str, AUTEUR]):
    """Transmet l'anomalie au prestataire : les délais de maintenance courent."""
    _changer("transmettre", numero, auteur)


@anomalies_app.command("statut")
def anomalies_statut(
    numero: str,
    vers: Annotated[str, typer.Option(help="contournée, corrigée, vérifiée, rejetée…")],
    auteur: Annotated[str, AUTEUR],
    commentaire: Annotated[str | None, typer.Option(help="Commentaire tracé.")] = None,
):
    """Fait avancer une anomalie dans son cycle de vie (transitions du contrat seulement)."""
    _changer("changer_statut", numero, auteur, vers=vers, commentaire=commentaire)


@anomalies_app.command("clore")
def anomalies_clore(numero: str, auteur: Annotated[str, AUTEUR]):
    """Clôt une anomalie vérifiée."""
    _changer("changer_statut", numero, auteur, vers="close")


def _charger_jeu_de_recette(nom_profil: str, url: str):
    """The demo is filled with the recette dataset (fixed seed) through its own import, and the
    reprise is verified: the same check a centre runs on its vendor's initial load."""
    from recette.environnement import remplir_environnement
    from recette.reprise import verifier_reprise

    with console.status("Chargement du jeu de recette par l'import de la solution…"):
        chargement = remplir_environnement(RACINE, nom_profil, "recette", url, 42)
    console.print(
        f"Jeu de recette : {echapper(chargement.patients_importes)} patient(s) importé(s), "
        f"{len(chargement.rejets)} ligne(s) rejetée(s)"
    )
    with console.status("Vérification de la reprise…"):
        return verifier_reprise(RACINE, chargement.dossier, nom_profil, url)


def _documents(identifiant: str, paquets: bool) -> None:
    """PV and friends for a séance, with the proposed decision and its reasons; optionally a
    reproduction pack for each open anomaly of the séance."""
    from recette.anomalies.paquet import construire_paquet, preuve_de_controle
    from recette.documents.faits import rassembler_faits
    from recette.documents.produire import produire_documents

    with console.status("Documents : PV, registre, fiches anomalie…"):
        faits = rassembler_faits(RACINE, identifiant)
        ecrits = produire_documents(RACINE, identifiant, faits=faits)
    verdict = faits.verdict
    console.print(f"Décision proposée : [bold]{echapper(verdict.decision.libelle)}[/]")
    for motif in verdict.motifs[:6]:
        console.print(f"  • {echapper(motif)}")
    if len(verdict.motifs) > 6:
        console.print(f"  … et {len(verdict.motifs) - 6} autre(s) motif(s) : voir le PV.")
    for reserve in verdict.reserves:
        console.print(
            f"  réserve {echapper(reserve.numero)} à lever avant le {reserve.echeance:%d/%m/%Y}"
        )
    dossier = _dossier_documents(identifiant)
    console.print(f"Documents ({len(ecrits)}) : {echapper(dossier)}")
    for nom in ecrits:
        if nom.endswith(".pdf") or nom.startswith("registre"):
            console.print(f"  {echapper(nom)}")
    if not paquets:
        return
    secrets = _secrets_connus(faits.solution.profil)
    paquets_faits, controles = [], []
    with console.status("Paquets de reproduction…"), _registre() as registre:
        for numero in (a.numero for a in faits.ouvertes):
            # A check's anomaly has no scenario to replay: its evidence is the check's report.
            controle = preuve_de_controle(RACINE, registre, numero)
            if controle is not None:
                controles.append(controle)
                continue
            construire_paquet(RACINE, registre, numero, dossier / "paquets", secrets)
            paquets_faits.append(numero)
    if paquets_faits:
        console.print(
            f"Paquets de reproduction ({len(paquets_faits)}) : {echapper(dossier / 'paquets')}"
        )
    if controles:
        console.print("Anomalies constatées par un contrôle (leur preuve est son rapport) :")
    for controle in controles:
        console.print(
            f"  {echapper(controle.numero)} ({echapper(controle.controle)}) : preuve = "
            f"{echapper(controle.rapport or 'rapport non localisé')}"
        )


@app.command()
def pv(
    seance: Annotated[str, typer.Argument(help="Identifiant de la séance.")],
    paquets: Annotated[
        bool, typer.Option("--paquets", help="Aussi un paquet de reproduction par anomalie.")
    ] = False,
):
    """PV de recette, registre, fiches anomalie, reporting, avis : dérivés de la séance."""
    try:
        dossier, _ = seances.charger(_rapports(), seance)
        _documents(dossier.name, paquets)
    except RecetteErreur as exc:
        _echouer(exc)


def _phase(texte: str) -> str:
    """« va » or « vsr », any case; anything else is refused in French."""
    from recette.verdicts import Phase

    try:
        return Phase.depuis(texte).value
    except ValueError as exc:
        raise RecetteErreur(f"Phase : {exc}") from None


def _duree(texte: str) -> float:
    """« 30s », « 5m », « 90 » (seconds)."""
    texte = texte.strip().lower()
    facteur = {"s": 1, "m": 60, "h": 3600}.get(texte[-1:], None)
    nombre = texte[:-1] if facteur else texte
    try:
        return float(nombre.replace(",", ".")) * (facteur or 1)
    except ValueError:
        raise RecetteErreur(
            f"Durée « {texte} » illisible : écrivez par exemple 30s, 5m ou 90."
        ) from None


def _p95(ligne, source: str) -> str:
    chiffre = ligne.chiffres.get(source)
    return "—" if not chiffre or chiffre.p95 is None else f"{chiffre.p95:.3f} s"


def _verifier_charge(
    nom_profil, cible, duree_s, utilisateurs, workers, navigateur, sortie, phase="va"
):
    """The response-time table under load: verdict per line, report, anomalies."""
    from recette.anomalies.constats import rapport_relatif
    from recette.performances import verifier_performances
    from recette.performances.anomalies import enregistrer

    if utilisateurs is None:
        from recette.contrat import charger_contrat

        utilisateurs = charger_contrat(RACINE / "fixtures").performances.utilisateurs_simultanes
    with console.status(
        f"Charge : {utilisateurs:d} utilisateurs simultanés pendant {duree_s:.0f} s…"
    ):
        resultat = verifier_performances(
            RACINE, nom_profil, cible, duree_s, utilisateurs, workers, sortie, navigateur=navigateur
        )
    tableau = Table("Ligne du contrat", "Seuil", "p95 Locust", "p95 navigateur", "Verdict")
    for ligne in resultat.lignes:
        couleur = "green" if ligne.conforme else "red"
        tableau.add_row(
            echapper(ligne.ligne.libelle),
            f"{ligne.ligne.seuil_secondes:g} s",
            echapper(_p95(ligne, "charge")),
            echapper(_p95(ligne, "navigateur")),
            f"[{couleur}]{echapper(ligne.verdict)}[/]",
        )
    console.print(tableau)
    controle = f"CHARGE-{seances.maintenant():%Y%m%d-%H%M%S}-{nom_profil}"
    page = resultat.fichiers.get("performances.html", sortie)
    with _registre() as registre:
        bilan = enregistrer(
            RACINE,
            registre,
            resultat,
            controle,
            nom_profil,
            cible or "",
            seances.maintenant(),
            rapport=rapport_relatif(RACINE, page),
            phase=phase,
        )
    for code, numero in sorted(bilan.par_constat.items()):
        console.print(f"  anomalie {echapper(numero)} : ligne « {echapper(code)} » non conforme")
    console.print(f"Rapport de charge : {echapper(page)}")
    return resultat


@app.command()
def charge(
    profil: Annotated[str, typer.Option(help="Profil fournisseur (section « charge »).")],
    cible: Annotated[str | None, typer.Option(help="Adresse de la solution.")] = None,
    duree: Annotated[str, typer.Option(help="Durée : 30s, 5m…")] = "5m",
    utilisateurs: Annotated[
        int | None,
        typer.Option(help="Utilisateurs simultanés (par défaut : le chiffre du contrat)."),
    ] = None,
    workers: Annotated[int, typer.Option(help="Processus Locust esclaves (0 : un seul).")] = 0,
    sans_navigateur: Annotated[
        bool, typer.Option("--sans-navigateur", help="Sans les mesures dans Chromium.")
    ] = False,
    phase: Annotated[str, typer.Option(help="Phase du contrôle : va ou vsr.")] = "va",
):
    """Vérifie le tableau des temps de réponse du contrat sous charge (Locust + navigateur)."""
    from recette import lanceur

    sortie = _rapports() / "performances" / f"{seances.maintenant():%Y%m%d-%H%M%S}-{profil}"
    try:
        lanceur.verifier_registre_de(RACINE)
        resultat = _verifier_charge(
            profil,
            cible,
            _duree(duree),
            utilisateurs,
            workers,
            not sans_navigateur,
            sortie,
            _phase(phase),
        )
    except RecetteErreur as exc:
        _echouer(exc)
    raise typer.Exit(0 if resultat.conforme else CODE_ECHECS)


def _secrets_connus(nom_profil: str) -> set[str]:
    """The secrets of a profile that this machine knows (to keep them out of a pack)."""
    from recette.adaptateur.profil import charger_profil
    from recette.secrets import SecretManquant, resoudre

    valeurs = set()
    for variable in charger_profil(nom_profil, RACINE).variables_secretes:
        try:
            valeurs.add(resoudre(variable, RACINE))
        except SecretManquant:
            pass
    return valeurs


@anomalies_app.command("paquet")
def anomalies_paquet(
    numero: Annotated[str, typer.Argument(help="ANO-AAAA-NNNN")],
    sortie: Annotated[Path | None, typer.Option(help="Dossier où écrire le zip.")] = None,
):
    """Construit le paquet de reproduction d'une anomalie (zip lisible sans le banc)."""
    from recette.anomalies.paquet import construire_paquet

    try:
        with _registre() as registre:
            occurrences = registre.voir(numero).occurrences
            # The register's index knows every séance and check, folder or not.
            profils = {s.profil for o in occurrences if (s := registre.seance(o.seance))}
            secrets = set().union(*(_secrets_connus(p) for p in profils))
            chemin = construire_paquet(
                RACINE, registre, numero, sortie or _rapports() / "paquets", secrets
            )
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(
        f"Paquet de reproduction : {echapper(chemin)} ({chemin.stat().st_size // 1024:d} Kio)"
    )


@app.command()
def rejouer(
    paquet: Annotated[Path, typer.Argument(help="Paquet de reproduction (ANO-….zip).")],
    cible: Annotated[str | None, typer.Option(help="Adresse de l'environnement à tester.")] = None,
    profil: Annotated[
        str | None, typer.Option(help="Profil fournisseur de cet environnement.")
    ] = None,
):
    """Rejoue le scénario d'un paquet : « reproduite » ou « non reproduite », avec preuves."""
    from recette.rejeu import rejouer as rejouer_paquet

    try:
        with console.status("Rejeu du scénario…"):
            rejeu = rejouer_paquet(RACINE, paquet, profil, cible)
    except RecetteErreur as exc:
        _echouer(exc)
    verdict = "[red]reproduite[/]" if rejeu.reproduite else "[green]non reproduite[/]"
    console.print(f"Anomalie {echapper(rejeu.numero)} : {verdict}")
    console.print(f"Nouvelles preuves (séance scellée) : {echapper(rejeu.seance.dossier)}")
    raise typer.Exit(CODE_ECHECS if rejeu.reproduite else 0)


grille_app = typer.Typer(help="La grille des fonctionnalités : import, squelettes, couverture.")
app.add_typer(grille_app, name="grille")


@grille_app.command("importer")
def grille_importer(
    fichier: Annotated[Path, typer.Argument(help="Grille du client (CSV ou XLSX).")],
    correspondance: Annotated[
        Path | None, typer.Option(help="Correspondance des colonnes (YAML).")
    ] = None,
):
    """Importe la grille du client ; rien n'est remplacé si une seule ligne est invalide."""
    from recette.grille import importer_grille

    try:
        grille = importer_grille(fichier, RACINE, correspondance)
    except RecetteErreur as exc:
        _echouer(exc)
    for avertissement in grille.avertissements:
        console.print(f"[yellow]Avertissement :[/] {echapper(avertissement)}")
    console.print(
        f"[green]Grille importée[/] : {len(grille.exigences)} exigences → "
        f"{echapper(grille.fichier)}"
    )


@grille_app.command("scenarios")
def grille_scenarios():
    """Écrit un squelette de scénario (@a-ecrire) pour chaque exigence sans scénario."""
    from recette.grille import charger_grille
    from recette.grille.features import lire_features
    from recette.grille.squelettes import ecrire_squelettes

    try:
        grille = charger_grille(RACINE)
        ecrits = ecrire_squelettes(grille, lire_features(RACINE / "features"), RACINE / "features")
    except RecetteErreur as exc:
        _echouer(exc)
    for chemin in ecrits:
        console.print(f"  squelette : {echapper(chemin.relative_to(RACINE))}")
    console.print(f"{len(ecrits)} squelette(s) écrit(s) ; aucun fichier existant n'a été modifié.")


@grille_app.command("couverture")
def grille_couverture(
    seance: Annotated[
        list[str] | None, typer.Option(help="Séance(s) à prendre en compte (toutes par défaut).")
    ] = None,
    profil: Annotated[
        str | None,
        typer.Option(help="Profil du fournisseur : ses exclusions sont « hors périmètre »."),
    ] = None,
):
    """Couverture de la grille par méthode : scénarios automatisés et manuels, contrôles du
    banc, exclusions contractuelles (HTML et XLSX)."""
    from recette.documents.couverture import produire_couverture

    try:
        html, xlsx = produire_couverture(RACINE, seance or None, profil=profil)
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(f"Couverture (page HTML) : {echapper(html)}")
    console.print(f"Couverture (classeur) : {echapper(xlsx)}")


donnees_app = typer.Typer(help="Données fictives cohérentes (formation, recette, charge).")
app.add_typer(donnees_app, name="donnees")


@donnees_app.command("generer")
def donnees_generer(
    profil: Annotated[str, typer.Option(help="Profil de volume : formation, recette, charge.")],
    sortie: Annotated[Path, typer.Option(help="Dossier des fichiers pivots à écrire.")],
    graine: Annotated[int, typer.Option(help="Graine : même graine, mêmes fichiers.")] = 42,
    remplacer: Annotated[
        bool, typer.Option("--remplacer", help="Remplacer un dossier existant.")
    ] = False,
):
    """Génère une population fictive cohérente en fichiers pivots (CSV, JSON Lines)."""
    from recette.donnees import generer

    try:
        with Progress(
            TextColumn("[bold]Génération[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progression:
            tache = progression.add_task("generation", total=None)

            def avancer(fait: int, total: int) -> None:
                progression.update(tache, completed=fait, total=total)

            generer(profil, graine, sortie, progression=avancer, remplacer=remplacer)
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(f"Fichiers pivots écrits dans {echapper(sortie)}")


@donnees_app.command("environnement")
def donnees_environnement(
    profil: Annotated[str, typer.Option(help="Profil fournisseur de l'environnement à remplir.")],
    jeu: Annotated[str, typer.Option(help="Jeu de données : formation ou recette.")] = "formation",
    cible: Annotated[str | None, typer.Option(help="Adresse de l'environnement.")] = None,
    graine: Annotated[int, typer.Option(help="Graine du jeu de données.")] = 42,
):
    """Remplit un environnement de formation ou de recette par l'import de la solution
    (sans doublon si on relance ; refusé sur un profil de production)."""
    from recette.environnement import remplir_environnement

    try:
        with console.status(f"Génération et import du jeu « {echapper(jeu)} »…"):
            bilan = remplir_environnement(RACINE, profil, jeu, cible, graine)
    except RecetteErreur as exc:
        _echouer(exc)
    console.print(
        f"{bilan.patients_importes:d} patient(s) importé(s), "
        f"{bilan.deja_presents:d} déjà présent(s), "
        f"{len(bilan.rejets)} ligne(s) rejetée(s) ; fichiers pivots : {echapper(bilan.dossier)}"
    )


reprise_app = typer.Typer(help="Reprise des données et réversibilité.")
app.add_typer(reprise_app, name="reprise")


def _rapport_controle(rapport, nom: str) -> None:
    couleur = "green" if rapport.conforme else "red"
    console.print(f"{echapper(nom)} : [{couleur}]{echapper(rapport.verdict)}[/]")
    for code, numero in sorted(rapport.anomalies.items()):
        console.print(f"  anomalie {echapper(numero)} ({echapper(code)})")
    console.print(f"Rapport : {echapper(rapport.html)}")
    console.print(f"Classeur : {echapper(rapport.xlsx)}")
    if not rapport.conforme:
        raise typer.Exit(CODE_ECHECS)


@reprise_app.command("verifier")
def reprise_verifier(
    pivot: Annotated[Path, typer.Option(help="Dossier des fichiers pivots chargés.")],
    profil: Annotated[str, typer.Option(help="Profil fournisseur.")],
    cible: Annotated[str | None, typer.Option(help="Adresse de la solution.")] = None,
    phase: Annotated[str, typer.Option(help="Phase du contrôle : va ou vsr.")] = "va",
):
    """Compare les fichiers pivots à ce que la solution contient après import."""
    from recette.reprise import verifier_reprise

    try:
        rapport = verifier_reprise(RACINE, pivot, profil, cible, phase=_phase(phase))
    except RecetteErreur as exc:
        _echouer(exc)
    _rapport_controle(rapport, "Reprise")


@reprise_app.command("reversibilite")
def reprise_reversibilite(
    pivot: Annotated[Path, typer.Option(help="Dossier des fichiers pivots chargés.")],
    profil: Annotated[str, typer.Option(help="Profil fournisseur.")],
    cible: Annotated[str | None, typer.Option(help="Adresse de la solution.")] = None,
    phase: Annotated[str, typer.Option(help="Phase du contrôle : va ou vsr.")] = "va",
):
    """Vérifie l'export complet de la solution contre les données chargées."""
    from recette.reprise import verifier_reversibilite

    try:
        rapport = verifier_reversibilite(RACINE, pivot, profil, cible, phase=_phase(phase))
    except RecetteErreur as exc:
        _echouer(exc)
    _rapport_controle(rapport, "Réversibilité")


cahier_app = typer.Typer(
    help="Le cahier de recette : les scénarios manuels des référents, à imprimer et à remplir.",
    invoke_without_command=True,
)
app.add_typer(cahier_app, name="cahier")


@cahier_app.callback()
def cahier(
    contexte: typer.Context,
    profil: Annotated[
        str, typer.Option(help="Profil de la solution recettée (son libellé titre le cahier).")
    ] = "demo-a",
    phase: Annotated[str, typer.Option(help="Phase : va ou vsr.")] = "va",
    profession: Annotated[
        str | None, typer.Option(help="Seulement les scénarios de cette profession.")
    ] = None,
):
    """Produit le cahier de recette (PDF à imprimer, classeur XLSX à remplir)."""
    if contexte.invoked_subcommand is not None:
        return
    from recette.adaptateur.profil import charger_profil
    from recette.cahier import produire_cahier

    try:
        solution = charger_profil(profil, RACINE)
        produit = produire_cahier(
            RACINE,
            _rapports() / "documents" / "cahiers" / solution.nom,
            solution.libelle,
            phase.lower(),
            seances.maintenant(),
            profession,
        )
    except RecetteErreur as exc:
        _echouer(exc)
    etapes = sum(len(s.etapes) for s in produit.scenarios)
    console.print(
        f"Cahier de recette : {echapper(len(produit.scenarios))} scénario(s) manuel(s), "
        f"{echapper(etapes)} étape(s)."
    )
    console.print(f"  À imprimer : {echapper(produit.pdf)}")
    console.print(f"  À remplir puis importer : {echapper(produit.classeur)}")
    console.print("  Import : recette cahier importer FICHIER --profil … --preuves DOSSIER")


@cahier_app.command("importer")
def cahier_importer(
    fichier: Annotated[Path, typer.Argument(help="Le classeur du cahier, rempli.")],
    profil: Annotated[str, typer.Option(help="Profil de la solution recettée.")],
    auteur: Annotated[str, typer.Option(help="Qui enregistre le cahier (tracé).")],
    preuves: Annotated[
        Path | None, typer.Option(help="Dossier des fichiers de preuve cités par le cahier.")
    ] = None,
    phase: Annotated[str, typer.Option(help="Phase : va ou vsr.")] = "va",
):
    """Vérifie un cahier rempli, l'enregistre comme séance manuelle scellée et ouvre une anomalie
    par étape KO ; rien n'est enregistré si une seule ligne est fausse."""
    from recette.adaptateur.profil import charger_profil
    from recette.cahier import lire_scenarios_manuels
    from recette.cahier.classeur import CahierInvalide, lire_classeur
    from recette.cahier.execution import enregistrer_execution

    try:
        solution = charger_profil(profil, RACINE)
        with _registre() as registre:
            etapes = lire_classeur(
                fichier,
                lire_scenarios_manuels(RACINE / "features"),
                preuves,
                seances.maintenant().date(),
            )
            bilan = enregistrer_execution(
                RACINE,
                etapes,
                phase.lower(),
                solution.nom,
                solution.cible,
                seances.maintenant(),
                auteur,
                registre,
                fichier,
            )
    except CahierInvalide as exc:
        for ligne in exc.erreurs:
            erreurs.print(f"[bold red]Erreur :[/] {echapper(ligne)}")
        erreurs.print(f"Rien n'a été enregistré ({len(exc.erreurs)} erreur(s)).")
        raise typer.Exit(CODE_REFUS) from None
    except RecetteErreur as exc:
        _echouer(exc)
    for cle, issue in sorted(bilan.scenarios.items()):
        console.print(f"  {echapper(cle)} : {echapper(issue)}")
    console.print(f"Séance manuelle scellée : {echapper(bilan.seance.dossier)}")
    if bilan.anomalies_nouvelles or bilan.anomalies_connues:
        console.print(
            f"Anomalies : {len(bilan.anomalies_nouvelles)} nouvelle(s) "
            f"({echapper(' '.join(bilan.anomalies_nouvelles))}), "
            f"{len(bilan.anomalies_connues)} déjà connue(s)"
        )
    raise typer.Exit(CODE_ECHECS if "échoué" in bilan.scenarios.values() else 0)


# --- recette sonde (VSR probe) ----------------------------------------------------------------


def _duree_sonde(texte: str | None):
    """« 90s », « 10m », « 2h » or plain seconds; None runs until SIGTERM / Ctrl-C."""
    import re
    from datetime import timedelta

    if texte is None:
        return None
    trouve = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([smh]?)\s*", texte)
    if not trouve or float(trouve.group(1).replace(",", ".")) <= 0:
        erreurs.print(
            f"[bold red]Erreur :[/] durée « {echapper(texte)} » illisible (--duree) : par "
            "exemple 90s, 10m ou 2h."
        )
        raise typer.Exit(CODE_REFUS)
    facteur = {"": 1, "s": 1, "m": 60, "h": 3600}[trouve.group(2)]
    return timedelta(seconds=float(trouve.group(1).replace(",", ".")) * facteur)


@app.command()
def sonde(
    profil: Annotated[str, typer.Option(help="Profil fournisseur (fixtures/profils/NOM.yaml).")],
    poste: Annotated[str, typer.Option(help="Nom du poste client (accueil-1, cabinet-2…).")],
    cible: Annotated[
        str | None, typer.Option(help="Adresse de la solution (remplace celle du profil).")
    ] = None,
    duree: Annotated[
        str | None, typer.Option(help="Arrêt de lui-même après cette durée (90s, 10m, 2h).")
    ] = None,
):
    """Sonde de VSR : transaction de contrôle à intervalle régulier depuis ce poste, alertes."""
    import signal
    import threading

    from recette.adaptateur.profil import charger_profil
    from recette.contrat import charger_contrat
    from recette.vsr.depot import DepotFichiers, dossier_du_poste
    from recette.vsr.sonde import Sonde, configuration_sonde

    limite = _duree_sonde(duree)
    arret = threading.Event()
    try:
        solution = charger_profil(profil, RACINE).avec_cible(cible)
        config = configuration_sonde(solution)
        dossier = dossier_du_poste(_rapports(), solution.nom, poste)
        probe = Sonde(
            profil=solution,
            config=config,
            contrat=charger_contrat(RACINE / "fixtures"),
            poste=poste,
            depot=DepotFichiers(dossier),
            racine=RACINE,
            journal=lambda texte: console.print(echapper(texte)),
            arret=arret,
        )
    except RecetteErreur as exc:
        _echouer(exc)

    def arreter(_signum, _frame) -> None:
        arret.set()

    signal.signal(signal.SIGTERM, arreter)
    signal.signal(signal.SIGINT, arreter)
    console.print(
        f"Sonde du poste « {echapper(poste)} » sur {echapper(solution.libelle)} "
        f"({echapper(solution.cible)}), un cycle toutes les "
        f"{echapper(f'{config.cadence.intervalle.total_seconds():g}')} s ; échantillons : "
        f"{echapper(dossier)}"
    )
    try:
        probe.executer(limite)
    except RecetteErreur as exc:
        _echouer(exc)


if __name__ == "__main__":
    app()
