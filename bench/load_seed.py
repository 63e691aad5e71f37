"""Seed the load test's database: 1,000 learners, one of them with 100,000 cards (the flashcards
benchmark's own seeding: every FSRS state, due dates spread over past and future), 50 published
packs of 20 entries. Writes what the wrk scripts need (a token, the pair, card ids) as Lua.

    DATABASE_URL=... .venv/bin/python bench/load_seed.py OUT_DIR     (bench/load.sh runs it)
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from flashcards_due import seed  # sets up Django (DEBUG off, persistent connections)
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Account
from flashcards.models import Flashcard
from packs.models import WordBankPack, WordBankPackEntry

LEARNERS = 1_000
PACKS = 50
PACK_ENTRIES = 20
REVIEW_CARDS = 20_000  # distinct cards for POST reviews: no two requests race on one card


def write_env(out: Path, user, pair) -> None:
    """What the wrk scripts need, as Lua: a fresh access token (they live 15 minutes), the pair, cards."""
    cards = list(Flashcard.objects.filter(user=user, suspended=False).values_list("pk", flat=True)[:REVIEW_CARDS])
    token = str(RefreshToken.for_user(user).access_token)
    (out / "env.lua").write_text(
        f'token = "{token}"\npair = "{pair.pk}"\ncards = {{\n' + ",\n".join(f'"{c}"' for c in cards) + "\n}\n"
    )


def main(out: Path) -> None:
    started = time.monotonic()
    rng = random.Random(7)
    user, pair = seed(rng)
    password = make_password("load-test-password")  # hashed once, shared: seeding, not logging in
    Account.objects.bulk_create(
        Account(email=f"learner-{i}-{uuid.uuid4().hex[:6]}@example.com", password=password, display_name=f"L{i}")
        for i in range(LEARNERS - 1)
    )
    now = timezone.now()
    packs = WordBankPack.objects.bulk_create(
        WordBankPack(
            title=f"Pack {i}",
            slug=f"load-pack-{i}",
            source_language="en",
            target_language="es",
            level="A1",
            tags=["everyday"],
            published=True,
            published_at=now,
        )
        for i in range(PACKS)
    )
    WordBankPackEntry.objects.bulk_create(
        WordBankPackEntry(pack=p, position=j, text=f"palabra {j}", normalized_text=f"palabra {j}", translation=f"w {j}")
        for p in packs
        for j in range(PACK_ENTRIES)
    )
    write_env(out, user, pair)
    print(
        f"seeded {Account.objects.count()} learners, {Flashcard.objects.filter(user=user).count()} cards for one, "
        f"{WordBankPack.objects.count()} packs in {time.monotonic() - started:.0f}s"
    )


if __name__ == "__main__":
    if "--token-only" in sys.argv:  # a database seeded before (bench/peer.sh KEEP=1): a fresh token only
        learner = Account.objects.get(email__startswith="bench-")
        write_env(Path(sys.argv[1]), learner, learner.language_pairs.get())
    else:
        main(Path(sys.argv[1]))
