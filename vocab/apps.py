from django.apps import AppConfig


class VocabConfig(AppConfig):
    name = "vocab"
    default_auto_field = "django.db.models.BigAutoField"
