"""Which offered choice did the learner say? A transcript against 2-4 short choice texts.

Speech-to-text output differs from the written choice in accents, punctuation, case, filler words
("um, I want to…") and words dropped or misheard, so a score blends two views and keeps the better:
- the character-level similarity of the whole normalised strings (good for near-verbatim reads);
- a word-level score where each choice word counts as said when a transcript word is close to it
  (ratio ≥ 0.8, so "puerta"/"puerto" still matches), weighted towards recall: saying extra words
  costs little, leaving out the choice's words costs a lot.
A learner may also just say the choice's number or letter. A match is confident only when the best
score is high enough and clearly ahead of the runner-up; otherwise the client asks again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

MIN_SCORE = 0.6
MIN_MARGIN = 0.15
WORD_MATCH_RATIO = 0.8

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Case-folded, accents and punctuation removed, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", stripped).replace("_", " ").split())


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _close(word: str, said: list[str], said_set: set[str]) -> bool:
    if word in said_set:
        return True
    for s in said:
        # quick_ratio() is an upper bound of ratio(): skip the full comparison when it cannot pass.
        matcher = SequenceMatcher(None, word, s, autojunk=False)
        if matcher.quick_ratio() >= WORD_MATCH_RATIO and matcher.ratio() >= WORD_MATCH_RATIO:
            return True
    return False


def _word_score(said: list[str], choice: list[str]) -> float:
    if not said or not choice:
        return 0.0
    said_set = set(said)
    hits = sum(1 for word in choice if _close(word, said, said_set))
    recall = hits / len(choice)
    precision = min(1.0, hits / len(said))
    if not recall:
        return 0.0
    beta2 = 4.0  # F2: recall counts four times as much as precision
    return (1 + beta2) * precision * recall / (beta2 * precision + recall)


# "Dos", "option two", "la segunda": a learner may name the choice by its position. Whole
# answers only (after dropping a leading "option"/"number"/article), so a sentence that happens to
# contain "dos" is still matched on its words.
_POSITION_WORDS = (
    "one two three four",  # en
    "first second third fourth",
    "uno dos tres cuatro",  # es (it shares "uno")
    "primero segundo tercero cuarto",
    "primera segunda tercera cuarta",
    "un deux trois quatre",  # fr
    "premier deuxieme troisieme quatrieme",
    "premiere seconde",
    "eins zwei drei vier",  # de
    "erste zweite dritte vierte",
    "uno due tre quattro",  # it
    "primo secondo terzo quarto",
    "um dois tres quatro",  # pt
)
_POSITIONS: dict[str, int] = {}
for _words in _POSITION_WORDS:
    for _i, _w in enumerate(_words.split(), start=1):
        _POSITIONS.setdefault(_w, _i)
# Words a learner may say before the position: "option", "number" and articles.
_PREFIXES = frozenset(
    {"option", "opcion", "opcao", "choice", "number", "numero", "nummer", "the", "a", "o"}
    | {"la", "el", "lo", "le", "il", "die", "der", "das", "de", "do", "da"}
)


def spoken_position(transcript: str) -> int | None:
    """The 1-based position named by an answer like "2", "dos", "option two", "la segunda"."""
    words = normalise(transcript).split()
    while len(words) > 1 and words[0] in _PREFIXES:
        words = words[1:]
    if len(words) != 1:
        return None
    word = words[0]
    if word.isdigit():
        return int(word)
    return _POSITIONS.get(word)


def similarity(transcript: str, choice: str) -> float:
    said, wanted = normalise(transcript), normalise(choice)
    if not said or not wanted:
        return 0.0
    return round(max(_ratio(said, wanted), _word_score(said.split(), wanted.split())), 3)


@dataclass(frozen=True)
class ChoiceScore:
    choice: str
    text: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    scores: list[ChoiceScore]
    best: ChoiceScore | None
    confident: bool


def match_choice(transcript: str, choices: Sequence[dict]) -> MatchResult:
    """Score `transcript` against each `{"id", "text"}` choice; `best` is set only when confident."""
    said = normalise(transcript)
    named = spoken_position(transcript)
    scores: list[ChoiceScore] = []
    for position, choice in enumerate(choices, start=1):
        # Naming the choice by position ("2", "dos") or by the label the client shows ("b") picks it.
        direct = named == position or said == normalise(choice["id"])
        score = 1.0 if direct else similarity(transcript, choice["text"])
        scores.append(ChoiceScore(choice=choice["id"], text=choice["text"], score=score))
    ranked = sorted(scores, key=lambda s: s.score, reverse=True)
    if not ranked:
        return MatchResult(scores=scores, best=None, confident=False)
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    confident = ranked[0].score >= MIN_SCORE and ranked[0].score - runner_up >= MIN_MARGIN
    return MatchResult(scores=scores, best=ranked[0] if confident else None, confident=confident)
