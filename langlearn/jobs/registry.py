"""What a feature declares to run on the job machinery: its kind, its ordered steps, its hooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .budget import calls_left

if TYPE_CHECKING:
    from langlearn.clients import Providers

    from .models import Job


@dataclass(frozen=True)
class StepOutcome:
    """What a step returns. `output` is stored on the job (JSON) and handed to later steps;
    `ref` is a short pointer for people (storage key, "article:<id>"); `skipped` is the reason
    when the step deliberately did nothing (e.g. the translator cannot do that language)."""

    output: dict[str, Any] = field(default_factory=dict)
    ref: str = ""
    skipped: str = ""


def done(output: dict[str, Any] | None = None, *, ref: str = "") -> StepOutcome:
    return StepOutcome(output=output or {}, ref=ref)


def skipped(reason: str, output: dict[str, Any] | None = None) -> StepOutcome:
    return StepOutcome(output=output or {}, skipped=reason)


@dataclass(frozen=True)
class StepContext:
    job: Job
    outputs: Mapping[str, dict[str, Any]]  # name -> output of every step already finished
    providers: Providers  # the clients a step calls, resolved by the actor

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    @property
    def calls_left(self) -> int:
        """Provider calls the job may still make (`langlearn.jobs.budget`)."""
        return calls_left(self.outputs)

    @property
    def checkpoint(self) -> dict[str, Any] | None:
        """What the running step saved with `progress(..., checkpoint=)` in an earlier run, if any."""
        entry = self.job.step(self.job.current_step or "")
        return (entry or {}).get("checkpoint")

    def progress(self, done: int, total: int, *, checkpoint: dict[str, Any] | None = None) -> None:
        """Record a long step's progress (the job API shows it) and, optionally, where a retry of
        the step resumes. One UPDATE, conditional on this run's claim (raises `LeaseLost` once
        another run owns the job): call it every N items, inside the transaction that wrote them,
        so the work and its checkpoint commit together."""
        from .runner import step_progress  # the runner imports this module

        step_progress(self.job, done=done, total=total, checkpoint=checkpoint)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[StepContext], StepOutcome]


class PermanentJobError(Exception):
    """Raise from a step when the job can never succeed (its input row vanished, the model kept
    answering nonsense): the job fails at once with this message, no retry."""


@dataclass(frozen=True)
class JobSpec:
    kind: str
    steps: tuple[Step, ...]
    result_type: str = ""
    max_attempts: int | None = None  # default: settings.JOB_MAX_ATTEMPTS
    on_success: Callable[[Job], None] | None = None
    on_failure: Callable[[Job], None] | None = None

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]


_REGISTRY: dict[str, JobSpec] = {}


def register(spec: JobSpec) -> JobSpec:
    """Declare a job kind (idempotent for the same spec; import-time, from an AppConfig.ready)."""
    if len(set(spec.step_names)) != len(spec.steps):
        raise ValueError(f"{spec.kind}: step names must be unique")
    _REGISTRY[spec.kind] = spec
    return spec


def get_spec(kind: str) -> JobSpec:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no job kind {kind!r} is registered") from None
