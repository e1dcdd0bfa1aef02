# language: fr
@domaine:securite
Fonctionnalité: Connexion à la solution
  Les professionnels de santé accèdent au dossier médical avec leur carte CPS.
  L'identifiant et le mot de passe ne donnent accès qu'aux fonctions administratives.

  @EXG-SEC-01 @priorite:1 @lecture-seule
  Scénario: Le médecin se connecte avec sa carte CPS
    Étant donné que je suis connecté comme "médecin généraliste" avec ma carte CPS
    Alors je suis identifié comme "Dr Paul Durand" connecté par carte CPS

  @EXG-SEC-05 @priorite:1 @lecture-seule
  Scénario: Un code PIN erroné ne permet pas de se connecter
    Quand je présente la carte CPS de "Dr Paul Durand" avec un code PIN erroné
    Alors la connexion est refusée avec un message d'erreur

  @EXG-SEC-05 @priorite:1 @lecture-seule
  Scénario: Un mot de passe erroné ne permet pas de se connecter
    Quand je saisis l'identifiant de "secrétaire médicale" avec un mot de passe erroné
    Alors la connexion est refusée avec un message d'erreur

  @EXG-SEC-02 @priorite:1 @lecture-seule
  Scénario: La secrétaire médicale travaille avec son mot de passe
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand j'affiche la liste des patients
    Alors "Claire Martin" figure dans la liste

  @EXG-SEC-02 @priorite:1 @lecture-seule
  Scénario: Un médecin connecté par mot de passe n'accède pas aux données médicales
    Étant donné que je suis connecté comme "médecin généraliste" avec mon mot de passe
    Quand je cherche à ouvrir la fiche de synthèse de "Claire Martin"
    Alors l'accès m'est refusé

  @EXG-SEC-04 @priorite:1 @lecture-seule
  Scénario: Chaque connexion est tracée dans le journal d'audit
    Étant donné que "Dr Paul Durand" s'est connecté avec sa carte CPS
    Alors sa connexion figure dans le journal d'audit
