"""simplemma's dictionaries as memory-mapped marisa-tries instead of Python dicts.

simplemma 2.0 loads each language's dictionary as a `dict[bytes, bytes]`: 150 MB of heap for Spanish,
~500 MB for es/fr/de/it/pt, and every worker process holds its own copy (with `gunicorn --preload`
the pages start shared, but each lookup's reference counting writes to them, so they are copied
back into each worker as it serves). The same mappings as marisa-tries take 20 MB on disk for the
five, and `BytesTrie.mmap` maps them read-only: the pages live in the OS page cache, shared by every
process on the machine (web workers, Dramatiq workers, forked or not), and are never copied.

The tries are derived data, not shipped: built at first use from simplemma's own `.plzma` files into
`NLP_CACHE_DIR` (default `var/nlp/` in the repository; `make venv` and the Dockerfile build them
ahead with `python -m langlearn.nlp.dictionaries`). A build streams simplemma's front-coded records
into the trie without the intermediate dict (peak ~100 MB for German, ~4 s), writes a temporary
file and renames it into place, so concurrent first uses in several processes never read a
half-written trie. The file name carries simplemma's version: an upgrade builds afresh.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import marisa_trie
from simplemma import Lemmatizer
from simplemma.__metadata__ import __version__ as SIMPLEMMA_VERSION
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import frontcode
from simplemma.strategies.dictionaries.dictionary_factory import (
    SUPPORTED_LANGUAGES,
    DictionaryFactory,
    _read_decompressed,
)
from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieWrapDict
from simplemma.strategies.dictionary_lookup import DictionaryLookupStrategy
from simplemma.utils import normalize_token

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
# The five taught languages with a tagger, plus Italian (simplemma only); what `make venv` builds.
DEFAULT_LANGUAGES = ("es", "fr", "de", "it", "pt", "en")


def cache_dir() -> Path:
    return Path(os.environ.get("NLP_CACHE_DIR") or REPO / "var" / "nlp")


def trie_path(lang: str, directory: Path | None = None) -> Path:
    return (directory or cache_dir()) / f"simplemma-{SIMPLEMMA_VERSION}-{lang}.marisa"


def _records(lang: str) -> Iterator[tuple[str, bytes]]:
    """simplemma's (form, lemma) pairs for `lang`, decoded one by one from its shipped stream."""
    data = _read_decompressed(lang)
    reverse, count, pos = frontcode._read_header(data)
    n = 0
    for _, key, value in frontcode._iter_records(data, pos):
        if reverse:
            key, value = key[::-1], value[::-1]
        n += 1
        yield key.decode(), value
    if n != count:
        raise ValueError(f"simplemma dictionary for {lang}: {n} records, header says {count}")


def build(lang: str, directory: Path | None = None) -> Path:
    """Write `lang`'s trie into the cache directory (atomically) and return its path."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"simplemma has no dictionary for {lang!r}")
    target = trie_path(lang, directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    trie = marisa_trie.BytesTrie(_records(lang))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        trie.save(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


class MappedTrieFactory(DictionaryFactory):
    """A simplemma `DictionaryFactory` whose dictionaries are read-only mmap'd tries (built if missing).
    Languages are loaded only when first asked for; once loaded a trie stays (it costs no heap)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._tries: dict[str, Mapping[str, str]] = {}
        self._lock = threading.Lock()

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        found = self._tries.get(lang)
        if found is not None:
            return found
        with self._lock:  # one build per process; other processes are kept safe by the atomic rename
            if lang not in self._tries:
                self._tries[lang] = TrieWrapDict(self._open(lang))
        return self._tries[lang]

    def _open(self, lang: str) -> marisa_trie.BytesTrie:
        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"Unsupported language: {lang}")
        path = trie_path(lang, self._directory)
        if path.is_file():
            try:
                return marisa_trie.BytesTrie().mmap(str(path))
            except Exception:  # truncated by a full disk, say: build it again
                logger.warning("simplemma trie %s is unreadable; rebuilding it", path)
        started = time.perf_counter()
        try:
            build(lang, self._directory)
        except OSError as exc:  # a read-only or full disk: the trie in this process's memory (~8 MB) still works
            logger.warning("cannot write simplemma trie %s (%s); keeping it in memory", path, exc)
            return marisa_trie.BytesTrie(_records(lang))
        logger.info("built simplemma trie for %s in %.1f s (%s)", lang, time.perf_counter() - started, path)
        return marisa_trie.BytesTrie().mmap(str(path))

    def loaded(self) -> list[str]:
        return sorted(self._tries)


FACTORY = MappedTrieFactory()
_STRATEGY = DefaultStrategy(dictionary_factory=FACTORY)
_LEMMATIZER = Lemmatizer(lemmatization_strategy=_STRATEGY)
_LOOKUP = DictionaryLookupStrategy(FACTORY)


def lemmatize(form: str, lang: str) -> str:
    """`simplemma.lemmatize(form, lang)`, over the mapped tries."""
    return _LEMMATIZER.lemmatize(form, lang)


def is_known(token: str, lang: str) -> bool:
    """`simplemma.is_known(token, lang)`, over the mapped tries."""
    return _LOOKUP.get_lemma(normalize_token(token), lang) is not None


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Build simplemma's tries into NLP_CACHE_DIR (what first use does).")
    parser.add_argument("langs", nargs="*", default=list(DEFAULT_LANGUAGES))
    parser.add_argument("--force", action="store_true", help="rebuild tries that exist")
    args = parser.parse_args()
    for lang in args.langs:
        path = trie_path(lang)
        if path.is_file() and not args.force:
            print(f"{lang}: {path} exists ({path.stat().st_size / 1e6:.1f} MB)")
            continue
        started = time.perf_counter()
        build(lang)
        print(f"{lang}: built {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
