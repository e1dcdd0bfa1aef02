"""Business operations turned into Playwright actions. Every element is found as a person finds
it: by role, label and visible text, with the words of the vendor profile."""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Locator, Page

from recette.adaptateur.production import ecriture
from recette.adaptateur.profil import CHAMPS_PATIENT, Compte, Profil
from recette.erreurs import RecetteErreur

_DATE_FR = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


class IdentifiantsRefuses(RecetteErreur):
    """The solution refuses an account of the profile."""


class OperationImpossible(AssertionError):
    """A business operation could not be carried out on the screen (a scenario failure)."""


class ControleImpossible(OperationImpossible):
    """A negative check could not prove it would have seen what it looks for: an absence or a
    refusal read through a blind reader proves nothing, so the scenario fails (DESIGN.md)."""

    def __init__(self, message: str):
        super().__init__(f"Contrôle impossible : {message}")


@dataclass
class _Lecture:
    """What the last reading of a patient list saw, so that an absence can be checked against
    it: the operation (to replay it as someone else), whether the table and its identity
    columns were found, and the identities read."""

    operation: tuple
    ecran: bool = False  # the screen of the operation was recognised (its search field)
    tableau: bool = False
    entetes: list[str] = field(default_factory=list)
    patients: list[dict[str, str]] = field(default_factory=list)


def _normaliser(texte: str) -> str:
    sans = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return " ".join(sans.replace("*", " ").split()).casefold()


def _libelle(mot: str) -> re.Pattern[str]:
    """A label as shown, allowing the asterisk of mandatory fields."""
    return re.compile(rf"^\s*{re.escape(mot)}\s*\*?\s*$")


def _date_iso(valeur: str) -> str:
    m = _DATE_FR.fullmatch(valeur.strip())
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else valeur.strip()


class _SansCapture:
    """Pre-flight checks run without evidence: nothing to pause."""

    def __init__(self, page: Page):
        self.page = page
        self.secrets: set[str] = set()

    def suspendre_trace(self) -> None:
        pass

    def reprendre_trace(self) -> None:
        pass


class Solution:
    def __init__(self, capture, profil: Profil, racine: Path | None = None):
        self.capture = capture
        self.page: Page = capture.page
        self.profil = profil
        self.racine = racine
        self.compte: Compte | None = None
        self.mode: str | None = None
        self._lecture: _Lecture | None = None
        self._tentative: tuple | None = None  # last function tried: (key, patient, means)
        self._connexion_tentee: tuple[str, str] | None = None

    @classmethod
    def sans_capture(cls, page: Page, profil: Profil, racine: Path | None = None) -> Solution:
        return cls(_SansCapture(page), profil, racine)

    # ----------------------------------------------------------------- vocabulary and screen
    def mot(self, cle: str) -> str:
        return self.profil.mot(cle)

    def _aller(self, chemin: str) -> None:
        self.page.goto(urljoin(self.profil.cible, chemin))

    def _lien(self, cle: str) -> Locator:
        return self.page.get_by_role("link", name=self.mot(cle), exact=True)

    def _bouton(self, cle: str) -> Locator:
        return self.page.get_by_role("button", name=self.mot(cle), exact=True)

    def _champ(self, cle: str) -> Locator:
        return self.page.get_by_label(_libelle(self.mot(cle))).first

    def _soumettre(self, bouton: Locator) -> None:
        with self.page.expect_navigation(wait_until="load"):
            bouton.click()

    def menu(self, cle: str) -> None:
        navigation = self.page.get_by_role("navigation")
        lien = navigation.get_by_role("link", name=self.mot(f"menu.{cle}"), exact=True).first
        lien.click()
        self.page.wait_for_load_state("load")

    def titre_page(self) -> str:
        titre = self.page.get_by_role("heading", level=1)
        return titre.first.inner_text().strip() if titre.count() else ""

    def acces_refuse(self) -> bool:
        return self.titre_page() == self.mot("refus.titre")

    def message_erreur(self) -> str:
        alertes = self.page.get_by_role("alert")
        return " ".join(t.strip() for t in alertes.all_inner_texts() if t.strip())

    def confirmation(self) -> str:
        statuts = self.page.get_by_role("status")
        return " ".join(t.strip() for t in statuts.all_inner_texts() if t.strip())

    def _tableau(self, cle_legende: str) -> list[dict[str, str]]:
        """Rows of the table whose caption the profile names, as {column header: text}."""
        tableau = self.page.get_by_role("table", name=self.mot(cle_legende), exact=True)
        if not tableau.count():
            return []
        return self._tableau_de(tableau.first)

    def _entetes(self, cle_legende: str) -> list[str] | None:
        """Column headers of the captioned table; None when no such table is on screen."""
        tableau = self.page.get_by_role("table", name=self.mot(cle_legende), exact=True)
        if not tableau.count():
            return None
        return tableau.first.evaluate(
            "t => [...t.querySelectorAll('thead th')].map(th => th.innerText.trim())"
        )

    @staticmethod
    def _tableau_de(tableau: Locator) -> list[dict[str, str]]:
        return tableau.evaluate(
            """t => {
                const entetes = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
                return [...t.querySelectorAll('tbody tr')].map(tr => {
                    const cellules = [...tr.querySelectorAll('th, td')];
                    const ligne = {};
                    cellules.forEach((c, i) => {
                        ligne[entetes[i] || String(i)] = c.innerText.trim();
                    });
                    const lien = tr.querySelector('a[href]');
                    ligne['__lien'] = lien ? lien.getAttribute('href') : '';
                    return ligne;
                });
            }"""
        )

    # -------------------------------------------------------------------------- logging in
    def modes_du_compte(self, compte: Compte) -> list[str]:
        modes = []
        if compte.numero_carte:
            modes.append("carte")
        if compte.variable_mot_de_passe:
            modes.append("mot de passe")
        return modes

    def _formulaire_connexion(self, compte: Compte, mode: str, secret: str) -> None:
        self._aller(self.profil.url_connexion)
        if mode == "carte":
            if not compte.numero_carte:
                raise OperationImpossible(f"« {compte.nom} » n'a pas de carte CPS dans le profil.")
            self._champ("connexion.numero_carte").fill(compte.numero_carte)
            champ_secret, bouton = self._champ("connexion.code_pin"), "connexion.bouton_carte"
        else:
            self._champ("connexion.identifiant").fill(compte.identifiant or "")
            champ_secret, bouton = (
                self._champ("connexion.mot_de_passe"),
                "connexion.bouton_mot_de_passe",
            )
        # Nothing of what follows may reach a trace: the secret typed, the form posted.
        self.capture.secrets.add(secret)
        self.capture.suspendre_trace()
        try:
            champ_secret.fill(secret)
            self._soumettre(self._bouton(bouton))
        finally:
            self.capture.reprendre_trace()

    def _secret(self, compte: Compte, mode: str) -> str:
        return compte.pin(self.racine) if mode == "carte" else compte.mot_de_passe(self.racine)

    def tenter_connexion(self, qui: str, mode: str, secret_errone: bool = False) -> None:
        compte = self.profil.compte(qui)
        secret = self._secret(compte, mode)
        if secret_errone:
            secret = "0000" if secret != "0000" else "9999"
            if mode != "carte":
                secret = "faux-" + secret
        self._formulaire_connexion(compte, mode, secret)
        self.compte, self.mode = compte, mode
        self._connexion_tentee = (qui, mode)

    def se_connecter(self, qui: str, mode: str) -> None:
        self.tenter_connexion(qui, mode)
        if not self.est_connecte():
            raise OperationImpossible(
                f"La connexion de « {self.compte.nom} » ({mode}) a échoué : "
                f"{self.message_erreur() or 'aucun message'}"
            )

    def verifier_identifiants(self, compte: Compte, mode: str) -> None:
        self._formulaire_connexion(compte, mode, self._secret(compte, mode))
        if not self.est_connecte():
            variable = compte.variable_pin if mode == "carte" else compte.variable_mot_de_passe
            raise IdentifiantsRefuses(
                f"La solution refuse la connexion de « {compte.nom} » ({compte.role}, "
                f"{'carte CPS' if mode == 'carte' else 'mot de passe'}) : "
                f"« {self.message_erreur() or 'aucun message'} ». Vérifiez la variable {variable} "
                f"et le compte dans {self.profil.fichier}."
            )
        self.se_deconnecter()

    def est_connecte(self) -> bool:
        return self._bouton("connexion.deconnexion").count() > 0

    def se_deconnecter(self) -> None:
        if self.est_connecte():
            self._soumettre(self._bouton("connexion.deconnexion").first)
        self.compte = None

    def utilisateur_connecte(self) -> str:
        bandeau = self.page.get_by_text(self.mot("connexion.connecte"), exact=False)
        return bandeau.first.inner_text().strip() if bandeau.count() else ""

    def mode_de_connexion_affiche(self) -> str:
        texte = self.utilisateur_connecte()
        return "carte" if self.mot("connexion.mode_carte") in texte else "mot de passe"

    def _se_connecter_comme_role(self, role: str) -> None:
        compte = self.profil.compte(role)
        self.se_deconnecter()
        mode = "mot de passe" if compte.variable_mot_de_passe else "carte"
        self.se_connecter(compte.nom, mode)

    # ---------------------------------------------------------------------------- patients
    def _patients_du_tableau(self, lignes: list[dict[str, str]]) -> list[dict[str, str]]:
        nom, prenom = self.mot("patients.colonne_nom"), self.mot("patients.colonne_prenom")
        ville = self.mot("patients.colonne_ville")
        return [
            {
                "patient": f"{ligne.get(prenom, '')} {ligne.get(nom, '')}".strip(),
                "ville": ligne.get(ville, ""),
                "lien": ligne.get("__lien", ""),
            }
            for ligne in lignes
        ]

    def _resultats(self, operation: tuple = ("liste",)) -> list[dict[str, str]]:
        lecture = _Lecture(operation)
        lecture.ecran = self._champ_present("patients.recherche")
        for cle in ("patients.resultats", "patients.liste"):
            entetes = self._entetes(cle)
            if entetes is not None:
                lecture.tableau, lecture.entetes = True, entetes
                lecture.patients = self._patients_du_tableau(self._tableau(cle))
                break
        self._lecture = lecture
        return lecture.patients

    def lister_patients(self) -> list[str]:
        self.menu("patients")
        return [p["patient"] for p in self._resultats(("liste",))]

    def page_suivante(self) -> list[str]:
        lien = self._lien("patients.page_suivante")
        if not lien.count():
            return []
        lien.first.click()
        self.page.wait_for_load_state("load")
        return [p["patient"] for p in self._patients_du_tableau(self._tableau("patients.liste"))]

    def _rechercher(self, texte: str) -> list[dict[str, str]]:
        self.menu("patients")
        self._champ("patients.recherche").fill(texte)
        self._soumettre(self._bouton("patients.bouton_recherche").first)
        return self._resultats(("recherche", texte))

    def rechercher_patient(self, texte: str) -> list[str]:
        return [p["patient"] for p in self._rechercher(texte)]

    def _remplir(self, champs: dict[str, str]) -> None:
        for nom_metier, valeur in champs.items():
            cle = CHAMPS_PATIENT.get(nom_metier.strip().casefold())
            if cle is None:
                raise OperationImpossible(
                    f"Champ « {nom_metier} » inconnu (champs connus : {', '.join(CHAMPS_PATIENT)})."
                )
            champ = self._champ(f"champ.{cle}")
            balise = champ.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if balise.startswith("select"):
                option = {"féminin": "option.feminin", "masculin": "option.masculin"}.get(
                    valeur.strip().casefold()
                )
                champ.select_option(label=self.mot(option) if option else valeur)
            elif balise.endswith(":date"):
                champ.fill(_date_iso(valeur))
            else:
                champ.fill(valeur)

    def recherche_avancee(self, criteres: dict[str, str]) -> list[dict[str, str]]:
        self.menu("patients")
        self._lien("patients.recherche_avancee").first.click()
        self.page.wait_for_load_state("load")
        self._remplir(criteres)
        self._soumettre(self._bouton("patients.bouton_recherche_avancee").first)
        return self._resultats(("avancee", dict(criteres)))

    @staticmethod
    def _meme_patient(affiche: str, patient: str) -> bool:
        """The one identity matcher: every check that a patient is or is not shown uses it, so
        a control that finds a patient proves the absence check could have found them."""
        return affiche == patient

    def figure_parmi(self, patient: str, affiches: list[str]) -> bool:
        return any(self._meme_patient(affiche, patient) for affiche in affiches)

    def _trouver(self, patient: str) -> dict[str, str]:
        nom_famille = patient.split()[-1]
        for ligne in self._rechercher(nom_famille):
            if self._meme_patient(ligne["patient"], patient):
                return ligne
        raise OperationImpossible(
            f"Patient « {patient} » introuvable en recherchant « {nom_famille} »."
        )

    def _identifiant(self, lien: str) -> str:
        motif = re.escape(self.mot("adresses.dossier")).replace(r"\{id\}", r"(?P<id>[^/?#]+)")
        trouve = re.search(motif + r"(?:[?#]|$)", lien)
        if not trouve:
            raise OperationImpossible(f"Adresse de dossier inattendue : {lien}")
        return trouve.group("id")

    def ouvrir_dossier(self, patient: str) -> None:
        ligne = self._trouver(patient)
        self._aller(ligne["lien"])

    def ouvrir_synthese(self, patient: str) -> None:
        """Through the file's link when shown; otherwise the way a curious user would, by the
        address of the summary: a refusal must come from the server, not a hidden link."""
        self._ouvrir_synthese(patient, None)

    def _ouvrir_synthese(self, patient: str, moyen: str | None) -> None:
        """`moyen` "adresse" forces the address, so that a control replays a refused attempt
        the way it was made (a wrong address would be refused for everyone)."""
        ligne = self._trouver(patient)
        self._aller(ligne["lien"])
        lien = self._lien("patients.synthese")
        if moyen != "adresse" and lien.count():
            self._tentative = ("synthese", patient, "lien")
            lien.first.click()
            self.page.wait_for_load_state("load")
            return
        self._tentative = ("synthese", patient, "adresse")
        identifiant = self._identifiant(ligne["lien"])
        self._aller(self.mot("adresses.synthese").replace("{id}", identifiant))

    def lire_synthese(self) -> dict[str, list[str]]:
        sections = {}
        for cle in ("antecedents", "allergies", "traitements", "correspondants"):
            titre = self.page.get_by_role("heading", name=self.mot(f"synthese.{cle}"), exact=True)
            if not titre.count():
                sections[cle] = []
                continue
            sections[cle] = titre.first.evaluate(
                """h => {
                    const textes = [];
                    let n = h.nextElementSibling;
                    while (n && !/^H[1-2]$/.test(n.tagName)) {
                        const items = n.querySelectorAll('li');
                        if (items.length) items.forEach(li => textes.push(li.innerText.trim()));
                        else if (n.innerText.trim()) textes.push(n.innerText.trim());
                        n = n.nextElementSibling;
                    }
                    if (!textes.length && h.parentElement) {
                        h.parentElement.querySelectorAll('li')
                            .forEach(li => textes.push(li.innerText.trim()));
                    }
                    return textes;
                }"""
            )
        return sections

    @ecriture("la création d'un dossier patient")
    def creer_patient(self, champs: dict[str, str]) -> None:
        self.menu("patients")
        self._lien("patients.nouveau").first.click()
        self.page.wait_for_load_state("load")
        self._remplir(champs)
        self._soumettre(self._bouton("patients.enregistrer").first)

    @ecriture("la modification d'un dossier patient")
    def modifier_patient(self, patient: str, champs: dict[str, str]) -> None:
        self.ouvrir_dossier(patient)
        self._lien("patients.modifier").first.click()
        self.page.wait_for_load_state("load")
        self._remplir(champs)
        self._soumettre(self._bouton("patients.enregistrer").first)

    def erreurs_de_saisie(self) -> dict[str, str]:
        """{business field name: message} for every field the screen marks invalid."""
        brutes = self.page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.getAttribute('aria-invalid') === 'true' || !e.validity.valid)
                .map(e => {
                    const libelle = e.labels && e.labels.length ? e.labels[0].innerText : '';
                    const ids = (e.getAttribute('aria-describedby') || '').split(/\\s+/);
                    const message = ids.map(i => document.getElementById(i))
                        .filter(x => x).map(x => x.innerText.trim()).join(' ');
                    return [libelle, message || e.validationMessage];
                })"""
        )
        par_mot = {
            _normaliser(self.mot(f"champ.{cle}")): nom for nom, cle in CHAMPS_PATIENT.items()
        }
        erreurs = {}
        for libelle, message in brutes:
            nom = par_mot.get(_normaliser(libelle), libelle.strip())
            erreurs["NIR" if nom == "nir" else nom] = message
        return erreurs

    # ------------------------------------------------------------------------- consent
    @ecriture("l'enregistrement d'un consentement")
    def enregistrer_consentement(self, patient: str, accepte: bool) -> None:
        self.ouvrir_dossier(patient)
        choix = self.mot("consentement.accepte" if accepte else "consentement.refuse")
        self.page.get_by_label(choix, exact=True).check()
        self._soumettre(self._bouton("consentement.bouton").first)

    def lire_consentement(self) -> dict:
        titre = self.page.get_by_role("heading", name=self.mot("consentement.section"), exact=True)
        if not titre.count():
            raise OperationImpossible("La section du consentement n'apparaît pas dans le dossier.")
        texte = titre.first.evaluate(
            """h => {
                const t = [];
                let n = h.nextElementSibling;
                // the status sentence only, not the form that changes it
                while (n && !/^H[1-2]$/.test(n.tagName) && n.tagName !== 'FORM') {
                    t.push(n.innerText);
                    n = n.nextElementSibling;
                }
                return t.join(' ');
            }"""
        )
        texte = " ".join(texte.split())
        trouve = _DATE_FR.search(texte)
        quand = datetime.strptime(trouve.group(0), "%d/%m/%Y").date() if trouve else None
        accepte = None
        if self.mot("consentement.texte_accepte") in texte:
            accepte = True
        elif self.mot("consentement.texte_refuse") in texte:
            accepte = False
        return {"texte": texte, "date": quand, "accepte": accepte}

    # ------------------------------------------------------- agenda, tasks, messages
    def _choisir(self, cle: str, texte: str) -> None:
        """Selects the option a person would pick: the one whose text starts with the name."""
        champ = self._champ(cle)
        options = champ.evaluate("s => [...s.options].map(o => [o.value, o.text.trim()])")
        for valeur, libelle in options:
            if _normaliser(libelle).startswith(_normaliser(texte)):
                champ.select_option(value=valeur)
                return
        proposes = ", ".join(libelle for _, libelle in options[:8])
        raise OperationImpossible(f"« {texte} » n'est pas proposé ({proposes}…).")

    @ecriture("la prise d'un rendez-vous")
    def prendre_rendez_vous(
        self, patient: str, professionnel: str, jour: date, heure: str, duree: int, motif: str
    ) -> None:
        self.menu("agenda")
        self._choisir("agenda.patient", patient)
        self._choisir("agenda.professionnel", professionnel)
        self._champ("agenda.date").fill(jour.isoformat())
        self._champ("agenda.heure").fill(heure)
        self._champ("agenda.duree").fill(str(duree))
        self._champ("agenda.motif").fill(motif)
        self._soumettre(self._bouton("agenda.enregistrer").first)

    def rendez_vous_affiches(self) -> list[dict[str, str]]:
        return self._tableau("agenda.legende")

    def erreurs_du_formulaire(self) -> list[str]:
        return [m for m in self.erreurs_de_saisie().values() if m]

    @ecriture("la création d'une tâche")
    def creer_tache(self, titre: str, assignee: str, echeance: date) -> None:
        self.menu("taches")
        self._champ("taches.titre").fill(titre)
        self._choisir("taches.assignee", assignee)
        self._champ("taches.echeance").fill(echeance.isoformat())
        self._soumettre(self._bouton("taches.enregistrer").first)

    def mes_taches(self) -> list[dict[str, str]]:
        self.menu("taches")
        self._lien("taches.mes_taches").first.click()
        self.page.wait_for_load_state("load")
        return self._tableau_commencant("taches.legende")

    def _tableau_commencant(self, cle: str) -> list[dict[str, str]]:
        """A table whose caption starts with the profile's words (a filter may add to it)."""
        tableau = self.page.get_by_role("table", name=re.compile("^" + re.escape(self.mot(cle))))
        if not tableau.count():
            return []
        return self._tableau_de(tableau.first)

    @ecriture("la clôture d'une tâche")
    def marquer_tache_faite(self, titre: str) -> None:
        nom = self.mot("taches.marquer_faite").replace("{titre}", titre)
        self._soumettre(self.page.get_by_role("button", name=nom, exact=True).first)

    def statut_tache(self, titre: str) -> str | None:
        for ligne in self.mes_taches():
            if ligne.get(self.mot("taches.colonne_titre")) == titre:
                return ligne.get(self.mot("taches.colonne_statut"))
        return None

    @ecriture("l'envoi d'un message")
    def envoyer_message(self, destinataire: str, objet: str, texte: str) -> None:
        self.menu("messagerie")
        self._lien("messagerie.nouveau").first.click()
        self.page.wait_for_load_state("load")
        self._choisir("messagerie.destinataire", destinataire)
        self._champ("messagerie.objet").fill(objet)
        self._champ("messagerie.message").fill(texte)
        self._soumettre(self._bouton("messagerie.envoyer").first)

    def messages_recus(self) -> list[dict[str, str]]:
        self.menu("messagerie")
        lignes = self._tableau("messagerie.legende_recus")
        objet, de = self.mot("messagerie.colonne_objet"), self.mot("messagerie.colonne_de")
        return [{"objet": ligne.get(objet, ""), "de": ligne.get(de, "")} for ligne in lignes]

    def se_connecter_ensuite(self, qui: str) -> None:
        """Another person takes the workstation: log out, then in as them."""
        self.se_deconnecter()
        self.se_connecter_habituellement(qui)

    # ----------------------------------------------------------------- import, export
    def exporter_patients(self) -> str:
        self.menu("import_export")
        with self.page.expect_download() as telechargement:
            self._lien("echanges.export_patients").first.click()
        chemin = telechargement.value.path()
        return Path(chemin).read_text(encoding="utf-8")

    @ecriture("l'import d'un fichier pivot")
    def importer_pivot(self, fichier: Path) -> list[dict[str, str]]:
        """Imports a patient pivot file; returns the rejected lines as {ligne, champ}."""
        self.menu("import_export")
        self._champ("echanges.fichier_pivot").set_input_files(str(fichier))
        self._soumettre(self._bouton("echanges.importer").first)
        ligne, champ = self.mot("echanges.colonne_ligne"), self.mot("echanges.colonne_champ")
        return [
            {"ligne": r.get(ligne, ""), "champ": r.get(champ, "")}
            for r in self._tableau("echanges.legende_rejets")
        ]

    # ---------------------------------------------------------------- audit, permissions
    def chercher_dans_audit(
        self, genre: str, objet: str, utilisateur: str = ""
    ) -> list[dict[str, str]]:
        """Entries of the audit trail of this kind about this object, read by the functional
        administrator (the only one allowed to read it)."""
        self._se_connecter_comme_role("administrateur fonctionnel")
        self.menu("audit")
        action = self.mot(f"audit.action_{genre}")
        colonne_action, colonne_objet = (
            self.mot("audit.colonne_action"),
            self.mot("audit.colonne_objet"),
        )
        colonne_utilisateur = self.mot("audit.colonne_utilisateur")
        return [
            ligne
            for ligne in self._tableau("audit.legende")
            if _normaliser(action) == _normaliser(ligne.get(colonne_action, ""))
            and _normaliser(objet) in _normaliser(ligne.get(colonne_objet, ""))
            and _normaliser(utilisateur) in _normaliser(ligne.get(colonne_utilisateur, ""))
        ]

    def se_connecter_habituellement(self, qui: str) -> None:
        """The way this person logs in every day: the CPS card when they have one."""
        compte = self.profil.compte(qui)
        self.se_connecter(qui, "carte" if compte.numero_carte else "mot de passe")

    def consulter_fonction(self, cle: str, patient: str) -> bool:
        """Tries to open a function (through the menu, else by its address, as a person with a
        bookmark would); True when the solution shows it, False when it refuses. Both are
        recognised positively: a page that is neither (an error, a blank or login page) raises
        ControleImpossible instead of counting as an opening or a refusal."""
        self._ouvrir_fonction(cle, patient, None)
        return self._fonction_ouverte(cle)

    def _ouvrir_fonction(self, cle: str, patient: str, moyen: str | None) -> None:
        if cle == "synthese":
            self._ouvrir_synthese(patient, moyen)
            return
        navigation = self.page.get_by_role("navigation")
        lien = navigation.get_by_role("link", name=self.mot(f"menu.{cle}"), exact=True)
        if moyen != "adresse" and lien.count():
            self._tentative = (cle, patient, "menu")
            lien.first.click()
            self.page.wait_for_load_state("load")
        else:
            self._tentative = (cle, patient, "adresse")
            self._aller(self.mot(f"adresses.{cle}"))

    # What shows that a function's screen is open, by the profile's words: any one suffices.
    # A main heading naming the function as its menu does is one sign for every screen.
    _ECRANS = {
        "patients": (("champ", "patients.recherche"), ("tableau", "patients.liste")),
        "synthese": (("titre", "synthese.antecedents"), ("titre", "synthese.traitements")),
        "consentement": (("titre", "consentement.section"),),
        "agenda": (("tableau", "agenda.legende"), ("champ", "agenda.date")),
        "taches": (("tableau_commencant", "taches.legende"), ("lien", "taches.mes_taches")),
        "messagerie": (("lien", "messagerie.nouveau"), ("tableau", "messagerie.legende_recus")),
        "audit": (("tableau", "audit.legende"),),
        "import_export": (
            ("lien", "echanges.export_patients"),
            ("champ", "echanges.fichier_pivot"),
        ),
        "habilitations": (("tableau", "habilitations.legende"),),
    }

    def _ecran_reconnu(self, cle: str) -> bool:
        signes = list(self._ECRANS.get(cle, ()))
        if cle != "synthese" and f"menu.{cle}" in self.profil.vocabulaire:
            signes.append(("titre_page", f"menu.{cle}"))
        contenu = self.page.get_by_role("main")
        zone = contenu.first if contenu.count() else self.page
        for genre, mot in signes:
            if genre == "titre_page":
                trouve = self.titre_page() == self.mot(mot)
            elif genre == "titre":
                trouve = zone.get_by_role("heading", name=self.mot(mot), exact=True).count() > 0
            elif genre == "tableau":
                trouve = zone.get_by_role("table", name=self.mot(mot), exact=True).count() > 0
            elif genre == "tableau_commencant":
                motif = re.compile("^" + re.escape(self.mot(mot)))
                trouve = zone.get_by_role("table", name=motif).count() > 0
            elif genre == "lien":
                trouve = zone.get_by_role("link", name=self.mot(mot), exact=True).count() > 0
            else:
                trouve = zone.get_by_label(_libelle(self.mot(mot))).count() > 0
            if trouve:
                return True
        return False

    def _champ_present(self, cle: str) -> bool:
        return self.page.get_by_label(_libelle(self.mot(cle))).count() > 0

    def _fonction_ouverte(self, cle: str) -> bool:
        refus, ouverte = self.acces_refuse(), self._ecran_reconnu(cle)
        if refus != ouverte:
            return ouverte
        raise ControleImpossible(
            f"après la demande de la fonction « {cle} », la page n'est reconnue ni comme "
            f"cette fonction ni comme la page de refus « {self.mot('refus.titre')} » "
            f"(titre de la page : « {self.titre_page() or 'aucun'} », "
            f"session {'ouverte' if self.est_connecte() else 'non reconnue'})."
        )

    # ------------------------------------------------------------ controls of negative checks
    @contextmanager
    def _comme(self, qui: str):
        """Borrows the workstation for a witness, then gives the session back to its user (with
        the same mode of login), so that steps after a control still act as that user."""
        compte, mode = self.compte, self.mode
        try:
            temoin = self.profil.compte(qui)
        except RecetteErreur as erreur:
            raise ControleImpossible(
                f"le témoin « {qui} » n'est pas un compte du profil."
            ) from erreur
        mode_temoin = "carte" if temoin.numero_carte else "mot de passe"
        if compte is not None and (temoin.nom, mode_temoin) == (compte.nom, mode):
            raise ControleImpossible(
                f"le témoin « {temoin.nom} » est l'utilisateur même dont on vérifie le refus, "
                f"connecté de la même façon."
            )
        try:
            self.se_deconnecter()
            try:
                self.se_connecter_habituellement(qui)
            except (OperationImpossible, RecetteErreur) as erreur:
                raise ControleImpossible(
                    f"le témoin « {qui} » ne peut pas se connecter ({erreur})."
                ) from erreur
            yield
        finally:
            self.se_deconnecter()
            if compte is not None:
                self.se_connecter(compte.nom, mode or "mot de passe")

    def controler_liste_lue(self, patient: str) -> None:
        """Proves that the last patient list read could have shown `patient`: its screen was
        recognised, and either its table was found with identity columns and other patients
        read from them, or (an empty result) the user's own patient list shows patients read
        the same way. Raises ControleImpossible otherwise."""
        lecture = self._lecture
        if lecture is None:
            raise ControleImpossible("aucune liste de patients n'a été lue.")
        if not lecture.ecran and not lecture.tableau:
            raise ControleImpossible(
                f"l'écran de la recherche de patients n'est pas reconnu (champ « "
                f"{self.mot('patients.recherche')} » absent, titre « {self.titre_page()} »)."
            )
        if lecture.tableau:
            self._controler_identites(lecture, patient)
            if any(not self._meme_patient(p["patient"], patient) for p in lecture.patients):
                return
        # An empty result shows no one: the same reader must see someone on this user's list.
        self.lister_patients()
        liste = self._lecture
        if not liste.tableau:
            raise ControleImpossible(
                f"la recherche ne montre aucun patient, et la liste « "
                f"{self.mot('patients.liste')} » de cet utilisateur n'est pas affichée : rien ne "
                f"prouve qu'il voit des patients."
            )
        self._controler_identites(liste, patient)
        if not any(not self._meme_patient(p["patient"], patient) for p in liste.patients):
            raise ControleImpossible(
                "la recherche ne montre aucun patient, ni la liste des patients de cet "
                "utilisateur : rien ne prouve qu'il voit des patients."
            )
        self._lecture = lecture

    def _controler_identites(self, lecture: _Lecture, patient: str) -> None:
        colonnes = [self.mot("patients.colonne_prenom"), self.mot("patients.colonne_nom")]
        manquantes = [c for c in colonnes if c not in lecture.entetes]
        if manquantes:
            raise ControleImpossible(
                f"les colonnes d'identité « {' », « '.join(manquantes)} » du profil ne sont pas "
                f"dans le tableau des patients (colonnes lues : {', '.join(lecture.entetes)}) : "
                f"aucun nom n'y est lisible, « {patient} » n'y serait pas reconnu."
            )
        vides = sum(1 for p in lecture.patients if not p["patient"].strip())
        if vides:
            raise ControleImpossible(
                f"{vides} ligne(s) sur {len(lecture.patients)} du tableau des patients sans "
                f"identité lisible."
            )

    def controler_patient_visible(self, patient: str, temoin: str | None) -> None:
        """Replays the last patient search as `temoin`, a professional who may see `patient`,
        and proves the same identity matcher finds them there."""
        lecture = self._lecture
        if lecture is None:
            raise ControleImpossible("aucune recherche de patients à rejouer.")
        if not temoin:
            raise ControleImpossible(
                f"aucun professionnel autorisé à voir « {patient} » n'est connu (médecin "
                f"traitant du jeu de référence) : rien ne prouve que la recherche l'aurait montré."
            )
        with self._comme(temoin):
            genre, *arguments = lecture.operation
            if genre == "recherche":
                vus = self._rechercher(arguments[0])
            elif genre == "avancee":
                vus = self.recherche_avancee(arguments[0])
            else:
                self.lister_patients()
                vus = self._lecture.patients
            if not any(self._meme_patient(p["patient"], patient) for p in vus):
                raise ControleImpossible(
                    f"« {temoin} », qui peut voir « {patient} », ne le trouve pas non plus par "
                    f"la même opération ({len(vus)} patient(s) lu(s)) : l'absence ne prouve rien."
                )
        self._lecture = lecture

    def premier_compte(self, roles: list[str]) -> str:
        """The first account of the profile holding one of these roles ("" when none does)."""
        for role in roles:
            for compte in self.profil.comptes:
                if compte.role.casefold() == role.casefold():
                    return compte.nom
        return ""

    def controler_acces_ouvert(self, temoin: str) -> None:
        """Replays the last refused attempt (same function, same patient, same means: menu,
        link or address) as `temoin`, who may use that function, and proves its screen opens:
        a refusal counts only if the same request can succeed."""
        if self._tentative is None:
            raise ControleImpossible("aucune tentative d'accès à rejouer.")
        if not temoin:
            raise ControleImpossible(
                "aucun compte du profil n'a le droit d'ouvrir cette fonction : rien ne prouve "
                "que la demande refusée aurait pu aboutir."
            )
        cle, patient, moyen = self._tentative
        with self._comme(temoin):
            self._ouvrir_fonction(cle, patient, moyen)
            if self.acces_refuse() or not self._ecran_reconnu(cle):
                raise ControleImpossible(
                    f"la même demande ({cle}, par {moyen}) faite par « {temoin} », qui y a droit, "
                    f"n'ouvre pas non plus la fonction (titre de la page : « "
                    f"{self.titre_page() or 'aucun'} ») : le refus ne prouve rien."
                )
        self._tentative = (cle, patient, moyen)

    def controler_refus_de_connexion(self) -> None:
        """A refused login is seen, not assumed: the login form is shown again, and the same
        account with its right secret opens a session the bench recognises (then closes it)."""
        if self._connexion_tentee is None:
            raise ControleImpossible("aucune connexion n'a été tentée.")
        qui, mode = self._connexion_tentee
        champ = "connexion.code_pin" if mode == "carte" else "connexion.mot_de_passe"
        if not self._champ_present(champ):
            raise ControleImpossible(
                f"après le refus, le formulaire de connexion n'est plus affiché (champ « "
                f"{self.mot(champ)} » absent, titre de la page : « {self.titre_page()} »)."
            )
        self.tenter_connexion(qui, mode)
        if not self.est_connecte():
            raise ControleImpossible(
                f"la même connexion de « {qui} » ({mode}) avec le bon secret n'est pas reconnue "
                f"non plus (élément « {self.mot('connexion.deconnexion')} » absent) : le refus "
                f"ne prouve rien."
            )
        self.se_deconnecter()

    def controler_formulaire_affiche(self, ecran: str) -> None:
        """A refused save is seen positively: its form is still on screen, with its button."""
        cle = {"patient": "patients.enregistrer", "rendez-vous": "agenda.enregistrer"}[ecran]
        if not self._bouton(cle).count():
            raise ControleImpossible(
                f"le formulaire ({ecran}) n'est plus affiché (bouton « {self.mot(cle)} » absent, "
                f"titre de la page : « {self.titre_page() or 'aucun'} ») : on ne sait pas ce que "
                f"la solution a fait de la saisie."
            )

    def lire_habilitations(self) -> dict[str, dict[str, str]]:
        """{role: {function key: right key}} as the solution shows its matrix."""
        self.menu("habilitations")
        fonctions = {
            v: k.split(".")[-1]
            for k, v in self.profil.vocabulaire.items()
            if k.startswith("habilitations.fonctions.")
        }
        droits = {
            v: k.split(".")[-1]
            for k, v in self.profil.vocabulaire.items()
            if k.startswith("habilitations.droits.")
        }
        matrice = {}
        for ligne in self._tableau("habilitations.legende"):
            role = ligne.get(self.mot("habilitations.colonne_role"), "")
            matrice[role] = {
                fonctions[entete]: droits.get(valeur, valeur)
                for entete, valeur in ligne.items()
                if entete in fonctions
            }
        return matrice
