"""Rebuilding the reader's stored tokens (`TranslatedArticle.reader_tokens`) with the current
analyser: after the analyser or the tokens' shape changes (READER_TOKENS_VERSION), so the reader
serves them again instead of analysing each article on its first read in every process."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from langlearn.clients.base import NLPClient, ProviderError

from .analysis import READER_TOKENS_VERSION, analyse_paragraphs, paragraphs_digest, reader_tokens, split_paragraphs
from .models import TranslatedArticle

logger = logging.getLogger(__name__)


@dataclass
class RebuildReport:
    checked: int = 0
    rebuilt: int = 0
    current: int = 0
    skipped: int = 0  # no analyser for the language, or it failed: the reader falls back per request


def is_current(article: TranslatedArticle) -> bool:
    stored = article.reader_tokens or {}
    return stored.get("version") == READER_TOKENS_VERSION and stored.get("digest") == paragraphs_digest(
        split_paragraphs(article.body)
    )


def articles_reader_tokens_rebuild(
    *, articles: Iterable[TranslatedArticle], nlp: NLPClient, dry_run: bool = False, force: bool = False
) -> RebuildReport:
    """Re-analyse the articles whose stored tokens are stale (all of them with `force`: the analyser
    changed under the same version). Idempotent: a second run finds every article current. Each
    row is written alone, with a conditional update on the body it was analysed from, so an editor's
    change made meanwhile is not overwritten with tokens of the old text."""
    report = RebuildReport()
    for article in articles:
        report.checked += 1
        if not force and is_current(article):
            report.current += 1
            continue
        if not nlp.supports(article.language):
            report.skipped += 1
            continue
        if dry_run:
            report.rebuilt += 1
            continue
        paragraphs = split_paragraphs(article.body)
        try:
            tokens = reader_tokens(analyse_paragraphs(nlp, paragraphs, article.language), paragraphs=paragraphs)
        except ProviderError as exc:
            logger.warning("article %s: reader tokens not rebuilt: %s", article.pk, exc)
            report.skipped += 1
            continue
        changed = TranslatedArticle.objects.filter(pk=article.pk, body=article.body).update(
            reader_tokens=tokens, analysed_at=timezone.now()
        )
        report.rebuilt += changed
        report.skipped += 1 - changed
    return report
