"""Target words from the pack or theme the learner asked for: the learner's due and learning cards
first, then the pack's words they do not know yet; the article's report lists which the text used
and the reader flags them. With the loopback fake LLM."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import TranslatedArticle
from flashcards.models import Flashcard
from knowledge.models import WordStatusMark
from langlearn.jobs.models import Job
from langlearn.testing import run_jobs
from packs.tests.factories import PackEntryFactory, PackFactory
from vocab.models import LearnableWordBankEntry

from .factories import PairFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "The cat eats an apple in the big house while the dog sleeps in the garden. " * 4
BODY = "El gato come una manzana. La casa es grande."
URL = "/api/generation/articles"


@pytest.fixture
def learner_pair(user):
    pair = PairFactory(user=user, revision_rounds=0)
    for word in ("el", "gato", "casa", "grande"):
        LearnableWordBankEntry.objects.create(user=user, pair=pair, text=word, lemma=word, normalized_lemma=word)
    gato = LearnableWordBankEntry.objects.get(pair=pair, normalized_lemma="gato")
    Flashcard.objects.create(user=user, pair=pair, entry=gato, due=timezone.now() + timedelta(hours=1))  # learning
    WordStatusMark.objects.create(user=user, pair=pair, key="pera", status="known", source="reader")
    return pair


@pytest.fixture
def fruit_pack():
    pack = PackFactory(title="Fruit", tags=["food"])
    for position, text in enumerate(["gato", "pera", "manzana", "queso", "uva"]):
        PackEntryFactory(pack=pack, text=text, position=position)
    return pack


def prompts(fake_providers) -> list[str]:
    return [r.json["messages"][0]["content"] for r in fake_providers.requests_for("anthropic")]


def ask(client, pair, **extra):
    return client.post(URL, {"language_pair": str(pair.pk), "text": SOURCE, **extra}, format="json")


def test_an_article_practises_the_learners_cards_then_the_packs_unknown_words_and_the_reader_flags_them(
    auth_client, learner_pair, fruit_pack, fake_providers, broker, worker
):
    fake_providers.push_tool_input({"title": "El gato", "body": BODY, "glossary": []})
    resp = ask(auth_client, learner_pair, pack=str(fruit_pack.pk))
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)

    (prompt,) = prompts(fake_providers)
    studying = prompt.split("(do not force them): ")[1].split(".\n")[0].split(", ")
    assert studying[0] == "gato"  # the learning card comes first
    pack_words = prompt.split("put each you use in the glossary: ")[1].split(".\n")[0].split(", ")
    # The pack's words the learner does not know yet, in pack order: not "pera" (known), not "gato" again.
    assert pack_words == ["manzana", "queso", "uva"]

    article = TranslatedArticle.objects.get(pair=learner_pair)
    report = article.generation
    assert report["target_words"][: len(studying)] == studying
    assert report["target_words"][len(studying) :] == ["manzana", "queso", "uva"]
    assert set(report["target_words_used"]) == {"gato", "manzana"}
    assert report["target_sources"]["pack_words"] == ["manzana", "queso", "uva"]
    assert report["target_sources"]["packs"] == [{"id": str(fruit_pack.pk), "title": "Fruit"}]
    # The article API shows the report.
    detail = auth_client.get(f"{URL}/{article.pk}").json()
    assert detail["generation"]["target_words_used"] == report["target_words_used"]

    reader = auth_client.get(f"/bff/articles/{article.pk}/reader").json()
    flagged = {t["text"] for p in reader["paragraphs"] for s in p["sentences"] for t in s["tokens"] if t.get("target")}
    assert flagged == {"gato", "manzana"}


def test_a_theme_takes_the_words_of_the_packs_with_that_tag(
    auth_client, learner_pair, fruit_pack, fake_providers, broker, worker
):
    PackEntryFactory(pack=PackFactory(title="Other", tags=["travel"]), text="tren")
    fake_providers.push_tool_input({"title": "El gato", "body": BODY, "glossary": []})
    resp = ask(auth_client, learner_pair, theme="  Food ")
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)
    (prompt,) = prompts(fake_providers)
    assert "practise words on the theme 'food'" in prompt
    assert "manzana, queso, uva" in prompt
    assert "tren" not in prompt
    report = TranslatedArticle.objects.get(pair=learner_pair).generation
    assert report["target_sources"]["theme"] == "food"
    assert "manzana" in report["target_words_used"]


def test_a_pack_or_theme_that_cannot_be_used_is_refused_before_any_job_or_quota(
    auth_client, other_client, learner_pair, fruit_pack
):
    hidden = PackFactory(published=False, published_at=None)
    french = PackFactory(target_language="fr")
    cases = [
        ({"pack": str(hidden.pk)}, 404, "pack_not_found"),
        ({"pack": "00000000-0000-0000-0000-000000000000"}, 404, "pack_not_found"),
        ({"pack": str(french.pk)}, 400, "pack_language_mismatch"),
        ({"theme": "astronomy"}, 400, "theme_not_found"),
    ]
    for extra, status, code in cases:
        resp = ask(auth_client, learner_pair, **extra)
        assert resp.status_code == status, (extra, resp.json())
        assert resp.json()["code"] == code
    resp = ask(auth_client, learner_pair, pack="not-a-uuid")
    assert resp.status_code == 400
    assert "pack" in resp.json()
    resp = ask(auth_client, learner_pair, theme="x" * 51)
    assert resp.status_code == 400
    assert "theme" in resp.json()
    # Another learner's pair stays not found, pack or no pack.
    assert ask(other_client, learner_pair, pack=str(fruit_pack.pk)).status_code == 404
    assert Job.objects.count() == 0
    assert auth_client.get("/api/jobs/quota").json()["used"] == 0
