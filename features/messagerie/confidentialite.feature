# language: fr
@domaine:messagerie @manuel
Fonctionnalité: Messages rattachés au patient et confidentialité
  Les référents vérifient à plusieurs postes qu'un message ne se lit que par ses destinataires.

  @EXG-MSG-02 @priorite:2 @profession:médecin-généraliste @profession:infirmier
  Scénario: Un message rattaché à un patient se retrouve depuis son dossier
    Étant donné un patient fictif suivi par un médecin et une infirmière
    Quand le médecin envoie à l'infirmière un message rattaché au dossier du patient
    Alors l'infirmière retrouve le message depuis le dossier du patient comme depuis sa messagerie

  @EXG-MSG-03 @priorite:1 @profession:secrétaire-médicale @profession:médecin-généraliste
  Scénario: Un message n'est lu que par ses destinataires
    Étant donné un message du médecin à l'infirmière, rattaché à un patient fictif
    Quand la secrétaire médicale cherche ce message dans la messagerie et dans le dossier du patient
    Alors elle ne le trouve nulle part
    Quand le patient retire son consentement au partage
    Alors le message rattaché n'est plus visible des professionnels que le patient a exclus
