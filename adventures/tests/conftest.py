"""Adventure test helpers: a learner's pair, realistic Spanish scenes for the fake LLM to return,
and small HTTP helpers to play an adventure the way the app does."""

from __future__ import annotations

from typing import Any

import pytest

URL = "/api/adventures/"

# Varied, level-appropriate scene texts so coverage, vocabulary and new words are meaningful.
PARAGRAPHS = [
    ["Llegas a un pueblo pequeño al lado del mar.", "En la plaza, una mujer busca a su gato."],
    ["El gato no está en la casa.", "Un niño dice que vio algo raro en el puerto."],
    ["En el puerto hay un barco viejo.", "Dentro del barco se oye un ruido extraño."],
    ["La luz de la luna entra por la ventana.", "Encuentras una llave debajo de una caja."],
    ["La llave abre una puerta secreta.", "Detrás de la puerta duerme el gato, tranquilo."],
]
CHOICES = [
    ["Ayudar a la mujer", "Ir al mercado", "Volver al hotel"],
    ["Ir al puerto", "Preguntar en la panadería"],
    ["Entrar en el barco", "Esperar a la noche"],
    ["Abrir la caja", "Buscar la puerta"],
]


def scene_input(depth: int, *, ending: bool = False, title: str | None = None) -> dict[str, Any]:
    """What a well-behaved story model answers for the scene at `depth` (1-based)."""
    data: dict[str, Any] = {
        "paragraphs": PARAGRAPHS[(depth - 1) % len(PARAGRAPHS)],
        "choices": [] if ending else [{"text": t} for t in CHOICES[(depth - 1) % len(CHOICES)]],
        "is_ending": ending,
        "new_words": [{"lemma": "pueblo", "translation": "village"}, {"lemma": "gato", "translation": "cat"}],
        "summary": f"Scene {depth}: the search for the lost cat goes on.",
    }
    if depth == 1:
        data["title"] = title or "El gato perdido"
    return data


@pytest.fixture(autouse=True)
def _fast_jobs(settings):
    settings.JOB_RETRY_BASE_SECONDS = 0.02
    settings.JOB_RETRY_MAX_SECONDS = 0.1
    settings.GENERATION_DAILY_QUOTA = 50


def create(client, pair, **body) -> dict:
    resp = client.post(URL, {"language_pair": str(pair.pk), **body}, format="json")
    assert resp.status_code == 202, resp.json()
    return resp.json()


def detail(client, adventure_id) -> dict:
    resp = client.get(f"{URL}{adventure_id}")
    assert resp.status_code == 200, resp.json()
    return resp.json()


def choose(client, adventure_id, scene_id, choice: str, expect: int = 202) -> dict:
    resp = client.post(f"{URL}{adventure_id}/choices", {"scene": str(scene_id), "choice": choice}, format="json")
    assert resp.status_code == expect, resp.json()
    return resp.json()


@pytest.fixture
def pair(user):
    """One draft per scene in these tests (they count LLM calls): the coverage loop's rounds are
    tested in test_leveling.py."""
    from vocab.tests.factories import PairFactory

    return PairFactory(user=user, revision_rounds=0)
