# language: fr
@domaine:securite @manuel
Fonctionnalité: Intégrité des données, sauvegarde et restauration
  Couper un serveur, restaurer une sauvegarde ou simuler un sinistre ne se fait pas depuis un
  navigateur : le référent et l'administrateur fonctionnel le vérifient avec le prestataire,
  sur l'environnement de recette, et joignent les comptes rendus.

  @EXG-SEC-06 @priorite:1 @profession:administrateur-fonctionnel
  Scénario: Une saisie interrompue par un arrêt du système ne corrompt pas le dossier
    Étant donné un patient fictif dont je note à la main la synthèse et le dernier soin
    Quand le prestataire arrête le serveur de recette pendant que j'enregistre un nouveau soin, puis le redémarre
    Alors le dossier du patient est soit complet avec le nouveau soin, soit identique à ma note, jamais à moitié enregistré
    Quand je modifie un libellé de la nomenclature des actes
    Alors les soins déjà saisis gardent leur sens et leur date, et la modification est tracée

  @EXG-SEC-07 @priorite:1 @profession:administrateur-fonctionnel
  Scénario: Une sauvegarde se restaure sans perte
    Étant donné la sauvegarde de la nuit dernière de l'environnement de recette et la liste des dossiers modifiés depuis
    Quand le prestataire restaure cette sauvegarde devant moi selon sa procédure écrite
    Alors les dossiers sont revenus à leur état de la nuit dernière, sans perte ni doublon
    Et la procédure de sauvegarde, d'archivage et de restauration remise par le prestataire correspond à ce qui a été fait

  @EXG-SEC-08 @priorite:1 @profession:administrateur-fonctionnel
  Scénario: Une atteinte à l'intégrité est détectée et signalée
    Étant donné que le prestataire altère volontairement un fichier du système de l'environnement de recette
    Quand le contrôle d'intégrité de la solution s'exécute
    Alors l'atteinte est détectée et signalée à l'administrateur fonctionnel, avec l'élément touché et l'heure
