"""Choosing by voice: transcribe what the learner said, match it to a choice, choose if confident."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings

from langlearn.clients.base import NotConfigured, ProviderError, STTClient, Transcript
from langlearn.errors import Conflict, InvalidInput, ProviderUnavailable, STTNotConfigured

from ..matching import MatchResult, match_choice
from ..models import SceneStatus
from ..selectors import adventure_get_for_user, scene_get
from .choices import ChoiceOutcome, adventure_choose


class AudioTooLarge(InvalidInput):
    status_code = 413
    code = "audio_too_large"


@dataclass(frozen=True)
class SpokenChoiceOutcome:
    transcript: Transcript
    match: MatchResult
    choice: ChoiceOutcome | None  # set when the match was confident and the choice was made


def _transcribe(stt: STTClient, audio: bytes, *, mime: str, language: str) -> Transcript:
    try:
        return stt.transcribe(audio, mime=mime, language=language)
    except NotConfigured as exc:
        raise STTNotConfigured() from exc
    except ProviderError as exc:
        if exc.retryable:
            raise ProviderUnavailable("Speech recognition is unavailable right now; try again shortly.")
        raise InvalidInput(f"The recording could not be transcribed: {exc.message}", code="transcription_failed")


def adventure_spoken_choice(
    *,
    user,
    adventure_id: uuid.UUID | str,
    audio: bytes,
    mime: str,
    scene_id: uuid.UUID | str | None = None,
    stt: STTClient,
) -> SpokenChoiceOutcome:
    """Match a recording to a choice of the current scene (or of `scene_id` when the client names
    it, which guards against a race with another device moving the story on)."""
    if not audio:
        raise InvalidInput("The audio file is empty.", code="audio_empty")
    if len(audio) > settings.AUDIO_UPLOAD_MAX_BYTES:
        raise AudioTooLarge(f"Audio is limited to {settings.AUDIO_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.")
    adventure = adventure_get_for_user(user=user, adventure_id=adventure_id)
    if scene_id:
        scene = scene_get(adventure=adventure, scene_id=scene_id)
    elif adventure.current_scene is not None:
        scene = adventure.current_scene
    else:
        raise Conflict("This adventure has no scene to choose from yet.", code="scene_not_ready")
    if scene.status != SceneStatus.READY:
        raise Conflict("That scene is not ready yet.", code="scene_not_ready")
    if scene.is_ending:
        raise InvalidInput("The story ends here: there is nothing to choose.", code="scene_is_ending")

    # No transaction is open here: the provider call must never hold a lock.
    transcript = _transcribe(stt, audio, mime=mime, language=adventure.pair.target_language)
    match = match_choice(transcript.transcript, scene.choices)
    choice = None
    if match.confident and match.best is not None:
        choice = adventure_choose(user=user, adventure_id=adventure.pk, scene_id=scene.pk, choice_id=match.best.choice)
    return SpokenChoiceOutcome(transcript=transcript, match=match, choice=choice)
