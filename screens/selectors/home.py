"""The home screen: where the learner stands today and what to do next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F

from adventures.models import AdventureStatus
from adventures.selectors import adventures_for_user
from articles.selectors import articles_for_user
from flashcards.selectors import due_counts_for_user, review_summary
from knowledge.selectors import vocabulary_counts
from langlearn.errors import NotFound
from langlearn.jobs.models import JobStatus
from langlearn.jobs.selectors import jobs_for_user
from packs.selectors import packs_for_learner
from vocab.models import UserLanguagePair
from vocab.selectors import pairs_for_user

from .common import active_pair, job_summary, media, pair_summary

RECENT_ARTICLES = 3
ADVENTURES_IN_PROGRESS = 3
RUNNING_JOBS = 10
RECOMMENDED_PACKS = 3


def _articles(*, user, pair: UserLanguagePair | None) -> list[dict[str, Any]]:
    qs = articles_for_user(user=user)
    if pair is not None:
        qs = qs.filter(pair=pair)
    rows = qs.order_by("-created_at", "-id").only(
        "id", "pair", "title", "translated_title", "level", "audio", "known_word_coverage", "created_at"
    )[:RECENT_ARTICLES]
    return [
        {
            "id": str(a.pk),
            "language_pair": str(a.pair_id),
            "title": a.title,
            "translated_title": a.translated_title,
            "level": a.level,
            "audio_url": media(a.audio),
            "known_word_coverage": a.known_word_coverage,
            "created_at": a.created_at.isoformat(),
        }
        for a in rows
    ]


def _adventures(*, user, pair: UserLanguagePair | None) -> list[dict[str, Any]]:
    qs = adventures_for_user(user=user, pair_id=pair.pk if pair else None).exclude(status=AdventureStatus.ENDED)
    rows = qs.order_by("-updated_at", "-id")[:ADVENTURES_IN_PROGRESS]
    return [
        {
            "id": str(a.pk),
            "language_pair": str(a.pair_id),
            "title": a.title,
            "genre": a.genre,
            "level": a.level,
            "status": a.status,
            "depth": a.current_scene.depth if a.current_scene else 0,
            "target_length": a.target_length,
            "updated_at": a.updated_at.isoformat(),
        }
        for a in rows
    ]


def recommended_packs(*, user, pair: UserLanguagePair | None, limit: int = RECOMMENDED_PACKS) -> list[dict[str, Any]]:
    """Published packs for the pair's languages at its level that the learner has not added yet."""
    if pair is None:
        return []
    rows = (
        packs_for_learner(user=user)
        .filter(
            source_language=pair.source_language,
            target_language=pair.target_language,
            level=pair.level,
            already_added=False,
        )
        .order_by(F("published_at").desc(nulls_last=True), "title", "id")[:limit]
    )
    return [
        {
            "id": str(p.pk),
            "title": p.title,
            "slug": p.slug,
            "description": p.description,
            "level": p.level,
            "tags": p.tags,
            "entry_count": p.entry_count,
            "cover_image_url": media(p.cover_image.name) if p.cover_image else None,
        }
        for p in rows
    ]


def home_screen(*, user, pair_id=None, now: datetime | None = None) -> dict[str, Any]:
    """Without `pair_id`: the learner's figures across all pairs, the active pair first. With it:
    everything narrowed to that pair (streaks too). Running jobs are always the learner's own, all of
    them: a job is not tied to one pair. A constant 13 queries whatever the amount of data."""
    pairs = list(pairs_for_user(user=user).order_by("created_at", "id"))
    if pair_id is not None:
        chosen = next((p for p in pairs if p.pk == pair_id), None)
        if chosen is None:
            raise NotFound("Language pair not found.", code="language_pair_not_found")
        scope = [chosen]
    else:
        chosen = active_pair(pairs)
        scope = pairs
    counts = due_counts_for_user(user=user, pairs=pairs, now=now)

    def card(pair: UserLanguagePair) -> dict[str, Any]:
        count = counts[pair.pk]
        return {
            **pair_summary(pair),
            "due_count": count["due"],
            "due_capped": count["due_capped"],
            "new_count": count["new"],
        }

    stats = review_summary(user=user, pair=chosen if pair_id is not None else None, now=now)
    running = jobs_for_user(user=user).filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    return {
        "language_pair": str(pair_id) if pair_id is not None else None,
        "active_pair": card(chosen) if chosen else None,
        "other_pairs": [card(p) for p in pairs if p is not chosen],
        "due_count": sum(counts[p.pk]["due"] for p in scope),
        "due_capped": any(counts[p.pk]["due_capped"] for p in scope),
        "new_count": sum(counts[p.pk]["new"] for p in scope),
        "reviews_today": stats["reviews_today"],
        "current_streak": stats["current_streak"],
        "longest_streak": stats["longest_streak"],
        "retention_30_days": stats["true_retention"],
        "retention_reviews_30_days": stats["retention_reviews"],
        "recent_articles": _articles(user=user, pair=chosen if pair_id is not None else None),
        "adventures_in_progress": _adventures(user=user, pair=chosen if pair_id is not None else None),
        "running_jobs": [job_summary(j) for j in running.order_by("-created_at", "-id")[:RUNNING_JOBS]],
        "recommended_packs": recommended_packs(user=user, pair=chosen),
        "vocabulary": vocabulary_counts(pairs=scope, now=now),
    }
