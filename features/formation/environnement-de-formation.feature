# language: fr
@domaine:formation @manuel
Fonctionnalité: Environnement de formation ouvert à toute l'équipe
  Le contrôle d'environnement vérifie le contenu et l'isolement ; le référent vérifie que chaque
  membre de l'équipe peut s'y exercer depuis son poste.

  @EXG-FORM-03 @priorite:2 @profession:secrétaire-médicale @profession:infirmier
  Scénario: Chaque utilisateur se connecte à l'environnement de formation
    Étant donné l'environnement de formation rempli par le banc et la liste des utilisateurs de la structure
    Quand une secrétaire médicale puis une infirmière se connectent à l'environnement de formation depuis leur poste
    Alors chacune y accède avec son propre compte, voit la mention « formation » et trouve les patients fictifs de formation
