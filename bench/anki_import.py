"""A learner's Anki deck of 20,000 notes and 200,000 reviews: import time, throughput (notes/s) and
peak memory, re-import time (idempotent: nothing written), export time — issue 17.

    .venv/bin/python bench/anki_import.py [--notes 20000] [--reviews 200000] [--legacy] [--runs 2]
                                          [--batch 500]

The import runs the way the job runs it: in batches of --batch notes (ANKI_IMPORT_BATCH_NOTES),
each batch one transaction that also saves a checkpoint (here a one-row UPDATE standing in for the
job row's), so the figures include the progress bookkeeping.

The deck is made by the official `anki` library (a dev dependency) in today's default format
(anki21b, zstd) unless --legacy: 20,000 Basic notes, 2,000 with a 4 KB sound, every card a review
card, 10 reviews per card spread over a year. Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/langlearn_anki_bench), created and migrated on first use.
Peak memory: the process's peak RSS growth during the first import (`ru_maxrss`), and the Python
heap peak (tracemalloc) in a separate run, since tracing slows the import.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/langlearn_anki_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
DAY_MS = 86_400_000


def ensure_database() -> None:
    import psycopg

    name = BENCH_URL.rsplit("/", 1)[1]
    with psycopg.connect(BENCH_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def make_deck(path: Path, notes: int, reviews: int, legacy: bool, audio: int) -> None:
    from anki.collection import Collection, ExportAnkiPackageOptions

    rng = random.Random(17)
    per_card = max(reviews // notes, 1)
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "c.anki2"))
        model = col.models.by_name("Basic")
        did = col.decks.id("Spanish::Bench")
        sounds = []
        for i in range(min(audio, notes)):
            src = Path(tmp) / f"w{i}.mp3"
            src.write_bytes(b"ID3" + rng.randbytes(4096))
            sounds.append(col.media.add_file(str(src)))
        from anki.collection import AddNoteRequest

        requests = []
        for i in range(notes):
            note = col.new_note(model)
            note["Front"] = f"palabra {i}"
            note["Back"] = f"word {i}<br>meaning {i}" + (f"[sound:{sounds[i]}]" if i < len(sounds) else "")
            requests.append(AddNoteRequest(note=note, deck_id=did))
        col.add_notes(requests)
        now_ms = int(time.time() * 1000)
        cids = col.db.list("SELECT id FROM cards ORDER BY id")
        revlog = []
        for cid in cids:
            at = now_ms - 365 * DAY_MS + rng.randrange(DAY_MS)
            ivl = 1
            for _ in range(per_card):
                ease = rng.choice((1, 3, 3, 3, 4))
                ivl = 1 if ease == 1 else max(ivl * 2, 1)
                revlog.append((at, cid, ease, ivl, 0, 2500, 5000, 1))
                at += ivl * DAY_MS // 3 + 1
        col.close()  # Anki's db proxy runs executemany row by row (80 s for 20k rows): plain sqlite3 instead
        conn = sqlite3.connect(os.path.join(tmp, "c.anki2"))
        conn.executemany(
            "INSERT OR IGNORE INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            revlog,
        )
        conn.execute("UPDATE cards SET type = 2, queue = 2, ivl = 30, factor = 2500, due = 10, reps = ?", [per_card])
        conn.commit()
        conn.close()
        col = Collection(os.path.join(tmp, "c.anki2"))
        options = ExportAnkiPackageOptions(
            with_scheduling=True, with_media=True, legacy=legacy, with_deck_configs=False
        )
        col.export_anki_package(out_path=str(path), options=options, limit=None)
        col.close()


def fresh_pair():
    from accounts.models import Account
    from vocab.models import UserLanguagePair

    Account.objects.filter(email="anki-bench@example.com").delete()
    user = Account.objects.create_user(email="anki-bench@example.com", password="bench-password-123")
    return UserLanguagePair.objects.create(user=user, source_language="en", target_language="es")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--legacy", action="store_true")
    parser.add_argument("--audio", type=int, default=2_000, help="notes with their own 4 KB sound")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--deck", type=Path, help="reuse this deck file (made once when missing)")
    parser.add_argument("--batch", type=int, default=0, help="notes per batch (default: the setting)")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from flashcards.models import FlashcardEvent
    from flashcards.services.anki_export import anki_deck_export
    from flashcards.services.anki_import import anki_deck_import, batch_size
    from langlearn.jobs.models import Job

    size = args.batch or batch_size()
    batches = []

    def import_once(pair):
        # The job's checkpoint write, inside each batch's transaction: one UPDATE of a job row.
        job = Job.objects.create(user=pair.user, kind="anki_import", params={}, steps=[])

        def on_batch(done, total, report):
            batches.append(done)
            Job.objects.filter(pk=job.pk).update(
                steps=[
                    {
                        "progress": {"done": done, "total": total},
                        "checkpoint": {"done": done, "report": report.to_dict()},
                    }
                ]
            )

        return anki_deck_import(pair=pair, source=deck, batch_notes=size, on_batch=on_batch)

    with tempfile.TemporaryDirectory() as tmp:
        deck = args.deck or Path(tmp) / "bench.apkg"
        t = time.perf_counter()
        if not deck.exists():
            # In a child process, so the anki library's memory does not hide the import's peak RSS.
            maker = multiprocessing.get_context("fork").Process(
                target=make_deck, args=(deck, args.notes, args.reviews, args.legacy, args.audio)
            )
            maker.start()
            maker.join()
            if maker.exitcode:
                raise SystemExit(f"making the deck failed ({maker.exitcode})")
        print(
            f"deck: {deck.stat().st_size / 1e6:.1f} MB ({'legacy' if args.legacy else 'anki21b'}), "
            f"made in {time.perf_counter() - t:.1f}s"
        )
        firsts, agains, cpus = [], [], []
        report = None
        for run in range(args.runs):
            pair = fresh_pair()
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t, cpu = time.perf_counter(), time.process_time()
            report = import_once(pair)
            firsts.append(time.perf_counter() - t)
            cpus.append(time.process_time() - cpu)
            if run == 0:
                rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
            t = time.perf_counter()
            again = import_once(pair)
            agains.append(time.perf_counter() - t)
            assert (again.entries_created, again.reviews_imported) == (0, 0), again
        events = FlashcardEvent.objects.filter(user=pair.user).count()
        t = time.perf_counter()
        out = Path(tmp) / "export.apkg"
        with out.open("wb") as fh:
            counts = anki_deck_export(pair=pair, out=fh)
        export_s = time.perf_counter() - t
        pair = fresh_pair()
        tracemalloc.start()
        import_once(pair)
        heap_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    print(
        f"import: {report.notes} notes, {report.entries_created} entries, {events} reviews, "
        f"{report.audio_stored} audio files"
    )
    print(
        f"import   best {min(firsts):.2f}s  (runs: {', '.join(f'{x:.2f}' for x in firsts)}); "
        f"this process's CPU {min(cpus):.2f}s (PostgreSQL's work not included)"
    )
    print(
        f"throughput: {report.notes / min(firsts):.0f} notes/s, {events / min(firsts):.0f} reviews/s; "
        f"{len(batches) // (2 * args.runs + 1)} batches of {size} notes per import, each with its checkpoint"
    )
    print(f"re-import best {min(agains):.2f}s  (nothing written)")
    print(f"peak RSS growth during the first import: {rss_growth:.0f} MB; Python heap peak {heap_peak:.0f} MB")
    print(
        f"export: {counts['notes']} notes, {counts['cards']} cards, {counts['reviews']} reviews, "
        f"{counts['audio']} audio in {export_s:.2f}s"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
