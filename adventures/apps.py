from django.apps import AppConfig


class AdventuresConfig(AppConfig):
    name = "adventures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the `adventure_scene` job kind with the shared job machinery.
        from . import pipeline  # noqa: F401
