# language: fr
@domaine:echanges @manuel
Fonctionnalité: Échanges avec le DMP
  Le DMP de test de l'Assurance maladie n'est joignable que depuis un poste du prestataire
  homologué : le référent vérifie l'échange avec l'environnement de test du DMP.

  @EXG-ECH-05 @priorite:1 @profession:médecin-généraliste
  Scénario: Le médecin consulte le DMP d'un patient depuis son dossier
    Étant donné un patient fictif dont le DMP existe dans l'environnement de test du DMP
    Et que je suis connecté avec ma carte CPS
    Quand j'ouvre le dossier du patient et que je demande l'accès à son DMP
    Alors la solution affiche les documents du DMP du patient
    Et l'accès est tracé dans le journal d'audit de la solution

  @EXG-ECH-03 @priorite:1 @profession:médecin-généraliste
  Scénario: Le médecin alimente le DMP avec la synthèse du patient
    Étant donné un patient fictif dont le DMP existe dans l'environnement de test du DMP
    Et que je suis connecté avec ma carte CPS
    Quand j'envoie la synthèse du patient vers son DMP
    Alors la solution confirme le dépôt du document
    Quand je consulte le DMP du patient
    Alors la synthèse déposée y figure, datée du jour et signée de mon nom
