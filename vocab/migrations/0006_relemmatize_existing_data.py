"""Existing data re-analysed with the new analyser (issue 14): what `manage.py relemmatize` does —
word-bank entries re-keyed and merged where they now collide (cards and reviews kept), pack entries'
blank POS filled, reader tokens of the old pipeline cleared.

A fresh database (`make test`, a first `make run`) holds none of that: the check below, on the
historical models, returns before the analyser is even loaded. The work itself goes through the
command's services, i.e. the current models; should a later migration change these tables so that
this one cannot run in sequence, migrate with `migrate vocab 0006 --fake` and run the command after.
Not atomic: each batch of words commits on its own, so an interrupted run keeps what it did and the
rerun (idempotent) finishes the rest. Reversing it is a no-op: a merge of one word stored twice is
not undone."""

from django.db import migrations


def relemmatize(apps, schema_editor):
    entries = apps.get_model("vocab", "LearnableWordBankEntry").objects
    pack_entries = apps.get_model("packs", "WordBankPackEntry").objects
    articles = apps.get_model("articles", "TranslatedArticle").objects
    if not (entries.exists() or pack_entries.exists() or articles.exclude(reader_tokens={}).exists()):
        return
    from langlearn import clients
    from vocab.management.commands.relemmatize import relemmatize_all, report_lines

    result = relemmatize_all(nlp=clients.get_nlp())
    for line in report_lines(result, dry_run=False):
        print(f"  relemmatize: {line}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("vocab", "0005_merge_20261203_1023"),
        ("flashcards", "0003_pair_day_counters"),
        ("knowledge", "0001_word_statuses_and_placement"),
        ("packs", "0004_entry_lemma_key"),
        ("articles", "0003_readalong_timings_and_generation_report"),
    ]

    operations = [migrations.RunPython(relemmatize, migrations.RunPython.noop, elidable=False)]
