"""Reader token caches after the analyser changed (`manage.py relemmatize`, issue 14).

An article stores its analysed tokens (`TranslatedArticle.reader_tokens`, with the name of the
pipeline that made them). Tokens of an older pipeline show the old lemmas ("casa" → "casar") and so
the wrong statuses. By default they are cleared, one UPDATE per language, and the reader analyses the
text again on its next read (`screens.selectors.reading.cached_reader_tokens` recomputes a missing
cache and keeps it in the process cache): analysing a 2,000-word article takes 0.55-0.95 s on the
2-core test server (bench/relemmatize.py), 15-27 hours inline for 100,000 articles inside a
migration. `rebuild=True` analyses them now instead, for an operator who prefers to pay up front."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from langlearn.clients.base import NLPClient, ProviderError

from .analysis import article_analyse
from .models import TranslatedArticle


@dataclass
class TokensReport:
    stale: int = 0  # articles whose stored tokens came from another pipeline
    cleared: int = 0
    rebuilt: int = 0
    failed: int = 0

    def lines(self, *, dry_run: bool) -> list[str]:
        if dry_run:
            return [f"articles: {self.stale} with tokens of an older analyser would be refreshed"]
        return [
            f"articles: {self.stale} with tokens of an older analyser, cleared {self.cleared}, "
            f"rebuilt {self.rebuilt}, {self.failed} failed"
        ]


def _current_pipeline(nlp: NLPClient, language: str) -> str | None:
    """The name of the pipeline analysing `language` now; None when there is none (stored tokens, made
    by the regex fallback, are then as good as it gets and are kept)."""
    try:
        return nlp.analyze("a", language).pipeline if nlp.supports(language) else None
    except ProviderError:
        return None


def articles_with_tokens() -> int:
    return TranslatedArticle.objects.exclude(reader_tokens={}).count()


def reader_tokens_refresh(
    *,
    nlp: NLPClient,
    dry_run: bool = False,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
    **_options,
) -> TokensReport:
    """Clear (or, with `rebuild`, recompute) the stored reader tokens made by another pipeline than
    the current one. Idempotent: rebuilt tokens carry the current pipeline's name, cleared ones are
    empty, and neither is stale on a second run."""
    report = TokensReport()
    languages = TranslatedArticle.objects.exclude(reader_tokens={}).values_list("language", flat=True).distinct()
    for language in sorted(set(languages)):
        current = _current_pipeline(nlp, language)
        if current is None:
            continue
        stale = (
            TranslatedArticle.objects.filter(language=language)
            .exclude(reader_tokens={})
            .exclude(Q(reader_tokens__pipeline=current))
        )
        count = stale.count()
        report.stale += count
        if dry_run or not count:
            if progress:
                progress(count)
            continue
        if not rebuild:
            report.cleared += stale.update(reader_tokens={}, updated_at=timezone.now())
            if progress:
                progress(count)
            continue
        for article in stale.select_related("pair").only("pk", "body", "pair").iterator(chunk_size=100):
            try:
                analysed = article_analyse(body=article.body, pair=article.pair, nlp=nlp)
            except ProviderError:
                # Left stale rather than cleared: the reader shows the old tokens, still readable.
                report.failed += 1
                continue
            # Key vocabulary and coverage too: they were made of the old lemmas ("casar").
            TranslatedArticle.objects.filter(pk=article.pk).update(**analysed.fields)
            report.rebuilt += 1
            if progress:
                progress(1)
    return report
