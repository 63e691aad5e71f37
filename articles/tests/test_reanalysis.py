"""Reader token caches after the analyser changed (`manage.py relemmatize`): tokens of an older
pipeline are cleared (the reader analyses the text again) or rebuilt now; current ones are kept. A
pipeline's name carries its analyser's fingerprint, so "older" includes the same pipeline before a
change of code or models."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import TranslatedArticle
from articles.tests.factories import ArticleFactory
from langlearn.nlp.analyzer import fingerprint

pytestmark = pytest.mark.django_db

OLD_TOKENS = {
    "version": 1,
    "digest": "made-by-the-old-analyser",
    "pipeline": "blank+lookup",
    "paragraphs": [[[{"text": "casa", "whitespace": "", "lemma": "casar", "pos": "", "is_word": True}]]],
}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("relemmatize", "--skip-packs", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _reader_lemma(client, article, text: str) -> str:
    r = client.get(f"/bff/articles/{article.pk}/reader")
    assert r.status_code == 200, r.json()
    tokens = [t for p in r.json()["paragraphs"] for s in p["sentences"] for t in s["tokens"]]
    return next(t["lemma"] for t in tokens if t["text"] == text)


def test_tokens_of_the_old_analyser_are_cleared_and_the_reader_shows_new_lemmas(auth_client, pair):
    stale = ArticleFactory(pair=pair, user=pair.user, body="La casa es grande.", reader_tokens=OLD_TOKENS)
    fresh_tokens = {**OLD_TOKENS, "pipeline": f"blank+crf@{fingerprint('es')}"}
    fresh = ArticleFactory(pair=pair, user=pair.user, reader_tokens=fresh_tokens)

    assert "1 with tokens of an older analyser would be refreshed" in _run("--dry-run")
    assert TranslatedArticle.objects.get(pk=stale.pk).reader_tokens == OLD_TOKENS

    out = _run()

    assert "articles: 1 with tokens of an older analyser, cleared 1" in out
    assert TranslatedArticle.objects.get(pk=stale.pk).reader_tokens == {}
    assert TranslatedArticle.objects.get(pk=fresh.pk).reader_tokens == fresh_tokens
    assert _reader_lemma(auth_client, stale, "casa") == "casa"
    assert "articles: 0 with tokens of an older analyser, cleared 0" in _run()


def test_rebuild_analyses_stale_articles_now(pair):
    old_vocabulary = [{"lemma": "casar", "count": 1, "pos": "VERB", "known": False, "status": "new"}]
    stale = ArticleFactory(
        pair=pair,
        user=pair.user,
        body="Leo libros.\n\nLa casa.",
        reader_tokens=OLD_TOKENS,
        key_vocabulary=old_vocabulary,
    )

    out = _run("--rebuild-articles")

    assert "rebuilt 1" in out
    tokens = TranslatedArticle.objects.get(pk=stale.pk).reader_tokens
    assert tokens["pipeline"] == f"blank+crf@{fingerprint('es')}"
    lemmas = {t["text"]: t["lemma"] for p in tokens["paragraphs"] for s in p for t in s}
    assert (lemmas["libros"], lemmas["casa"]) == ("libro", "casa")
    # The key vocabulary was made of the old lemmas too: rebuilt with the tokens.
    vocabulary = {v["lemma"] for v in TranslatedArticle.objects.get(pk=stale.pk).key_vocabulary}
    assert {"casa", "libro"} <= vocabulary
    assert "casar" not in vocabulary
    assert "0 with tokens of an older analyser" in _run("--rebuild-articles")


def test_the_migration_clears_tokens_made_before_pipelines_carried_a_fingerprint(pair):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0004_clear_reader_tokens_before_fingerprints")
    current = {**OLD_TOKENS, "pipeline": f"blank+crf@{fingerprint('es')}"}
    before = ArticleFactory(pair=pair, user=pair.user, reader_tokens={**OLD_TOKENS, "pipeline": "blank+crf"})
    lookup = ArticleFactory(pair=pair, user=pair.user, reader_tokens=OLD_TOKENS)
    fresh = ArticleFactory(pair=pair, user=pair.user, reader_tokens=current)

    for _ in range(2):  # idempotent
        migration.clear(apps, None)

    stored = {a.pk: a.reader_tokens for a in TranslatedArticle.objects.all()}
    assert stored == {before.pk: {}, lookup.pk: OLD_TOKENS, fresh.pk: current}
