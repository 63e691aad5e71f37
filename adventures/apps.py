from django.apps import AppConfig


class AdventuresConfig(AppConfig):
    name = "adventures"
    default_auto_field = "django.db.models.BigAutoField"
