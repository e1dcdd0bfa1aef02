# language: fr
@domaine:messagerie
Fonctionnalité: Messagerie interne
  Les professionnels de la maison de santé échangent au sujet de leurs patients.

  @EXG-MSG-01 @priorite:1
  Scénario: Un médecin écrit à sa consœur au sujet d'un patient
    Étant donné que je suis connecté comme "Dr Paul Durand" avec ma carte CPS
    Quand j'envoie un message à "Dr Hélène Moreau" au sujet de "Claire Martin"
    Alors "Dr Hélène Moreau" le trouve dans sa boîte de réception, envoyé par "Dr Paul Durand"
