"""The article pipeline as job steps: write → translate → speak → store → analyse.

Each step returns its output, which the runner saves on the job before the next step starts, so
a retry resumes at the first unfinished step: a TTS failure never makes us pay the LLM again.
Side effects are idempotent: the audio's storage key is derived from the job (a rerun overwrites
its own object), and the article row is keyed on the job (update_or_create).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from knowledge.coverage import coverage_measure
from langlearn import storage
from langlearn.clients.base import ProviderError, UnsupportedLanguage
from langlearn.errors import NotFound
from langlearn.jobs.registry import JobSpec, PermanentJobError, Step, StepContext, StepOutcome, done, register, skipped
from langlearn.jobs.services import job_storage_key
from vocab.models import UserLanguagePair
from vocab.selectors import pair_get_for_user

from .analysis import (
    analyse_article,
    analyse_paragraphs,
    merge_analyses,
    reader_tokens,
    split_paragraphs,
)
from .models import ARTICLE_JOB_KIND, TranslatedArticle
from .prompts import ARTICLE_SCHEMA, SYSTEM, article_prompt, max_tokens_for
from .selectors import due_texts_for_pair


def _pair(ctx: StepContext) -> UserLanguagePair:
    try:
        return pair_get_for_user(user=ctx.job.user_id, pair_id=ctx.params["language_pair"])
    except NotFound:
        raise PermanentJobError("The language pair of this article no longer exists.")


def audio_key(job) -> str:
    return job_storage_key(job, "audio.wav", prefix="articles")


def _clean_glossary(raw: Any) -> list[dict[str, str]]:
    items = raw if isinstance(raw, list) else []
    glossary = []
    for item in items[:15]:
        if isinstance(item, dict) and str(item.get("term", "")).strip():
            glossary.append(
                {
                    "term": str(item["term"]).strip()[:200],
                    "translation": str(item.get("translation", "")).strip()[:300],
                    "note": str(item.get("note", "")).strip()[:500],
                }
            )
    return glossary


def write(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    p = ctx.params
    prompt = article_prompt(
        source_text=p["text"],
        target_language=pair.target_language,
        learner_language=pair.source_language,
        level=p["level"],
        length=p["length"],
        title_hint=p.get("title", ""),
        due_words=due_texts_for_pair(pair=pair),
    )
    result = ctx.providers.llm.generate_structured(
        system=SYSTEM,
        prompt=prompt,
        schema_name="learner_article",
        json_schema=ARTICLE_SCHEMA,
        max_tokens=max_tokens_for(p["length"]),
    )
    title = str(result.data.get("title", "")).strip()[:300]
    body = str(result.data.get("body", "")).strip()
    if not title or not body:
        raise PermanentJobError("The text generator returned an article without a title or body.")
    return done(
        {
            "title": title,
            "body": body,
            "glossary": _clean_glossary(result.data.get("glossary")),
            "provider": result.provider,
            "model": result.model,
            "input_tokens": result.usage.input_tokens,
            "output_tokens": result.usage.output_tokens,
        },
        ref=f"{result.provider}:{result.model}",
    )


def translate(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    article = ctx.outputs["write"]
    translator = ctx.providers.translator
    reason = f"{translator.provider} cannot translate into {pair.source_language}"
    if not translator.can_translate_to(pair.source_language):
        return skipped(reason, {"provider": translator.provider})
    try:
        batch = translator.translate(
            [article["title"], article["body"]], source=pair.target_language, target=pair.source_language
        )
    except UnsupportedLanguage as exc:
        return skipped(f"{translator.provider} cannot translate {exc.language}", {"provider": translator.provider})
    title, body = batch.texts
    return done({"title": title, "body": body, "provider": batch.provider}, ref=batch.provider)


def speak(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    audio = ctx.providers.tts.synthesize(ctx.outputs["write"]["body"], language=pair.target_language)
    # The WAV goes straight to its final, job-derived key: bytes do not belong in the job row, and a
    # rerun overwrites this object instead of leaving an orphan behind.
    stored = storage.save_bytes(audio_key(ctx.job), audio.wav, content_type="audio/wav")
    return done(
        {
            "audio": stored.key,
            "size": stored.size,
            "duration_seconds": audio.duration_seconds,
            "provider": audio.provider,
            "model": audio.model,
            "voice": audio.voice,
        },
        ref=stored.key,
    )


def store(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    p, written, spoken = ctx.params, ctx.outputs["write"], ctx.outputs["speak"]
    translated = ctx.outputs.get("translate") or {}
    translate_step = ctx.job.step("translate") or {}
    source = p.get("source") or {}
    if not storage.exists(spoken["audio"]):
        raise PermanentJobError("The spoken article is missing from storage.")
    article, _ = TranslatedArticle.objects.update_or_create(
        job=ctx.job,
        defaults={
            "user_id": ctx.job.user_id,
            "pair": pair,
            "level": p["level"],
            "length": p["length"],
            "language": pair.target_language,
            "translation_language": pair.source_language,
            "title": written["title"],
            "body": written["body"],
            "glossary": written["glossary"],
            "translated_title": str(translated.get("title", ""))[:300],
            "translation": translated.get("body", ""),
            "translation_note": (translate_step.get("note") or "")[:300],
            "audio": spoken["audio"],
            "audio_duration_seconds": spoken.get("duration_seconds"),
            "providers": {
                "llm": {"provider": written["provider"], "model": written["model"]},
                "translation": {"provider": translated.get("provider", "")},
                "tts": {"provider": spoken["provider"], "model": spoken["model"], "voice": spoken.get("voice")},
            },
            "input_tokens": written.get("input_tokens") or 0,
            "output_tokens": written.get("output_tokens") or 0,
            "source_type": source.get("type", "text"),
            "source_url": source.get("url", ""),
            "source_title": (source.get("title") or p.get("title") or "")[:300],
        },
    )
    return done({"result_id": str(article.pk)}, ref=f"article:{article.pk}")


def analyse(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    article = TranslatedArticle.objects.filter(pk=ctx.outputs["store"]["result_id"]).first()
    if article is None:  # the learner deleted it while the job was finishing: nothing to analyse
        return skipped("the article was deleted")
    nlp = ctx.providers.nlp
    if not nlp.supports(pair.target_language):
        return skipped(f"no language analysis available for {pair.target_language}")
    texts = split_paragraphs(article.body)
    try:
        analyses = analyse_paragraphs(nlp, texts, pair.target_language)
    except ProviderError as exc:
        if exc.retryable:
            raise
        # The article is readable without its vocabulary list: do not fail the whole job for it.
        return skipped(f"language analysis failed: {exc.message}")
    analysis = merge_analyses(analyses, language=pair.target_language)
    result = analyse_article(
        analysis, coverage=coverage_measure(pair=pair, analysis=analysis), language=pair.target_language
    )
    TranslatedArticle.objects.filter(pk=article.pk).update(
        sentences=result.sentences,
        key_vocabulary=result.key_vocabulary,
        known_word_coverage=result.coverage,
        # The reader screen's token cache: the NLP work is done once here, not on every read.
        reader_tokens=reader_tokens(analyses, paragraphs=texts),
        analysed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return done(
        {"pipeline": analysis.pipeline, "lemmas": len(result.key_vocabulary), "coverage": result.coverage},
        ref=f"article:{article.pk}",
    )


ARTICLE_JOB = register(
    JobSpec(
        kind=ARTICLE_JOB_KIND,
        result_type="article",
        steps=(
            Step("write", write),
            Step("translate", translate),
            Step("speak", speak),
            Step("store", store),
            Step("analyse", analyse),
        ),
    )
)
