"""Known-word coverage of a scene, and the scene's vocabulary (what the learner can add from it).

Coverage counts content words only: articles, pronouns, prepositions and names are never in a
word bank, so counting them would flatter every text. "Known" means the lemma is in the learner's
word bank for the pair when the scene was written (learned or being learned). With the offline
lookup lemmatiser there is no part of speech; then capitalised words inside a sentence are taken
for names and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from langlearn.clients.base import Analysis
from vocab.keys import normalize_key

NOT_CONTENT = frozenset(
    {"PROPN", "PUNCT", "NUM", "SYM", "X", "SPACE", "DET", "ADP", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "INTJ"}
)
MAX_VOCABULARY = 300
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def scene_vocabulary(analysis: Analysis) -> list[dict[str, Any]]:
    """Content words in order of first appearance, one per lemma: lemma, form, POS, sentence."""
    seen: set[str] = set()
    words: list[dict[str, Any]] = []
    for sentence in analysis.sentences:
        for index, token in enumerate(sentence.tokens):
            if not token.is_alpha or token.pos in NOT_CONTENT:
                continue
            if not token.pos and index > 0 and token.text[:1].isupper():
                continue  # probably a name
            lemma = token.lemma if token.lemma and token.lemma != token.text else token.text.lower()
            key = normalize_key(lemma)
            if key in seen:
                continue
            seen.add(key)
            words.append({"lemma": lemma, "text": token.text, "pos": token.pos, "sentence": sentence.text.strip()})
            if len(words) >= MAX_VOCABULARY:
                return words
    return words


def scene_coverage(
    analysis: Analysis, *, known: set[str], study_words: Iterable[str] = ()
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(coverage, vocabulary). Coverage: content words, how many are known (tokens and distinct
    lemmas), the ratio, and which of the study words the story actually used."""
    tokens = 0
    known_tokens = 0
    lemmas: set[str] = set()
    for sentence in analysis.sentences:
        for index, token in enumerate(sentence.tokens):
            if not token.is_alpha or token.pos in NOT_CONTENT:
                continue
            if not token.pos and index > 0 and token.text[:1].isupper():
                continue
            lemma = normalize_key(token.lemma if token.lemma and token.lemma != token.text else token.text)
            tokens += 1
            lemmas.add(lemma)
            if lemma in known or normalize_key(token.text) in known:
                known_tokens += 1
    vocabulary = scene_vocabulary(analysis)
    for word in vocabulary:
        word["known"] = normalize_key(word["lemma"]) in known
    surface = {normalize_key(w["text"]) for w in vocabulary}
    used = [w for w in study_words if normalize_key(w) in lemmas or normalize_key(w) in surface]
    coverage = {
        "content_words": tokens,
        "known_words": known_tokens,
        "ratio": round(known_tokens / tokens, 3) if tokens else None,
        "distinct_lemmas": len(lemmas),
        "known_lemmas": len(lemmas & known),
        "study_words_used": used,
        "pipeline": analysis.pipeline,
    }
    return coverage, vocabulary


def sentence_for(lemma: str, vocabulary: list[dict[str, Any]], paragraphs: list[str]) -> str:
    """The sentence a new word appears in: by lemma, else the first sentence containing its text."""
    key = normalize_key(lemma)
    for word in vocabulary:
        if normalize_key(word["lemma"]) == key or normalize_key(word["text"]) == key:
            return word["sentence"]
    for paragraph in paragraphs:
        if key and key in paragraph.lower():
            for sentence in _SENTENCE_END.split(paragraph):
                if key in sentence.lower():
                    return sentence.strip()
    return ""
