# language: fr
@domaine:coordination @manuel
Fonctionnalité: Coordination des soins autour du patient
  Fiches de suivi, protocoles, prévention, formulaires et courriers : les référents de la
  structure vérifient qu'ils servent leur pratique, sur des patients fictifs.

  @EXG-COO-01 @priorite:1 @profession:médecin-généraliste @profession:infirmier
  Scénario: Le médecin ouvre la fiche de suivi du diabète d'un patient
    Étant donné un patient fictif diabétique de type 2 suivi par un médecin et une infirmière
    Quand j'ouvre la fiche de suivi « diabète » du patient
    Alors je vois les informations relatives à la maladie, l'aide-mémoire, les bonnes pratiques et le schéma du protocole de prise en charge
    Quand l'infirmière ouvre la même fiche sur son poste
    Alors elle voit les mêmes informations, à jour

  @EXG-COO-02 @priorite:2 @profession:administrateur-fonctionnel @profession:infirmier
  Scénario: Un patient inscrit dans un protocole montre à chacun ses étapes
    Étant donné un protocole « insuffisance cardiaque » paramétré par l'administrateur fonctionnel avec une étape pour le médecin et une pour l'infirmière
    Quand le médecin inscrit un patient fictif dans ce protocole
    Alors l'infirmière voit dans le dossier du patient l'étape qui lui revient, et pas celle du médecin

  @EXG-COO-03 @priorite:3 @profession:médecin-généraliste
  Scénario: Un plan de prévention personnalisé est établi puis suivi
    Étant donné un patient fictif de 55 ans fumeur
    Quand j'établis pour lui un plan de prévention avec un sevrage tabagique et un dépistage
    Alors le plan figure dans son dossier avec ses échéances
    Quand l'infirmière marque le dépistage comme réalisé
    Alors le plan montre le dépistage réalisé, daté et signé de l'infirmière

  @EXG-COO-04 @priorite:2 @profession:infirmier
  Scénario: Les aide-mémoires de prévention du patient sont à jour
    Étant donné un patient fictif dont le rappel de vaccination contre le tétanos est dû
    Quand j'ouvre le dossier du patient
    Alors l'aide-mémoire des vaccinations indique le rappel dû et sa date

  @EXG-COO-05 @priorite:2 @profession:administrateur-fonctionnel @profession:diététicien
  Scénario: Un formulaire créé par l'administrateur se remplit dans le dossier du patient
    Étant donné que l'administrateur fonctionnel a créé un formulaire « bilan diététique » réservé aux diététiciens
    Quand la diététicienne remplit ce formulaire dans le dossier d'un patient fictif
    Alors le formulaire rempli figure dans le dossier, daté et signé
    Et une infirmière ne se voit pas proposer ce formulaire

  @EXG-COO-06 @priorite:3 @profession:médecin-généraliste
  Scénario: Un courrier au spécialiste se génère depuis le dossier et s'imprime
    Étant donné le modèle de courrier « adressage au cardiologue » paramétré pour les médecins
    Quand je génère ce courrier depuis le dossier d'un patient fictif et que je l'imprime
    Alors le courrier imprimé porte l'identité du patient, ses antécédents et mes coordonnées, sans champ vide ni code de fusion

  @EXG-COO-07 @priorite:1 @profession:médecin-généraliste @profession:pharmacien
  Scénario: Chaque intervenant voit l'équipe de soins du patient
    Étant donné un patient fictif dont le médecin traitant, l'infirmière et le pharmacien sont désignés dans le dossier
    Quand le pharmacien ouvre le dossier du patient
    Alors il voit le médecin traitant identifié comme tel et les autres professionnels qui interviennent
