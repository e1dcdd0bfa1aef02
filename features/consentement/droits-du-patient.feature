# language: fr
@domaine:consentement @manuel
Fonctionnalité: Droits du patient sur le partage et l'hébergement de ses données
  Retrait du consentement, refus ciblé, hébergement, information et droit d'accès : les
  référents les vérifient avec deux postes et les documents remis au patient.

  @EXG-CONS-03 @priorite:1 @profession:médecin-généraliste @profession:infirmier
  Scénario: Le retrait du consentement arrête aussitôt le partage
    Étant donné un patient fictif qui a consenti au partage de son dossier
    Quand le médecin enregistre le retrait du consentement du patient
    Alors le retrait figure au dossier, daté et signé du médecin
    Quand l'infirmière cherche aussitôt à ouvrir la synthèse du patient
    Alors l'accès lui est refusé

  @EXG-CONS-04 @priorite:2 @profession:médecin-généraliste @profession:psychologue
  Scénario: Le patient refuse le partage avec un professionnel nommé
    Étant donné un patient fictif qui refuse que la psychologue de la structure voie ses informations
    Quand j'enregistre ce refus en désignant la psychologue
    Alors la psychologue ne voit pas le dossier du patient, alors que l'infirmière le voit toujours

  @EXG-CONS-05 @priorite:1 @profession:médecin-généraliste
  Scénario: Le consentement à l'hébergement externalisé est recueilli et tracé
    Étant donné un nouveau patient fictif
    Quand j'enregistre son consentement exprès à l'hébergement de ses données chez l'hébergeur agréé
    Alors le consentement figure au dossier avec sa date et son auteur, et le journal d'audit le trace

  @EXG-CONS-06 @priorite:2 @profession:secrétaire-médicale
  Scénario: La note d'information des patients s'imprime à l'accueil
    Étant donné la note d'information des patients validée par la structure
    Quand j'imprime la note d'information depuis la solution
    Alors la note imprimée présente la politique d'habilitation, d'accès aux données et de sécurité, et les droits du patient

  @EXG-CONS-07 @priorite:2 @profession:médecin-généraliste
  Scénario: Le patient reçoit les informations formalisées de son dossier
    Étant donné un patient fictif qui demande la communication de son dossier
    Quand j'édite les informations formalisées de son dossier
    Alors le document édité contient ses antécédents, ses traitements, ses comptes rendus et ses résultats, sans les notes personnelles des professionnels
