# language: fr
@domaine:securite @manuel
Fonctionnalité: Connexion par le lecteur de carte CPS du poste
  Le navigateur du banc simule la carte CPS ; seul un référent vérifie le vrai lecteur de son
  poste, la saisie du code PIN sur le lecteur et le verrouillage au retrait de la carte.

  @EXG-SEC-01 @priorite:1 @profession:médecin-généraliste
  Scénario: Le médecin se connecte en insérant sa carte dans le lecteur de son poste
    Étant donné un poste de consultation équipé d'un lecteur de carte CPS agréé
    Et ma carte CPS personnelle
    Quand j'insère ma carte CPS dans le lecteur et que je saisis mon code PIN
    Alors la solution m'identifie sans me demander d'identifiant ni de mot de passe
    Et mon nom et ma profession s'affichent dans le bandeau
    Quand je retire ma carte CPS du lecteur
    Alors ma session se verrouille et les données du patient ne sont plus visibles
