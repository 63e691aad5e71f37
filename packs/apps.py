from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "packs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vocab.reanalysis import register_reanalyser

        from .models import WordBankPackEntry
        from .services.reanalysis import pack_entries_reanalyse

        # `manage.py relemmatize`: pack entries follow the analyser too (their word-bank key, POS).
        register_reanalyser("packs", run=pack_entries_reanalyse, count=WordBankPackEntry.objects.count)
