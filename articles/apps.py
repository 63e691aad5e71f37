from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vocab.reanalysis import register_reanalyser

        from . import pipeline  # noqa: F401  registers the "article" job kind with langlearn.jobs
        from .reanalysis import articles_with_tokens, reader_tokens_refresh

        # `manage.py relemmatize`: reader tokens of an older analyser are cleared (or rebuilt).
        register_reanalyser("articles", run=reader_tokens_refresh, count=articles_with_tokens)
