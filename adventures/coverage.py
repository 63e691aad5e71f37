"""A scene's coverage (from the coverage engine, `knowledge.coverage`) and its vocabulary (what the
learner can add from it).

Both count content words by the engine's one rule (`knowledge.coverage.is_content`): articles,
pronouns, prepositions and names are never in a word bank, so counting them would flatter every
text. Known and learning words are covered; words the learner marked ignored are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from knowledge.coverage import COVERED, Coverage, is_content, stop_words, words_of_analysis
from knowledge.phrases import Phrase
from langlearn.clients.base import Analysis
from langlearn.nlp.expressions.units import PHRASE_POS
from vocab.keys import normalize_key

MAX_VOCABULARY = 300
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def scene_vocabulary(analysis: Analysis, *, language: str) -> list[dict[str, Any]]:
    """Content words in order of first appearance, one per lemma: lemma, form, POS, sentence."""
    seen: set[str] = set()
    words: list[dict[str, Any]] = []
    stops = stop_words(language)
    for sentence in analysis.sentences:
        single = Analysis(language=analysis.language, sentences=[sentence], pipeline=analysis.pipeline)
        for word in words_of_analysis(single):
            if not is_content(word, language=language, stops=stops) or word.key in seen:
                continue
            seen.add(word.key)
            lemma = word.lemma if word.lemma != word.text else word.text.lower()
            words.append({"lemma": lemma, "text": word.text, "pos": word.pos, "sentence": sentence.text.strip()})
            if len(words) >= MAX_VOCABULARY:
                return words
    return words


def phrase_vocabulary(analysis: Analysis, phrases: Iterable[Phrase]) -> list[dict[str, Any]]:
    """The scene's phrases (curated and the learner's own), one per phrase, in the vocabulary's
    shape: what the learner can add from the scene like a word."""
    sentence_of: list[str] = []
    for sentence in analysis.sentences:
        sentence_of += [sentence.text.strip()] * len(sentence.tokens)
    seen: set[str] = set()
    words = []
    for phrase in phrases:
        if phrase.key in seen:
            continue
        seen.add(phrase.key)
        sentence = sentence_of[phrase.tokens[0]] if phrase.tokens[0] < len(sentence_of) else ""
        words.append({"lemma": phrase.lemma, "text": phrase.text, "pos": PHRASE_POS, "sentence": sentence})
    return words


def scene_coverage(
    analysis: Analysis,
    *,
    coverage: Coverage,
    language: str,
    study_words: Iterable[str] = (),
    phrases: Iterable[Phrase] = (),
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(coverage, vocabulary). `coverage`: the engine's measure of `analysis` for the learner with
    phrases as units (`knowledge.phrases.coverage_with_phrases`), `phrases` the phrases it found.
    The stored figures: content words, how many are covered (tokens and distinct lemmas), the
    ratio, and which study words the story used (a study phrase counts in any inflected form)."""
    phrases = list(phrases)
    vocabulary = scene_vocabulary(analysis, language=language)
    vocabulary = vocabulary[: MAX_VOCABULARY - len(phrases)] + phrase_vocabulary(analysis, phrases)
    for word in vocabulary:
        word["known"] = coverage.status_of(normalize_key(word["lemma"]), normalize_key(word["text"])) in COVERED
    lemmas = {key for keys in coverage.by_status.values() for key in keys} | {p.key for p in phrases}
    surface = {normalize_key(w["text"]) for w in vocabulary}
    used = [w for w in study_words if normalize_key(w) in lemmas or normalize_key(w) in surface]
    figures = {
        "content_words": coverage.tokens,
        "known_words": coverage.covered_tokens,
        "ratio": coverage.token_ratio,
        "distinct_lemmas": coverage.lemmas,
        "known_lemmas": coverage.covered_lemmas,
        "lemma_ratio": coverage.lemma_ratio,
        "study_words_used": used,
        "pipeline": analysis.pipeline,
    }
    return figures, vocabulary


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
