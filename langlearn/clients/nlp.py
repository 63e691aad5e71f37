"""The analyser: spaCy tokenises and splits sentences; langlearn.nlp tags and lemmatises.

For languages with a trained model in langlearn/nlp/models (es, fr, de, pt, en) a CRF tagger gives
the part of speech and the lemma is chosen by it among dictionary and treebank candidates
(bench/nlp_accuracy.py has the figures). Other languages get simplemma's dictionary lemma and no POS
(Italian today), or, when simplemma lacks the language, the old spacy-lookups-data table. Pipelines
are built lazily on first use and shared by every thread afterwards. simplemma's dictionaries are
memory-mapped tries (langlearn/nlp/dictionaries.py): five languages take ~130 MB of a process, not ~480.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import logging
import threading
from typing import Any

from langlearn.nlp import expressions
from langlearn.nlp.analyzer import WordAnalyzer, fingerprint, has_model

from .base import Analysis, Sentence, Token, UnsupportedLanguage

logger = logging.getLogger(__name__)

PROVIDER = "spacy"
# Nouns are capitalised in these languages, so a noun's lemma keeps its case.
_CAPITALISED_NOUNS = frozenset({"de", "lb"})
_KEEP_CASE_POS = frozenset({"PROPN", "X", "SYM"})


def _base(language: str) -> str:
    return language.split("-", 1)[0].lower()


def _has_lookup_table(lang: str) -> bool:
    try:
        data = importlib.resources.files("spacy_lookups_data") / "data"
        return (data / f"{lang}_lemma_lookup.json.gz").is_file()
    except ModuleNotFoundError:
        return False


class LookupPipeline:
    """The previous analyser (kept for languages simplemma lacks, and as the benchmark's baseline): a blank
    spaCy pipeline with the spacy-lookups-data lemma table, no POS."""

    def __init__(self, lang: str) -> None:
        import spacy

        self.lang = lang
        self.table: Any = None
        self.nlp = spacy.blank(lang)
        self.nlp.add_pipe("sentencizer")
        lemmatizer = self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        self.nlp.initialize()  # loads the table from spacy-lookups-data; no network
        self.table = lemmatizer.lookups.get_table("lemma_lookup")
        self.name = "blank+lookup"

    def words(self, doc: Any) -> list[tuple[str, str]]:
        return [(self.pos(t), self.lemma(t)) for t in doc]

    def lemma(self, token: Any) -> str:
        lemma = token.lemma_ or token.text
        if self.table is None or lemma != token.text:
            return lemma
        # Lookup mode is case-sensitive: sentence-initial "Los", "Fuimos", "Ich" are not in the table.
        lowered = self.table.get(token.lower_)
        if isinstance(lowered, list):  # the French table maps some forms to a list of lemmas
            lowered = lowered[0] if lowered else None
        if lowered:
            return lowered
        if token.is_sent_start and token.is_alpha and self.lang not in _CAPITALISED_NOUNS:
            return token.lower_
        return lemma

    @staticmethod
    def pos(token: Any) -> str:
        if token.pos_:
            return token.pos_
        # A blank pipeline has no tagger; fill in only what is certain without one.
        if token.is_punct:
            return "PUNCT"
        if token.is_space:
            return "SPACE"
        if token.like_num:
            return "NUM"
        return ""


def _simplemma_supported(lang: str) -> bool:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return lang in SUPPORTED_LANGUAGES


class _Pipeline:
    """Blank spaCy (tokenizer + sentencizer, no lookup table: ~100 MB less per language) and the
    word analyser; the old lookup pipeline only where simplemma has no dictionary."""

    def __init__(self, lang: str) -> None:
        import spacy

        self.lang = lang
        self.words_analyzer: WordAnalyzer | None = None
        self.lookup: LookupPipeline | None = None
        if has_model(lang) or _simplemma_supported(lang):
            self.nlp = spacy.blank(lang)
            self.nlp.add_pipe("sentencizer")
            self.words_analyzer = WordAnalyzer(lang)
            kind = "blank+crf" if self.words_analyzer.trained else "blank+simplemma"
            self.name = f"{kind}@{fingerprint(lang)}"  # a new analyser makes what the old one made stale
        else:
            self.lookup = LookupPipeline(lang)
            self.nlp = self.lookup.nlp
            self.name = self.lookup.name

    def words(self, doc: Any) -> list[tuple[str, str]]:
        """(POS, lemma) for each token of the doc."""
        if self.lookup is not None:
            return self.lookup.words(doc)
        assert self.words_analyzer is not None
        analysed = []
        for sent in doc.sents:
            for token, (pos, lemma) in zip(sent, self.words_analyzer.analyze([t.text for t in sent]), strict=True):
                pos = pos or LookupPipeline.pos(token)
                if token.is_space:
                    pos, lemma = "SPACE", token.text
                elif pos not in _KEEP_CASE_POS and self.lang not in _CAPITALISED_NOUNS:
                    # German lemmas keep the dictionary's case (nouns are capitalised); elsewhere a
                    # sentence-initial "Compramos" is "comprar".
                    lemma = lemma.lower()
                analysed.append((pos, lemma))
        return analysed


class SpacyNLP:
    provider = PROVIDER

    def __init__(self) -> None:
        self._pipelines: dict[str, _Pipeline] = {}
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}
        self._phrases: dict[tuple[str, str], Analysis] = {}

    def supports(self, language: str) -> bool:
        lang = _base(language)
        return lang in self._pipelines or has_model(lang) or _has_lookup_table(lang)

    def loaded_languages(self) -> list[str]:
        return sorted(self._pipelines)

    def pipeline(self, language: str) -> _Pipeline:
        lang = _base(language)
        found = self._pipelines.get(lang)
        if found is not None:
            return found
        if not self.supports(lang):
            raise UnsupportedLanguage(language, provider=PROVIDER)
        with self._lock:  # one build lock per language: building es must not wait for de
            build_lock = self._building.setdefault(lang, threading.Lock())
        with build_lock:
            if lang not in self._pipelines:
                try:
                    self._pipelines[lang] = _Pipeline(lang)
                except (ImportError, OSError, ValueError) as exc:  # no language class, missing table
                    logger.warning("spaCy pipeline for %s failed to build: %s", lang, exc)
                    raise UnsupportedLanguage(language, provider=PROVIDER) from exc
                logger.info("spaCy pipeline for %s loaded (%s)", lang, self._pipelines[lang].name)
        return self._pipelines[lang]

    def analyze(self, text: str, language: str) -> Analysis:
        """Tokens with lemma and POS, plus the curated expressions of the language found in the text
        (and German particle verbs). A learner's own phrases: `langlearn.nlp.expressions.find`."""
        plain = self.analyze_words(text, language)
        lang = _base(language)
        spans = expressions.find(plain, expressions.curated(lang), self.analyze_phrase)
        if lang == "de":
            spans = sorted(spans + expressions.separable_verbs(plain), key=lambda span: span.tokens)
        return dataclasses.replace(plain, expressions=spans)

    def analyze_phrase(self, text: str, language: str) -> Analysis:
        """A dictionary phrase's analysis, cached: the same few hundred phrases are matched in every text."""
        key = (text, _base(language))
        found = self._phrases.get(key)
        if found is None:
            found = self._phrases[key] = self.analyze_words(text, language)
        return found

    def analyze_words(self, text: str, language: str) -> Analysis:
        pipe = self.pipeline(language)
        doc = pipe.nlp(text)
        words = pipe.words(doc)
        sentences = []
        for sent in doc.sents:
            tokens = [
                Token(
                    text=t.text,
                    whitespace=t.whitespace_,
                    lemma=words[t.i][1],
                    pos=words[t.i][0],
                    is_alpha=t.is_alpha,
                    is_punct=t.is_punct,
                    is_digit=t.is_digit,
                )
                for t in sent
                if not t.is_space
            ]
            if tokens:
                sentences.append(Sentence(text=sent.text.strip(), tokens=tokens))
        return Analysis(language=language, sentences=sentences, pipeline=pipe.name)
