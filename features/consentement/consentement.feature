# language: fr
@domaine:consentement
Fonctionnalité: Consentement du patient au partage de son dossier
  Le patient est informé et consent, ou non, au partage de son dossier entre les
  professionnels de la maison de santé. Son refus est respecté.

  @EXG-CONS-01 @priorite:1
  Scénario: Le médecin recueille le consentement du patient
    Étant donné que je suis connecté comme "médecin généraliste" avec ma carte CPS
    Quand je recueille le consentement de "Paul Girard" qui accepte le partage
    Alors son dossier indique le partage accepté, daté du jour et recueilli par "Dr Paul Durand"

  @EXG-CONS-02 @priorite:1 @lecture-seule
  Scénario: Un patient opposé au partage n'apparaît pas aux autres professionnels
    Étant donné un patient "Jean Dupont" qui a refusé le partage de son dossier
    Et que je suis connecté comme "Dr Hélène Moreau" avec ma carte CPS
    Quand je recherche le patient "Dupont"
    Alors "Jean Dupont" ne figure pas dans les résultats

  @EXG-CONS-02 @priorite:1 @lecture-seule
  Scénario: Le médecin traitant garde l'accès au dossier du patient opposé au partage
    Étant donné un patient "Jean Dupont" qui a refusé le partage de son dossier
    Et que je suis connecté comme "Dr Paul Durand" avec ma carte CPS
    Quand je recherche le patient "Dupont"
    Alors "Jean Dupont" figure dans les résultats

  @EXG-CONS-01 @priorite:1
  Scénario: Le refus du patient est enregistré par son médecin traitant, daté et signé
    Étant donné que je suis connecté comme "Dr Paul Durand" avec ma carte CPS
    Quand je recueille le consentement de "Jean Dupont" qui refuse le partage
    Alors son dossier indique le partage refusé, daté du jour et recueilli par "Dr Paul Durand"
