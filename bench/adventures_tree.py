"""Benchmark: reading and playing a big adventure tree, prompt size by depth, spoken-choice matching.

- `GET /api/adventures/{id}` on a 20-scene-deep adventure with branches at every level (default
  ~80 scenes): median latency and the number of SQL queries (must not grow with the tree);
- `POST {id}/choices` re-taking an existing branch (no generation: lock, lookup, move): latency;
- the scene prompt's size at each depth, with and without summarising the branch;
- `match_choice` on a 4-choice scene: microseconds per transcript.

    .venv/bin/python bench/adventures_tree.py [--depth 20] [--branches 3] [--runs 50]

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/langlearn_bench_adventures; created and migrated if missing).
No provider is called.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def configure() -> None:
    db_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/langlearn_bench_adventures")
    ensure_database(db_url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "langlearn.settings",
            "DATABASE_URL": db_url,
            "LANGLEARN_TESTING": "0",
            "BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
            "THROTTLE_USER": "1000000/min",
            "THROTTLE_GENERATION": "1000000/min",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


PARAGRAPHS = [
    "Llegas a un pueblo pequeño al lado del mar y el viento huele a sal.",
    "En la plaza, una mujer mayor busca a su gato y te pide ayuda con una sonrisa cansada.",
    "Un niño dice que vio algo raro en el puerto, cerca de un barco viejo.",
]
CHOICES = [
    {"id": "a", "text": "Ayudar a la mujer a buscar el gato", "translation": "Help the woman"},
    {"id": "b", "text": "Ir al puerto con el niño", "translation": "Go to the port"},
    {"id": "c", "text": "Preguntar en la panadería", "translation": "Ask at the bakery"},
    {"id": "d", "text": "Volver al hotel y dormir", "translation": "Go back to the hotel"},
]


def build_tree(depth: int, branches: int):
    """A main line `depth` deep; every scene on it also has `branches - 1` side children."""
    from accounts.models import Account
    from adventures.models import Adventure, AdventureScene
    from vocab.models import UserLanguagePair

    user, _ = Account.objects.get_or_create(email="bench-adventures@example.com")
    pair, _ = UserLanguagePair.objects.get_or_create(user=user, source_language="en", target_language="es")
    Adventure.objects.filter(user=user).update(current_scene=None)
    Adventure.objects.filter(user=user).delete()
    adventure = Adventure.objects.create(user=user, pair=pair, level="A2", target_length=depth, title="Bench")
    common = {
        "adventure": adventure,
        "status": "ready",
        "paragraphs": PARAGRAPHS,
        "translation": PARAGRAPHS,
        "choices": CHOICES,
        "new_words": [{"lemma": "pueblo", "translation": "village"}, {"lemma": "gato", "translation": "cat"}],
        "summary": "The reader helps look for a lost cat in a seaside village.",
    }
    parent = AdventureScene.objects.create(depth=1, **common)
    for level in range(2, depth + 1):
        for b in range(1, branches):
            AdventureScene.objects.create(
                parent=parent, choice_id=CHOICES[b]["id"], choice_text=CHOICES[b]["text"], depth=level, **common
            )
        parent = AdventureScene.objects.create(
            parent=parent, choice_id="a", choice_text=CHOICES[0]["text"], depth=level, **common
        )
    adventure.current_scene = parent
    adventure.save()
    return user, adventure


def timed(fn, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm
    samples = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000, len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--branches", type=int, default=3)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    configure()

    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from adventures.matching import match_choice
    from adventures.models import AdventureScene
    from adventures.prompts import PastScene, ScenePrompt, scene_prompt

    user, adventure = build_tree(args.depth, args.branches)
    scenes = AdventureScene.objects.filter(adventure=adventure).count()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    url = f"/api/adventures/{adventure.pk}"
    assert client.get(url).status_code == 200

    ms, queries = timed(lambda: client.get(url), args.runs)
    print(f"GET detail, {scenes} scenes, path of {args.depth}: median {ms:.1f} ms, {queries} queries")
    opening = AdventureScene.objects.get(adventure=adventure, parent=None)
    body = {"scene": str(opening.pk), "choice": "b"}
    ms, queries = timed(lambda: client.post(f"{url}/choices", body, format="json"), args.runs)
    print(f"POST choices on an existing branch: median {ms:.1f} ms, {queries} queries")

    past = [PastScene(paragraphs=PARAGRAPHS, summary="The reader helps look for a lost cat.", choice_taken="Ir")]
    print("prompt size by depth (chars): depth  summarised  all-verbatim")
    for depth in (2, 5, 10, 20):
        p = ScenePrompt("es", "en", "A2", "mystery", "", depth, 20, "Bench", tuple(past * (depth - 1)))
        verbatim = sum(len(" ".join(s.paragraphs)) + len(s.choice_taken) + 30 for s in p.branch)
        print(f"  {depth:>5}  {len(scene_prompt(p)):>10}  {verbatim + 400:>12}")

    transcripts = ["eh, quiero ir al puerto con el niño", "la panadería", "no sé", "volver al hotel"] * 250
    t0 = time.perf_counter()
    for t in transcripts:
        match_choice(t, CHOICES)
    per = (time.perf_counter() - t0) / len(transcripts) * 1e6
    print(f"match_choice, 4 choices: {per:.0f} µs per transcript")


if __name__ == "__main__":
    main()
