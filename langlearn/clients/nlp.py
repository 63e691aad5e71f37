"""spaCy: sentences and tokens with lemma and POS, one pipeline per language per process.

A trained pipeline is used when one is installed for the language (e.g. `fr_core_news_sm`);
otherwise `spacy.blank(lang)` with a sentencizer and the lookup lemmatiser from
spacy-lookups-data. Pipelines are built lazily on first use (a language never asked for is
never loaded: each lookup table costs ~60-120 MB) and shared by every thread afterwards.
"""

from __future__ import annotations

import importlib.resources
import logging
import threading
from typing import Any

from .base import Analysis, Sentence, Token, UnsupportedLanguage

logger = logging.getLogger(__name__)

PROVIDER = "spacy"
_TRAINED_SUFFIXES = ("core_news_sm", "core_web_sm", "core_news_md", "core_web_md", "core_news_lg", "core_web_lg")
# Nouns are capitalised in these languages, so an unknown capitalised word keeps its case.
_CAPITALISED_NOUNS = frozenset({"de", "lb"})


def _base(language: str) -> str:
    return language.split("-", 1)[0].lower()


def _has_lookup_table(lang: str) -> bool:
    try:
        data = importlib.resources.files("spacy_lookups_data") / "data"
        return (data / f"{lang}_lemma_lookup.json.gz").is_file()
    except ModuleNotFoundError:
        return False


def _trained_package(lang: str) -> str | None:
    import spacy.util

    return next((f"{lang}_{s}" for s in _TRAINED_SUFFIXES if spacy.util.is_package(f"{lang}_{s}")), None)


class _Pipeline:
    """A loaded nlp object plus how to finish lemmas (lookup mode needs a case fallback)."""

    def __init__(self, lang: str) -> None:
        import spacy

        self.lang = lang
        package = _trained_package(lang)
        self.table: Any = None
        if package:
            self.nlp = spacy.load(package)
            self.name = package
        else:
            self.nlp = spacy.blank(lang)
            self.nlp.add_pipe("sentencizer")
            lemmatizer = self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            self.nlp.initialize()  # loads the table from spacy-lookups-data; no network
            self.table = lemmatizer.lookups.get_table("lemma_lookup")
            self.name = "blank+lookup"

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


class SpacyNLP:
    provider = PROVIDER

    def __init__(self) -> None:
        self._pipelines: dict[str, _Pipeline] = {}
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def supports(self, language: str) -> bool:
        lang = _base(language)
        return lang in self._pipelines or _trained_package(lang) is not None or _has_lookup_table(lang)

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
        pipe = self.pipeline(language)
        doc = pipe.nlp(text)
        sentences = []
        for sent in doc.sents:
            tokens = [
                Token(
                    text=t.text,
                    whitespace=t.whitespace_,
                    lemma=pipe.lemma(t),
                    pos=pipe.pos(t),
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
