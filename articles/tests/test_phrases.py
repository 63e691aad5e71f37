"""Phrases in a generated article: the analyse step finds the curated ones and the learner's own
(inflected), lists them in the key vocabulary, counts a held phrase once in the article's coverage,
and the reader shows the same figure."""

from __future__ import annotations

import pytest

from articles.models import TranslatedArticle
from langlearn.testing import run_jobs
from screens.tests.conftest import word

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Ayer dimos un paseo por el río. Sin embargo, llovió toda la tarde."


def test_the_article_counts_the_learners_phrase_once_and_lists_phrases(
    auth_client, user, pair, fake_providers, broker, worker
):
    word(pair, "dar un paseo", "learning")
    fake_providers.push_tool_input({"title": "El paseo", "body": BODY, "glossary": []})
    resp = auth_client.post(
        "/api/generation/articles", {"language_pair": str(pair.pk), "text": "A walk by the river. " * 20}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)

    article = TranslatedArticle.objects.get(user=user)
    vocabulary = {v["lemma"]: v for v in article.key_vocabulary}
    assert vocabulary["dar un paseo"] | {"count": 1} == {
        "lemma": "dar un paseo", "count": 1, "pos": "PHRASE", "known": True, "status": "learning",
    }  # fmt: skip
    assert (vocabulary["sin embargo"]["pos"], vocabulary["sin embargo"]["status"]) == ("PHRASE", "new")
    # The curated phrase is stored with the tokens; the learner's own is found per reader request.
    assert [(e["text"], e["lemma"]) for e in article.reader_tokens["expressions"]] == [("Sin embargo", "sin embargo")]

    body = auth_client.get(f"/bff/articles/{article.pk}/reader").json()
    phrases = [(p["text"], p["status"]) for p in body["phrases"]]
    assert phrases == [("dimos un paseo", "learning"), ("Sin embargo", "new")]
    # "dimos un paseo" is one covered word; the reader and the stored figure agree.
    assert body["coverage"]["ratio"] == article.known_word_coverage
    assert body["coverage"]["covered_words"] == 1


def test_another_learners_phrase_does_not_count_for_this_one(
    auth_client, user, pair, other_pair, fake_providers, broker, worker
):
    word(other_pair, "dar un paseo", "learning")
    fake_providers.push_tool_input({"title": "El paseo", "body": BODY, "glossary": []})
    resp = auth_client.post(
        "/api/generation/articles", {"language_pair": str(pair.pk), "text": "A walk by the river. " * 20}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)

    article = TranslatedArticle.objects.get(user=user)
    assert "dar un paseo" not in {v["lemma"] for v in article.key_vocabulary}
    assert article.known_word_coverage == 0.0
