# language: fr
@domaine:echanges
Fonctionnalité: Import et export des dossiers
  La solution exporte ses patients au format pivot et importe un fichier pivot en rendant
  compte de chaque ligne rejetée.

  @EXG-ECH-01 @priorite:1 @lecture-seule
  Scénario: La secrétaire exporte la liste des patients
    Étant donné que je suis connecté comme "secrétaire médicale" avec mon mot de passe
    Quand j'exporte la liste des patients
    Alors le fichier exporté contient "Claire Martin" et les colonnes du format pivot

  @EXG-ECH-02 @priorite:1
  Scénario: L'administrateur importe un fichier pivot et obtient le compte rendu des rejets
    Étant donné que je suis connecté comme "administrateur fonctionnel" avec mon mot de passe
    Quand j'importe un fichier pivot de 3 patients dont un sans date de naissance
    Alors le compte rendu nomme la ligne rejetée et le champ en cause
    Et les patients valides sont retrouvés par la recherche
