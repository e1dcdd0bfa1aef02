# language: fr
@domaine:habilitations @manuel
Fonctionnalité: Comptes, profils et règles d'accès paramétrés par l'administrateur
  L'administrateur fonctionnel vérifie qu'il gère lui-même les comptes et les droits, sans
  développement du prestataire, et que chacun ne voit que ce qui le concerne.

  @EXG-HAB-03 @priorite:1 @profession:administrateur-fonctionnel
  Scénario: L'administrateur crée, modifie puis désactive un compte
    Étant donné un nouvel orthophoniste qui rejoint la structure
    Quand je lui crée un compte avec le profil « orthophoniste » puis que je corrige son adresse de messagerie
    Alors il se connecte avec sa carte CPS et voit son nom et sa profession dans le bandeau
    Quand je désactive son compte
    Alors sa carte CPS ne permet plus de se connecter et ses saisies passées restent signées de son nom

  @EXG-HAB-04 @priorite:1 @profession:infirmier @profession:secrétaire-médicale
  Scénario: Chaque profession n'accède qu'aux domaines qui la concernent
    Étant donné la matrice des habilitations validée par la structure
    Quand une infirmière puis une secrétaire médicale parcourent les menus de la solution
    Alors chacun n'accède qu'aux domaines que la matrice lui ouvre, et les autres menus sont absents ou refusés

  @EXG-HAB-05 @priorite:2 @profession:administrateur-fonctionnel
  Scénario: Un stagiaire n'a pas les droits du professionnel qu'il accompagne
    Étant donné un stagiaire infirmier et une infirmière exerçant à titre principal
    Quand le stagiaire ouvre le dossier d'un patient fictif et tente de valider un soin
    Alors il consulte le dossier mais la validation lui est refusée, alors que l'infirmière peut valider

  @EXG-HAB-06 @priorite:2 @profession:administrateur-fonctionnel
  Scénario: Un nouveau profil se paramètre sans intervention du prestataire
    Étant donné un besoin de profil « coordinateur de parcours » sans accès aux données médicales
    Quand je crée ce profil et ses règles d'accès depuis l'écran d'administration, sans demande au prestataire
    Alors un compte doté de ce profil voit l'agenda et la messagerie mais pas la synthèse médicale
