"""Unpublishing now clears `published_at`; clear it on packs unpublished before (idempotent)."""

from django.db import migrations


def clear(apps, schema_editor):
    WordBankPack = apps.get_model("packs", "WordBankPack")
    WordBankPack.objects.filter(published=False, published_at__isnull=False).update(published_at=None)


class Migration(migrations.Migration):
    dependencies = [("packs", "0002_normalized_text_c_collation")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
