"""The worker's boot hook: the NLP stack is imported before a message is taken (a time limit
raised inside a half-done Cython import breaks the process for good — see ImportAtBoot)."""

from __future__ import annotations

import dramatiq

from langlearn.clients import get_nlp
from langlearn.jobs.middleware import ImportAtBoot


def test_the_broker_carries_the_boot_hook():
    assert any(isinstance(m, ImportAtBoot) for m in dramatiq.get_broker().middleware)


def test_boot_builds_the_preloaded_pipelines(monkeypatch):
    monkeypatch.setenv("NLP_PRELOAD", "es")
    monkeypatch.setattr("gc.freeze", lambda: None)  # keep the test process's collector as it was
    ImportAtBoot().after_process_boot(dramatiq.get_broker())
    assert "es" in get_nlp().loaded_languages()
