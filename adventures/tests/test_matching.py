"""Matching a transcript to a choice: tolerant of accents, fillers and partial answers, and
honest when it cannot tell."""

from __future__ import annotations

import pytest

from adventures.matching import match_choice, normalise, similarity

CHOICES = [
    {"id": "a", "text": "Abrir la puerta despacio"},
    {"id": "b", "text": "Llamar a la policía"},
    {"id": "c", "text": "Volver a casa y dormir"},
]


def test_normalise_drops_case_accents_and_punctuation():
    assert normalise("¡Llamar a la POLICÍA!") == "llamar a la policia"
    assert normalise("  ¿Qué   pasa?  ") == "que pasa"


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        ("Abrir la puerta despacio.", "a"),
        ("eh, quiero abrir la puerta despacio", "a"),
        ("llamar policia", "b"),
        ("volver a casa", "c"),
        ("Llamar a la polisía", "b"),  # misheard
        ("2", "b"),
        ("C", "c"),
        ("dos", "b"),
        ("Opción tres", "c"),
        ("la primera", "a"),
        ("option two", "b"),
    ],
)
def test_confident_matches(transcript, expected):
    result = match_choice(transcript, CHOICES)
    assert result.confident
    assert result.best.choice == expected


@pytest.mark.parametrize("transcript", ["no sé", "", "la", "casa puerta"])
def test_unclear_answers_are_not_matched(transcript):
    result = match_choice(transcript, CHOICES)
    assert not result.confident
    assert result.best is None
    assert [s.choice for s in result.scores] == ["a", "b", "c"]


def test_scores_rank_the_intended_choice_first():
    scores = {c["id"]: similarity("abrir la puerta", c["text"]) for c in CHOICES}
    assert scores["a"] > scores["b"]
    assert scores["a"] > scores["c"]
    assert all(0.0 <= s <= 1.0 for s in scores.values())
