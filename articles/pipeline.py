"""The article pipeline as job steps: write → revise_1..5 → choose → translate → speak → store → analyse.

The revise rounds are the coverage loop (`langlearn.leveling`): each measures the best draft so
far against the learner and, below the pair's target, asks for a rewrite; rounds past the pair's
`revision_rounds`, or after the target is reached, are skipped. `choose` keeps the closest draft.

Each step returns its output, which the runner saves on the job before the next step starts, so
a retry resumes at the first unfinished step: a TTS failure never makes us pay the LLM again.
Side effects are idempotent: the audio's storage key is derived from the job (a rerun overwrites
its own object), and the article row is keyed on the job (update_or_create).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from langlearn import leveling, storage
from langlearn.clients.base import ProviderError, StructuredResult, UnsupportedLanguage
from langlearn.clients.readalong import speech_sentences, synthesize_read_along
from langlearn.errors import NotFound
from langlearn.jobs.budget import SPENT, paid
from langlearn.jobs.registry import JobSpec, PermanentJobError, Step, StepContext, StepOutcome, done, register, skipped
from langlearn.jobs.services import job_storage_key
from vocab.models import UserLanguagePair
from vocab.selectors import pair_get_for_user

from .analysis import article_analyse, split_paragraphs
from .leveling import article_draft_fit
from .models import ARTICLE_JOB_KIND, TranslatedArticle
from .prompts import ARTICLE_SCHEMA, REVISE_SYSTEM, SYSTEM, article_prompt, max_tokens_for, revision_prompt
from .services import fetch_source
from .targets import article_target_words


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
    # The pair's settings and the target words are fixed here, with the first draft: every round
    # then works to the same target even if the learner changes a setting meanwhile.
    settings_now = leveling.generation_settings(pair, p)
    targets = article_target_words(pair=pair, pack_ids=p.get("pack_ids") or [], theme=p.get("theme") or "")
    target_words = targets.words
    prompt = article_prompt(
        source_text=p["text"],
        target_language=pair.target_language,
        learner_language=pair.source_language,
        level=p["level"],
        length=p["length"],
        title_hint=p.get("title", ""),
        due_words=targets.studying,
        new_words_per_100=settings_now["new_words_per_100"],
        pack_words=targets.from_packs,
        theme=targets.theme,
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
            "leveling": settings_now,
            "target_words": target_words,
            "target_sources": targets.sources(),
            "fit": article_draft_fit(pair=pair, body=body, nlp=ctx.providers.nlp, target_words=target_words),
            **paid(result.attempts),
        },
        ref=f"{result.provider}:{result.model}",
    )


def _ask_revision(
    ctx: StepContext, pair: UserLanguagePair, draft: dict[str, Any], settings_now: dict[str, Any], keep: list[str]
) -> StructuredResult:
    fit = draft["fit"]
    unknown = leveling.unknown_to_name(fit, keep=keep)
    per_100 = settings_now["new_words_per_100"]
    return ctx.providers.llm.generate_structured(
        system=REVISE_SYSTEM,
        prompt=revision_prompt(
            title=draft["title"],
            body=draft["body"],
            target_language=pair.target_language,
            learner_language=pair.source_language,
            level=ctx.params["level"],
            coverage=fit.get("ratio"),
            target=settings_now["coverage_target"],
            unknown=unknown,
            keep=keep,
            new_words_allowed=leveling.allowed_to_stay(
                fit, named=unknown, keep=keep, per_100=per_100, target=settings_now["coverage_target"]
            ),
        ),
        schema_name="learner_article",
        json_schema=ARTICLE_SCHEMA,
        max_tokens=max_tokens_for(ctx.params["length"]),
    )


def _revise_round(round_number: int):
    def revise(ctx: StepContext) -> StepOutcome:
        """One round of the coverage loop: measure said the best draft so far is below the target,
        so ask for a rewrite naming its unknown lemmas and the target words to keep."""
        pair = _pair(ctx)
        written = ctx.outputs["write"]
        settings_now = written.get("leveling") or leveling.generation_settings(pair, ctx.params)
        draft, why_not = leveling.round_decision(
            ctx.outputs, round_number=round_number, settings=settings_now, calls_left=ctx.calls_left
        )
        if draft is None:
            return skipped(why_not)
        fit = draft["fit"]
        target_words = written.get("target_words") or []
        keep = fit.get("target_used") or []
        try:
            result = _ask_revision(ctx, pair, draft, settings_now, keep)
        except ProviderError as exc:
            if exc.retryable:
                raise
            # A refused or malformed rewrite loses this round, not the article: the drafts stand.
            return skipped(f"the revision failed: {exc.message}"[:300], paid(leveling.ROUND_CALLS))
        title = str(result.data.get("title", "")).strip()[:300] or draft["title"]
        body = str(result.data.get("body", "")).strip()
        if not body:  # an empty rewrite is a wasted round, not a failed article: keep the drafts we have
            return skipped(
                "the revision came back empty", {"input_tokens": result.usage.input_tokens, **paid(result.attempts)}
            )
        return done(
            {
                "title": title,
                "body": body,
                "glossary": _clean_glossary(result.data.get("glossary")) or draft.get("glossary", []),
                "provider": result.provider,
                "model": result.model,
                "input_tokens": result.usage.input_tokens,
                "output_tokens": result.usage.output_tokens,
                "fit": article_draft_fit(pair=pair, body=body, nlp=ctx.providers.nlp, target_words=target_words),
                **paid(result.attempts),
            },
            ref=f"round {round_number}",
        )

    revise.__name__ = f"revise_{round_number}"
    return revise


def choose(ctx: StepContext) -> StepOutcome:
    """The draft closest to the target wins; the report says how the text was fitted."""
    pair = _pair(ctx)
    written = ctx.outputs["write"]
    drafts = leveling.drafts_done(ctx.outputs)
    settings_now = written.get("leveling") or leveling.generation_settings(pair, ctx.params)
    chosen = drafts[leveling.best_index(drafts, settings_now["coverage_target"])]
    report = leveling.report(drafts, settings=settings_now, target_words=written.get("target_words") or [])
    # Where the target words came from: the learner's cards, and the pack or theme they asked for.
    report["target_sources"] = written.get("target_sources") or {}
    return done(
        {
            "title": chosen["title"],
            "body": chosen["body"],
            "glossary": chosen.get("glossary", []),
            "generation": report,
            "input_tokens": sum(d.get("input_tokens") or 0 for d in drafts),
            "output_tokens": sum(d.get("output_tokens") or 0 for d in drafts),
        },
        ref=f"draft {report['chosen_draft']}",
    )


def _text(outputs) -> dict[str, Any]:
    """The chosen text (jobs that began before the coverage loop existed have only `write`)."""
    return outputs.get("choose") or outputs["write"]


def translate(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    article = _text(ctx.outputs)
    translator = ctx.providers.translator
    reason = f"{translator.provider} cannot translate into {pair.source_language}"
    if not translator.can_translate_to(pair.source_language):
        return skipped(reason, {"provider": translator.provider})
    if ctx.calls_left < 1:
        return skipped(SPENT, {"provider": translator.provider})
    try:
        batch = translator.translate(
            [article["title"], article["body"]], source=pair.target_language, target=pair.source_language
        )
    except UnsupportedLanguage as exc:
        return skipped(f"{translator.provider} cannot translate {exc.language}", {"provider": translator.provider})
    title, body = batch.texts
    return done({"title": title, "body": body, "provider": batch.provider, **paid(1)}, ref=batch.provider)


def speak(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    # Speech is packed into the chunks the job's budget has left (fewer chunks: more of the
    # sentence timings are estimated within a chunk); with none left the article has no audio.
    calls = min(settings.READALONG_MAX_TTS_CALLS, ctx.calls_left)
    if calls < 1:
        return skipped(SPENT)
    sentences = speech_sentences(
        split_paragraphs(_text(ctx.outputs)["body"]), language=pair.target_language, nlp=ctx.providers.nlp
    )
    audio = synthesize_read_along(
        ctx.providers.tts,
        sentences,
        language=pair.target_language,
        max_calls=calls,
        concurrency=settings.READALONG_TTS_CONCURRENCY,
    )
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
            "tts_calls": audio.calls,
            "timings": audio.timings,
            **paid(audio.calls),
        },
        ref=stored.key,
    )


def store(ctx: StepContext) -> StepOutcome:
    pair = _pair(ctx)
    p, written = ctx.params, ctx.outputs["write"]
    spoken = ctx.outputs.get("speak") or {}  # empty when the budget left nothing for speech
    text = _text(ctx.outputs)
    translated = ctx.outputs.get("translate") or {}
    translate_step = ctx.job.step("translate") or {}
    source = p.get("source") or {}
    if spoken.get("audio") and not storage.exists(spoken["audio"]):
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
            "title": text["title"],
            "body": text["body"],
            "glossary": text["glossary"],
            "generation": text.get("generation") or {},
            "translated_title": str(translated.get("title", ""))[:300],
            "translation": translated.get("body", ""),
            "translation_note": (translate_step.get("note") or "")[:300],
            "audio": spoken.get("audio", ""),
            "audio_duration_seconds": spoken.get("duration_seconds"),
            "audio_timings": spoken.get("timings") or [],
            "providers": {
                "llm": {"provider": written["provider"], "model": written["model"]},
                "translation": {"provider": translated.get("provider", "")},
                "tts": {
                    "provider": spoken.get("provider", ""),
                    "model": spoken.get("model", ""),
                    "voice": spoken.get("voice"),
                },
            },
            "input_tokens": text.get("input_tokens") or written.get("input_tokens") or 0,
            "output_tokens": text.get("output_tokens") or written.get("output_tokens") or 0,
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
    try:
        analysed = article_analyse(body=article.body, pair=pair, nlp=nlp)
    except ProviderError as exc:
        if exc.retryable:
            raise
        # The article is readable without its vocabulary list: do not fail the whole job for it.
        return skipped(f"language analysis failed: {exc.message}")
    TranslatedArticle.objects.filter(pk=article.pk).update(**analysed.fields)
    return done(
        {"pipeline": analysed.pipeline, "lemmas": analysed.lemmas, "coverage": analysed.coverage},
        ref=f"article:{article.pk}",
    )


ARTICLE_JOB = register(
    JobSpec(
        kind=ARTICLE_JOB_KIND,
        result_type="article",
        steps=(
            Step("fetch", fetch_source),  # a URL request's page (articles/services.py)
            Step("write", write),
            *(Step(name, _revise_round(n)) for n, name in enumerate(leveling.ROUND_STEPS, start=1)),
            Step("choose", choose),
            Step("translate", translate),
            Step("speak", speak),
            Step("store", store),
            Step("analyse", analyse),
        ),
    )
)
