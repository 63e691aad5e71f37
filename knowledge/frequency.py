"""Word frequencies from `wordfreq` (its data ships in the package: no download at run time).

Languages: those of `wordfreq.available_languages(wordlist="best")` — 42 in wordfreq 3.1.1:
ar bg bn ca cs da de el en es fa fi fil fr he hi hu id is it ja ko lt lv mk ms nb nl pl pt ro
ru sh sk sl sv ta tr uk ur vi zh. Another language gets zero for every word (ranking then falls
back to counts) and no placement test.
"""

from __future__ import annotations

import functools

from langlearn.languages import base_language


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


@functools.cache
def ranked_words(language: str, n: int = 50_000) -> tuple[str, ...]:
    """The `n` most frequent alphabetic words of the language, most frequent first (process cache)."""
    lang = frequency_language(language)
    if lang is None:
        return ()
    import wordfreq

    return tuple(w for w in wordfreq.top_n_list(lang, n) if any(c.isalpha() for c in w) and not w.isdigit())
