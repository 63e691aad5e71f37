"""`rundramatiq` whose worker processes share the NLP pipelines instead of each building its own.

    NLP_PRELOAD=es,fr,de,it,pt python manage.py runworkers --processes 2 --threads 8

`rundramatiq` replaces itself with the `dramatiq` program, whose parent process imports nothing of
the app and forks bare workers: each worker then builds every spaCy pipeline it meets (~915 MB with
five languages, issue 20). Here the pipelines of NLP_PRELOAD are built once in this process
(langlearn/preload.py, which also `gc.freeze()`s them), and Dramatiq's own entry point runs in it,
so its workers are forked from a parent that holds them and share those pages copy-on-write (the
same as `gunicorn --preload` for the web; bench/web_memory.py prints both). Without NLP_PRELOAD, or
with an option that makes a new program (`--use-spawn`, `--use-gevent`, `--watch`), this is plain
`rundramatiq`.
"""

from __future__ import annotations

import os
import sys

import dramatiq
from django.db import connections
from django_dramatiq.management.commands import rundramatiq
from dramatiq.middleware import TimeLimit

from langlearn.preload import preload_nlp


def _fresh_time_limit_threads() -> None:
    """In a forked worker: give TimeLimit a new timer thread. Its thread object was made in this
    parent (the broker is set up with Django), and Python 3.13 refuses to start a thread object
    created before a fork ("thread already started"), which left the workers without time limits."""
    for middleware in dramatiq.get_broker().middleware:
        if isinstance(middleware, TimeLimit) and hasattr(middleware.manager, "interval"):
            old = middleware.manager
            middleware.manager = type(old)(int(old.interval * 1000), logger=old.logger)


class Command(rundramatiq.Command):
    help = "Run Dramatiq workers forked from a process that built the NLP_PRELOAD pipelines (shared)."

    def handle(self, *args, **options):
        if options["use_spawn"] or options["use_gevent"] or options["watch_dir"] or sys.platform == "win32":
            return super().handle(*args, **options)
        languages = preload_nlp()
        if not languages:
            return super().handle(*args, **options)
        argv = self.dramatiq_args(**options)
        self.stdout.write(f" * NLP pipelines shared by the workers: {', '.join(languages)}\n")
        self.stdout.write(f' * Running dramatiq in this process: "dramatiq {" ".join(argv)}"\n\n')
        self.stdout.flush()
        connections.close_all()  # no database socket may be shared with the forked workers
        os.register_at_fork(after_in_child=_fresh_time_limit_threads)
        from dramatiq.cli import main, make_argument_parser

        sys.exit(main(make_argument_parser().parse_args(argv)))

    def dramatiq_args(self, **o) -> list[str]:
        """The arguments `rundramatiq` gives the dramatiq program, for the options that apply here."""
        argv = ["--path", *o["path"], "--processes", str(o["processes"]), "--threads", str(o["threads"])]
        argv += ["--worker-shutdown-timeout", str(o["worker_shutdown_timeout"])]
        for function in o["forks"]:
            argv += ["--fork-function", function]
        argv += ["-v"] * (o["verbosity"] - 1)
        argv += self.discover_tasks_modules()
        if o["queues"]:
            argv += ["--queues", *o["queues"]]
        if o["pid_file"]:
            argv += ["--pid-file", o["pid_file"]]
        if o["log_file"]:
            argv += ["--log-file", o["log_file"]]
        if o["skip_logging"]:
            argv.append("--skip-logging")
        return argv
