"""Writes for articles: request one (text or URL) and delete one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from langlearn import storage
from langlearn.errors import InvalidInput
from langlearn.jobs.models import Job
from langlearn.jobs.quota import quota_check
from langlearn.jobs.services import job_create
from vocab.selectors import pair_get_for_user

from .models import ARTICLE_JOB_KIND, TranslatedArticle
from .url_import import ImportedPage, import_page

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


def article_request_create(*, user, request: ArticleRequest, importer=import_page) -> Job:
    """Queue an article job. A URL is fetched now (safely; refusals are 400s) so the learner hears
    about an unusable page at once; the paid work runs in the worker. Consumes one unit of the
    daily generation quota."""
    pair = pair_get_for_user(user=user, pair_id=request.language_pair)
    source: dict[str, str] = {"type": "text"}
    text = request.text.strip()
    if request.url:
        quota_check(user=user)  # do not fetch pages for a learner who cannot start a job anyway
        page: ImportedPage = importer(request.url)
        text = _trim(page.text)
        if len(text) < MIN_TEXT:
            raise InvalidInput(
                "Could not find enough article text at that URL (at least 200 characters are needed).",
                code="url_no_text",
            )
        source = {"type": "url", "url": page.url, "title": page.title}
    params = {
        "language_pair": str(pair.pk),
        "text": text,
        "title": request.title.strip() or source.get("title", ""),
        "level": request.level or pair.level,
        "length": request.length or "medium",
        "source": source,
    }
    return job_create(user=user, kind=ARTICLE_JOB_KIND, params=params)


def article_delete(*, article: TranslatedArticle) -> None:
    """Delete the article and, once that is committed, its audio in storage."""
    key = article.audio
    with transaction.atomic():
        if article.job_id:
            Job.objects.filter(pk=article.job_id, result_id=article.pk).update(result_id=None)
        article.delete()
        transaction.on_commit(lambda: storage.delete(key))
