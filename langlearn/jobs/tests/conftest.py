"""A toy job kind that exercises the machinery without providers: each step records its calls and
fails as the job's params script it (`{"fail": {"<step>": {"retryable": bool, "times": n}}}`) and
sleeps as they say (`{"sleep": {"<step>": seconds}}`)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from dramatiq.middleware import TimeLimitExceeded

from langlearn.clients.base import ProviderError
from langlearn.jobs.registry import JobSpec, Step, StepContext, StepOutcome, done, register, skipped

CALLS: Counter[tuple[str, str]] = Counter()
_lock = threading.Lock()
FAILURES: list[str] = []


def _step(name: str):
    def run(ctx: StepContext) -> StepOutcome:
        key = (str(ctx.job.pk), name)
        with _lock:
            CALLS[key] += 1
            calls = CALLS[key]
        time.sleep(ctx.params.get("sleep", {}).get(name, 0))  # a slow provider call
        plan = ctx.params.get("fail", {}).get(name)
        if plan and calls <= plan["times"] and plan.get("interrupt"):
            raise TimeLimitExceeded()
        if plan and calls <= plan["times"]:
            raise ProviderError("scripted failure", provider="anthropic", retryable=plan["retryable"], status_code=503)
        if name == "two" and ctx.params.get("skip_two"):
            return skipped("nothing to do for two")
        previous = [ctx.outputs[n]["value"] for n in ("one", "two") if ctx.outputs.get(n)]
        output = {"value": f"{name}:{len(previous)}"}
        if name == "three":
            output["result_id"] = str(ctx.job.pk)
        return done(output, ref=f"toy:{name}")

    return run


register(
    JobSpec(
        kind="toy",
        result_type="toy",
        steps=(Step("one", _step("one")), Step("two", _step("two")), Step("three", _step("three"))),
        max_attempts=3,
        on_failure=lambda job: FAILURES.append(str(job.pk)),
    )
)


def calls(job, step: str) -> int:
    return CALLS[(str(job.pk), step)]


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.JOB_RETRY_BASE_SECONDS = 0.02
    settings.JOB_RETRY_MAX_SECONDS = 0.1
    settings.GENERATION_DAILY_QUOTA = 20
