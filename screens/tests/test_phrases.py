"""Phrases as units in the reader and the player: the learner's own multi-word entries and the
curated expressions found in inflected form, one status per phrase, counted once in coverage."""

import pytest

from adventures.tests.factories import adventure_with_opening
from articles.tests.factories import ArticleFactory
from screens.serializers import PlayScreenSerializer, ReaderScreenSerializer

from .conftest import assert_shape, word

pytestmark = pytest.mark.django_db


def read(client, body: str) -> dict:
    article = ArticleFactory(pair=client.pair, body=body, translation="")
    response = client.get(f"/bff/articles/{article.pk}/reader")
    assert response.status_code == 200, response.content
    data = response.json()
    assert_shape(data, ReaderScreenSerializer())
    return data


@pytest.fixture
def reader(auth_client, pair):
    auth_client.pair = pair
    return auth_client


def tokens(body: dict) -> list[dict]:
    return [t for p in body["paragraphs"] for s in p["sentences"] for t in s["tokens"]]


def test_own_entry_is_one_unit_with_the_entry_status_and_counts_once(reader, pair):
    word(pair, "echar de menos", "learning")

    body = read(reader, "Te echaba de menos.")

    assert [(p["text"], p["lemma"], p["status"], p["source"]) for p in body["phrases"]] == [
        ("echaba de menos", "echar de menos", "learning", "word_bank")
    ]
    phrase = body["phrases"][0]
    assert phrase["tokens"] == [{"paragraph": 0, "sentence": 0, "token": i} for i in (1, 2, 3)]
    assert [(t["text"], t["status"], t["phrase"]) for t in tokens(body)] == [
        ("Te", "new", None),
        ("echaba", "learning", phrase["id"]),
        ("de", "learning", phrase["id"]),
        ("menos", "learning", phrase["id"]),
        (".", "ignored", None),
    ]
    # One covered unit: not "echar" and "menos" as two new words beside it.
    coverage = body["coverage"]
    assert (coverage["content_words"], coverage["covered_words"], coverage["ratio"]) == (1, 1, 1.0)
    assert (coverage["lemmas"], coverage["covered_lemmas"]) == (1, 1)
    assert coverage["unknown_lemmas"] == []


def test_a_phrase_that_is_not_curated_is_found_inflected_with_words_between(reader, pair):
    word(pair, "dar un paseo", "known")
    word(pair, "parque", "learning")

    body = read(reader, "Ayer dimos un paseo por el parque. Daremos un largo paseo mañana.")

    assert [(p["text"], p["status"], p["source"]) for p in body["phrases"]] == [
        ("dimos un paseo", "known", "word_bank"),
        ("Daremos un largo paseo", "known", "word_bank"),
    ]
    marked = [t["text"] for t in tokens(body) if t["phrase"] is not None]
    assert marked == ["dimos", "un", "paseo", "Daremos", "un", "paseo"]  # "largo" is not part of it
    assert {t["status"] for t in tokens(body) if t["phrase"] is not None} == {"known"}
    # Two occurrences of one phrase: one lemma; "ayer", "parque", "mañana" are the rest.
    assert body["coverage"]["covered_lemmas"] == 2  # the phrase and "parque"


def test_a_curated_phrase_is_a_unit_even_when_the_learner_has_not_met_it(reader, pair):
    word(pair, "embargo", "known")

    body = read(reader, "Sin embargo, llueve.")

    assert [(p["text"], p["lemma"], p["status"], p["source"]) for p in body["phrases"]] == [
        ("Sin embargo", "sin embargo", "new", "curated")
    ]
    phrase = body["phrases"][0]["id"]
    # Not held: its words keep their own colours, and the phrase is one new lemma among the rest.
    assert [(t["text"], t["status"], t["phrase"]) for t in tokens(body)][:2] == [
        ("Sin", "new", phrase),
        ("embargo", "known", phrase),
    ]
    assert "sin embargo" in body["coverage"]["unknown_lemmas"]


def test_marking_a_curated_phrase_known_paints_it_and_counts_it_once(reader, pair):
    response = reader.post(
        "/api/vocab/word-statuses",
        {"language_pair": str(pair.pk), "words": [{"word": "a lo mejor", "status": "known"}]},
        format="json",
    )
    assert response.status_code in (200, 201), response.content

    body = read(reader, "A lo mejor llueve.")

    assert [(p["lemma"], p["status"]) for p in body["phrases"]] == [("a lo mejor", "known")]
    assert [t["status"] for t in tokens(body)][:3] == ["known"] * 3
    assert body["coverage"]["covered_lemmas"] == 1  # the phrase; "llover" is new


def test_another_learners_phrases_are_not_found(reader, pair, other_pair):
    word(other_pair, "dar un paseo", "known")

    body = read(reader, "Ayer dimos un paseo por el parque.")

    assert body["phrases"] == []
    assert all(t["phrase"] is None for t in tokens(body))


def test_the_player_shows_the_scenes_phrases(auth_client, pair):
    word(pair, "dar un paseo", "learning")
    adventure, scene = adventure_with_opening(pair=pair)
    scene.paragraphs = ["Damos un paseo por el bosque.", "Sin embargo, oyes un ruido."]
    scene.save(update_fields=["paragraphs"])

    response = auth_client.get(f"/bff/adventures/{adventure.pk}/play")

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, PlayScreenSerializer())
    phrases = body["scene"]["phrases"]
    assert [(p["text"], p["status"], p["source"]) for p in phrases] == [
        ("Damos un paseo", "learning", "word_bank"),
        ("Sin embargo", "new", "curated"),
    ]
    assert phrases[1]["tokens"][0] == {"paragraph": 1, "sentence": 0, "token": 0}


def test_a_german_particle_verb_in_the_word_bank_is_found_split(auth_client, user):
    from vocab.tests.factories import PairFactory

    german = PairFactory(user=user, target_language="de")
    word(german, "aufhören", "learning")
    article = ArticleFactory(pair=german, language="de", body="Er hört mit dem Rauchen auf.", translation="")

    body = auth_client.get(f"/bff/articles/{article.pk}/reader").json()

    assert [(p["text"], p["lemma"], p["status"]) for p in body["phrases"]] == [
        ("hört mit dem Rauchen auf", "aufhören", "learning")
    ]
    marked = [(t["text"], t["status"]) for t in tokens(body) if t["phrase"] is not None]
    assert marked == [("hört", "learning"), ("auf", "learning")]
