# language: fr
@domaine:echanges @manuel
Fonctionnalité: Messagerie sécurisée de santé MSSanté
  L'espace de confiance MSSanté n'est joignable que depuis un poste homologué : le référent
  vérifie l'échange avec une boîte de test d'un correspondant extérieur.

  @EXG-ECH-04 @priorite:2 @profession:médecin-généraliste
  Scénario: Le médecin adresse un compte rendu à un correspondant par MSSanté
    Étant donné une boîte aux lettres MSSanté de test d'un cardiologue extérieur
    Et que je suis connecté avec ma carte CPS
    Quand j'envoie depuis le dossier d'un patient fictif un compte rendu au cardiologue par MSSanté
    Alors la solution confirme l'envoi et le message figure dans le dossier du patient
    Et le cardiologue reçoit le compte rendu dans sa boîte de test, avec l'identité INS du patient
