# language: fr
@domaine:dossier-patient
Fonctionnalité: Liste et recherche des patients
  Le secrétariat et les professionnels retrouvent un patient parmi toute la patientèle
  de la maison de santé.

  @EXG-DP-01 @priorite:1 @lecture-seule
  Scénario: La liste des patients s'affiche par pages de cent
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand j'affiche la liste des patients
    Alors la page montre 100 patients
    Et je peux passer à la page suivante

  @EXG-DP-02 @priorite:1 @lecture-seule
  Scénario: La secrétaire retrouve un patient par son nom
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand je recherche le patient "martin"
    Alors "Claire Martin" figure dans les résultats

  @EXG-DP-03 @priorite:1 @lecture-seule
  Scénario: Le médecin retrouve une patiente par plusieurs critères
    Étant donné que je suis connecté comme "médecin généraliste" avec ma carte CPS
    Quand je fais une recherche avancée avec les critères suivants :
      | critère | valeur       |
      | ville   | Villeurbanne |
      | sexe    | Féminin      |
    Alors "Claire Martin" figure dans les résultats
    Et tous les résultats habitent "Villeurbanne"
