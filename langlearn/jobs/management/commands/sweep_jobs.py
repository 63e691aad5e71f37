from django.core.management.base import BaseCommand

from langlearn.jobs.services import jobs_sweep


class Command(BaseCommand):
    help = "Re-enqueue jobs stuck queued or running past their deadline (run every minute from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Send the sweep_jobs actor to a worker instead of sweeping here."
        )
        parser.add_argument("--grace", type=int, default=None, help="Seconds a queued job may wait (default: setting).")

    def handle(self, *args, enqueue: bool = False, grace: int | None = None, **options):
        if enqueue:
            from langlearn.jobs.tasks import sweep_jobs

            sweep_jobs.send()
            self.stdout.write("sweep enqueued")
            return
        from datetime import timedelta

        result = jobs_sweep(grace=timedelta(seconds=grace) if grace is not None else None)
        self.stdout.write(
            f"re-enqueued {result.requeued_running} stale running and {result.requeued_queued} stuck queued jobs"
        )
