"""Writes for articles: request one (text or URL) and delete one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from langlearn import storage
from langlearn.jobs.models import Job
from langlearn.jobs.quota import quota_refund
from langlearn.jobs.registry import PermanentJobError, StepContext, StepOutcome, done, skipped
from langlearn.jobs.services import job_create
from vocab.selectors import pair_get_for_user

from .models import ARTICLE_JOB_KIND, TranslatedArticle
from .targets import normalize_theme, packs_for_request
from .url_import import UrlRefused, import_page, precheck_url

MIN_TEXT = 200
MAX_TEXT = 20_000


@dataclass(frozen=True)
class ArticleRequest:
    language_pair: str
    text: str = ""
    url: str = ""
    title: str = ""
    level: str = ""
    length: str = "medium"
    pack: str = ""  # a published pack whose words the article should practise
    theme: str = ""  # a pack tag: the words of its packs


def _trim(text: str) -> str:
    """Long imported pages are cut at a paragraph (or sentence) boundary below MAX_TEXT."""
    if len(text) <= MAX_TEXT:
        return text
    cut = text[:MAX_TEXT]
    for sep in ("\n\n", "\n", ". "):
        at = cut.rfind(sep)
        if at > MAX_TEXT // 2:
            return cut[: at + len(sep)].strip()
    return cut


def article_request_create(*, user, request: ArticleRequest) -> Job:
    """Queue an article job; consumes one unit of the daily generation quota. A pack or theme is
    checked here (articles/targets.py): another's or an unpublished pack is a 404, a pack of another
    language or a theme no pack has a 400. For a URL only the
    checks that need no network run here (scheme, credentials, literal addresses, `localhost`: a
    refusal is a 400); the page is resolved, fetched and extracted by the job's `fetch` step, so a
    slow resolver or server holds a worker, never a web process."""
    pair = pair_get_for_user(user=user, pair_id=request.language_pair)
    theme = normalize_theme(request.theme)
    packs = packs_for_request(user=user, pair=pair, pack_id=request.pack or None, theme=theme)
    source: dict[str, str] = {"type": "text"}
    text = request.text.strip()
    if request.url:
        precheck_url(request.url)
        source = {"type": "url", "url": request.url.strip(), "title": ""}
        text = ""
    params = {
        "language_pair": str(pair.pk),
        "text": text,
        "title": request.title.strip(),
        "level": request.level or pair.level,
        "length": request.length or "medium",
        "source": source,
        "pack_ids": [str(p.pk) for p in packs],
        "theme": theme,
    }
    return job_create(user=user, kind=ARTICLE_JOB_KIND, params=params)


def fetch_source(ctx: StepContext) -> StepOutcome:
    """The article job's first step: fetch and extract the page of a URL request (safely, within
    URL_IMPORT_DEADLINE) and make its text the job's source text. A refused or unusable page fails
    the job with the reason; pasted text skips the step."""
    source = ctx.params.get("source") or {}
    if source.get("type") != "url":
        return skipped("pasted text: nothing to fetch")
    if ctx.params.get("text"):  # fetched before this step existed, or by a run whose output was lost
        return done({"url": source.get("url", ""), "characters": len(ctx.params["text"])})
    try:
        page = import_page(source["url"])
    except UrlRefused as exc:
        _refund(ctx.job)
        raise PermanentJobError(exc.detail) from None
    text = _trim(page.text)
    if len(text) < MIN_TEXT:
        _refund(ctx.job)
        raise PermanentJobError(
            f"Could not find enough article text at that URL (at least {MIN_TEXT} characters are needed)."
        )
    params = {
        **ctx.params,
        "text": text,
        "title": ctx.params.get("title") or page.title,
        "source": {"type": "url", "url": page.url, "title": page.title},
    }
    # The later steps read the text from the job's params, as for pasted text.
    Job.objects.filter(pk=ctx.job.pk, claim_token=ctx.job.claim_token).update(params=params)
    ctx.job.params = params
    return done({"url": page.url, "title": page.title, "characters": len(text)}, ref=page.url)


def _refund(job: Job) -> None:
    """Nothing was generated: the unit of quota the request spent goes back (once: the job fails)."""
    quota_refund(user=job.user, at=job.created_at)


def article_delete(*, article: TranslatedArticle) -> None:
    """Delete the article and, once that is committed, its audio in storage."""
    key = article.audio
    with transaction.atomic():
        if article.job_id:
            Job.objects.filter(pk=article.job_id, result_id=article.pk).update(result_id=None)
        article.delete()
        transaction.on_commit(lambda: storage.delete(key))
