# language: fr
@domaine:pilotage @manuel
Fonctionnalité: Tableaux de bord, états d'activité et extractions
  Le référent « pilotage » vérifie ses tableaux de bord contre un comptage à la main sur le jeu
  de recette, et l'extraction dans son tableur.

  @EXG-PIL-01 @priorite:1 @profession:administrateur-fonctionnel @profession:coordinateur
  Scénario: Une requête de tableau de bord s'enregistre et se réutilise
    Étant donné le nombre de rendez-vous par profession de la semaine dernière, compté à la main
    Quand je constitue une requête « rendez-vous par profession » sur une période, que je l'enregistre et que je la relance le lendemain
    Alors la requête enregistrée se retrouve sous son nom et son résultat est celui de mon comptage

  @EXG-PIL-02 @priorite:2 @profession:coordinateur
  Scénario: L'état d'activité par professionnel s'édite pour une période
    Étant donné le nombre de consultations de chaque médecin au mois dernier, compté à la main
    Quand j'édite l'état d'activité du mois dernier par profession et par professionnel
    Alors l'état imprimé donne pour chaque médecin le nombre de mon comptage, et les totaux par profession

  @EXG-PIL-03 @priorite:2 @profession:coordinateur
  Scénario: Les données de pilotage s'ouvrent dans un tableur
    Étant donné l'état d'activité du mois dernier
    Quand j'extrais ses données et que j'ouvre le fichier dans le tableur de la structure
    Alors le fichier s'ouvre sans erreur, les accents et les dates sont lisibles, et les totaux recalculés dans le tableur sont ceux de l'état
