"""The NLP preload hook: builds what NLP_PRELOAD names through the public client, survives a
language it cannot build, and does nothing when unset."""

import gc

from langlearn.preload import preload_nlp


def test_nothing_to_preload_by_default(monkeypatch):
    monkeypatch.delenv("NLP_PRELOAD", raising=False)
    assert preload_nlp() == []


def test_preloads_what_it_can_and_freezes_the_heap(monkeypatch):
    monkeypatch.setenv("NLP_PRELOAD", "es, xx-not-a-language")
    try:
        assert preload_nlp() == ["es"]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
