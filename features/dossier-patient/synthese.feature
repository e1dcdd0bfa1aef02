# language: fr
@domaine:dossier-patient
Fonctionnalité: Fiche de synthèse du patient
  Les professionnels qui suivent un patient consultent la même synthèse :
  antécédents, allergies, traitements en cours et correspondants.

  Contexte:
    Étant donné un patient "Claire Martin" qui a consenti au partage de son dossier

  @EXG-DP-04 @priorite:1 @lecture-seule
  Scénario: Le médecin traitant consulte la synthèse
    Étant donné que je suis connecté comme "médecin généraliste" avec ma carte CPS
    Quand j'ouvre la fiche de synthèse de "Claire Martin"
    Alors je vois ses antécédents, ses allergies et ses traitements en cours
    Et je vois son médecin traitant parmi ses correspondants

  @EXG-DP-04 @priorite:1 @lecture-seule
  Scénario: L'infirmier retrouve les traitements en cours du patient
    Étant donné que je suis connecté comme "infirmier" avec ma carte CPS
    Quand j'ouvre la fiche de synthèse de "Claire Martin"
    Alors je vois ses traitements en cours

  @EXG-SEC-03 @EXG-SEC-04 @priorite:1 @lecture-seule
  Scénario: La secrétaire médicale n'a pas accès à la synthèse médicale
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand je cherche à ouvrir la fiche de synthèse de "Claire Martin"
    Alors l'accès m'est refusé
    Et la tentative est tracée dans le journal d'audit
