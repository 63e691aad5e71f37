"""A job's provider-call budget: `JOB_MAX_PROVIDER_CALLS` paid calls for the whole job.

Every step that pays a provider records how many calls it made in its output under
`provider_calls` (the first draft and each revision round with the client's re-ask, the
translation, each speech chunk). A step asks what is left before buying: a revision round is not
bought unless the steps after it can still be paid for, speech is packed into the chunks that are
left, and a step with nothing left skips with `SPENT` as its note. So a job over budget finishes
cleanly (the best draft so far is kept) instead of failing, and the actor's time limit, derived
from the same number (`runner.run_time_limit_seconds`), covers the calls a run can make.

Calls of a run that failed before its step finished are not counted: a retry buys them again,
bounded by `JOB_MAX_ATTEMPTS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

CALLS = "provider_calls"
SPENT = "the job's provider-call budget is spent"


def calls_spent(outputs: Mapping[str, Mapping[str, Any]]) -> int:
    """The calls the job's finished steps made."""
    return sum(int((output or {}).get(CALLS) or 0) for output in outputs.values())


def calls_left(outputs: Mapping[str, Mapping[str, Any]]) -> int:
    return max(0, settings.JOB_MAX_PROVIDER_CALLS - calls_spent(outputs))


def paid(calls: int) -> dict[str, int]:
    """What a step adds to its output for the calls it made."""
    return {CALLS: int(calls)}
