"""Reader tokens made before pipeline names carried the analyser's fingerprint ("blank+crf", not
"blank+crf@1a2b3c4d") cannot be told from current ones, and some are stale: the lemma rule changed
since (llamo → llamar, not llar). Clear them; the reader analyses the text again on its next read
(`screens.selectors.reading.cached_reader_tokens`). Tokens of other pipelines ("blank+lookup") are
left to `manage.py relemmatize`, which compares them with the current pipeline per language.
Idempotent (a second run finds none); `manage.py relemmatize --dry-run` counts what is stale."""

from django.db import migrations

BEFORE_FINGERPRINTS = ["blank+crf", "blank+simplemma"]


def clear(apps, schema_editor):
    article = apps.get_model("articles", "TranslatedArticle")
    article.objects.filter(reader_tokens__pipeline__in=BEFORE_FINGERPRINTS).update(reader_tokens={})


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_readalong_timings_and_generation_report")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
