from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import pipeline  # noqa: F401  registers the "article" job kind with langlearn.jobs
