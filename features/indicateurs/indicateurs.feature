# language: fr
@domaine:indicateurs @manuel
Fonctionnalité: Indicateurs d'activité et de pilotage recomptés à la main
  Un indicateur ne se juge qu'en le comparant à un comptage fait à la main sur le jeu de recette
  (données fictives connues) : le référent note son propre compte dans le commentaire.

  @EXG-IND-01 @priorite:1 @profession:médecin-généraliste @profession:coordinateur
  Scénario: Les indicateurs standardisés concordent avec un comptage à la main
    Étant donné le jeu de recette chargé et le nombre de consultations du mois dernier compté à la main par profession
    Quand j'ouvre les indicateurs d'activité du mois dernier
    Alors le nombre de consultations par profession est celui de mon comptage
    Et le médecin ne voit que les indicateurs que son rôle lui ouvre

  @EXG-IND-02 @priorite:2 @profession:coordinateur
  Scénario: Un indicateur spécifique se calcule par une requête multicritère
    Étant donné le nombre de patients diabétiques de plus de 65 ans ayant eu un rendez-vous infirmier dans l'année, compté à la main sur le jeu de recette
    Quand je calcule cet indicateur par une requête combinant pathologie, âge et rendez-vous
    Alors le résultat est celui de mon comptage

  @EXG-IND-03 @priorite:2 @profession:administrateur-fonctionnel
  Scénario: L'administrateur modifie le calcul d'un indicateur
    Étant donné l'indicateur « patients suivis » calculé sur les 12 derniers mois
    Quand je paramètre son calcul sur les 24 derniers mois
    Alors l'indicateur affiche le nombre de patients suivis sur 24 mois, conforme à un comptage à la main

  @EXG-IND-04 @priorite:2 @profession:coordinateur
  Scénario: Les indicateurs des nouveaux modes de rémunération sont produits
    Étant donné la liste des indicateurs de l'accord conventionnel interprofessionnel retenus par la structure
    Quand j'édite les indicateurs de l'année pour la déclaration à l'Assurance maladie
    Alors chaque indicateur retenu est produit, avec une valeur conforme à un comptage à la main sur le jeu de recette

  @EXG-IND-05 @priorite:3 @profession:coordinateur
  Scénario: Les taux d'usage de la MSSanté et du DMP sont calculés chaque mois
    Étant donné le nombre de messages MSSanté envoyés et de DMP alimentés pendant le premier mois de service régulier, relevés à la main
    Quand j'ouvre les indicateurs d'usage des services socles de ce mois
    Alors les taux affichés sont ces nombres rapportés au nombre de patients de la structure
