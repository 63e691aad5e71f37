"""Management commands answer ordinary mistakes with one line and exit status 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fit_fsrs_parameters", "--pair", "nope"], "not an id"),
        (["fit_fsrs_parameters", "--min-reviews", "-5"], "must be at least 1"),
        (["fit_fsrs_parameters", "--stale-days", "x"], "not a whole number"),
        (["export_packs", "-o", "/nonexistent/x.csv"], "/nonexistent: no such folder"),
        (["sweep_jobs", "--every", "0"], "must be at least 1 second"),
        (["sweep_jobs", "--grace", "-1"], "must be 0 or more"),
    ],
)
def test_bad_arguments_are_rejected_before_the_command_runs(argv, message):
    with pytest.raises(CommandError, match=message):
        call_command(*argv)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fit_fsrs_parameters", "--pair", "3f2b0000-0000-0000-0000-000000000000"], "no language pair with id"),
        (["export_packs", "no-such-pack"], "no pack with slug no-such-pack"),
        (["import_packs", "/nonexistent/packs.csv"], "no such file"),
        (["import_legacy_accounts", "/nonexistent/accounts.csv"], "no such file"),
    ],
)
def test_mistakes_found_while_running_exit_with_status_2(argv, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command(*argv)
    assert caught.value.returncode == 2


def test_the_shell_sees_one_line_and_exit_status_2():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "langlearn.settings"}
    done = subprocess.run(
        [sys.executable, "manage.py", "fit_fsrs_parameters", "--min-reviews", "-5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].endswith("argument --min-reviews: must be at least 1, got -5")
