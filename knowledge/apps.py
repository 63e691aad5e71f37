from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vocab.reanalysis import register_key_moved

        from . import hooks, jobs  # noqa: F401  registers the placement job kind
        from .services.rekey import word_status_marks_rekey

        hooks.register()
        # `manage.py relemmatize`: a learner's status marks follow the word-bank keys that moved.
        register_key_moved(word_status_marks_rekey)
