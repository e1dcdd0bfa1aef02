# language: fr
@domaine:agenda
Fonctionnalité: Agenda partagé et gestionnaire de tâches
  Le secrétariat gère les rendez-vous des professionnels ; les professionnels se confient
  des tâches et les suivent jusqu'à ce qu'elles soient faites.

  @EXG-AG-01 @priorite:1
  Scénario: La secrétaire prend un rendez-vous pour un patient
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand je prends rendez-vous pour "Marie Lefebvre" avec "Dr Hélène Moreau" sur un créneau libre
    Alors le rendez-vous est enregistré et figure à l'agenda

  @EXG-AG-02 @priorite:1
  Scénario: Un professionnel ne peut pas être réservé deux fois au même moment
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Et un rendez-vous de "Paul Girard" avec "Dr Paul Durand" sur un créneau donné
    Quand je prends rendez-vous pour "Marie Lefebvre" avec le même professionnel au même moment
    Alors le rendez-vous est refusé car le professionnel est déjà occupé

  @EXG-AG-03 @priorite:1
  Scénario: Le médecin confie une tâche à l'infirmier, qui la marque comme faite
    Étant donné que je suis connecté comme "Dr Paul Durand" avec ma carte CPS
    Quand je confie une tâche à "Marc Petit"
    Alors "Marc Petit" la retrouve parmi ses tâches et la marque comme faite
