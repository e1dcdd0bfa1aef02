# language: fr
@domaine:dossier-patient @manuel
Fonctionnalité: Dossier médical et synthèse tenus par l'équipe de soins
  La campagne automatisée de la solution de démonstration ne joue pas encore la saisie médicale :
  les référents la vérifient à la main, à deux postes, comme en consultation.

  @EXG-DP-07 @priorite:1 @profession:médecin-généraliste @profession:infirmier
  Scénario: Une allergie ajoutée par le médecin est aussitôt visible de l'infirmière
    Étant donné un patient fictif suivi par un médecin et une infirmière de la structure
    Et que le médecin et l'infirmière sont connectés chacun sur son poste avec sa carte CPS
    Quand le médecin ajoute une allergie à la pénicilline à la synthèse du patient
    Alors l'allergie figure dans la synthèse, datée du jour et signée du médecin
    Quand l'infirmière ouvre la synthèse du même patient sur son poste
    Alors elle voit l'allergie à la pénicilline sans avoir à recharger autre chose que la fiche

  @EXG-DP-08 @priorite:2 @profession:médecin-généraliste
  Scénario: La synthèse réunit toutes les rubriques attendues
    Étant donné un patient fictif dont le dossier repris comporte des antécédents familiaux, une maladie chronique, un résultat d'examen et une ordonnance
    Quand j'ouvre la synthèse du patient
    Alors je retrouve les antécédents familiaux, les pathologies chroniques, les résultats d'examens, les problèmes en cours et les ordonnances, chacun dans sa rubrique

  @EXG-DP-09 @priorite:1 @profession:infirmier @profession:médecin-généraliste
  Scénario: Chaque professionnel saisit sa prise en charge dans le dossier de soins
    Étant donné un patient fictif suivi par une infirmière et un médecin
    Quand l'infirmière saisit un soin de pansement avec son observation
    Alors le soin apparaît dans le dossier de soins du patient, daté et signé de l'infirmière
    Quand le médecin saisit sa consultation du jour dans le même dossier
    Alors les deux prises en charge figurent dans l'historique du patient, chacune sous le nom de son auteur

  @EXG-DP-11 @priorite:2 @profession:secrétaire-médicale
  Scénario: La création d'un doublon de patient est signalée avant l'enregistrement
    Étant donné un patient fictif « Claire Martin » née le 12/03/1958 déjà enregistré
    Quand je crée un nouveau dossier au nom de Claire Martin née le 12/03/1958
    Alors la solution me signale le dossier existant avant d'enregistrer
    Et je peux ouvrir le dossier existant au lieu d'en créer un second

  @EXG-DP-12 @priorite:1 @profession:secrétaire-médicale
  Scénario: L'identité INS d'un patient est récupérée et qualifiée
    Étant donné un patient fictif de l'environnement de test du téléservice INSi et sa carte Vitale de test
    Quand je recherche l'INS du patient par le téléservice depuis son dossier administratif
    Alors la solution affiche l'INS et les traits d'identité renvoyés par le téléservice
    Et l'identité du patient passe au statut « identité qualifiée » après vérification de sa pièce d'identité
    Et l'attestation de référencement INS remise par le prestataire est jointe au cahier

  @EXG-DP-13 @priorite:1 @profession:médecin-généraliste
  Scénario: La prescription est contrôlée par l'aide à la prescription certifiée
    Étant donné un patient fictif allergique à la pénicilline
    Quand je prescris de l'amoxicilline à ce patient
    Alors la solution m'alerte de l'allergie avant que je valide l'ordonnance
    Et le certificat HAS du logiciel d'aide à la prescription, remis par le prestataire, est en cours de validité
