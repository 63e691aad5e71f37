"""Starting an adventure, keeping its status in step with its current scene, deleting it."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from langlearn import storage
from langlearn.errors import InvalidInput
from langlearn.jobs.models import Job
from langlearn.jobs.services import job_create
from langlearn.languages import CEFRLevel
from vocab.selectors import pair_get_for_user

from ..models import (
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    PREMISE_MAX_CHARS,
    Adventure,
    AdventureScene,
    AdventureStatus,
    Genre,
    SceneStatus,
)

SCENE_JOB_KIND = "adventure_scene"


def scene_job_create(*, scene: AdventureScene, user) -> Job:
    """Queue the generation of `scene` (one unit of the shared daily generation quota; raises
    QuotaExceeded → 429). Call inside the transaction that created the scene: no quota is spent
    and no job runs when that transaction rolls back."""
    job = job_create(user=user, kind=SCENE_JOB_KIND, params={"scene": str(scene.pk)})
    scene.job = job
    scene.save(update_fields=["job", "updated_at"])
    return job


def _genre_and_premise(genre: str, premise: str) -> tuple[str, str]:
    """`premise` may be free text or the name of a genre ("mystery", "Sci-fi"): sort out which."""
    premise = " ".join((premise or "").split())
    if len(premise) > PREMISE_MAX_CHARS:
        raise InvalidInput(f"The premise is limited to {PREMISE_MAX_CHARS} characters.", code="premise_too_long")
    by_name = {g.value: g.value for g in Genre} | {g.label.casefold(): g.value for g in Genre}
    if premise.casefold() in by_name and not genre:
        return by_name[premise.casefold()], ""
    if genre and genre not in Genre.values:
        raise InvalidInput(f"Unknown genre; choose one of: {', '.join(Genre.values)}.", code="unknown_genre")
    return genre or "", premise


def adventure_create(
    *,
    user,
    pair_id: uuid.UUID | str,
    premise: str = "",
    genre: str = "",
    level: str | None = None,
    length: int = DEFAULT_LENGTH,
) -> tuple[Adventure, Job]:
    """A new adventure and the job writing its opening scene (202: it is `generating` until ready)."""
    pair = pair_get_for_user(user=user, pair_id=pair_id)
    genre, premise = _genre_and_premise(genre, premise)
    if level and level not in CEFRLevel.values:
        raise InvalidInput(f"Unknown level; choose one of: {', '.join(CEFRLevel.values)}.", code="unknown_level")
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise InvalidInput(f"length must be between {MIN_LENGTH} and {MAX_LENGTH} scenes.", code="invalid_length")
    with transaction.atomic():
        adventure = Adventure.objects.create(
            user=user,
            pair=pair,
            genre=genre,
            premise=premise,
            level=level or pair.level,
            target_length=length,
            status=AdventureStatus.GENERATING,
        )
        scene = AdventureScene.objects.create(adventure=adventure, depth=1)
        job = scene_job_create(scene=scene, user=user)
        adventure.current_scene = scene
        adventure.save(update_fields=["current_scene", "updated_at"])
    return adventure, job


def adventure_status_for(scene: AdventureScene) -> str:
    if scene.status == SceneStatus.FAILED:
        return AdventureStatus.FAILED
    if scene.status == SceneStatus.GENERATING:
        return AdventureStatus.GENERATING
    return AdventureStatus.ENDED if scene.is_ending else AdventureStatus.READY


def adventure_sync_status(*, scene: AdventureScene) -> None:
    """The adventure's status follows its current scene. Conditional on the scene still being the
    current one: the learner may have moved to another branch while this one was generating."""
    Adventure.objects.filter(pk=scene.adventure_id, current_scene=scene).update(
        status=adventure_status_for(scene), updated_at=timezone.now()
    )


def scene_mark_failed(*, scene_id: uuid.UUID | str, error: str) -> None:
    scene = AdventureScene.objects.filter(pk=scene_id).first()
    if scene is None:
        return
    scene.status, scene.error = SceneStatus.FAILED, error[:2000]
    scene.save(update_fields=["status", "error", "updated_at"])
    adventure_sync_status(scene=scene)


def adventure_delete(*, adventure: Adventure) -> None:
    """Delete the adventure, its scenes and their audio files. Files go once the rows are gone, so
    a failure half-way never leaves a scene pointing at a missing file."""
    keys = list(AdventureScene.objects.filter(adventure=adventure).exclude(audio="").values_list("audio", flat=True))
    with transaction.atomic():
        # The current-scene link points into the scene table: clear it first so the cascade has no cycle.
        Adventure.objects.filter(pk=adventure.pk).update(current_scene=None)
        adventure.delete()
        transaction.on_commit(lambda: [storage.delete(key) for key in keys])
