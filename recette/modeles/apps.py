from django.apps import AppConfig


class ModelesConfig(AppConfig):
    name = "recette.modeles"
    label = "recette"
    verbose_name = "Banc de recette"
    default_auto_field = "django.db.models.BigAutoField"
