"""Benchmark: the five BFF screens for one well-used learner.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/bff_screens.py \
        [--seconds 2] [--entries 5000]

Seeds, in a database of its own (`<name>_bench_bff`, dropped at the end): a learner with
two pairs, 5,000 word bank entries (10,000 cards in every FSRS state), 4,000 reviews over 60 days,
50 articles (the one read is ~600 words, its tokens stored by the articles analyse code), an adventure
20 scenes deep, and 40 published packs of 30 entries. Then measures each screen through the full
middleware stack with django.test.Client (JWT, no network, persistent connection, DEBUG off) and
prints requests/s, p50/p99 latency, queries per request and the response size. The reader is also
measured without its stored tokens (the in-request fallback, served from the process cache after
the first read). Not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
os.environ["DEBUG"] = "false"
os.environ["CONN_MAX_AGE"] = "600"
os.environ["THROTTLE_USER"] = "1000000000/min"
os.environ.setdefault("LANGLEARN_TESTING", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import Account  # noqa: E402
from adventures.models import Adventure, AdventureScene  # noqa: E402
from articles.analysis import analyse_paragraphs, reader_tokens, split_paragraphs  # noqa: E402
from articles.models import TranslatedArticle  # noqa: E402
from flashcards.models import Flashcard, FlashcardEvent  # noqa: E402
from langlearn import clients  # noqa: E402
from packs.models import WordBankPack, WordBankPackEntry  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402

ENTRIES = 5_000  # --entries
WORDS = [
    "gato", "perro", "casa", "mesa", "libro", "agua", "ciudad", "calle", "noche", "día", "tiempo", "vida",
    "mundo", "mano", "ojo", "cosa", "hombre", "mujer", "niño", "amigo", "trabajo", "escuela", "comida",
    "río", "mar", "montaña", "árbol", "flor", "sol", "luna",
]  # fmt: skip
SENTENCE = "El {0} come en la {1} con el {2}, y luego el {3} duerme cerca del {4} durante {5} horas."


def body(rng: random.Random, words: int = 600) -> str:
    paragraphs, count = [], 0
    while count < words:
        sentences = [SENTENCE.format(*(rng.choice(WORDS) for _ in range(5)), rng.randint(2, 9)) for _ in range(5)]
        paragraphs.append(" ".join(sentences))
        count += sum(len(s.split()) for s in sentences)
    return "\n\n".join(paragraphs)


def seed(
    rng: random.Random, entries_count: int = ENTRIES
) -> tuple[Account, TranslatedArticle, TranslatedArticle, Adventure]:
    user = Account.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12)
    pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="es", level="A2")
    UserLanguagePair.objects.create(user=user, source_language="en", target_language="fr", level="A1")
    now = timezone.now()
    names = [*WORDS, *(f"palabra{i}" for i in range(entries_count - len(WORDS)))]
    entries = LearnableWordBankEntry.objects.bulk_create(
        (
            LearnableWordBankEntry(user=user, pair=pair, text=w, lemma=w, normalized_lemma=w, translation=f"t-{w}")
            for w in names
        ),
        batch_size=2000,
    )
    cards = []
    for entry in entries:
        for direction in ("recognise", "produce"):
            roll = rng.random()
            studied = roll >= 0.3
            state = (2 if roll < 0.8 else 3) if studied else 1
            cards.append(
                Flashcard(
                    user=user, pair=pair, entry=entry, direction=direction,
                    state=state, step=None if state == 2 else 0,
                    stability=rng.uniform(1, 100) if studied else None,
                    difficulty=rng.uniform(1, 10) if studied else None,
                    last_review=now - timedelta(days=rng.uniform(1, 60)) if studied else None,
                    due=now + timedelta(days=rng.uniform(-10, 40)),
                )
            )  # fmt: skip
    Flashcard.objects.bulk_create(cards, batch_size=2000)
    studied = [c for c in cards if c.last_review]
    FlashcardEvent.objects.bulk_create(
        (
            FlashcardEvent(
                card=c, user=user, rating=rng.choice([1, 3, 3, 3, 4]),
                reviewed_at=now - timedelta(days=rng.uniform(0, 60)),
                state_before={"state": 2, "last_review": now.isoformat()}, state_after={"state": 2},
            )
            for c in rng.sample(studied, 4000)
        ),
        batch_size=2000,
    )  # fmt: skip
    articles = TranslatedArticle.objects.bulk_create(
        TranslatedArticle(
            user=user, pair=pair, level="A2", language="es", translation_language="en",
            title=f"Artículo {i}", body=body(rng), translation=body(rng), audio=f"articles/{i}/audio.wav",
        )
        for i in range(50)
    )  # fmt: skip
    stored, bare = articles[-1], articles[-2]
    texts = split_paragraphs(stored.body)
    stored.reader_tokens = reader_tokens(analyse_paragraphs(clients.get_nlp(), texts, "es"), paragraphs=texts)
    stored.save(update_fields=["reader_tokens"])
    adventure = Adventure.objects.create(user=user, pair=pair, title="Bench", level="A2", status="ready")
    parent = None
    for depth in range(1, 21):
        parent = AdventureScene.objects.create(
            adventure=adventure, parent=parent, depth=depth, status="ready", choice_id="a" if parent else "",
            paragraphs=split_paragraphs(body(rng, 120)), translation=["..."] * 2,
            choices=[{"id": "a", "text": "Seguir", "translation": "Go on"},
                     {"id": "b", "text": "Volver", "translation": "Go back"}],
        )  # fmt: skip
    adventure.current_scene = parent
    adventure.save()
    for i in range(40):
        pack = WordBankPack.objects.create(
            title=f"Pack {i}", slug=f"bench-pack-{i}-{uuid.uuid4().hex[:6]}", source_language="en",
            target_language="es", level=["A1", "A2", "B1", "B2"][i % 4], published=True, published_at=now,
        )  # fmt: skip
        WordBankPackEntry.objects.bulk_create(
            WordBankPackEntry(pack=pack, position=j, text=f"p{i} w{j}", normalized_text=f"p{i} w{j}") for j in range(30)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, stored, bare, adventure


class QueryLog:
    """Queries and their times, by an execute wrapper (the debug cursor's log is reset per request)."""

    def __init__(self) -> None:
        self.timings: list[float] = []
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append((time.perf_counter() - start) * 1000)
            self.sql.append(sql)

    def __enter__(self) -> QueryLog:
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._cm.__exit__(*exc)


def measure(client: Client, url: str, seconds: float, headers: dict) -> list[float]:
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        response = client.get(url, **headers)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0, help="per screen")
    parser.add_argument("--verbose", action="store_true", help="print each screen's slowest queries")
    parser.add_argument("--entries", type=int, default=ENTRIES, help="word bank entries (two cards each)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench_bff"
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        t0 = time.perf_counter()
        user, stored, bare, adventure = seed(random.Random(7), args.entries)
        print(f"database {db_name}: seeded in {time.perf_counter() - t0:.1f} s "
              f"({args.entries:,} entries, {Flashcard.objects.filter(user=user).count():,} cards, "
              f"{FlashcardEvent.objects.filter(user=user).count():,} reviews)")  # fmt: skip
        headers = {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}
        screens = {
            "home": "/bff/home",
            "review (20)": "/bff/review",
            "review (100)": "/bff/review?limit=100",
            "reader (stored)": f"/bff/articles/{stored.pk}/reader",
            "reader (fallback)": f"/bff/articles/{bare.pk}/reader",
            "play": f"/bff/adventures/{adventure.pk}/play",
            "packs": "/bff/packs",
        }
        client = Client()
        print(f"{'screen':<19}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}{'KB':>8}")
        for name, url in screens.items():
            first = time.perf_counter()
            client.get(url, **headers)  # warm up (the fallback reader analyses its text here, once)
            first = (time.perf_counter() - first) * 1000
            with QueryLog() as log:
                size = len(client.get(url, **headers).content) / 1024
            lat = measure(client, url, args.seconds, headers)
            p50, p99 = statistics.median(lat) * 1000, sorted(lat)[int(0.99 * (len(lat) - 1))] * 1000
            print(f"{name:<19}{len(lat) / sum(lat):>8.0f}{p50:>9.2f}{p99:>9.2f}{len(log.timings):>9}"
                  f"{size:>8.1f}   (first request {first:.0f} ms; SQL {sum(log.timings):.1f} ms)")  # fmt: skip
            if args.verbose:
                for ms, sql in sorted(zip(log.timings, log.sql, strict=True), reverse=True)[:3]:
                    print(f"    {ms:7.2f} ms  {sql[:150]}")
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
