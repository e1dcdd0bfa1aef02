"""Django settings of the bench (``DJANGO_SETTINGS_MODULE``): the models' app and the database
named by the environment (see recette/base.py). No web server, no secret key: the workbench
adds what it needs on top of these."""

from recette.base import base_de_donnees, dossier_rapports

INSTALLED_APPS = ["recette.modeles"]
DATABASES = {"default": base_de_donnees()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Stored in UTC, read and shown in the contract's zone (fixtures/contrat/parametres.yaml,
# calendrier.fuseau_horaire; a test keeps the two equal without loading the contract here).
USE_TZ = True
TIME_ZONE = "Europe/Paris"
LANGUAGE_CODE = "fr-fr"
USE_I18N = True

# Where a former register's séance folders are looked up when it is migrated (migration 0002).
RECETTE_RAPPORTS = str(dossier_rapports())
