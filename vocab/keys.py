"""The word bank's de-duplication key, written once.

`LearnableWordBankEntry.normalized_lemma` (unique per pair) and `WordBankPackEntry.normalized_text`
(unique per pack) hold it, and every feature that asks "is this word in the word bank?" (the reader,
coverage, adventures, packs) computes it here: a second spelling of the rule would silently break
de-duplication."""

from __future__ import annotations


def normalize_key(value: str) -> str:
    """Trimmed, inner whitespace collapsed, lower-cased. Accents stay (es `el` ≠ `él`)."""
    return " ".join(value.split()).lower()
