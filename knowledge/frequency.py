"""Word frequencies from `wordfreq` (its data ships in the package: no download at run time).

Languages: those of `wordfreq.available_languages(wordlist="best")` — 42 in wordfreq 3.1.1:
ar bg bn ca cs da de el en es fa fi fil fr he hi hu id is it ja ko lt lv mk ms nb nl pl pt ro
ru sh sk sl sv ta tr uk ur vi zh. Another language gets zero for every word (ranking then falls
back to counts) and no placement test.

wordfreq counts surface forms ("tiene", "tienen", "tenía"); a learner knows lemmas ("tener"), and
the word bank and the reader key words by lemma. `ranked_lemmas` lemmatises the list with the
project's analyser (`langlearn.nlp.WordAnalyzer`, the tagger + lemmatiser the reader uses, each
form alone as the word bank analyses a word added alone) and ranks each lemma by the summed
frequency of its forms. That takes a while — 50,000 Spanish forms in ~21 s on a loaded 2-core
machine (bench/knowledge_lemmas.py) — so the list is kept per language in the process and in a
file (`FREQUENCY_CACHE_DIR`, default the system temp dir), keyed by the versions that produced it;
`manage.py placement_lists` builds the files at deploy time.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings

from langlearn.languages import base_language
from vocab.keys import normalize_key

logger = logging.getLogger(__name__)

# The forms lemmatised: 50,000 forms give ~27,000 Spanish lemmas, enough for bands up to 20,000.
LEMMATISED_FORMS = 50_000
# A lemma the analyser proposes is used only when wordfreq knows it too: the dictionary's affix
# rules can invent a lemma ("venía" → "vener"), and a made-up key would match nothing.
MIN_LEMMA_ZIPF = 1.0
# Forms the tagger calls a name, a foreign word, a symbol or a number are left out: wordfreq's
# lists hold "johnson", "gucci" and English words, which no placement should ask about.
SKIPPED_TAGS = frozenset({"PROPN", "X", "SYM", "NUM", "PUNCT"})
_CACHE_FORMAT = 2


@functools.cache
def supported_languages() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages(wordlist="best"))


def frequency_language(language: str) -> str | None:
    """wordfreq's code for `language` (pt-BR → pt), or None when it has no list for it."""
    lang = base_language(language)
    return lang if lang in supported_languages() else None


def zipf(word: str, language: str) -> float:
    """Zipf frequency (log10 per billion words; 0 for a word not in the list)."""
    lang = frequency_language(language)
    if lang is None:
        return 0.0
    import wordfreq

    return wordfreq.zipf_frequency(word, lang)


def _is_word(form: str) -> bool:
    return any(c.isalpha() for c in form) and not form.isdigit()


@functools.cache
def ranked_words(language: str, n: int = LEMMATISED_FORMS) -> tuple[str, ...]:
    """The `n` most frequent alphabetic forms of the language, most frequent first (process cache)."""
    lang = frequency_language(language)
    if lang is None:
        return ()
    import wordfreq

    return tuple(w for w in wordfreq.top_n_list(lang, n) if _is_word(w))


def lemmatise_forms(forms: list[str], language: str) -> dict[str, str]:
    """{form: lemma key} with the project's analyser, each form alone. A form whose lemma
    wordfreq does not know keeps itself; one tagged as a name or a foreign word is left out."""
    import wordfreq

    from langlearn.nlp.analyzer import WordAnalyzer

    lang = base_language(language)
    analyzer = WordAnalyzer(lang)
    out: dict[str, str] = {}
    for form in forms:
        tag, lemma = analyzer.analyze([form])[0]
        if tag in SKIPPED_TAGS:
            continue
        key = normalize_key(lemma or form)
        if key != form and (not _is_word(key) or wordfreq.zipf_frequency(key, lang) < MIN_LEMMA_ZIPF):
            key = form
        out[form] = key
    return out


def _cache_path(lang: str) -> Path:
    """A file name that changes with everything the list depends on: wordfreq's version and the
    analyser's fingerprint for the language (its code, model files, simplemma and spaCy versions:
    a changed lemma rule rebuilds the list, as a new model does)."""
    from importlib.metadata import version

    from langlearn.nlp.analyzer import fingerprint

    parts = [str(_CACHE_FORMAT), lang, str(LEMMATISED_FORMS), str(MIN_LEMMA_ZIPF), *sorted(SKIPPED_TAGS)]
    parts += [version("wordfreq"), fingerprint(lang)]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    directory = settings.FREQUENCY_CACHE_DIR or os.path.join(tempfile.gettempdir(), "langlearn-freq")
    return Path(directory) / f"lemmas-{lang}-{digest}.json.gz"


def lemma_list_cached(language: str) -> bool:
    """Whether the language's lemma list is built (in the cache file) for the current versions."""
    lang = frequency_language(language)
    return lang is not None and _cache_path(lang).is_file()


def _build(lang: str) -> tuple[str, ...]:
    import wordfreq

    forms = list(ranked_words(lang))
    lemmas = lemmatise_forms(forms, lang)
    weight: dict[str, float] = {}
    for form in forms:
        key = lemmas.get(form)
        if key is None:
            continue
        weight[key] = weight.get(key, 0.0) + wordfreq.word_frequency(form, lang)
    # Ties (rare) keep the order of the lemma's most frequent form.
    return tuple(sorted(weight, key=lambda k: -weight[k]))


@functools.cache
def ranked_lemmas(language: str) -> tuple[str, ...]:
    """The language's lemma keys (`normalize_key` of the lemma), most frequent first; () for a
    language wordfreq lacks. Built once per language (see the module's docstring), then read
    from the cache file."""
    lang = frequency_language(language)
    if lang is None:
        return ()
    path = _cache_path(lang)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return tuple(json.load(f))
    except (OSError, ValueError):
        pass  # missing or half-written by a crashed build: build it again
    lemmas = _build(lang)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: a concurrent reader never sees half a file.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as f:
            json.dump(lemmas, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        logger.warning("could not write the lemma list cache %s", path, exc_info=True)
    return lemmas
