from datetime import timedelta

import pytest
from django.utils import timezone

from adventures.models import AdventureStatus
from adventures.tests.factories import AdventureFactory
from articles.tests.factories import ArticleFactory
from flashcards.models import CardState, Flashcard
from flashcards.selectors.due import DUE_COUNT_CAP
from flashcards.services import flashcards_create_for_entries
from langlearn.jobs.models import Job, JobStatus
from packs.tests.factories import PackFactory, make_entries
from screens.serializers import HomeScreenSerializer
from vocab.models import EntrySource, LearnableWordBankEntry
from vocab.tests.factories import EntryFactory, PairFactory

from .conftest import assert_shape, due_card, review_event, word

URL = "/bff/home"
pytestmark = pytest.mark.django_db


def _seed(user, pair):
    """Three due cards, reviews today and on the two days before, new cards beyond the daily limit."""
    cards = [due_card(pair, f"palabra{i}") for i in range(3)]
    review_event(cards[0], days_ago=0, rating=3)
    review_event(cards[1], days_ago=0, rating=1)  # forgotten: counts against retention
    review_event(cards[1], days_ago=1, rating=3)
    review_event(cards[2], days_ago=2, rating=4)
    for i in range(4):
        word(pair, f"nueva{i}", "new-cards")  # 4 entries, 2 directions each = 8 new cards
    pair.daily_new_cards = 5
    pair.save()
    return cards


def test_home_for_a_seeded_learner(auth_client, user, pair, read_only):
    _seed(user, pair)
    french = PairFactory(user=user, target_language="fr", is_active=True)
    word(french, "chat", "new-cards")
    articles = [ArticleFactory(pair=pair) for _ in range(4)]
    ArticleFactory()  # another learner's
    ended = AdventureFactory(pair=pair, status=AdventureStatus.ENDED)
    playing = [AdventureFactory(pair=pair, status=AdventureStatus.READY) for _ in range(2)]
    queued = Job.objects.create(user=user, kind="article", status=JobStatus.QUEUED)
    Job.objects.create(user=user, kind="article", status=JobStatus.SUCCEEDED)
    Job.objects.create(user=PairFactory().user, kind="article", status=JobStatus.RUNNING)
    fits = [PackFactory(level="A2") for _ in range(4)]
    make_entries(fits[0], 3)
    EntryFactory(pair=pair, text="añadida", source=EntrySource.PACK, source_ref=fits[3].pk)  # already added
    PackFactory(level="B1")  # other level
    PackFactory(level="A2", target_language="fr")  # other pair
    PackFactory(level="A2", published=False)

    with read_only():
        response = auth_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, HomeScreenSerializer())
    assert body["language_pair"] is None
    assert body["active_pair"]["id"] == str(pair.pk)  # the oldest active pair
    assert body["active_pair"]["due_count"] == 3
    assert body["active_pair"]["new_count"] == 5  # 9 new cards (incl. "añadida"), 5 a day
    assert [p["id"] for p in body["other_pairs"]] == [str(french.pk)]
    assert body["other_pairs"][0]["new_count"] == 2
    assert body["due_count"] == 3  # across both pairs
    assert body["new_count"] == 7
    assert body["reviews_today"] == 2
    assert (body["current_streak"], body["longest_streak"]) == (3, 3)
    assert body["retention_30_days"] == 0.75
    assert body["retention_reviews_30_days"] == 4
    assert [a["id"] for a in body["recent_articles"]] == [str(a.pk) for a in reversed(articles)][:3]
    assert {a["id"] for a in body["adventures_in_progress"]} == {str(a.pk) for a in playing}
    assert str(ended.pk) not in {a["id"] for a in body["adventures_in_progress"]}
    assert [j["id"] for j in body["running_jobs"]] == [str(queued.pk)]
    recommended = {p["id"]: p for p in body["recommended_packs"]}
    assert set(recommended) == {str(p.pk) for p in fits[:3]}
    assert recommended[str(fits[0].pk)]["entry_count"] == 3


def test_home_narrowed_to_one_pair(auth_client, user, pair):
    _seed(user, pair)
    french = PairFactory(user=user, target_language="fr", level="B1")
    word(french, "chat", "new-cards")
    ArticleFactory(pair=pair)
    french_article = ArticleFactory(pair=french, language="fr")
    french_pack = PackFactory(target_language="fr", level="B1")

    body = auth_client.get(URL, {"language_pair": str(french.pk)}).json()

    assert body["language_pair"] == str(french.pk)
    assert body["active_pair"]["id"] == str(french.pk)
    assert [p["id"] for p in body["other_pairs"]] == [str(pair.pk)]
    assert (body["due_count"], body["new_count"]) == (0, 2)
    assert body["reviews_today"] == 0  # the reviews were all Spanish
    assert body["current_streak"] == 0
    assert [a["id"] for a in body["recent_articles"]] == [str(french_article.pk)]
    assert [p["id"] for p in body["recommended_packs"]] == [str(french_pack.pk)]


def test_home_without_pairs(auth_client):
    body = auth_client.get(URL).json()
    assert body["active_pair"] is None
    assert body["other_pairs"] == []
    assert (body["due_count"], body["new_count"], body["reviews_today"]) == (0, 0, 0)
    assert body["recommended_packs"] == []
    assert_shape(body, HomeScreenSerializer())


def test_home_new_count_follows_todays_introductions(auth_client, user, pair):
    """New cards first reviewed today use up the daily allowance (the due queue's own rule)."""
    word(pair, "uno", "new-cards")
    word(pair, "dos", "new-cards")
    pair.daily_new_cards = 3
    pair.save()
    card = Flashcard.objects.filter(pair=pair).first()
    review_event(card, days_ago=0, state_before=1, first=True)
    Flashcard.objects.filter(pk=card.pk).update(last_review=timezone.now(), due=timezone.now() + timedelta(days=1))

    body = auth_client.get(URL).json()

    assert body["active_pair"]["new_count"] == 2  # 3 a day, 1 already introduced


def _due_cards(pair, n: int) -> None:
    """`n` studied cards of `pair` due now (entries in bulk; both directions, the pair shows produce)."""
    entries = LearnableWordBankEntry.objects.bulk_create(EntryFactory.build_batch((n + 1) // 2, pair=pair))
    flashcards_create_for_entries(pair=pair, entry_ids=[e.pk for e in entries])
    now = timezone.now()
    cards = Flashcard.objects.filter(pair=pair).order_by("id")
    Flashcard.objects.filter(pk__in=cards.values("pk")[:n]).update(
        state=CardState.REVIEW, stability=5.0, difficulty=5.0, last_review=now - timedelta(days=6),
        due=now - timedelta(days=1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("due", "shown", "capped"), [(DUE_COUNT_CAP, DUE_COUNT_CAP, False), (DUE_COUNT_CAP + 1, DUE_COUNT_CAP, True)]
)
def test_home_due_count_stops_at_the_cap_and_says_so(auth_client, user, pair, due, shown, capped):
    """Past 1,000 due cards the count is a floor, flagged `due_capped` ("1000+"): counting a
    million-card learner's due cards exactly would grow the screen with the history."""
    pair.production_cards_enabled = True
    pair.save()
    _due_cards(pair, due)
    french = PairFactory(user=user, target_language="fr")
    due_card(french, "chat")

    body = auth_client.get(URL).json()
    review = auth_client.get("/bff/review", {"language_pair": str(pair.pk)}).json()

    mine = body["active_pair"] if body["active_pair"]["id"] == str(pair.pk) else body["other_pairs"][0]
    assert (mine["due_count"], mine["due_capped"]) == (shown, capped)
    assert (body["due_count"], body["due_capped"]) == (shown + 1, capped)  # both pairs
    french_card = next(p for p in [body["active_pair"], *body["other_pairs"]] if p["id"] == str(french.pk))
    assert (french_card["due_count"], french_card["due_capped"]) == (1, False)
    assert (review["counts"]["due"], review["counts"]["due_capped"]) == (shown, capped)
    assert_shape(body, HomeScreenSerializer())


def test_home_other_learners_pair_is_404(auth_client, other_pair):
    response = auth_client.get(URL, {"language_pair": str(other_pair.pk)})
    assert response.status_code == 404


def test_home_bad_pair_id_is_400(auth_client):
    assert auth_client.get(URL, {"language_pair": "nope"}).status_code == 400


@pytest.mark.parametrize(("entries", "articles"), [(10, 1), (500, 20)])
def test_home_query_count_is_constant(auth_client, user, pair, entries, articles, django_assert_num_queries):
    _seed(user, pair)
    for i in range(entries):
        word(pair, f"w{i}", "no-cards")
    for _ in range(articles):
        ArticleFactory(pair=pair)
        AdventureFactory(pair=pair)
        Job.objects.create(user=user, kind="article", status=JobStatus.RUNNING)
        PackFactory(level="A2")
    PairFactory(user=user, target_language="fr")

    # Eleven: the review figures are one read of the per-day counters; one more for the vocabulary block.
    with django_assert_num_queries(11):
        assert auth_client.get(URL).status_code == 200
