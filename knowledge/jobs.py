"""The placement's marking as a job (`/api/jobs/{id}` shows it): one step, `mark`, which writes the
known marks of a finished placement test. Registered from `KnowledgeConfig.ready`."""

from __future__ import annotations

from langlearn.jobs.registry import JobSpec, Step, StepContext, StepOutcome, done, register, skipped

from .services.placement import PLACEMENT_JOB_KIND, placement_marks_apply


def mark(ctx: StepContext) -> StepOutcome:
    test = placement_marks_apply(placement_id=ctx.params["placement"])
    if test is None:
        return skipped("the placement test was deleted")
    return done({"marked": test.marked, "state": test.state, "result_id": str(test.pk)}, ref=f"placement:{test.pk}")


PLACEMENT_JOB = register(
    JobSpec(kind=PLACEMENT_JOB_KIND, result_type="placement", steps=(Step("mark", mark),), max_attempts=3)
)
