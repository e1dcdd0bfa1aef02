# language: fr
@domaine:habilitations
Fonctionnalité: Habilitations par profil
  L'administrateur fonctionnel consulte les droits de chaque profil.

  @EXG-HAB-02 @priorite:2 @lecture-seule
  Scénario: L'administrateur consulte la matrice des habilitations
    Étant donné que je suis connecté comme "administrateur fonctionnel" avec mon mot de passe
    Quand j'affiche la matrice des habilitations
    Alors elle indique pour chaque profil ses droits sur la synthèse médicale
