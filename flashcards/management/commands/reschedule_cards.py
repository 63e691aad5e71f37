"""Recompute card states from their review history with each pair's current FSRS parameters.

    manage.py reschedule_cards --dry-run            # count what would change, save nothing
    manage.py reschedule_cards --pair <id>          # one pair (repeatable)
    manage.py reschedule_cards                      # every pair with reviewed cards

Idempotent: a card's state is a function of its history, so a second run changes nothing. Use it
after parameters changed outside a fit, or to repair states written before replay existed (fuzz drawn
from an unseeded generator, reviews rejected as out of order)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from flashcards.models import Flashcard, FlashcardEvent
from flashcards.services import flashcards_reschedule
from vocab.models import UserLanguagePair


class Command(BaseCommand):
    help = "Replay every reviewed card's history with its pair's current FSRS parameters."

    def add_arguments(self, parser):
        parser.add_argument("--pair", action="append", default=[], help="Only this pair id (repeatable).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; save nothing.")

    def handle(self, *args, **opts):
        pairs = UserLanguagePair.objects.filter(pk__in=FlashcardEvent.objects.values("card__pair_id")).order_by(
            "created_at"
        )
        if opts["pair"]:
            pairs = pairs.filter(pk__in=opts["pair"])
        total = Flashcard.objects.filter(pair__in=pairs, pk__in=FlashcardEvent.objects.values("card_id")).count()
        cards = changed = events = failed = 0
        with tqdm(total=total, disable=not total or opts["verbosity"] < 1, file=self.stderr, unit="card") as bar:
            for pair in pairs:
                try:
                    result = flashcards_reschedule(pair=pair, dry_run=opts["dry_run"], progress=bar.update)
                except Exception as exc:  # one learner's bad history must not stop everyone else's
                    failed += 1
                    self.stderr.write(f"pair {pair.pk}: {exc}")
                    continue
                cards, changed, events = cards + result.cards, changed + result.changed, events + result.events_changed
        suffix = " (dry run, nothing saved)" if opts["dry_run"] else ""
        self.stdout.write(
            f"{cards} cards replayed: {changed} changed, {events} review states rewritten, "
            f"{failed} pairs failed{suffix}."
        )
