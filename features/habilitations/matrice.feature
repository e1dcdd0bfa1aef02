# language: fr
@domaine:habilitations
Fonctionnalité: Habilitations par profil
  L'administrateur fonctionnel consulte les droits de chaque profil.

  @EXG-HAB-02 @priorite:1 @lecture-seule
  Scénario: L'administrateur consulte la matrice des habilitations
    Étant donné que je suis connecté comme "administrateur fonctionnel" avec mon mot de passe
    Quand j'affiche la matrice des habilitations
    Alors elle indique pour chaque profil ses droits sur la synthèse médicale

  @EXG-HAB-01 @priorite:1 @lecture-seule
  Plan du scénario: Chaque profil n'ouvre que les fonctions que lui donne la matrice
    Étant donné que je suis connecté comme "<profil>"
    Quand je cherche à consulter la fonction "<fonction>"
    Alors l'accès est celui que prévoit la matrice des habilitations pour "<profil>"

    Exemples:
      | profil                     | fonction          |
      | médecin généraliste        | synthèse médicale |
      | médecin généraliste        | journal d'audit   |
      | médecin généraliste        | import / export   |
      | infirmier                  | synthèse médicale |
      | infirmier                  | habilitations     |
      | infirmier                  | agenda            |
      | infirmier                  | journal d'audit   |
      | secrétaire médicale        | synthèse médicale |
      | secrétaire médicale        | agenda            |
      | secrétaire médicale        | journal d'audit   |
      | secrétaire médicale        | import / export   |
      | administrateur fonctionnel | synthèse médicale |
      | administrateur fonctionnel | journal d'audit   |
      | administrateur fonctionnel | habilitations     |
      | administrateur fonctionnel | import / export   |
      | médecin généraliste        | habilitations     |
      | secrétaire médicale        | habilitations     |
