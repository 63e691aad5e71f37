"""The `adventure_scene` job: write → revise_1..5 → choose → translate → speak → finish.

The revise rounds are the coverage loop (`langlearn.leveling`, as for articles): below the pair's
coverage target the scene is rewritten, naming the unknown lemmas; `choose` puts the closest
draft on the scene.

Each step reads the scene row, does one provider call outside any transaction, and writes its
result back onto the scene (overwriting, so a rerun of a step is harmless). The runner stores that
a step is done, so a retry resumes at the first unfinished step: a paid story answer is never
bought twice because the speech service hiccuped. The scene turns `ready` only in the last step.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils import timezone

from flashcards.selectors import target_words_for_pair
from knowledge.phrases import coverage_with_phrases
from langlearn import leveling, storage
from langlearn.clients.base import MalformedOutput, ProviderError
from langlearn.clients.readalong import speech_sentences, synthesize_read_along
from langlearn.jobs.budget import SPENT, paid
from langlearn.jobs.models import Job
from langlearn.jobs.registry import JobSpec, PermanentJobError, Step, StepContext, StepOutcome, done, register, skipped
from langlearn.languages import base_language

from .coverage import scene_coverage, sentence_for
from .leveling import scene_draft_fit
from .models import AdventureScene, SceneStatus
from .prompts import (
    CHOICE_IDS,
    MAX_TOKENS,
    SCHEMA_NAME,
    PastScene,
    ScenePrompt,
    scene_prompt,
    scene_revision_prompt,
    scene_schema,
    system_prompt,
)
from .selectors import STUDY_WORDS, scene_branch_from_db
from .services.lifecycle import SCENE_JOB_KIND, adventure_sync_status, scene_mark_failed

logger = logging.getLogger(__name__)


def scene_audio_key(scene: AdventureScene) -> str:
    """Derived from the scene, so a rerun overwrites its own file and delete can find it."""
    return f"adventures/{scene.adventure_id}/{scene.pk}.wav"


def _scene(ctx: StepContext) -> AdventureScene:
    scene = AdventureScene.objects.select_related("adventure__pair").filter(pk=ctx.params.get("scene")).first()
    if scene is None:
        raise PermanentJobError("The scene no longer exists (the adventure was deleted).")
    if scene.status == SceneStatus.FAILED:  # a retried job (admin, /api/jobs/{id}/retry) is generating again
        AdventureScene.objects.filter(pk=scene.pk).update(status=SceneStatus.GENERATING, error="")
        scene.status = SceneStatus.GENERATING
        adventure_sync_status(scene=scene)
    return scene


def _save(scene: AdventureScene, **fields: Any) -> None:
    """Write fields of a scene that may have been deleted meanwhile (update() tells us)."""
    if not AdventureScene.objects.filter(pk=scene.pk).update(updated_at=timezone.now(), **fields):
        raise PermanentJobError("The scene no longer exists (the adventure was deleted).")
    for name, value in fields.items():
        setattr(scene, name, value)


def _clean_words(words: list[dict[str, Any]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    cleaned = []
    for word in words:
        lemma, translation = " ".join(word["lemma"].split()), " ".join(word["translation"].split())
        if lemma and lemma.lower() not in seen:
            seen.add(lemma.lower())
            cleaned.append({"lemma": lemma, "translation": translation})
    return cleaned


def _scene_prompt(scene: AdventureScene, study_words: list[str]) -> ScenePrompt:
    adventure = scene.adventure
    pair = adventure.pair
    branch = scene_branch_from_db(scene=scene)[:-1]
    past = []
    for i, s in enumerate(branch):
        taken = branch[i + 1].choice_text if i + 1 < len(branch) else scene.choice_text
        past.append(PastScene(paragraphs=s.paragraphs, summary=s.summary, choice_taken=taken))
    return ScenePrompt(
        target_language=pair.target_language,
        source_language=pair.source_language,
        level=adventure.level,
        genre=adventure.genre,
        premise=adventure.premise,
        depth=scene.depth,
        target_length=adventure.target_length,
        title=adventure.title,
        branch=past,
        study_words=study_words,
    )


def _ask(ctx: StepContext, prompt: ScenePrompt, text: str) -> dict[str, Any]:
    """One scene from the LLM, validated and cleaned, as the fields of a draft."""
    try:
        result = ctx.providers.llm.generate_structured(
            system=system_prompt(prompt),
            prompt=text,
            schema_name=SCHEMA_NAME,
            json_schema=scene_schema(opening=prompt.opening, must_end=prompt.must_end),
            max_tokens=MAX_TOKENS,
        )
    except MalformedOutput as exc:
        # Re-asked once already by the client; more sampling would make the learner wait for nothing.
        raise PermanentJobError(
            "The story generator answered with a malformed scene twice; try again in a moment."
        ) from exc
    data = result.data
    paragraphs = [" ".join(p.split()) for p in data["paragraphs"] if p.strip()]
    choices = [
        {"id": CHOICE_IDS[i], "text": " ".join(c["text"].split()), "translation": ""}
        for i, c in enumerate(data["choices"][: len(CHOICE_IDS)])
        if c["text"].strip()
    ]
    if not paragraphs or (not prompt.must_end and len(choices) < 2):
        raise PermanentJobError("The story generator returned an empty scene; try again in a moment.")
    draft = {
        "paragraphs": paragraphs,
        "choices": choices,
        "new_words": _clean_words(data["new_words"]),
        "summary": " ".join(data["summary"].split())[:1000],
        "title": " ".join(data.get("title", "").split())[:200],
        "model": result.model,
        "attempts": result.attempts,
        "input_tokens": result.usage.input_tokens,
        "output_tokens": result.usage.output_tokens,
        **paid(result.attempts),
    }
    return draft


def _apply(scene: AdventureScene, draft: dict[str, Any], *, must_end: bool, study_words: list[str], **extra) -> None:
    _save(
        scene,
        paragraphs=draft["paragraphs"],
        translation=[],
        choices=draft["choices"],
        is_ending=must_end,
        new_words=draft["new_words"],
        summary=draft["summary"],
        study_words=study_words,
        **extra,
    )
    if scene.depth == 1 and draft.get("title"):
        type(scene.adventure).objects.filter(pk=scene.adventure_id).update(title=draft["title"])


def write_scene(ctx: StepContext) -> StepOutcome:
    scene = _scene(ctx)
    pair = scene.adventure.pair
    # Settings and target words are fixed with the first draft: every round works to the same target.
    settings_now = leveling.generation_settings(pair, ctx.params)
    study_words = target_words_for_pair(pair=pair, limit=STUDY_WORDS)
    prompt = _scene_prompt(scene, study_words)
    draft = _ask(ctx, prompt, scene_prompt(prompt))
    _apply(scene, draft, must_end=prompt.must_end, study_words=study_words)
    fit = scene_draft_fit(pair=pair, paragraphs=draft["paragraphs"], nlp=ctx.providers.nlp, target_words=study_words)
    return done({**draft, "fit": fit, "leveling": settings_now, "target_words": study_words}, ref=f"scene:{scene.pk}")


def _revise_round(round_number: int):
    def revise(ctx: StepContext) -> StepOutcome:
        """One round of the coverage loop (see langlearn.leveling) for a scene."""
        scene = _scene(ctx)
        pair = scene.adventure.pair
        written = ctx.outputs["write"]
        settings_now = written.get("leveling") or leveling.generation_settings(pair, ctx.params)
        draft, why_not = leveling.round_decision(
            ctx.outputs, round_number=round_number, settings=settings_now, calls_left=ctx.calls_left
        )
        if draft is None:
            return skipped(why_not)
        fit, study_words = draft["fit"], written.get("target_words") or []
        keep = fit.get("target_used") or []
        prompt = _scene_prompt(scene, study_words)
        unknown = leveling.unknown_to_name(fit, keep=keep)
        per_100 = settings_now["new_words_per_100"]
        text = scene_revision_prompt(
            prompt,
            draft=draft,
            coverage=fit.get("ratio"),
            target=settings_now["coverage_target"],
            unknown=unknown,
            keep=keep,
            new_words_allowed=leveling.allowed_to_stay(
                fit, named=unknown, keep=keep, per_100=per_100, target=settings_now["coverage_target"]
            ),
        )
        try:
            revised = _ask(ctx, prompt, text)
        except PermanentJobError as exc:  # a malformed or empty rewrite loses this round, not the scene
            return skipped(f"the revision failed: {exc}"[:300], paid(leveling.ROUND_CALLS))
        except ProviderError as exc:
            if exc.retryable:
                raise
            return skipped(f"the revision failed: {exc.message}"[:300], paid(leveling.ROUND_CALLS))
        revised["fit"] = scene_draft_fit(
            pair=pair, paragraphs=revised["paragraphs"], nlp=ctx.providers.nlp, target_words=study_words
        )
        return done(revised, ref=f"round {round_number}")

    revise.__name__ = f"revise_{round_number}"
    return revise


def choose_scene(ctx: StepContext) -> StepOutcome:
    """The draft closest to the target goes on the scene, with the report of how it was fitted."""
    scene = _scene(ctx)
    written = ctx.outputs["write"]
    drafts = leveling.drafts_done(ctx.outputs)
    settings_now = written.get("leveling") or leveling.generation_settings(scene.adventure.pair, ctx.params)
    study_words = written.get("target_words") or []
    report = leveling.report(drafts, settings=settings_now, target_words=study_words)
    chosen = drafts[report["chosen_draft"]]
    _apply(scene, chosen, must_end=scene.is_ending, study_words=study_words, generation=report)
    return done({"chosen_draft": report["chosen_draft"], "coverage": report["coverage_after"]}, ref=f"scene:{scene.pk}")


def translate_scene(ctx: StepContext) -> StepOutcome:
    scene = _scene(ctx)
    pair = scene.adventure.pair
    translator = ctx.providers.translator
    texts = [*scene.paragraphs, *(c["text"] for c in scene.choices)]
    try:
        if not translator.can_translate_to(pair.source_language):
            return skipped(f"No translation into {pair.source_language} is available.")
        if ctx.calls_left < 1:
            return skipped(SPENT)
        batch = translator.translate(texts, source=pair.target_language, target=pair.source_language)
    except ProviderError as exc:
        if exc.retryable:
            raise
        # A scene without its translation is still worth reading.
        return skipped(f"The translator refused: {exc.message}")
    translated = batch.texts
    n = len(scene.paragraphs)
    choices = [{**c, "translation": t} for c, t in zip(scene.choices, translated[n:], strict=False)]
    _save(scene, translation=translated[:n], choices=choices)
    return done({"provider": batch.provider, "texts": len(texts), **paid(1)})


def speak_scene(ctx: StepContext) -> StepOutcome:
    scene = _scene(ctx)
    language = scene.adventure.pair.target_language
    # Speech is packed into the chunks the job's budget has left; with none left, no audio.
    calls = min(settings.READALONG_MAX_TTS_CALLS, ctx.calls_left)
    if calls < 1:
        return skipped(SPENT)
    try:
        audio = synthesize_read_along(
            ctx.providers.tts,
            speech_sentences(scene.paragraphs, language=language, nlp=ctx.providers.nlp),
            language=language,
            max_calls=calls,
            concurrency=settings.READALONG_TTS_CONCURRENCY,
        )
    except ProviderError as exc:
        if exc.retryable:
            raise
        return skipped(f"The speech service refused: {exc.message}")
    key = scene_audio_key(scene)
    stored = storage.save_bytes(key, audio.wav, content_type="audio/wav")
    try:
        _save(scene, audio=stored.key, audio_duration=round(audio.duration_seconds, 2), audio_timings=audio.timings)
    except PermanentJobError:
        storage.delete(stored.key)  # the adventure was deleted while we spoke: leave no orphan file
        raise
    output = {
        "key": stored.key,
        "seconds": round(audio.duration_seconds, 2),
        "voice": audio.voice,
        "calls": audio.calls,
        **paid(audio.calls),
    }
    return done(output, ref=stored.key)


def finish_scene(ctx: StepContext) -> StepOutcome:
    scene = _scene(ctx)
    pair = scene.adventure.pair
    fields: dict[str, Any] = {"status": SceneStatus.READY, "error": ""}
    try:
        analysis = ctx.providers.nlp.analyze(scene.text, base_language(pair.target_language))
    except ProviderError as exc:  # local NLP: coverage is a nice-to-have, the scene is still ready
        logger.warning("scene %s: no coverage (%s)", scene.pk, exc)
    else:
        measured = coverage_with_phrases(pair=pair, analysis=analysis, nlp=ctx.providers.nlp)
        coverage, vocabulary = scene_coverage(
            analysis,
            coverage=measured.coverage,
            language=pair.target_language,
            study_words=scene.study_words,
            phrases=measured.phrases,
        )
        new_words = [{**w, "sentence": sentence_for(w["lemma"], vocabulary, scene.paragraphs)} for w in scene.new_words]
        fields |= {"coverage": coverage, "vocabulary": vocabulary, "new_words": new_words}
    _save(scene, **fields)
    adventure_sync_status(scene=scene)
    return done({"result_id": str(scene.pk), "coverage": scene.coverage.get("ratio")}, ref=f"scene:{scene.pk}")


def _on_failure(job: Job) -> None:
    scene_id = job.params.get("scene")
    if scene_id:
        scene_mark_failed(scene_id=scene_id, error=job.error or "The scene could not be generated.")


SCENE_JOB = register(
    JobSpec(
        kind=SCENE_JOB_KIND,
        result_type="adventure_scene",
        steps=(
            Step("write", write_scene),
            *(Step(name, _revise_round(n)) for n, name in enumerate(leveling.ROUND_STEPS, start=1)),
            Step("choose", choose_scene),
            Step("translate", translate_scene),
            Step("speak", speak_scene),
            Step("finish", finish_scene),
        ),
        on_failure=_on_failure,
    )
)
