"""The anomaly register: numbering, deduplication, lifecycle, deadlines, durability, signatures."""

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recette.anomalies import (
    Registre,
    identite_scenario,
    normaliser_etape,
    normaliser_message,
    preuves_allure,
    signature,
    signature_resultat,
)
from recette.contrat import Gravite, charger_contrat
from recette.erreurs import RecetteErreur, RegistreAnomaliesErreur
from recette.resultats import Resultat
from recette.verdicts import StatutAnomalie

PARIS = ZoneInfo("Europe/Paris")
RACINE = Path(__file__).resolve().parents[2]
FIXTURES = RACINE / "fixtures"
CONTRAT = charger_contrat(FIXTURES)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def resultat(
    nom="Le médecin consulte la synthèse",
    statut="failed",
    message="AssertionError: 3 allergies attendues, 2 trouvées sur http://127.0.0.1:53211/p/42",
    etape="Alors je vois ses antécédents, ses allergies et ses traitements en cours",
    priorite=1,
    uuid="u-1",
    parametres=(),
) -> Resultat:
    return Resultat(
        uuid=uuid,
        nom=nom,
        nom_complet=f"dossier-patient/synthese.feature:{nom}",
        statut=statut,
        exigences=("EXG-DP-04",),
        domaine="dossier-patient",
        priorite=priorite,
        tags=("EXG-DP-04", f"priorite:{priorite}"),
        message=message if statut != "passed" else "",
        etape_en_echec=etape if statut != "passed" else None,
        debut=None,
        fin=None,
        parametres=parametres,
    )


@pytest.fixture
def registre(tmp_path):
    with Registre(tmp_path / "recette.sqlite", CONTRAT) as registre:
        yield registre


# Christmas Eve 2026, 10:00: the day of the acceptance example of tests/test_delais.py.
VEILLE_DE_NOEL = paris(2026, 12, 24, 10, 0)


def enregistrer(registre, seance, resultats, quand=VEILLE_DE_NOEL):
    return registre.enregistrer_seance(seance, "va", "demo-a", "http://demo", resultats, quand)


# --- numbering --------------------------------------------------------------------------------


def test_numerotation_par_annee_de_paris(registre):
    fin_2026 = [resultat(nom="A", uuid="a"), resultat(nom="B", uuid="b")]
    bilan = enregistrer(registre, "VA-1", fin_2026, paris(2026, 12, 31, 23, 30))
    assert bilan.nouvelles == ("ANO-2026-0001", "ANO-2026-0002")
    # 1 January 2027 at 00:30 in Paris is still 2026 in UTC: the year is the Paris one.
    bilan = enregistrer(registre, "VA-2", [resultat(nom="C", uuid="c")], paris(2027, 1, 1, 0, 30))
    assert bilan.nouvelles == ("ANO-2027-0001",)
    bilan = enregistrer(registre, "VA-3", [resultat(nom="D", uuid="d")], paris(2027, 1, 2))
    assert bilan.nouvelles == ("ANO-2027-0002",)
    assert [a.numero for a in registre.lister()] == [
        "ANO-2026-0001",
        "ANO-2026-0002",
        "ANO-2027-0001",
        "ANO-2027-0002",
    ]


def test_nouvelle_anomalie_proposee_selon_la_priorite(registre):
    enregistrer(
        registre, "VA-1", [resultat(nom="P1", priorite=1), resultat(nom="P2", priorite=2, uuid="2")]
    )
    p1, p2 = registre.lister()
    assert (p1.statut, p1.gravite_proposee, p1.gravite_qualifiee) == (
        StatutAnomalie.OUVERTE,
        Gravite.BLOQUANTE,
        None,
    )
    assert p2.gravite_proposee is Gravite.NON_BLOQUANTE
    assert p1.titre == "P1" and p1.exigences == ("EXG-DP-04",)
    assert p1.attendu.startswith("L'étape « Alors je vois ses antécédents")
    assert "3 allergies attendues" in p1.observe
    creation = registre.voir(p1.numero).historique[0]
    assert (creation.action, creation.auteur, creation.vers) == (
        "création",
        "banc",
        StatutAnomalie.OUVERTE,
    )
    assert "gravité proposée : bloquante (exigence de priorité 1)" in creation.commentaire


# --- deduplication ----------------------------------------------------------------------------


def test_meme_echec_dans_deux_seances_ajoute_une_occurrence(registre):
    premier = enregistrer(registre, "VA-1", [resultat(uuid="r1")])
    # The same fault on another day: another port, other counts, other id in the message.
    autre_jour = resultat(
        uuid="r2",
        message="AssertionError: 4 allergies attendues, 1 trouvées sur http://127.0.0.1:60001/p/77",
    )
    second = registre.enregistrer_seance(
        "VA-2",
        "va",
        "demo-a",
        "http://demo",
        [autre_jour],
        paris(2026, 12, 28, 9, 0),
        preuves={"r2": ["preuves/synthese/trace.zip"]},
    )
    assert premier.nouvelles == ("ANO-2026-0001",)
    assert (second.nouvelles, second.recurrentes) == ((), ("ANO-2026-0001",))
    assert len(registre.lister()) == 1
    fiche = registre.voir("ano-2026-0001")
    assert fiche.anomalie.nombre_echecs == 2
    assert [(o.seance, o.resultat, o.statut) for o in fiche.occurrences] == [
        ("VA-1", "r1", "failed"),
        ("VA-2", "r2", "failed"),
    ]
    assert fiche.occurrences[1].preuves == ("preuves/synthese/trace.zip",)


def test_une_autre_etape_ou_une_autre_ligne_d_exemples_est_une_autre_anomalie(registre):
    enregistrer(
        registre,
        "VA-1",
        [
            resultat(uuid="1"),
            resultat(uuid="2", etape="Et je vois son médecin traitant parmi ses correspondants"),
            resultat(uuid="3", parametres=(("profil", "infirmier"),)),
        ],
    )
    assert len(registre.lister()) == 3


def test_une_seance_enregistree_deux_fois_n_ajoute_rien(registre):
    enregistrer(registre, "VA-1", [resultat()])
    bilan = enregistrer(registre, "VA-1", [resultat(), resultat(nom="Autre", uuid="x")])
    assert bilan.deja_enregistree and bilan.nouvelles == ()
    assert len(registre.lister()) == 1
    assert registre.voir("ANO-2026-0001").anomalie.nombre_echecs == 1
    assert [s.id for s in registre.seances()] == ["VA-1"]


def test_echec_identique_a_une_anomalie_rejetee_ouvre_une_nouvelle_anomalie(registre):
    enregistrer(registre, "VA-1", [resultat()])
    registre.rejeter("ANO-2026-0001", "Jeu d'essai erroné.", paris(2026, 12, 24, 11), "MOA")
    bilan = enregistrer(registre, "VA-2", [resultat(uuid="r2")], paris(2026, 12, 28))
    assert bilan.nouvelles == ("ANO-2026-0002",)
    creation = registre.voir("ANO-2026-0002").historique[0]
    assert "Même signature que ANO-2026-0001" in creation.commentaire


def test_l_occurrence_d_un_doublon_va_a_l_anomalie_d_origine(registre):
    enregistrer(registre, "VA-1", [resultat(uuid="1"), resultat(uuid="2", etape="Et autre")])
    registre.marquer_doublon("ANO-2026-0002", "ANO-2026-0001", paris(2026, 12, 24, 11), "MOA")
    bilan = enregistrer(
        registre, "VA-2", [resultat(uuid="3", etape="Et autre")], paris(2026, 12, 28)
    )
    assert (bilan.nouvelles, bilan.recurrentes) == ((), ("ANO-2026-0001",))
    assert registre.voir("ANO-2026-0002").anomalie.reference == "ANO-2026-0001"


# --- verification proposed, never decided by the bench ----------------------------------------


def test_scenario_de_nouveau_reussi_propose_verifiee(registre):
    enregistrer(registre, "VA-1", [resultat(uuid="r1")])
    bilan = enregistrer(
        registre, "VA-2", [resultat(statut="passed", uuid="r2")], paris(2026, 12, 28)
    )
    assert bilan.proposees_verifiees == ("ANO-2026-0001",)
    fiche = registre.voir("ANO-2026-0001")
    # Proposed, not decided: the status stays until a person verifies.
    assert fiche.anomalie.statut is StatutAnomalie.OUVERTE
    assert fiche.anomalie.verification_proposee == "VA-2"
    assert fiche.historique[-1].action == "proposée vérifiée"
    assert fiche.occurrences[-1].statut == "passed"
    # Passing again does not repeat the proposal; failing again withdraws it.
    assert (
        enregistrer(registre, "VA-3", [resultat(statut="passed", uuid="r3")]).proposees_verifiees
        == ()
    )
    enregistrer(registre, "VA-4", [resultat(uuid="r4")], paris(2026, 12, 29))
    fiche = registre.voir("ANO-2026-0001")
    assert fiche.anomalie.verification_proposee is None
    assert fiche.historique[-1].action == "proposition de vérification retirée"


def test_echec_et_reussite_dans_la_meme_seance_ne_proposent_rien(registre):
    enregistrer(registre, "VA-1", [resultat(uuid="r1")])
    rejeu = [resultat(uuid="r2"), resultat(statut="passed", uuid="r3")]
    assert enregistrer(registre, "VA-2", rejeu).proposees_verifiees == ()


# --- lifecycle --------------------------------------------------------------------------------


def test_transition_interdite_refusee_en_francais(registre):
    enregistrer(registre, "VA-1", [resultat()])
    with pytest.raises(RegistreAnomaliesErreur) as erreur:
        registre.changer_statut("ANO-2026-0001", "vérifiée", paris(2026, 12, 24, 11), "MOA")
    assert isinstance(erreur.value, RecetteErreur)
    assert erreur.value.message == (
        "L'anomalie ANO-2026-0001 ne peut pas passer du statut « ouverte » au statut « vérifiée » "
        "(depuis « ouverte », statuts possibles : qualifiée, transmise, rejetée, doublon)."
    )
    # Nothing was written by the refused change.
    assert len(registre.voir("ANO-2026-0001").historique) == 1
    registre.rejeter("ANO-2026-0001", "Comportement conforme.", paris(2026, 12, 24, 12), "MOA")
    with pytest.raises(RegistreAnomaliesErreur, match="« rejetée » est un statut final"):
        registre.qualifier("ANO-2026-0001", "bloquante", paris(2026, 12, 24, 13), "MOA")


def test_cycle_complet_date_et_signe(registre):
    enregistrer(registre, "VA-1", [resultat(priorite=2)])
    n = "ANO-2026-0001"
    registre.qualifier(n, "bloquante", paris(2026, 12, 24, 11), "Dr Martin", "Bloque le cabinet.")
    registre.transmettre(n, paris(2026, 12, 24, 16), "Chef de projet MOA")
    registre.changer_statut(n, "contournée", paris(2026, 12, 24, 18), "éditeur")
    registre.changer_statut(n, "corrigée", paris(2026, 12, 29, 10), "éditeur")
    registre.changer_statut(n, "transmise", paris(2026, 12, 29, 15), "MOA", "Toujours en échec.")
    registre.changer_statut(n, "corrigée", paris(2026, 12, 30, 9), "éditeur")
    registre.changer_statut(n, "vérifiée", paris(2026, 12, 30, 11), "Dr Martin")
    fin = registre.changer_statut(n, "close", paris(2026, 12, 31, 9), "MOA")
    assert fin.statut is StatutAnomalie.CLOSE and fin.gravite is Gravite.BLOQUANTE
    historique = registre.voir(n).historique
    assert [(h.action, h.auteur) for h in historique] == [
        ("création", "banc"),
        ("qualification", "Dr Martin"),
        ("transmission", "Chef de projet MOA"),
        ("contournement", "éditeur"),
        ("correction", "éditeur"),
        ("correction refusée", "MOA"),
        ("correction", "éditeur"),
        ("vérification", "Dr Martin"),
        ("clôture", "MOA"),
    ]
    assert historique[5].date == paris(2026, 12, 29, 15)
    assert "Toujours en échec." in historique[5].commentaire
    # The refused fix does not restart the deadlines.
    assert fin.transmise_le == paris(2026, 12, 24, 16)


def test_rejet_sans_motif_et_doublon_sans_reference_refuses(registre):
    enregistrer(registre, "VA-1", [resultat()])
    with pytest.raises(RegistreAnomaliesErreur, match="demande un motif"):
        registre.changer_statut("ANO-2026-0001", "rejetée", paris(2026, 12, 24, 11), "MOA")
    with pytest.raises(RegistreAnomaliesErreur, match="demande le numéro"):
        registre.changer_statut("ANO-2026-0001", "doublon", paris(2026, 12, 24, 11), "MOA")
    with pytest.raises(RegistreAnomaliesErreur, match="introuvable"):
        registre.marquer_doublon("ANO-2026-0001", "ANO-2026-0099", paris(2026, 12, 24), "MOA")
    with pytest.raises(RegistreAnomaliesErreur, match="nommer son auteur"):
        registre.qualifier("ANO-2026-0001", "bloquante", paris(2026, 12, 24, 11), " ")
    with pytest.raises(RegistreAnomaliesErreur, match="fuseau horaire"):
        registre.qualifier("ANO-2026-0001", "bloquante", datetime(2026, 12, 24, 11), "MOA")


# --- deadlines --------------------------------------------------------------------------------


def test_echeances_d_une_bloquante_transmise_la_veille_de_noel(registre):
    enregistrer(registre, "VA-1", [resultat(priorite=1)], paris(2026, 12, 24, 9, 0))
    n = "ANO-2026-0001"
    registre.qualifier(n, "bloquante", paris(2026, 12, 24, 10, 0), "MOA")
    anomalie = registre.transmettre(n, paris(2026, 12, 24, 16, 0), "MOA")
    # Fixture: 4 clock hours to a workaround; 3 working days to the fix, Christmas and the
    # weekend skipped (see tests/test_delais.py for the arithmetic).
    assert anomalie.echeance_contournement == paris(2026, 12, 24, 20, 0)
    assert anomalie.echeance_correction == paris(2026, 12, 30, 16, 0)
    assert "jeudi 24 décembre 2026 à 20 h 00" in registre.voir(n).historique[-1].commentaire
    assert not anomalie.en_retard(paris(2026, 12, 24, 20, 0))
    assert anomalie.retards(paris(2026, 12, 24, 20, 1)) == ("contournement",)
    contournee = registre.changer_statut(n, "contournée", paris(2026, 12, 24, 19, 30), "éditeur")
    assert contournee.retards(paris(2026, 12, 30, 16, 0)) == ()
    assert contournee.retards(paris(2026, 12, 31, 9, 0)) == ("correction",)
    corrigee = registre.changer_statut(n, "corrigée", paris(2026, 12, 31, 8, 0), "éditeur")
    # Delivered late stays late, whenever one looks.
    assert corrigee.retards(paris(2027, 2, 1)) == ("correction",)


def test_transmise_sans_qualification_retient_la_gravite_proposee(registre):
    enregistrer(registre, "VA-1", [resultat(priorite=3)])
    anomalie = registre.transmettre("ANO-2026-0001", paris(2026, 12, 24, 16, 0), "MOA")
    assert anomalie.gravite_qualifiee is Gravite.NON_BLOQUANTE
    assert anomalie.echeance_contournement is None
    assert "Gravité proposée retenue" in registre.voir("ANO-2026-0001").historique[-1].commentaire


# --- facts for the verdict --------------------------------------------------------------------


def test_faits_pour_le_verdict(registre):
    enregistrer(registre, "VA-1", [resultat(priorite=1), resultat(nom="B", uuid="b", priorite=2)])
    registre.qualifier("ANO-2026-0001", "non bloquante", paris(2026, 12, 24, 11), "MOA")
    faits = {f.numero: f for f in registre.faits()}
    assert faits["ANO-2026-0001"].gravite is Gravite.NON_BLOQUANTE
    assert faits["ANO-2026-0002"].statut is StatutAnomalie.OUVERTE
    assert faits["ANO-2026-0002"].domaine == "dossier-patient"
    assert faits["ANO-2026-0002"].priorite == 2
    assert faits["ANO-2026-0001"].ouverte_le == paris(2026, 12, 24, 10, 0)
    assert registre.faits(phase="vsr") == []
    assert [a.numero for a in registre.lister(statut="qualifiée")] == ["ANO-2026-0001"]
    assert [a.numero for a in registre.lister(ouvertes=False)] == []


# --- the file ---------------------------------------------------------------------------------


def test_schema_versionne_et_mode_wal(tmp_path):
    chemin = tmp_path / "recette.sqlite"
    Registre(chemin, CONTRAT).fermer()
    migrations = sorted(
        p.stem for p in (RACINE / "recette" / "modeles" / "migrations").glob("0*.py")
    )
    with sqlite3.connect(chemin) as cx:
        assert cx.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        appliquees = cx.execute(
            "SELECT name FROM django_migrations WHERE app = 'recette' ORDER BY name"
        ).fetchall()
        assert [n for (n,) in appliquees] == migrations
        # As if a newer bench had migrated the file.
        cx.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('recette', '9999_futur', '2027-01-01')"
        )
    cx.close()
    with pytest.raises(RegistreAnomaliesErreur, match="version plus récente"):
        Registre(chemin, CONTRAT)
    autre = tmp_path / "autre.sqlite"
    with sqlite3.connect(autre) as cx:
        cx.execute("CREATE TABLE t (x)")
    cx.close()
    with pytest.raises(RegistreAnomaliesErreur, match="autre base"):
        Registre(autre, CONTRAT)


ECRIVAIN = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from recette.anomalies import registre as module
    from recette.contrat import charger_contrat
    from recette.resultats import Resultat

    chemin, fixtures, arret = sys.argv[1], sys.argv[2], int(sys.argv[3])
    registre = module.Registre(chemin, charger_contrat(Path(fixtures)))
    original = module.Registre._ajouter_occurrence
    appels = 0

    def puis_attendre(self, *args, **kwargs):
        # Stops inside a séance's transaction, rows already written, for the parent to kill.
        global appels
        original(self, *args, **kwargs)
        appels += 1
        if appels == arret:
            print("dans-la-transaction", flush=True)
            time.sleep(120)

    module.Registre._ajouter_occurrence = puis_attendre
    for n in range(10_000):
        resultats = [
            Resultat(
                uuid=f"{n}-{i}", nom=f"S{i % 40}", nom_complet=f"f.feature:S{i % 40}",
                statut="passed" if (i + n) % 4 == 0 else "failed", exigences=("EXG-X-01",),
                domaine="d", priorite=1 + i % 3, tags=(), message=f"Erreur {n} ({i % 7})",
                etape_en_echec=f"Alors {i % 5}", debut=None, fin=None, parametres=(),
            )
            for i in range(60)
        ]
        quand = datetime(2026, 3, 2, tzinfo=ZoneInfo("Europe/Paris")) + timedelta(minutes=n)
        registre.enregistrer_seance(f"VA-{n:05d}", "va", "demo", "http://demo", resultats, quand)
        print(f"seance VA-{n:05d}", flush=True)
    """
)


def test_processus_tue_en_pleine_ecriture_laisse_un_registre_coherent(tmp_path):
    chemin = tmp_path / "recette.sqlite"
    processus = subprocess.Popen(
        [sys.executable, "-c", ECRIVAIN, str(chemin), str(FIXTURES), "300"],
        stdout=subprocess.PIPE,
        text=True,
    )
    ecrites = []
    try:
        for ligne in processus.stdout:
            if ligne.startswith("seance "):
                ecrites.append(ligne.split()[1])
            if ligne.strip() == "dans-la-transaction":
                break
        else:
            pytest.fail("l'écrivain s'est arrêté sans atteindre le point d'arrêt")
        processus.send_signal(signal.SIGKILL)
    finally:
        processus.kill()
        processus.wait(timeout=30)
    assert processus.returncode == -signal.SIGKILL
    assert len(ecrites) >= 2

    cx = sqlite3.connect(chemin)
    assert cx.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert cx.execute("PRAGMA foreign_key_check").fetchall() == []
    # Exactly the séances whose commit was reported, nothing of the one being written.
    seances = [s for (s,) in cx.execute("SELECT id FROM recette_seance ORDER BY id")]
    assert seances == ecrites
    orphelines = cx.execute(
        "SELECT count(*) FROM recette_occurrence"
        " WHERE seance_id NOT IN (SELECT id FROM recette_seance)"
    ).fetchone()[0]
    assert orphelines == 0
    # Each séance's counters agree with the failures recorded for it.
    for seance, compteurs in cx.execute("SELECT id, compteurs FROM recette_seance"):
        echecs = cx.execute(
            "SELECT count(*) FROM recette_occurrence WHERE seance_id = ? AND statut = 'failed'",
            (seance,),
        ).fetchone()[0]
        assert echecs == json.loads(compteurs)["echoues"]
    # Every anomaly was created whole: numbered without gap, with its first failure and history.
    rangs = [r for (r,) in cx.execute("SELECT rang FROM recette_anomalie ORDER BY rang")]
    assert rangs == list(range(1, len(rangs) + 1))
    incompletes = cx.execute(
        "SELECT count(*) FROM recette_anomalie a"
        " WHERE NOT EXISTS (SELECT 1 FROM recette_occurrence o WHERE o.anomalie_id = a.numero"
        " AND o.statut = 'failed' AND o.seance_id = a.seance_origine_id)"
        " OR NOT EXISTS (SELECT 1 FROM recette_evenement h WHERE h.anomalie_id = a.numero"
        " AND h.action = 'création')"
    ).fetchone()[0]
    assert incompletes == 0
    cx.close()

    # And the register is usable again at once: the killed writer's lock is gone.
    with Registre(chemin, CONTRAT) as registre:
        bilan = enregistrer(registre, "VA-apres", [resultat()], paris(2026, 3, 3))
        assert bilan.nouvelles


# --- evidence ---------------------------------------------------------------------------------


def test_preuves_allure_relatives_a_la_seance(tmp_path):
    resultats = tmp_path / "allure-results"
    resultats.mkdir()
    (tmp_path / "preuves" / "s").mkdir(parents=True)
    (tmp_path / "preuves" / "s" / "trace.zip").write_bytes(b"x")
    (resultats / "u1-result.json").write_text(
        '{"uuid": "u1", "attachments": [{"name": "c", "source": "a1-attachment.png"}],'
        ' "steps": [{"attachments": [{"source": "a2-attachment.txt"}]}],'
        ' "links": [{"url": "preuves/s/trace.zip"}, {"url": "https://exemple.fr"},'
        ' {"url": "preuves/absente.png"}]}',
        encoding="utf-8",
    )
    assert preuves_allure(tmp_path) == {
        "u1": (
            "allure-results/a1-attachment.png",
            "allure-results/a2-attachment.txt",
            "preuves/s/trace.zip",
        )
    }


# --- signatures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "attendu"),
    [
        (
            "Timeout 5000ms exceeded waiting for http://localhost:53211/patients",
            "Timeout <n>ms exceeded waiting for http://localhost/patients",
        ),
        ("patient 3fa85f64-5717-4562-b3fc-2c963f66afa6 introuvable", "patient <id> introuvable"),
        ("créé le 2026-12-24T16:00:05+01:00", "créé le <date><heure>"),
        ("rendez-vous du 24/12/2026 à 16 h 00", "rendez-vous du <date> à <heure>"),
        ("à 09:30:00.123Z puis 9:31", "à <heure> puis <heure>"),
        (
            "objet 0x7f3a2b, empreinte deadbeef12 ; mot abcdefgh",
            "objet <hex>, empreinte <hex> ; mot abcdefgh",
        ),
        ("\x1b[31mErreur\x1b[0m :\n\t  19   trouvés ", "Erreur : <n> trouvés"),
        ("id42 et 3,5 s", "id<n> et <n> s"),
        ("", ""),
    ],
)
def test_normaliser_message(message, attendu):
    assert normaliser_message(message) == attendu


def test_normaliser_etape_et_identite():
    assert normaliser_etape("  Alors   je vois\n ses allergies ") == "Alors je vois ses allergies"
    assert normaliser_etape(None) == ""
    assert identite_scenario("f.feature:Titre") == "f.feature:Titre"
    assert (
        identite_scenario("f.feature:Titre", (("profil", "médecin"), ("fonction", "agenda")))
        == "f.feature:Titre [profil=médecin, fonction=agenda]"
    )


def test_signature_stable_sur_ce_qui_varie_d_une_execution_a_l_autre():
    base = signature("f:S", "Alors X", "Attendu 3, trouvé 2 à 16:00 sur http://h:5000/p/1")
    assert base == signature("f:S", "Alors  X", "Attendu 4, trouvé 1 à 17:12 sur http://h:6001/p/9")
    assert len(base) == 64 and int(base, 16) >= 0
    assert base != signature("f:S", "Alors Y", "Attendu 3, trouvé 2 à 16:00 sur http://h:5000/p/1")
    assert base != signature("f:T", "Alors X", "Attendu 3, trouvé 2 à 16:00 sur http://h:5000/p/1")
    assert base != signature("f:S", "Alors X", "Refusé à 16:00 sur http://h:5000/p/1")


def test_signature_d_un_resultat_compte_les_valeurs_d_exemple():
    medecin = resultat(parametres=(("profil", "médecin"),))
    assert signature_resultat(medecin) != signature_resultat(
        replace(medecin, parametres=(("profil", "infirmier"),))
    )
    assert signature_resultat(medecin) == signature_resultat(replace(medecin, uuid="autre"))
