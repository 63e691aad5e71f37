"""Fit FSRS parameters for every language pair with enough reviews (run it monthly, e.g. from cron).

    manage.py fit_fsrs_parameters                 # fit, in this process, every pair that needs it
    manage.py fit_fsrs_parameters --enqueue       # send one job per pair to the workers instead
    manage.py fit_fsrs_parameters --pair <id> --dry-run

A pair needs a fit when it has ≥ --min-reviews reviews and was never fitted, or was fitted more than
--stale-days ago and has had reviews since. Rerunning is harmless: a fit recomputes from the whole
history and overwrites.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count, F, Q
from django.utils import timezone
from tqdm import tqdm

from flashcards.services import MIN_REVIEWS_FOR_FIT, fsrs_parameters_fit
from flashcards.tasks import fsrs_parameters_fit_job
from langlearn.commands import non_negative_int, positive_int, usage_error, uuid_arg
from vocab.models import UserLanguagePair


class Command(BaseCommand):
    help = "Fit per-pair FSRS-6 parameters (fsrs-rs-python) from review histories."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pair", action="append", default=[], type=uuid_arg, help="Only this pair id (repeatable)."
        )
        parser.add_argument("--min-reviews", type=positive_int, default=MIN_REVIEWS_FOR_FIT)
        parser.add_argument(
            "--stale-days", type=non_negative_int, default=30, help="Refit pairs fitted longer ago than this."
        )
        parser.add_argument("--enqueue", action="store_true", help="Send jobs to the workers instead of fitting here.")
        parser.add_argument("--dry-run", action="store_true", help="Fit but do not save (ignored with --enqueue).")

    def handle(self, *args, **opts):
        stale_before = timezone.now() - timedelta(days=opts["stale_days"])
        pairs = UserLanguagePair.objects.annotate(reviews=Count("flashcards__events")).filter(
            reviews__gte=opts["min_reviews"]
        )
        if opts["pair"]:
            unknown = set(opts["pair"]) - {
                str(pk) for pk in UserLanguagePair.objects.filter(pk__in=opts["pair"]).values_list("pk", flat=True)
            }
            if unknown:
                raise usage_error(f"no language pair with id {', '.join(sorted(unknown))}")
            pairs = pairs.filter(pk__in=opts["pair"])
        else:
            pairs = pairs.filter(
                Q(fsrs_parameters_fitted_at__isnull=True)
                | Q(fsrs_parameters_fitted_at__lt=stale_before, reviews__gt=F("fsrs_reviews_at_fit"))
            )
        pair_ids = list(pairs.order_by("created_at").values_list("pk", flat=True))
        fitted = skipped = failed = 0
        for pair_id in tqdm(pair_ids, disable=not pair_ids or opts["verbosity"] < 1, file=self.stderr):
            if opts["enqueue"]:
                fsrs_parameters_fit_job.send(str(pair_id))
                continue
            try:
                result = fsrs_parameters_fit(pair_id=pair_id, min_reviews=opts["min_reviews"], dry_run=opts["dry_run"])
            except Exception as exc:  # one learner's bad history must not stop everyone else's fit
                failed += 1
                self.stderr.write(f"pair {pair_id}: {exc}")
                continue
            if result.fitted:
                fitted += 1
            else:
                skipped += 1
                if opts["verbosity"] > 1:
                    self.stdout.write(f"pair {pair_id}: skipped ({result.reason})")
        if opts["enqueue"]:
            self.stdout.write(f"{len(pair_ids)} fit jobs enqueued.")
        else:
            suffix = " (dry run, nothing saved)" if opts["dry_run"] else ""
            self.stdout.write(f"{len(pair_ids)} pairs: {fitted} fitted, {skipped} skipped, {failed} failed{suffix}.")
