"""Issue 19: with the broker unreachable, POSTs that create work answered 500 after committing it,
and a retry duplicated the work. Now the refused message waits in the outbox for the sweep, and an
`Idempotency-Key` replays the first answer instead of creating again."""

from __future__ import annotations

import pytest
from dramatiq import Message

from articles.models import SummariseJob
from langlearn.jobs.models import GenerationUsage, OutboxMessage
from langlearn.jobs.services import jobs_sweep
from langlearn.models import IdempotencyRecord
from langlearn.testing import client_for, race
from vocab.models import LearnableWordBankEntry

pytestmark = pytest.mark.django_db

ARTICLES = "/api/generation/articles"
ENTRIES = "/api/vocab/entries"
TEXT = "The town held its yearly river festival with boats, music and food stalls along the water. " * 4


class RefusingQueue:
    """A StubBroker queue whose transport is down: every put fails the way a Redis or RabbitMQ
    client does when the server is unreachable."""

    def __init__(self, queue):
        self.queue = queue

    def put(self, item):
        raise ConnectionRefusedError("broker unreachable")

    def __getattr__(self, name):
        return getattr(self.queue, name)


@pytest.fixture
def broker_down(broker):
    saved = dict(broker.queues)
    broker.queues.update({name: RefusingQueue(q) for name, q in saved.items()})
    broker.restore = lambda: broker.queues.update(saved)
    yield broker
    broker.restore()


def _queued(broker) -> list[str]:
    return [Message.decode(m).actor_name for q in broker.queues.values() for m in list(q.queue)]


def test_broker_down_answers_202_and_the_sweep_sends_the_message_later(
    auth_client, pair, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = auth_client.post(ARTICLES, {"language_pair": str(pair.pk), "text": TEXT}, format="json")
    assert r.status_code == 202, r.content
    stored = OutboxMessage.objects.get()
    assert (stored.actor_name, stored.args) == ("run_job", [r.json()["job"]["id"]])
    assert "broker unreachable" in stored.last_error

    assert jobs_sweep().outbox_sent == 0  # still down: kept, attempt counted
    assert OutboxMessage.objects.get().attempts == 2

    broker_down.restore()
    assert jobs_sweep().outbox_sent == 1
    assert not OutboxMessage.objects.exists()
    assert _queued(broker_down) == ["run_job"]


def test_word_entry_with_the_broker_down_is_201_once(
    auth_client, pair, broker_down, django_capture_on_commit_callbacks
):
    body = {
        "language_pair": str(pair.pk),
        "text": "casa",
        "lemma": "casa",
        "part_of_speech": "NOUN",
        "translation": "house",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = auth_client.post(ENTRIES, body, format="json")
    assert r.status_code == 201, r.content
    assert OutboxMessage.objects.get().actor_name == "entry_media_generate"


def test_same_key_replays_the_first_answer_and_creates_once(auth_client, pair):
    headers = {"HTTP_IDEMPOTENCY_KEY": "article-1"}
    body = {"language_pair": str(pair.pk), "text": TEXT}
    first = auth_client.post(ARTICLES, body, format="json", **headers)
    second = auth_client.post(ARTICLES, body, format="json", **headers)
    assert first.status_code == second.status_code == 202
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert SummariseJob.objects.count() == 1
    assert GenerationUsage.objects.get().count == 1  # quota spent once


def test_same_key_different_request_is_422(auth_client, pair):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k"}
    auth_client.post(ARTICLES, {"language_pair": str(pair.pk), "text": TEXT}, format="json", **headers)
    r = auth_client.post(ARTICLES, {"language_pair": str(pair.pk), "text": TEXT + "!"}, format="json", **headers)
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert SummariseJob.objects.count() == 1


def test_errors_are_not_stored_and_keys_are_per_learner(auth_client, other_client, pair):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k2"}
    bad = auth_client.post(ENTRIES, {"language_pair": str(pair.pk)}, format="json", **headers)
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    body = {
        "language_pair": str(pair.pk),
        "text": "casa",
        "lemma": "casa",
        "part_of_speech": "NOUN",
        "translation": "x",
    }
    assert auth_client.post(ENTRIES, body, format="json", **headers).status_code == 201
    # Another learner's identical key is theirs: it does not replay this learner's answer.
    assert other_client.post(ENTRIES, body, format="json", **headers).status_code == 404
    assert LearnableWordBankEntry.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "a\tb"])
def test_malformed_keys_are_400(auth_client, pair, key):
    r = auth_client.post(
        ARTICLES, {"language_pair": str(pair.pk), "text": TEXT}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_idempotency_key"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_once(user, pair):
    body = {"language_pair": str(pair.pk), "text": TEXT}

    def post():
        return client_for(user).post(ARTICLES, body, format="json", HTTP_IDEMPOTENCY_KEY="race")

    first, second = race(post, post)
    assert first.status_code == second.status_code == 202, (first.content, second.content)
    assert first.json() == second.json()
    assert SummariseJob.objects.count() == 1


def test_the_sweep_forgets_keys_after_a_day(auth_client, pair):
    from datetime import timedelta

    from django.utils import timezone

    headers = {"HTTP_IDEMPOTENCY_KEY": "old"}
    body = {"language_pair": str(pair.pk), "text": TEXT}
    assert auth_client.post(ARTICLES, body, format="json", **headers).status_code == 202
    jobs_sweep(now=timezone.now() + timedelta(hours=23))
    assert IdempotencyRecord.objects.count() == 1
    jobs_sweep(now=timezone.now() + timedelta(hours=25))
    assert not IdempotencyRecord.objects.exists()
