"""simplemma's dictionaries as mapped tries (langlearn/nlp/dictionaries.py): the same answers as
simplemma's own dicts, built once at first use, safe to build from several processes, rebuilt when
unreadable; and the CRF tagger shared by a worker's threads."""

import sys
import threading

import pytest
import simplemma
from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

from langlearn.nlp import dictionaries
from langlearn.nlp.analyzer import WordAnalyzer
from langlearn.nlp.dictionaries import MappedTrieFactory, build, trie_path


def test_the_trie_holds_exactly_simplemmas_dictionary(tmp_path):
    original = _load_dictionary_from_disk("en")

    mapped = MappedTrieFactory(tmp_path).get_dictionary("en")

    assert len(mapped) == len(original)
    assert all(mapped.get(form.decode()) == lemma.decode() for form, lemma in original.items())


@pytest.mark.parametrize(
    ("form", "lang"),
    # The small dictionaries: loading simplemma's own German or Spanish dict takes seconds per test.
    [("mangeaient", "fr"), ("étions", "fr"), ("mele", "it"), ("Andavamo", "it"), ("went", "en"), ("Children", "en")],
)
def test_lemmas_and_membership_match_simplemma(form, lang):
    assert dictionaries.lemmatize(form, lang) == simplemma.lemmatize(form, lang=lang)
    lemma = dictionaries.lemmatize(form, lang)
    assert dictionaries.is_known(lemma, lang) == simplemma.is_known(lemma, lang)
    assert dictionaries.is_known("zzqxv", lang) is False


def test_first_use_builds_the_trie_once_and_leaves_no_temporary_file(tmp_path):
    factory = MappedTrieFactory(tmp_path)

    assert factory.get_dictionary("fr").get("mangeaient") == "manger"
    path = trie_path("fr", tmp_path)
    built_at = path.stat().st_mtime_ns
    assert MappedTrieFactory(tmp_path).get_dictionary("fr").get("pommes") == "pomme"

    assert path.stat().st_mtime_ns == built_at  # a second process maps the file, does not rebuild
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert factory.loaded() == ["fr"]


def test_an_unreadable_trie_is_rebuilt(tmp_path):
    path = trie_path("en", tmp_path)
    path.write_bytes(b"half a trie")

    assert MappedTrieFactory(tmp_path).get_dictionary("en").get("children") == "child"
    assert path.stat().st_size > 1_000_000


def test_an_unwritable_cache_directory_still_answers(tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")

    assert MappedTrieFactory(blocked / "nlp").get_dictionary("en").get("went") == "go"


def test_concurrent_builds_each_leave_a_whole_file(tmp_path):
    # Two workers starting at once both build; the rename makes the last one win, never a mix.
    threads = [threading.Thread(target=build, args=("en", tmp_path)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert MappedTrieFactory(tmp_path).get_dictionary("en").get("went") == "go"
    assert [p.name for p in tmp_path.iterdir()] == [trie_path("en", tmp_path).name]


def test_a_language_simplemma_lacks_is_refused(tmp_path):
    with pytest.raises(ValueError, match="xx"):
        MappedTrieFactory(tmp_path).get_dictionary("xx")


def test_threads_sharing_a_tagger_get_their_own_sentences_tags():
    analyzer = WordAnalyzer("es")
    sentences = [
        ["Los", "niños", "estaban", "comiendo", "manzanas", "en", "el", "mercado", "."],
        ["Ayer", "compré", "un", "libro", "muy", "largo", "sobre", "la", "historia", "de", "España", "."],
        ["La", "casa", "tiene", "tres", "ventanas", "."],
        ["Vino", "."],
    ]
    expected = [analyzer.tagger.tag(words) for words in sentences]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible to provoke interleaving
    errors, mismatches = [], []

    def work(offset: int) -> None:
        try:
            for i in range(200):
                k = (i + offset) % len(sentences)
                if analyzer.tagger.tag(sentences[k]) != expected[k]:
                    mismatches.append(k)
        except Exception as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert errors == []
    assert mismatches == []
