"""Two requests adding the same word at the same moment (a double tap, two devices)."""

import pytest

from flashcards.models import Flashcard
from langlearn.testing import client_for, race
from vocab.models import LearnableWordBankEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_adds_of_one_word_make_one_entry(user, pair):
    body = {"language_pair": str(pair.pk), "text": "casa", "lemma": "casa", "part_of_speech": "NOUN",
            "translation": "house"}  # fmt: skip
    clients = [client_for(user), client_for(user)]
    responses = race(*(lambda c=c: c.post("/api/vocab/entries", body, format="json") for c in clients))
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert [r.json()["created"] for r in responses].count(True) == 1
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert LearnableWordBankEntry.objects.count() == 1
    assert Flashcard.objects.count() == 2


def test_add_to_a_pair_deleted_meanwhile_answers_404_and_writes_nothing(user, pair, monkeypatch):
    """The pair is deleted after the request has read it and before its insert commits: the deferred
    foreign key refuses the entries at commit, and the learner gets a 404, not a 500."""
    from vocab.models import UserLanguagePair
    from vocab.services import entries

    insert = entries._entries_insert

    def deleted_meanwhile(*, pair, **kwargs):
        UserLanguagePair.objects.filter(pk=pair.pk).delete()
        return insert(pair=pair, **kwargs)

    monkeypatch.setattr(entries, "_entries_insert", deleted_meanwhile)
    body = {"language_pair": str(pair.pk), "text": "casa", "lemma": "casa", "part_of_speech": "NOUN",
            "translation": "house"}  # fmt: skip
    r = client_for(user).post("/api/vocab/entries", body, format="json")
    assert r.status_code == 404, r.json()
    assert r.json()["code"] == "not_found"
    assert LearnableWordBankEntry.objects.count() == 0
    assert Flashcard.objects.count() == 0
