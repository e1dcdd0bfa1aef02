# language: fr
@domaine:dossier-patient
Fonctionnalité: Dossier administratif du patient
  Le secrétariat crée et tient à jour le dossier administratif ; la solution contrôle la
  saisie et trace chaque modification.

  @EXG-DP-05 @priorite:1
  Scénario: La secrétaire crée le dossier d'un nouveau patient
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand je crée le dossier d'un nouveau patient :
      | champ             | valeur                   |
      | nom               | Fontaine                 |
      | prénom            | Léa                      |
      | sexe              | Féminin                  |
      | date de naissance | 03/05/1985               |
      | code postal       | 69003                    |
      | ville             | Lyon                     |
      | téléphone         | 04 78 12 34 56           |
      | courriel          | lea.fontaine@example.org |
    Alors le dossier est enregistré
    Et je retrouve "Léa Fontaine" en recherchant "Fontaine"

  @EXG-DP-05 @priorite:1
  Plan du scénario: La saisie d'une valeur invalide est refusée
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand je saisis un nouveau dossier dont le champ "<champ>" vaut "<valeur>"
    Alors le dossier n'est pas enregistré
    Et le champ "<champ>" est signalé en erreur

    Exemples:
      | champ             | valeur          |
      | date de naissance | 12/03/2099      |
      | code postal       | 6900            |
      | courriel          | lea.fontaine@   |
      | NIR               | 285056938212345 |

  @EXG-DP-06 @EXG-SEC-04 @priorite:1
  Scénario: La modification d'un dossier est tracée
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand je modifie le téléphone de "Marie Lefebvre" en "06 12 34 56 78"
    Alors le dossier est enregistré
    Et la modification est tracée dans le journal d'audit
