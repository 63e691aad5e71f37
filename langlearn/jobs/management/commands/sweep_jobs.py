import signal
import threading
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from langlearn.commands import non_negative_int, seconds
from langlearn.jobs.services import jobs_sweep
from langlearn.jobs.tasks import sweep_jobs

# Set by SIGTERM/SIGINT while looping (`--every`): the current sweep finishes, then the command exits.
stop = threading.Event()


class Command(BaseCommand):
    help = (
        "Re-enqueue jobs stuck queued or running past their deadline. Once (from cron, every minute), "
        "or as a long-running process with --every SECONDS (docker-compose's `scheduler` service)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Send the sweep_jobs actor to a worker instead of sweeping here."
        )
        parser.add_argument(
            "--grace", type=non_negative_int, default=None, help="Seconds a queued job may wait (default: setting)."
        )
        parser.add_argument(
            "--every",
            type=seconds,
            default=None,
            metavar="SECONDS",
            help="Sweep again every SECONDS until stopped.",
        )

    def handle(self, *args, enqueue: bool = False, grace: int | None = None, every: float | None = None, **options):
        if enqueue:
            sweep_jobs.send()
            self.stdout.write("sweep enqueued")
            return
        grace_delta = timedelta(seconds=grace) if grace is not None else None
        if every is None:
            self._report(jobs_sweep(grace=grace_delta))
            return
        stop.clear()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"sweeping every {every:g} s")
        while not stop.is_set():
            close_old_connections()  # a database restart between rounds must not end the loop
            try:
                result = jobs_sweep(grace=grace_delta)
            except Exception as exc:
                self.stderr.write(f"sweep failed: {exc!r}")
            else:
                if result.requeued_running or result.requeued_queued:
                    self._report(result)
            stop.wait(every)
        self.stdout.write("sweeper stopped")

    def _report(self, result) -> None:
        self.stdout.write(
            f"re-enqueued {result.requeued_running} stale running and {result.requeued_queued} stuck queued jobs"
        )
