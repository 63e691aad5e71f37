from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    name = "flashcards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import anki_pipeline  # noqa: F401  registers the "anki_import" job kind
