"""Phrases as units (`langlearn.nlp.expressions.units`): the indexed matcher finds what the curated
matcher finds, spans never overlap, paragraphs merge with their expressions, and a unit counts as
one word."""

from __future__ import annotations

import pytest

from knowledge.coverage import words_of_analysis
from langlearn import clients
from langlearn.nlp import expressions
from langlearn.nlp.expressions.units import PHRASE_POS, Unit, collapse, find_phrases, merge, non_overlapping

PHRASES = ["echar de menos", "dar un paseo", "tener en cuenta", "tener que", "ir de compras", "de menos"]
TEXTS = [
    "Te echaba de menos. Ayer dimos un paseo largo y tuvimos que volver.",
    "Tienes que tener mucho en cuenta lo que echas tanto de menos.",
    "Fuimos de compras, dimos un largo paseo y luego fuimos otra vez de compras.",
]


@pytest.fixture(scope="module")
def nlp():
    return clients.get_nlp()


@pytest.mark.parametrize("text", TEXTS)
def test_the_indexed_matcher_finds_what_the_curated_matcher_finds(nlp, text):
    analysis = nlp.analyze_words(text, "es")
    fast = find_phrases(analysis, PHRASES, nlp.analyze_phrase)
    slow = expressions.find(analysis, PHRASES, nlp.analyze_phrase)
    assert [(s.text, s.tokens) for s in fast] == [(s.text, s.tokens) for s in slow]
    assert fast  # every text holds at least one of them


def test_an_inflected_phrase_is_found_and_a_single_word_is_not_a_phrase(nlp):
    analysis = nlp.analyze_words("Te echaba de menos.", "es")
    spans = find_phrases(analysis, ["echar de menos", "echar", "menos"], nlp.analyze_phrase)
    assert [(s.text, s.tokens) for s in spans] == [("echar de menos", (1, 2, 3))]


def test_the_learners_phrase_wins_then_the_longer_then_the_earlier():
    units = [
        Unit(key="tener que", lemma="tener que", tokens=(0, 1), source="curated"),
        Unit(key="tener en cuenta", lemma="tener en cuenta", tokens=(0, 2, 3), source="curated"),
        Unit(key="en cuenta", lemma="en cuenta", tokens=(2, 3), source="word_bank"),
        Unit(key="en cuenta", lemma="en cuenta", tokens=(2, 3), source="curated"),  # the same span twice
        Unit(key="sin embargo", lemma="sin embargo", tokens=(7, 8), source="curated"),
    ]
    kept = non_overlapping(units)
    assert [(u.key, u.tokens, u.source) for u in kept] == [
        ("tener que", (0, 1), "curated"),
        ("en cuenta", (2, 3), "word_bank"),
        ("sin embargo", (7, 8), "curated"),
    ]


def test_merged_paragraphs_keep_their_expressions_at_the_right_tokens(nlp):
    first = nlp.analyze("Hace frío.", "es")
    second = nlp.analyze("Sin embargo, salimos.", "es")
    merged = merge([first, second], language="es")
    assert len(merged.tokens) == len(first.tokens) + len(second.tokens)
    [span] = merged.expressions
    assert span.text == "sin embargo"
    assert [merged.tokens[i].text for i in span.tokens] == ["Sin", "embargo"]


def test_a_collapsed_unit_is_one_word_and_its_other_tokens_are_none(nlp):
    analysis = nlp.analyze_words("Te echaba mucho de menos.", "es")
    [span] = find_phrases(analysis, ["echar de menos"], nlp.analyze_phrase)
    unit = Unit(key="echar de menos", lemma="echar de menos", tokens=span.tokens, source="word_bank")
    words = list(words_of_analysis(collapse(analysis, [unit])))
    assert [(w.text, w.lemma, w.pos) for w in words] == [
        ("Te", "tú", "PRON"),
        ("echaba mucho de menos", "echar de menos", PHRASE_POS),
        ("mucho", "mucho", analysis.tokens[2].pos),  # a word inside the gap stays itself
    ]
