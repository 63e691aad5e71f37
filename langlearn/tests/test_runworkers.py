"""`manage.py runworkers`: Dramatiq started in-process after the NLP preload, so its forked workers
share the pipelines; the workers keep their time limits."""

import os

import dramatiq
from dramatiq.cli import make_argument_parser
from dramatiq.middleware import TimeLimit

from langlearn.management.commands.runworkers import Command, _fresh_time_limit_threads


def test_the_dramatiq_arguments_are_rundramatiqs():
    options = {
        "path": ["."], "processes": 3, "threads": 4, "worker_shutdown_timeout": 600000, "forks": [],
        "verbosity": 1, "queues": ["default"], "pid_file": None, "log_file": None, "skip_logging": False,
    }  # fmt: skip
    args = make_argument_parser().parse_args(Command().dramatiq_args(**options))
    assert (args.processes, args.threads, args.queues) == (3, 4, ["default"])
    assert args.broker == "django_dramatiq.setup"  # the Django-configured broker, as rundramatiq gives it
    assert {"flashcards.tasks", "packs.tasks"} <= set(args.modules)


def test_a_forked_worker_starts_its_time_limit_thread():
    """Python 3.13 will not start, in a forked child, a thread object made before the fork: without
    a fresh one Dramatiq logs "thread already started" and the worker runs with no time limit."""
    time_limit = next(m for m in dramatiq.get_broker().middleware if isinstance(m, TimeLimit))
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only, never return into pytest
        code = 1
        try:
            _fresh_time_limit_threads()
            time_limit.manager.start()
            code = 0 if time_limit.manager.is_alive() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
