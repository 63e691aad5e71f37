"""Word bank rules that need no provider: every field given by the learner. The provider-filled
paths (only `text`) are in test_entries_providers.py."""

import pytest

from flashcards.models import Flashcard
from vocab.models import LearnableWordBankEntry
from vocab.tests.factories import EntryFactory, PairFactory

URL = "/api/vocab/entries"
pytestmark = pytest.mark.django_db


def full(text, **extra):
    return {"text": text, "lemma": text, "part_of_speech": "NOUN", "translation": f"{text}-en", **extra}


def add(client, pair, **fields):
    return client.post(URL, {"language_pair": str(pair.pk), **fields})


def test_add_with_every_field_creates_entry_cards_and_audio_job(
    auth_client, pair, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = add(auth_client, pair, **full("casa", example_sentence="Mi casa.", example_translation="My house."))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["created"] is True
    assert (body["lemma"], body["translation"], body["part_of_speech"]) == ("casa", "casa-en", "NOUN")
    assert body["source"] == "manual"
    assert body["audio_url"] is None
    entry = LearnableWordBankEntry.objects.get(pk=body["id"])
    assert entry.normalized_lemma == "casa"
    assert sorted(Flashcard.objects.filter(entry=entry).values_list("direction", flat=True)) == ["produce", "recognise"]
    assert broker.queues["vocab"].qsize() == 1


def test_adding_a_word_already_there_answers_200_created_false(auth_client, pair):
    first = add(auth_client, pair, **full("Casa")).json()
    again = add(auth_client, pair, **full("  casa ", translation="other"))
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["id"] == first["id"]
    assert again.json()["translation"] == "Casa-en"
    assert LearnableWordBankEntry.objects.count() == 1
    assert Flashcard.objects.count() == 2


def test_same_word_in_another_pair_is_a_new_entry(auth_client, user, pair):
    other = PairFactory(user=user, source_language="fr", target_language="es")
    add(auth_client, pair, **full("casa"))
    assert add(auth_client, other, **full("casa")).status_code == 201


def test_production_off_creates_only_recognise_cards(auth_client, user):
    pair = PairFactory(user=user, production_cards_enabled=False)
    body = add(auth_client, pair, **full("perro")).json()
    assert list(Flashcard.objects.filter(entry_id=body["id"]).values_list("direction", flat=True)) == ["recognise"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 201])
def test_bad_text_is_400(auth_client, pair, text):
    assert add(auth_client, pair, **full(text)).status_code == 400
    assert not LearnableWordBankEntry.objects.exists()


def test_add_to_another_learners_pair_is_404(auth_client, other_pair):
    assert add(auth_client, other_pair, **full("casa")).status_code == 404
    r = auth_client.post(f"{URL}/bulk", {"language_pair": str(other_pair.pk), "entries": [full("casa")]}, format="json")
    assert r.status_code == 404
    r = auth_client.post("/api/vocab/lookup", {"language_pair": str(other_pair.pk), "text": "casa"})
    assert r.status_code == 404
    assert not LearnableWordBankEntry.objects.exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_learners_entry_is_404_for_every_verb(auth_client, other_pair, method):
    entry = EntryFactory(pair=other_pair, translation="keep")
    r = getattr(auth_client, method)(f"{URL}/{entry.pk}", {"translation": "x"} if method == "patch" else None)
    assert r.status_code == 404
    entry.refresh_from_db()
    assert entry.translation == "keep"


def test_filters(auth_client, user, pair):
    other = PairFactory(user=user, target_language="fr")
    EntryFactory(pair=pair, text="casa", lemma="casa", translation="house", audio="a.wav")
    EntryFactory(pair=pair, text="casas", lemma="casar", translation="to marry", source="pack")
    EntryFactory(pair=pair, text="perro", lemma="perro", translation="dog", source="article")
    EntryFactory(pair=other, text="maison", lemma="maison", translation="house")

    def texts(**params):
        r = auth_client.get(URL, params)
        assert r.status_code == 200, r.json()
        return sorted(e["text"] for e in r.json()["results"])

    assert texts(language_pair=str(pair.pk)) == ["casa", "casas", "perro"]
    assert texts(pair=str(other.pk)) == ["maison"]
    assert texts(search="cas") == ["casa", "casas"]
    assert texts(search="CASAR") == ["casas"]  # lemma, case-insensitive
    assert texts(search="hou") == ["casa", "maison"]  # translation
    assert texts(search="asa") == []  # a prefix, not a substring
    assert texts(source="pack") == ["casas"]
    assert texts(has_audio="true") == ["casa"]
    assert texts(has_audio="false", language_pair=str(pair.pk)) == ["casas", "perro"]
    assert auth_client.get(URL, {"source": "nowhere"}).status_code == 400


def test_learner_overrides_fields(auth_client, pair):
    entry = EntryFactory(pair=pair, text="casa", lemma="casa", translation="house")
    r = auth_client.patch(f"{URL}/{entry.pk}", {"translation": "home", "example_sentence": "En casa."})
    assert r.status_code == 200
    entry.refresh_from_db()
    assert (entry.translation, entry.example_sentence) == ("home", "En casa.")


def test_changing_the_lemma_to_one_already_there_is_409(auth_client, pair):
    EntryFactory(pair=pair, text="comer", lemma="comer")
    entry = EntryFactory(pair=pair, text="comiendo", lemma="comiendo")
    r = auth_client.patch(f"{URL}/{entry.pk}", {"lemma": "Comer"})
    assert r.status_code == 409
    entry.refresh_from_db()
    assert entry.lemma == "comiendo"


def test_changing_the_text_drops_stale_audio_and_speaks_again(
    auth_client, pair, broker, django_capture_on_commit_callbacks, settings
):
    from langlearn import storage

    storage.save_bytes("vocab/old.wav", b"RIFF")
    entry = EntryFactory(pair=pair, text="casa", lemma="", audio="vocab/old.wav")
    with django_capture_on_commit_callbacks(execute=True):
        r = auth_client.patch(f"{URL}/{entry.pk}", {"text": "casita"})
    assert r.status_code == 200
    entry.refresh_from_db()
    assert (entry.text, entry.audio, entry.normalized_lemma) == ("casita", "", "casita")
    assert not storage.exists("vocab/old.wav")
    assert broker.queues["vocab"].qsize() == 1


def test_delete_entry_removes_its_audio(auth_client, pair, django_capture_on_commit_callbacks):
    from langlearn import storage

    storage.save_bytes("vocab/x.wav", b"RIFF")
    entry = EntryFactory(pair=pair, audio="vocab/x.wav")
    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete(f"{URL}/{entry.pk}").status_code == 204
    assert not storage.exists("vocab/x.wav")
    assert not LearnableWordBankEntry.objects.exists()


def test_bulk_add_with_duplicates(auth_client, pair):
    EntryFactory(pair=pair, text="perro", lemma="perro")
    items = [full("gato"), full("perro"), full("Gato"), full("casa")]
    r = auth_client.post(f"{URL}/bulk", {"language_pair": str(pair.pk), "entries": items}, format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["created"], body["existing"]) == (2, 2)
    assert [e["created"] for e in body["results"]] == [True, False, False, True]
    assert body["results"][0]["id"] == body["results"][2]["id"]
    assert LearnableWordBankEntry.objects.filter(pair=pair).count() == 3
    assert Flashcard.objects.filter(pair=pair).count() == 4  # 2 new entries x 2 directions


def test_bulk_limits(auth_client, pair, django_assert_max_num_queries):
    url = f"{URL}/bulk"
    too_many = [full(f"w{i}") for i in range(501)]
    assert auth_client.post(url, {"language_pair": str(pair.pk), "entries": too_many}, format="json").status_code == 400
    assert auth_client.post(url, {"language_pair": str(pair.pk), "entries": []}, format="json").status_code == 400
    assert not LearnableWordBankEntry.objects.exists()
    with django_assert_max_num_queries(12):
        r = auth_client.post(url, {"language_pair": str(pair.pk), "entries": too_many[:500]}, format="json")
    assert r.json()["created"] == 500
    assert Flashcard.objects.filter(pair=pair).count() == 1000


def test_list_query_count_does_not_grow(auth_client, pair, django_assert_max_num_queries):
    EntryFactory(pair=pair)
    with django_assert_max_num_queries(3):
        auth_client.get(URL)
    for _ in range(30):
        EntryFactory(pair=pair)
    with django_assert_max_num_queries(3):
        assert len(auth_client.get(URL, {"page_size": 100}).json()["results"]) == 31
