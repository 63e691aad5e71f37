"""Key vocabulary from an NLP analysis of the article body; its coverage comes from the coverage
engine (`knowledge.coverage`), like every other coverage figure."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from knowledge.coverage import COVERED, Coverage, stop_words
from knowledge.phrases import Phrase, coverage_with_phrases
from langlearn.clients.base import Analysis, ExpressionSpan, NLPClient, Sentence, Token
from langlearn.nlp.expressions.units import PHRASE_POS, merge, surface
from vocab.keys import normalize_key

# Content words only; the lookup lemmatiser leaves `pos` empty, so an empty POS counts too and
# the stop-word list does the filtering.
CONTENT_POS = {"NOUN", "VERB", "ADJ", "ADV", ""}
KEY_VOCABULARY_SIZE = 25
# Bump when the shape of `reader_tokens` changes: readers recompute rows with an older version.
# 2: the curated expressions found in the text ("expressions").
READER_TOKENS_VERSION = 2
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class ArticleAnalysis:
    sentences: list[str]
    key_vocabulary: list[dict[str, Any]]
    coverage: float | None
    word_tokens: int


def _lemma(token) -> str:
    return normalize_key(token.lemma or token.text)


def analyse_article(
    analysis: Analysis, *, coverage: Coverage, language: str, phrases: Sequence[Phrase] = ()
) -> ArticleAnalysis:
    """`coverage`: the coverage engine's measure of `analysis` for the learner with phrases as units
    (`knowledge.phrases.coverage_with_phrases`); the article's coverage figure is its token ratio.
    `phrases`: the phrases found in it (curated and the learner's own), which join the key
    vocabulary as one item each (POS "PHRASE")."""
    words = [t for t in analysis.tokens if t.is_alpha]
    stops = stop_words(language)
    counts: Counter[str] = Counter()
    pos_of: dict[str, Counter[str]] = {}
    for token in words:
        lemma = _lemma(token)
        if len(lemma) < 2 or lemma in stops or token.text.lower() in stops or token.pos not in CONTENT_POS:
            continue
        counts[lemma] += 1
        pos_of.setdefault(lemma, Counter())[token.pos] += 1
    for phrase in phrases:
        counts[phrase.key] += 1
        pos_of.setdefault(phrase.key, Counter())[PHRASE_POS] += 1
    key_vocabulary = []
    for lemma, count in counts.most_common(KEY_VOCABULARY_SIZE):
        status = coverage.status_of(lemma)
        key_vocabulary.append(
            {
                "lemma": lemma,
                "count": count,
                "pos": pos_of[lemma].most_common(1)[0][0],
                "known": status in COVERED,
                "status": status,
            }
        )
    return ArticleAnalysis(
        sentences=[s.text.strip() for s in analysis.sentences if s.text.strip()],
        key_vocabulary=key_vocabulary,
        coverage=coverage.token_ratio,
        word_tokens=len(words),
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by line breaks (the LLM writes blank lines; DeepL keeps them), so
    a text and its translation split alike and can be shown side by side."""
    return [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p]


def analyse_paragraphs(nlp: NLPClient, paragraphs: Sequence[str], language: str) -> list[Analysis]:
    """One analysis per paragraph: spaCy drops the line-break tokens, so analysing the whole text
    at once would lose where a paragraph ends."""
    return [nlp.analyze(paragraph, language) for paragraph in paragraphs]


def merge_analyses(analyses: Sequence[Analysis], *, language: str) -> Analysis:
    """The paragraphs' analyses as one, their expressions kept (`langlearn.nlp.expressions.units.merge`)."""
    return merge(analyses, language=language)


def is_word(token: Token) -> bool:
    """A token that can be in a word bank: it has letters and is not punctuation or a number."""
    return not token.is_punct and not token.is_digit and any(c.isalpha() for c in token.text)


def paragraphs_digest(paragraphs: Sequence[str]) -> str:
    """Identifies the text the tokens were made from: a reader seeing another digest (the body was
    edited since) analyses the text again instead of showing stale tokens."""
    return hashlib.sha256("\n\n".join(paragraphs).encode()).hexdigest()


def reader_tokens(analyses: Sequence[Analysis], *, paragraphs: Sequence[str]) -> dict[str, Any]:
    """What a reading screen needs from the NLP analysis of `paragraphs` (one analysis each), as JSON
    to store with the text: paragraphs → sentences → tokens {text, whitespace, lemma, pos, is_word},
    and the curated expressions found {text as written, lemma: dictionary form, tokens: indices
    counted over every token of the text in order}. Statuses and the learner's own phrases are not
    in here: they change with the learner's word bank and are found per request."""
    merged = merge_analyses(analyses, language=analyses[0].language if analyses else "")
    tokens = merged.tokens
    return {
        "version": READER_TOKENS_VERSION,
        "digest": paragraphs_digest(paragraphs),
        "pipeline": analyses[0].pipeline if analyses else "",
        "paragraphs": [
            [
                [
                    {
                        "text": t.text,
                        "whitespace": t.whitespace,
                        "lemma": t.lemma or t.text,
                        "pos": t.pos,
                        "is_word": is_word(t),
                    }
                    for t in sentence.tokens
                ]
                for sentence in analysis.sentences
            ]
            for analysis in analyses
        ],
        "expressions": [
            {"text": surface(tokens, span.tokens), "lemma": span.text, "tokens": list(span.tokens)}
            for span in merged.expressions
        ],
    }


def analysis_of_reader_tokens(tokens: dict[str, Any], *, language: str) -> Analysis:
    """The stored reader tokens as an `Analysis` (sentences in order, the stored expressions), so the
    phrase matcher and the coverage engine read them like a fresh analysis; token indices agree
    with the stored expressions'."""
    sentences = []
    for paragraph in tokens.get("paragraphs", []):
        for sentence in paragraph:
            items = [
                Token(
                    text=t["text"],
                    whitespace=t.get("whitespace", ""),
                    lemma=t.get("lemma") or t["text"],
                    pos=t.get("pos", ""),
                    is_alpha=bool(t.get("is_word")),
                    is_punct=not t.get("is_word"),
                )
                for t in sentence
            ]
            sentences.append(Sentence(text="".join(t.text + t.whitespace for t in items).strip(), tokens=items))
    expressions = [
        ExpressionSpan(text=e["lemma"], lemma=e["lemma"], tokens=tuple(e["tokens"]))
        for e in tokens.get("expressions") or ()
        if e.get("lemma") and e.get("tokens")
    ]
    pipeline = tokens.get("pipeline", "")
    return Analysis(language=language, sentences=sentences, pipeline=pipeline, expressions=expressions)


@dataclass(frozen=True)
class AnalysedArticle:
    fields: dict[str, Any]  # to store on the TranslatedArticle
    pipeline: str
    lemmas: int
    coverage: float | None


def article_analyse(*, body: str, pair, nlp: NLPClient) -> AnalysedArticle:
    """Everything the analysis gives an article, as the fields to store: its sentences, key
    vocabulary and known-word coverage for its learner (phrases as units), and the reader's token
    cache. The job's `analyse` step and `manage.py relemmatize --rebuild-articles` both store this,
    so a rebuilt article's key vocabulary carries the new lemmas too. Raises ProviderError."""
    texts = split_paragraphs(body)
    analyses = analyse_paragraphs(nlp, texts, pair.target_language)
    analysis = merge_analyses(analyses, language=pair.target_language)
    measured = coverage_with_phrases(pair=pair, analysis=analysis, nlp=nlp)
    result = analyse_article(
        analysis, coverage=measured.coverage, language=pair.target_language, phrases=measured.phrases
    )
    now = timezone.now()
    fields = {
        "sentences": result.sentences,
        "key_vocabulary": result.key_vocabulary,
        "known_word_coverage": result.coverage,
        # The reader screen's token cache: the NLP work is done once here, not on every read.
        "reader_tokens": reader_tokens(analyses, paragraphs=texts),
        "analysed_at": now,
        "updated_at": now,
    }
    return AnalysedArticle(fields, analysis.pipeline, len(result.key_vocabulary), result.coverage)
