# language: fr
@domaine:dossier-patient @manuel
Fonctionnalité: Impression et export du dossier
  L'impression ne se vérifie que sur papier, à l'imprimante du cabinet.

  @EXG-DP-10 @priorite:2 @profession:secrétaire-médicale
  Scénario: La secrétaire imprime le dossier administratif d'un patient
    Étant donné que je suis connectée comme secrétaire médicale
    Et l'imprimante du secrétariat est allumée
    Quand j'ouvre le dossier de « Claire Martin » et que je demande son impression
    Alors une page lisible sort de l'imprimante du secrétariat
    Et elle porte l'identité du patient, la date d'impression et le nom de la maison de santé
    Quand j'exporte le même dossier en PDF
    Alors le fichier PDF s'ouvre et reprend les mêmes informations que la page imprimée
