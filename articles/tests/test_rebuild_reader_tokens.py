"""`manage.py rebuild_reader_tokens`: stale stored tokens (an older shape, an edited body) are
rebuilt with the current analyser, once; --dry-run changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from articles.analysis import READER_TOKENS_VERSION
from articles.models import TranslatedArticle

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("rebuild_reader_tokens", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_stale_tokens_are_rebuilt_once_and_dry_run_changes_nothing(pair):
    old = ArticleFactory(pair=pair, body="Sin embargo, llueve.", reader_tokens={"version": 1, "paragraphs": []})
    ArticleFactory(pair=pair, body="Hace sol.", reader_tokens={})

    assert run("--dry-run") == (
        "2 articles checked, would rebuild 2, 0 current, 0 skipped (no analyser for the language, "
        "or the body changed meanwhile)"
    )
    assert TranslatedArticle.objects.get(pk=old.pk).reader_tokens == {"version": 1, "paragraphs": []}

    assert run().startswith("2 articles checked, rebuilt 2, 0 current")
    tokens = TranslatedArticle.objects.get(pk=old.pk).reader_tokens
    assert tokens["version"] == READER_TOKENS_VERSION
    assert [(e["text"], e["lemma"]) for e in tokens["expressions"]] == [("Sin embargo", "sin embargo")]

    assert run().startswith("2 articles checked, rebuilt 0, 2 current")
    assert run("--force").startswith("2 articles checked, rebuilt 2, 0 current")
