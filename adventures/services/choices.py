"""Making a choice: follow an existing branch or grow a new one, never generating a scene twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from langlearn.errors import Conflict, InvalidInput
from langlearn.jobs.models import Job, JobStatus
from langlearn.jobs.services import job_retry

from ..models import Adventure, AdventureScene, SceneStatus
from ..selectors import adventure_get_for_user, scene_get
from .lifecycle import adventure_status_for, adventure_sync_status, scene_job_create


@dataclass(frozen=True)
class ChoiceOutcome:
    adventure: Adventure
    scene: AdventureScene  # the child scene: ready, or being generated
    job: Job | None  # the job generating it (None when the branch already existed and is ready)
    created: bool  # a new branch was started by this request


def adventure_choose(
    *, user, adventure_id: uuid.UUID | str, scene_id: uuid.UUID | str, choice_id: str
) -> ChoiceOutcome:
    """Take `choice_id` on `scene_id` (any ready, non-ending scene of the adventure: going back to an
    earlier scene and choosing differently opens a new branch, the old ones are kept). The chosen
    child becomes the current scene.

    Two identical requests at once: the adventure row is locked for the whole decision, so the second
    waits, then finds the child the first created and reuses its job. The unique constraint on
    (parent, choice) backs this up for any path that does not take the lock."""
    with transaction.atomic():
        adventure = adventure_get_for_user(user=user, adventure_id=adventure_id, lock=True)
        parent = scene_get(adventure=adventure, scene_id=scene_id)
        if parent.status != SceneStatus.READY:
            raise Conflict("That scene is not ready yet.", code="scene_not_ready")
        if parent.is_ending:
            raise InvalidInput(
                "The story ends here: choose on an earlier scene to try another path.", code="scene_is_ending"
            )
        choice = parent.choice(choice_id)
        if choice is None:
            valid = ", ".join(c["id"] for c in parent.choices)
            raise InvalidInput(
                f"Unknown choice {choice_id!r} for this scene; choose one of: {valid}.", code="unknown_choice"
            )

        child = AdventureScene.objects.filter(parent=parent, choice_id=choice_id).select_related("job").first()
        created = False
        if child is None:
            try:
                with transaction.atomic():
                    child = AdventureScene.objects.create(
                        adventure=adventure,
                        parent=parent,
                        choice_id=choice_id,
                        choice_text=choice["text"][:300],
                        depth=parent.depth + 1,
                    )
            except IntegrityError:
                child = AdventureScene.objects.select_related("job").get(parent=parent, choice_id=choice_id)
            else:
                scene_job_create(scene=child, user=user)
                created = True
        elif child.status == SceneStatus.FAILED:
            # Choosing a branch whose generation failed is the learner's "try again".
            _scene_restart(child, user=user)

        adventure.current_scene = child
        adventure.status = adventure_status_for(child)
        adventure.save(update_fields=["current_scene", "status", "updated_at"])
    job = child.job if child.status != SceneStatus.READY else None
    return ChoiceOutcome(adventure=adventure, scene=child, job=job, created=created)


def _scene_restart(scene: AdventureScene, *, user) -> None:
    if scene.job is not None and scene.job.status == JobStatus.FAILED:
        # Resumes at the failed step: finished steps (a paid LLM answer) are not redone.
        scene.job = job_retry(job=scene.job)
    elif scene.job is None:
        scene_job_create(scene=scene, user=user)
    scene.status, scene.error = SceneStatus.GENERATING, ""
    scene.save(update_fields=["status", "error", "updated_at"])


def scene_retry(*, scene: AdventureScene) -> AdventureScene:
    """Retry a failed scene generation (admin action, learner retry). 409 unless it failed."""
    with transaction.atomic():
        locked = (
            AdventureScene.objects.select_for_update(of=("self",)).select_related("job", "adventure").get(pk=scene.pk)
        )
        if locked.status != SceneStatus.FAILED:
            raise Conflict("Only a failed scene can be retried.", code="scene_not_failed")
        _scene_restart(locked, user=locked.adventure.user)
        adventure_sync_status(scene=locked)
    return locked


def adventure_retry_current(*, user, adventure_id: uuid.UUID | str) -> ChoiceOutcome:
    """The learner's "try again" on an adventure whose current scene failed to generate."""
    adventure = adventure_get_for_user(user=user, adventure_id=adventure_id)
    if adventure.current_scene is None or adventure.current_scene.status != SceneStatus.FAILED:
        raise Conflict("The current scene has not failed; there is nothing to retry.", code="scene_not_failed")
    scene = scene_retry(scene=adventure.current_scene)
    adventure.refresh_from_db()
    return ChoiceOutcome(adventure=adventure, scene=scene, job=scene.job, created=False)
