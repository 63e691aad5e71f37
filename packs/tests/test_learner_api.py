"""The learner catalogue and add-to-word-bank, over HTTP."""

import pytest

from flashcards.models import Flashcard
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from .factories import PackFactory, make_entries

pytestmark = pytest.mark.django_db

LIST = "/api/packs/"


def add(client, pack, pair):
    return client.post(f"/api/packs/{pack.id}/add-to-word-bank", {"language_pair": str(pair.id)}, format="json")


def test_only_published_packs_are_listed_and_visible(auth_client):
    shown = PackFactory(title="Shown")
    hidden = PackFactory(title="Hidden", published=False)
    make_entries(shown, 3)
    response = auth_client.get(LIST)
    assert response.status_code == 200
    assert [p["id"] for p in response.data["results"]] == [str(shown.id)]
    assert response.data["results"][0]["entry_count"] == 3
    assert response.data["results"][0]["already_added"] is False
    assert auth_client.get(f"/api/packs/{hidden.id}").status_code == 404


def test_anonymous_gets_401(api_client):
    assert api_client.get(LIST).status_code == 401


def test_filters(auth_client):
    es = PackFactory(title="Spanish food", tags=["food"], level="A1")
    PackFactory(title="French travel", target_language="fr", tags=["travel"], level="B1")
    PackFactory(title="Spanish travel", tags=["travel", "holiday"], level="A2")

    def titles(**params):
        response = auth_client.get(LIST, params)
        assert response.status_code == 200
        return sorted(p["title"] for p in response.data["results"])

    assert titles(target_language="fr") == ["French travel"]
    assert titles(level="A2") == ["Spanish travel"]
    assert titles(tag="travel") == ["French travel", "Spanish travel"]
    assert titles(tag="trav") == []
    assert titles(search="food") == ["Spanish food"]
    assert titles(source_language="en", target_language="es") == ["Spanish food", "Spanish travel"]
    assert auth_client.get(LIST, {"level": "Z9"}).status_code == 400
    assert es.tags == ["food"]


def test_detail_paginates_entries(auth_client):
    pack = PackFactory()
    make_entries(pack, 45)
    response = auth_client.get(f"/api/packs/{pack.id}", {"page_size": 20, "page": 2})
    assert response.status_code == 200
    entries = response.data["entries"]
    assert entries["count"] == 45
    assert [e["text"] for e in entries["results"]] == [f"palabra {i}" for i in range(20, 40)]
    assert entries["next"] is not None
    assert entries["previous"] is not None
    assert response.data["entry_count"] == 45


def test_add_to_word_bank_is_idempotent(auth_client, user, pair):
    pack = PackFactory()
    make_entries(pack, 5)
    LearnableWordBankEntry.objects.create(
        user=user, pair=pair, text="Palabra 0", normalized_lemma="palabra 0", translation="mine"
    )
    response = add(auth_client, pack, pair)
    assert response.status_code == 200
    assert response.json() == {"added": 4, "already_present": 1}
    entries = LearnableWordBankEntry.objects.filter(pair=pair, source="pack")
    assert entries.count() == 4
    assert {e.source_ref for e in entries} == {pack.id}
    assert LearnableWordBankEntry.objects.get(normalized_lemma="palabra 0").translation == "mine"
    # recognise + produce per new entry (production cards are on by default)
    assert Flashcard.objects.filter(pair=pair).count() == 8
    assert add(auth_client, pack, pair).json() == {"added": 0, "already_present": 5}
    assert Flashcard.objects.filter(pair=pair).count() == 8
    listed = auth_client.get(LIST).data["results"][0]
    assert listed["already_added"] is True


def test_add_copies_translation_example_and_audio(auth_client, pair):
    pack = PackFactory()
    pack.entries.create(
        text="el perro",
        translation="the dog",
        part_of_speech="noun",
        example_sentence="El perro duerme.",
        example_translation="The dog sleeps.",
        audio="packs/p/perro.wav",
    )
    add(auth_client, pack, pair)
    entry = LearnableWordBankEntry.objects.get(pair=pair)
    assert (entry.text, entry.normalized_lemma, entry.translation, entry.part_of_speech) == (
        "el perro",
        "el perro",
        "the dog",
        "noun",
    )
    assert (entry.example_sentence, entry.example_translation, entry.audio, entry.source) == (
        "El perro duerme.",
        "The dog sleeps.",
        "packs/p/perro.wav",
        "pack",
    )


def test_language_mismatch_is_400(auth_client, user):
    pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="fr")
    pack = PackFactory()
    make_entries(pack, 2)
    response = add(auth_client, pack, pair)
    assert response.status_code == 400
    assert response.json()["code"] == "language_mismatch"
    assert not LearnableWordBankEntry.objects.exists()


def test_someone_elses_pair_or_an_unpublished_pack_is_404(auth_client, other_user, pair):
    theirs = UserLanguagePair.objects.create(user=other_user, source_language="en", target_language="es")
    pack = PackFactory()
    make_entries(pack, 2)
    assert add(auth_client, pack, theirs).status_code == 404
    draft = PackFactory(published=False)
    assert add(auth_client, draft, pair).status_code == 404
    assert auth_client.post(f"/api/packs/{pack.id}/add-to-word-bank", {}, format="json").status_code == 400
    assert not LearnableWordBankEntry.objects.exists()


@pytest.mark.parametrize("size", [10, 1000])
def test_add_to_word_bank_query_count_is_constant(auth_client, pair, size, django_assert_max_num_queries):
    pack = PackFactory()
    make_entries(pack, size)
    # 7 for the copy, 6 for the status log (the keys, the statuses before and after, the events).
    with django_assert_max_num_queries(13):
        response = add(auth_client, pack, pair)
    assert response.json() == {"added": size, "already_present": 0}
    assert Flashcard.objects.filter(pair=pair).count() == 2 * size


@pytest.mark.parametrize("packs", [1, 15])
def test_list_query_count_is_constant(auth_client, packs, django_assert_max_num_queries):
    for _ in range(packs):
        make_entries(PackFactory(), 3)
    with django_assert_max_num_queries(4):
        response = auth_client.get(LIST)
    assert len(response.data["results"]) == packs


def test_set_based_and_generic_paths_agree(user, other_user, monkeypatch):
    """PostgreSQL copies a pack's entries and their cards set-based (INSERT ... SELECT); other
    backends (SQLite for `make run`) build them per entry. Both must give the same word bank."""
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from packs.selectors import pack_entries
    from vocab.models import EntrySource
    from vocab.services import COPIED_FIELDS, entries_copy

    pack = PackFactory()
    make_entries(pack, 5)
    pack.entries.filter(position=1).update(audio="packs/a.wav", example_sentence="Ej.", part_of_speech="noun")
    now = timezone.now()
    results = []
    for owner, vendor in ((user, connection.vendor), (other_user, "sqlite")):
        pair = UserLanguagePair.objects.create(user=owner, source_language="en", target_language="es")
        rows = pack_entries(pack=pack).values(*COPIED_FIELDS, key=F("normalized_text"))
        with monkeypatch.context() as patch, transaction.atomic():
            patch.setattr(connection, "vendor", vendor)
            copied = entries_copy(pair=pair, rows=rows, source=EntrySource.PACK, source_ref=pack.pk, now=now)
            assert (copied.added, copied.total) == (5, 5)
        entries = sorted(
            LearnableWordBankEntry.objects.filter(pair=pair).values_list(
                "text",
                "lemma",
                "normalized_lemma",
                "translation",
                "part_of_speech",
                "example_sentence",
                "example_translation",
                "audio",
                "source",
                "source_ref",
                "user_id",
            )
        )
        cards = sorted(
            Flashcard.objects.filter(pair=pair).values_list(
                "entry__normalized_lemma",
                "direction",
                "state",
                "step",
                "stability",
                "difficulty",
                "due",
                "last_review",
                "suspended",
                "user_id",
            )
        )
        results.append((entries, cards, owner.id))
    (entries_a, cards_a, owner_a), (entries_b, cards_b, _owner_b) = results
    assert [e[:-1] for e in entries_a] == [e[:-1] for e in entries_b]
    assert [c[:-1] for c in cards_a] == [c[:-1] for c in cards_b]
    assert {e[-1] for e in entries_a} == {c[-1] for c in cards_a} == {owner_a}
    assert len(cards_a) == 10


@pytest.mark.parametrize("entries", [1, 60])
def test_detail_query_count_is_constant(auth_client, entries, django_assert_max_num_queries):
    pack = PackFactory()
    make_entries(pack, entries)
    with django_assert_max_num_queries(4):
        response = auth_client.get(f"/api/packs/{pack.id}", {"page_size": 50})
    assert len(response.data["entries"]["results"]) == min(entries, 50)
