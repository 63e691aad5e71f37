"""What the training treebank says about words, stored as marisa-tries (compact, memory-mapped-fast).

- `classes`: lower-cased form → the UPOS tags it was seen with ("ADJ|NOUN"): the tagger's ambiguity class.
- `lemmas`: "UPOS\\tform" → the form's most frequent lemma under that tag.
- `rules`: "UPOS\\tsuffix" → the most frequent edit scripts that turn forms ending so into their lemma
  (strip N characters, append a string), with counts: an edit-tree lemmatiser in its simplest form,
  used to check and to replace a dictionary candidate that does not fit the tagged part of speech.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import marisa_trie

from .conllu import Unit

MAX_SUFFIX = 5
RULES_PER_SUFFIX = 4


def edit_script(form: str, lemma: str) -> str:
    """ "casas"→"casa" is "1|", "hizo"→"hacer" is "4|hacer" (strip, append), case-folded."""
    form, lemma = form.lower(), lemma.lower()
    common = 0
    for a, b in zip(form, lemma, strict=False):
        if a != b:
            break
        common += 1
    return f"{len(form) - common}|{lemma[common:]}"


def apply_script(form: str, script: str) -> str | None:
    strip, append = script.split("|", 1)
    n = int(strip)
    if n > len(form):
        return None
    low = form.lower()
    return (low[: len(low) - n] if n else low) + append


@dataclass
class Lexicon:
    classes: marisa_trie.BytesTrie
    lemmas: marisa_trie.BytesTrie
    rules: marisa_trie.BytesTrie

    @classmethod
    def build(cls, sentences: Iterable[list[Unit]]) -> Lexicon:
        tags: dict[str, set[str]] = defaultdict(set)
        lemma_counts: dict[str, Counter[str]] = defaultdict(Counter)
        rule_counts: dict[str, Counter[str]] = defaultdict(Counter)
        for sentence in sentences:
            for unit in sentence:
                low = unit.form.lower()
                tags[low].add(unit.upos)
                lemma_counts[f"{unit.upos}\t{low}"][unit.lemma] += 1
                script = edit_script(unit.form, unit.lemma)
                for k in range(0, MAX_SUFFIX + 1):
                    if k <= len(low):
                        rule_counts[f"{unit.upos}\t{low[len(low) - k :]}"][script] += 1
        classes = marisa_trie.BytesTrie((form, "|".join(sorted(t)).encode()) for form, t in tags.items())
        lemmas = marisa_trie.BytesTrie((key, c.most_common(1)[0][0].encode()) for key, c in lemma_counts.items())
        rules = marisa_trie.BytesTrie(
            (key, ";".join(f"{s}={n}" for s, n in c.most_common(RULES_PER_SUFFIX)).encode())
            for key, c in rule_counts.items()
        )
        return cls(classes=classes, lemmas=lemmas, rules=rules)

    def save(self, directory: Path, lang: str) -> None:
        for name in ("classes", "lemmas", "rules"):
            getattr(self, name).save(str(directory / f"{lang}.{name}.marisa"))

    @classmethod
    def load(cls, directory: Path, lang: str) -> Lexicon:
        tries = {}
        for name in ("classes", "lemmas", "rules"):
            # Mapped read-only: the pages are the OS's file cache, shared by every process.
            tries[name] = marisa_trie.BytesTrie().mmap(str(directory / f"{lang}.{name}.marisa"))
        return cls(**tries)

    @staticmethod
    def _get(trie: marisa_trie.BytesTrie, key: str) -> str | None:
        found = trie.get(key)
        return found[0].decode() if found else None

    def ambiguity_class(self, form: str) -> str:
        return self._get(self.classes, form.lower()) or "UNK"

    def seen_as_verb(self, form: str) -> bool | None:
        """Whether the treebank showed `form` as a VERB or AUX; None when it never showed the form."""
        tags = self._get(self.classes, form.lower())
        return None if tags is None else bool({"VERB", "AUX"} & set(tags.split("|")))

    def lemma(self, form: str, upos: str) -> str | None:
        return self._get(self.lemmas, f"{upos}\t{form.lower()}")

    def all_scripts(self, form: str, upos: str) -> list[str]:
        """Every edit script seen under `upos` for any suffix of `form` (longest suffix first, each
        suffix's commonest first), without repeats: the candidates a rare form can be matched with."""
        low = form.lower()
        found: dict[str, None] = {}
        for k in range(min(MAX_SUFFIX, len(low)), 0, -1):
            rules = self._get(self.rules, f"{upos}\t{low[len(low) - k :]}")
            for item in rules.split(";") if rules else ():
                found.setdefault(item.rsplit("=", 1)[0], None)
        return list(found)

    def scripts(self, form: str, upos: str) -> tuple[int, list[tuple[str, int]]]:
        """The edit scripts seen for the longest known suffix of `form` under `upos`, with counts,
        and that suffix's length (0 = only the tag's overall distribution is known)."""
        low = form.lower()
        for k in range(min(MAX_SUFFIX, len(low)), -1, -1):
            found = self._get(self.rules, f"{upos}\t{low[len(low) - k :]}")
            if found:
                pairs = [item.rsplit("=", 1) for item in found.split(";")]
                return k, [(s, int(n)) for s, n in pairs]
        return 0, []
