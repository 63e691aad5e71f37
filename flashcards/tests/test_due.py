from datetime import timedelta

import pytest
from django.utils import timezone
from fsrs import Rating, Scheduler

from flashcards.models import Flashcard, FlashcardEvent
from flashcards.scheduling import to_fsrs
from flashcards.selectors import learner_day_start
from vocab.tests.factories import PairFactory, card_for

URL = "/api/flashcards/due"
pytestmark = pytest.mark.django_db


def studied(card, *, due_in: timedelta, state: int = 2) -> Flashcard:
    now = timezone.now()
    Flashcard.objects.filter(pk=card.pk).update(
        state=state, step=None, stability=5.0, difficulty=5.0, due=now + due_in, last_review=now - timedelta(days=5)
    )
    card.refresh_from_db()
    return card


def first_review_event(card, when):
    return FlashcardEvent.objects.create(
        card=card, user=card.user, rating=3, reviewed_at=when,
        state_before={"state": 1, "last_review": None}, state_after={"state": 1},
    )  # fmt: skip


def due_ids(client, pair, **params):
    r = client.get(URL, {"language_pair": str(pair.pk), **params})
    assert r.status_code == 200, r.json()
    return [c["id"] for c in r.json()["results"]], r.json()


def test_due_cards_oldest_first_then_new_cards(auth_client, user):
    pair = PairFactory(user=user, production_cards_enabled=False)
    new = card_for(pair)
    late = studied(card_for(pair), due_in=-timedelta(hours=1))
    oldest = studied(card_for(pair), due_in=-timedelta(days=3))
    studied(card_for(pair), due_in=timedelta(days=2))  # not due yet
    ids, body = due_ids(auth_client, pair)
    assert ids == [str(oldest.pk), str(late.pk), str(new.pk)]
    first = body["results"][0]
    assert first["is_new"] is False
    assert first["front"] == first["text"]
    assert body["results"][2]["is_new"] is True


def test_produce_cards_show_the_translation_first(auth_client, pair):
    card = card_for(pair, direction="produce")
    item = next(
        c for c in auth_client.get(URL, {"language_pair": str(pair.pk)}).json()["results"] if c["id"] == str(card.pk)
    )
    assert (item["front"], item["back"]) == (card.entry.translation, card.entry.text)


def test_daily_new_card_limit(auth_client, user):
    pair = PairFactory(user=user, daily_new_cards=3, production_cards_enabled=False)
    cards = [card_for(pair) for _ in range(6)]
    ids, body = due_ids(auth_client, pair)
    assert len(ids) == 3
    assert body["new_cards_remaining_today"] == 0
    # Two new cards studied today leave room for one more.
    for card in cards[:2]:
        assert auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"}).status_code == 201
    ids, _ = due_ids(auth_client, pair)
    new_ids = [i for i in ids if i not in {str(c.pk) for c in cards[:2]}]
    assert len(new_ids) == 1


def test_new_card_limit_counts_days_in_the_learners_time_zone(auth_client, user):
    user.time_zone = "Pacific/Kiritimati"  # UTC+14: the learner's day starts well before UTC's
    user.save()
    pair = PairFactory(user=user, daily_new_cards=2, production_cards_enabled=False)
    cards = [card_for(pair) for _ in range(5)]
    day_start = learner_day_start(user, timezone.now())
    first_review_event(cards[0], day_start - timedelta(minutes=1))  # yesterday, locally
    studied(cards[0], due_in=timedelta(days=3))
    first_review_event(cards[1], day_start + timedelta(seconds=1))  # today, locally
    studied(cards[1], due_in=timedelta(days=3))
    _, body = due_ids(auth_client, pair)
    assert body["new_cards_remaining_today"] == 0
    assert len(body["results"]) == 1


def test_limit(auth_client, pair):
    for _ in range(3):
        card_for(pair)
    ids, _ = due_ids(auth_client, pair, limit=2)
    assert len(ids) == 2
    for bad in (0, 101, "x", ""):  # empty is not a number, not "use the default"
        assert auth_client.get(URL, {"language_pair": str(pair.pk), "limit": bad}).status_code == 400


def test_suspended_and_switched_off_produce_cards_are_left_out(auth_client, pair):
    entry_card = card_for(pair)
    produce = Flashcard.objects.get(entry=entry_card.entry, direction="produce")
    suspended = card_for(pair)
    auth_client.patch(f"/api/flashcards/{suspended.pk}", {"suspended": True})
    ids, _ = due_ids(auth_client, pair)
    assert str(suspended.pk) not in ids
    assert str(produce.pk) in ids
    auth_client.patch(f"/api/vocab/language-pairs/{pair.pk}", {"production_cards_enabled": False})
    ids, _ = due_ids(auth_client, pair)
    assert str(produce.pk) not in ids
    assert str(entry_card.pk) in ids


def test_other_pairs_cards_are_not_in_the_queue(auth_client, user, pair):
    other = PairFactory(user=user, target_language="fr")
    card_for(other)
    assert due_ids(auth_client, pair)[0] == []


def test_language_pair_required_and_scoped(auth_client, other_pair):
    assert auth_client.get(URL).status_code == 400
    assert auth_client.get(URL, {"language_pair": str(other_pair.pk)}).status_code == 404


def test_intervals_preview_matches_fsrs(auth_client, pair):
    card = studied(card_for(pair), due_in=-timedelta(hours=2))
    body = auth_client.get(URL, {"language_pair": str(pair.pk), "intervals": "true"}).json()
    item = next(c for c in body["results"] if c["id"] == str(card.pk))
    seconds = [item["intervals"][name]["interval_seconds"] for name in ("again", "hard", "good", "easy")]
    assert seconds == sorted(seconds)
    assert seconds[0] < seconds[3]
    # Same as fsrs itself, rated at the returned time, without fuzz.
    from datetime import datetime

    for rating in Rating:
        due = datetime.fromisoformat(item["intervals"][rating.name.lower()]["due"])
        when = due - timedelta(seconds=item["intervals"][rating.name.lower()]["interval_seconds"])
        expected, _ = Scheduler(enable_fuzzing=False).review_card(to_fsrs(card), rating, review_datetime=when)
        assert abs((expected.due - due).total_seconds()) <= 1


def test_due_query_count_does_not_grow(auth_client, pair, django_assert_max_num_queries):
    card_for(pair)
    # JWT user, the pair with today's new-card count, the cards (one UNION ALL).
    with django_assert_max_num_queries(3):
        assert len(due_ids(auth_client, pair, limit=100)[0]) == 2
    for i in range(30):
        card = card_for(pair)
        if i % 2:
            studied(card, due_in=-timedelta(minutes=i + 1))
    with django_assert_max_num_queries(3):
        ids, _ = due_ids(auth_client, pair, limit=100)
    assert len(ids) > 30


def test_selector_for_other_callers_gives_the_same_queue(auth_client, user):
    """The BFF calls the selector with a plain pair (no pre-counted new cards): same queue."""
    from flashcards.selectors import due_cards_for_user

    pair = PairFactory(user=user, daily_new_cards=2, production_cards_enabled=False)
    new = [card_for(pair) for _ in range(4)]
    auth_client.post(f"/api/flashcards/{new[0].pk}/reviews", {"rating": "again"})
    studied(card_for(pair), due_in=-timedelta(days=1))
    api_ids, body = due_ids(auth_client, pair)
    cards, remaining = due_cards_for_user(user=user, pair=pair, limit=20)
    assert [c["id"] for c in cards] == api_ids
    assert remaining == body["new_cards_remaining_today"] == 0


def test_same_queue_without_limit_in_union(auth_client, user, monkeypatch):
    """SQLite (`make run`) cannot LIMIT inside a UNION: the two-query path gives the same queue."""
    from django.db import connection

    pair = PairFactory(user=user, daily_new_cards=3)
    for i in range(4):
        card_for(pair)
        studied(card_for(pair), due_in=-timedelta(hours=i + 1))
    with_union, _ = due_ids(auth_client, pair, limit=9)
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    assert due_ids(auth_client, pair, limit=9)[0] == with_union
    assert len(with_union) == 7  # 4 studied cards due + 3 new (the daily limit)


def test_new_card_count_names_the_pair_by_id_not_by_the_outer_row(auth_client, user, pair):
    """A count tied to the outer pair row is planned for the table-wide average pair: for a learner of
    a million cards it walked every card (3.5 s). The pair id goes in as a parameter instead, and the
    count still covers this pair's first reviews of today only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from flashcards.selectors import pair_for_due_queue

    other = PairFactory(user=user, target_language="fr")
    first_review_event(card_for(pair), timezone.now())
    first_review_event(card_for(other), timezone.now())
    first_review_event(card_for(pair), timezone.now() - timedelta(days=2))
    with CaptureQueriesContext(connection) as ctx:
        loaded = pair_for_due_queue(user=user, pair_id=str(pair.pk))
    assert loaded.new_introduced_today == 1
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert '"pair_id" = ("vocab_userlanguagepair"."id")' not in sql
    assert f"'{pair.pk}'" in sql or str(pair.pk).replace("-", "") in sql


def test_due_with_a_malformed_pair_id_is_a_4xx(auth_client):
    r = auth_client.get(URL, {"language_pair": "not-a-uuid"})
    assert r.status_code in (400, 404)
    assert set(r.json()) >= {"detail", "code"}
