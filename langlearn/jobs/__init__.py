"""Generic, resumable background jobs: one `Job` row per request, a list of named steps, a runner.

Every slow, paid piece of work (an article, an adventure scene, ...) is a `Job` of some `kind`.
The row in PostgreSQL is the truth; Dramatiq only carries "look at job <id>" messages, delivered at
least once. The runner claims the job with a conditional UPDATE, runs the steps that are not done
yet in order, saves each step's output on the row before starting the next, and finishes. A
retryable `ProviderError` re-queues the job with exponential backoff and jitter (bounded attempts
within a window); anything else fails it at once with a readable error. `/api/jobs` lists every kind.

How a feature plugs in (see `articles/pipeline.py` for the full example):

1. Write one function per step. It receives a `StepContext` (the job, its `params`, and the outputs
   of the steps already done) and returns `done(output, ref=...)` or `skipped(reason)`. The output
   must be JSON-serialisable; it is stored on the job and handed to later steps, so a retry never
   redoes a finished step. Side effects must be idempotent: derive storage keys from the job id
   (`job_storage_key(job, "audio.wav")`) and create result rows with get_or_create keyed on the job.
   Never open a transaction around a provider call. Return `result_id` in an output to link the
   job to the row it produced (shown as the job's `result`).

2. Register the kind once, at import time of a module your AppConfig.ready() imports:

       register(JobSpec(kind="adventure_scene", result_type="adventure_scene",
                        steps=(Step("write", write_scene), Step("translate", translate_scene), ...)))

3. Create jobs through the service, inside your own transaction if you create rows alongside:

       job = job_create(user=user, kind="adventure_scene", params={"scene": str(scene.id)})

   It consumes one unit of the learner's daily generation quota (`quota_consume`, enforced in the
   database: parallel requests never overspend; `QuotaExceeded` → 429 with the reset time) and
   enqueues the job after commit. Pass `count_quota=False` for work that must not count.

A step that pays a provider adds `budget.paid(calls)` to its output and checks `ctx.calls_left`
before buying (`langlearn/jobs/budget.py`): a job has JOB_MAX_PROVIDER_CALLS calls in all, and one
over budget skips what it cannot pay for instead of failing.

Optional hooks on `JobSpec`: `on_failure(job)` (e.g. mark your own row failed) and `on_success(job)`.
Operators: `manage.py sweep_jobs` (or the `sweep_jobs` actor) re-enqueues jobs stuck queued/running
past their deadline; the admin lists jobs with a "retry" action; `POST /api/jobs/{id}/retry` lets a
learner resume a failed job from its failed step.
"""
