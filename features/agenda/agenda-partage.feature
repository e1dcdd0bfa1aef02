# language: fr
@domaine:agenda @manuel
Fonctionnalité: Agenda partagé, paramétrage et ressources
  L'agenda est l'outil de toute l'équipe : les référents vérifient à plusieurs postes ce que la
  campagne automatisée ne joue pas encore.

  @EXG-AG-04 @priorite:1 @profession:secrétaire-médicale @profession:infirmier
  Scénario: La secrétaire et l'infirmière consultent l'agenda du médecin
    Étant donné un médecin de la structure avec trois rendez-vous demain
    Quand la secrétaire médicale ouvre l'agenda du médecin pour demain
    Alors elle voit les trois rendez-vous avec le nom des patients
    Quand l'infirmière ouvre le même agenda
    Alors elle voit les créneaux occupés selon ce que ses habilitations lui permettent

  @EXG-AG-05 @priorite:1 @profession:secrétaire-médicale
  Scénario: Un rendez-vous déplacé libère son créneau
    Étant donné un rendez-vous d'un patient fictif demain à 10 h avec le médecin
    Quand je déplace ce rendez-vous à après-demain 11 h
    Alors le rendez-vous figure après-demain à 11 h et le créneau de demain 10 h est de nouveau réservable
    Quand j'annule le rendez-vous d'après-demain
    Alors le créneau d'après-demain 11 h est libre et l'annulation figure dans l'historique du patient

  @EXG-AG-06 @priorite:2 @profession:administrateur-fonctionnel
  Scénario: L'administrateur paramètre les plages et les absences d'un agenda
    Étant donné l'agenda d'une sage-femme de la structure
    Quand je crée une plage de consultation le mardi de 14 h à 18 h avec des rendez-vous de 30 minutes et une absence la semaine suivante
    Alors l'agenda propose des créneaux de 30 minutes le mardi après-midi et aucun créneau pendant l'absence

  @EXG-AG-07 @priorite:3 @profession:secrétaire-médicale
  Scénario: Une salle commune ne se réserve pas deux fois
    Étant donné la salle d'éducation thérapeutique réservée demain de 9 h à 10 h pour un stagiaire
    Quand je réserve la même salle demain à 9 h 30 pour une vacataire
    Alors la solution refuse la réservation et indique que la salle est occupée
