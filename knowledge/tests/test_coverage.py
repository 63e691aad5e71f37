"""The coverage engine against a learner's statuses: what counts, what is covered, in two queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards.models import CardState, Flashcard
from knowledge.coverage import coverage_measure, coverage_measure_tokens
from knowledge.services import word_statuses_set
from langlearn.clients.base import Analysis, Sentence, Token
from vocab.tests.factories import EntryFactory, entry_with_cards


def tok(text: str, lemma: str | None = None, pos: str = "") -> Token:
    return Token(
        text=text,
        whitespace=" ",
        lemma=lemma or text.lower(),
        pos=pos,
        is_alpha=text.isalpha(),
        is_punct=not any(c.isalnum() for c in text),
        is_digit=text.isdigit(),
    )


def analysis(*sentences: list[Token], expressions=None) -> Analysis:
    result = Analysis(
        language="es",
        pipeline="test",
        sentences=[Sentence(text=" ".join(t.text for t in s), tokens=s) for s in sentences],
    )
    if expressions is not None:
        object.__setattr__(result, "expressions", expressions)  # what the NLP helper's MWEs will look like
    return result


def mature(pair, text: str, *, stability: float):
    entry, _ = entry_with_cards(pair, text=text, lemma=text)
    Flashcard.objects.filter(entry=entry).update(
        state=CardState.REVIEW, stability=stability, last_review=timezone.now() - timedelta(days=2)
    )
    return entry


@pytest.mark.django_db
def test_counts_content_words_and_covers_known_and_learning(pair, other_pair):
    # "gato" is mature (known), "perro" has young review cards (learning), "casa" is in the word
    # bank without cards (learning), "comer" is marked known, "verde" ignored; "Ana" is a name.
    mature(pair, "gato", stability=30)
    mature(pair, "perro", stability=5)
    EntryFactory(pair=pair, text="casa")
    word_statuses_set(pair=pair, words=[("comer", "known"), ("verde", "ignored")])
    word_statuses_set(pair=other_pair, words=[("ventana", "known")])  # another learner's mark
    text = analysis(
        [tok("El", "el", "DET"), tok("gato", pos="NOUN"), tok("come", "comer", "VERB"), tok("en"), tok("casa")],
        [tok("Ana", "Ana", "PROPN"), tok("ve", "ver", "VERB"), tok("el", pos="DET"), tok("perro", pos="NOUN")],
        [tok("Ventana", pos="NOUN"), tok("verde", pos="ADJ"), tok("gato", pos="NOUN"), tok("2024", pos="NUM")],
    )

    result = coverage_measure(pair=pair, analysis=text)

    # content tokens: gato come casa ve perro ventana gato ("en", "el" stop words / DET, Ana a
    # name, verde ignored); covered: gato come casa perro gato.
    assert (result.tokens, result.covered_tokens) == (7, 5)
    assert result.token_ratio == round(5 / 7, 4)
    assert (result.lemmas, result.covered_lemmas) == (6, 4)
    assert result.by_status == {
        "new": ["ver", "ventana"],
        "learning": ["casa", "perro"],
        "known": ["gato", "comer"],
    }
    # Unknown lemmas ranked by frequency: "ver" is far more common than "ventana".
    assert [u["lemma"] for u in result.unknown] == ["ver", "ventana"]
    assert result.unknown[0]["zipf"] > result.unknown[1]["zipf"] > 0
    assert result.summary()["counts"] == {"new": 2, "learning": 2, "known": 2}


@pytest.mark.django_db
def test_a_multi_word_expression_counts_once(pair):
    word_statuses_set(pair=pair, words=[("sin embargo", "known")])
    text = analysis(
        [tok("Sin"), tok("embargo", pos="NOUN"), tok("llueve", "llover", "VERB")],
        expressions=[{"text": "Sin embargo", "lemma": "sin embargo"}],
    )
    result = coverage_measure(pair=pair, analysis=text)
    assert "sin embargo" in result.by_status["known"]
    assert result.by_status["new"] == ["embargo", "llover"]
    assert result.lemmas == 3


@pytest.mark.django_db
def test_a_two_thousand_word_text_takes_two_queries(pair, django_assert_max_num_queries):
    for n in range(40):
        EntryFactory(pair=pair, text=f"palabra{n}")
    word_statuses_set(pair=pair, words=[(f"cosa{n}", "known") for n in range(300)])
    sentences = [
        [tok(f"palabra{n}", pos="NOUN"), tok(f"cosa{n}", pos="NOUN"), tok(f"otra{n}", pos="NOUN")] for n in range(700)
    ]
    text = analysis(*sentences)
    with django_assert_max_num_queries(2):
        result = coverage_measure(pair=pair, analysis=text)
    assert result.tokens == 2100
    assert result.covered_tokens == 340


@pytest.mark.django_db
def test_reader_tokens_are_measured_alike(pair):
    word_statuses_set(pair=pair, words=[("gato", "known")])
    tokens = {
        "paragraphs": [
            [[
                {"text": "El", "whitespace": " ", "lemma": "el", "pos": "", "is_word": True},
                {"text": "gato", "whitespace": " ", "lemma": "gato", "pos": "", "is_word": True},
                {"text": "duerme", "whitespace": "", "lemma": "dormir", "pos": "", "is_word": True},
                {"text": ".", "whitespace": "", "lemma": ".", "pos": "", "is_word": False},
            ]]
        ]
    }  # fmt: skip
    result = coverage_measure_tokens(pair=pair, tokens=tokens)
    assert (result.tokens, result.covered_tokens, result.token_ratio) == (2, 1, 0.5)
    assert result.status_of("gato") == "known"
    assert result.status_of("dormir", "duerme") == "new"


def test_the_revision_loop_asks_once_whether_the_learner_has_vocabulary(pair, django_assert_num_queries):
    """A job measures up to three drafts against one learner binding: the "any vocabulary?" answer is
    read once (two small queries when the word bank is empty), not per draft."""
    from knowledge.phrases import leveling_learner

    learner = leveling_learner(pair=pair, nlp=None)
    with django_assert_num_queries(2):
        assert [learner.has_vocabulary() for _ in range(3)] == [False, False, False]
    EntryFactory(pair=pair, text="casa")
    assert leveling_learner(pair=pair, nlp=None).has_vocabulary() is True  # a new job sees the new word
