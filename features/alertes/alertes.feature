# language: fr
@domaine:alertes @manuel
Fonctionnalité: Alertes de suivi et de tâches
  Une alerte dépend d'une échéance qui tombe un autre jour : le référent fixe l'échéance à
  aujourd'hui sur un patient fictif et constate l'alerte à son poste.

  @EXG-ALE-01 @priorite:2 @profession:administrateur-fonctionnel
  Scénario: L'administrateur paramètre une alerte
    Étant donné aucun paramétrage d'alerte sur les bilans de surveillance du diabète
    Quand je crée une alerte déclenchée par un bilan de surveillance dû, adressée au médecin traitant, avec le message « bilan annuel du diabète à prévoir »
    Alors l'alerte figure dans la liste des alertes paramétrées avec son événement, ses destinataires et son message

  @EXG-ALE-02 @priorite:2 @profession:médecin-généraliste
  Scénario: Une échéance de suivi alerte le médecin concerné
    Étant donné un patient fictif diabétique dont le bilan annuel est dû aujourd'hui
    Quand je me connecte
    Alors l'alerte « bilan annuel du diabète à prévoir » pour ce patient m'est présentée
    Et l'infirmière, qui n'est pas destinataire, ne la reçoit pas

  @EXG-ALE-03 @priorite:3 @profession:secrétaire-médicale
  Scénario: Une tâche en retard est signalée à la personne assignée
    Étant donné une tâche « rappeler le patient » qui m'est assignée, échue hier et non close
    Quand j'ouvre mon gestionnaire de tâches
    Alors la tâche est signalée en retard
