"""The article reader and the adventure player: texts drawn as tokens with the learner's statuses."""

from __future__ import annotations

from typing import Any

from adventures.models import AdventureStatus, SceneStatus
from adventures.selectors import adventure_get_for_user, adventure_tree
from articles.selectors import articles_for_user
from langlearn.clients.base import NLPClient
from langlearn.errors import NotFound
from langlearn.jobs.models import JobStatus
from vocab.keys import normalize_key

from .common import job_summary, media
from .reading import NEW, cached_reader_tokens, split_paragraphs, statuses_for, with_statuses


def reader_screen(*, user, article_id, nlp: NLPClient) -> dict[str, Any]:
    """Another learner's article is not found (404). Four queries: the article, the learner's
    phrases, the statuses (marks and word bank)."""
    article = articles_for_user(user=user).select_related("pair").filter(pk=article_id).first()
    if article is None:
        raise NotFound("Article not found.", code="article_not_found")
    tokens = cached_reader_tokens(
        stored=article.reader_tokens, paragraphs=split_paragraphs(article.body), language=article.language, nlp=nlp
    )
    coverage = statuses_for(tokens, pair=article.pair, nlp=nlp)
    text = with_statuses(tokens, coverage=coverage, translations=split_paragraphs(article.translation))
    mark_target_words(text, (article.generation or {}).get("target_words_used") or [])
    return {
        "article": {
            "id": str(article.pk),
            "language_pair": str(article.pair_id),
            "title": article.title,
            "translated_title": article.translated_title,
            "level": article.level,
            "language": article.language,
            "translation_language": article.translation_language,
            "translation": article.translation,
            "translation_note": article.translation_note,
            "audio_url": media(article.audio),
            "audio_duration_seconds": article.audio_duration_seconds,
            "audio_timings": article.audio_timings,
            "generation": article.generation,
            "glossary": article.glossary,
            "created_at": article.created_at.isoformat(),
        },
        **text,
    }


def mark_target_words(text: dict[str, Any], words: list[str]) -> None:
    """Flag the tokens of the words the text was written to practise (`target: true`), so the
    reader can highlight them: by a word's lemma or form, and every token of a phrase that is one
    of them ("echar de menos" marks "echaba de menos")."""
    keys = {normalize_key(w) for w in words}
    phrases = {p["id"] for p in text.get("phrases", []) if {normalize_key(p["lemma"]), normalize_key(p["text"])} & keys}
    for paragraph in text.get("paragraphs", []):
        for sentence in paragraph["sentences"]:
            for token in sentence["tokens"]:
                token["target"] = bool(
                    token["is_word"]
                    and (
                        normalize_key(token["lemma"]) in keys
                        or normalize_key(token["text"]) in keys
                        or token.get("phrase") in phrases
                    )
                )


def _scene_link(scene) -> dict[str, Any]:
    return {
        "id": str(scene.pk),
        "depth": scene.depth,
        "choice_id": scene.choice_id,
        "choice_text": scene.choice_text,
        "status": scene.status,
        "is_ending": scene.is_ending,
        "summary": scene.summary,
    }


def play_screen(*, user, adventure_id, nlp: NLPClient) -> dict[str, Any]:
    """The current scene drawn like the reader, its choices (and which already have a scene behind
    them), the path from the opening, and whether a scene is being written. Six queries: the
    adventure, its tree (two), the learner's phrases, the statuses (two)."""
    try:
        adventure = adventure_get_for_user(user=user, adventure_id=adventure_id)
    except NotFound:
        raise NotFound("Adventure not found.", code="adventure_not_found")
    tree = adventure_tree(adventure=adventure)
    current = tree.path[-1] if tree.path else None
    taken = tree.taken.get(current.pk, set()) if current is not None else set()
    job = current.job if current is not None and current.job_id else None
    generating = adventure.status == AdventureStatus.GENERATING or (
        current is not None and current.status == SceneStatus.GENERATING
    )
    scene = None
    if current is not None:
        tokens = cached_reader_tokens(
            stored=None, paragraphs=current.paragraphs, language=adventure.pair.target_language, nlp=nlp
        )
        # The scene's new words are looked up with its tokens: whether each is in the word bank yet.
        new_words = [{**w, "key": normalize_key(w.get("lemma", ""))} for w in current.new_words]
        coverage = statuses_for(tokens, pair=adventure.pair, nlp=nlp, extra_keys=[w["key"] for w in new_words])
        scene_text = with_statuses(tokens, coverage=coverage, translations=current.translation)
        status_of = coverage.coverage.status_of
        mark_target_words(scene_text, (current.generation or {}).get("target_words_used") or [])
        scene = {
            **_scene_link(current),
            **scene_text,
            "choices": [{**c, "taken": c.get("id") in taken} for c in current.choices],
            "new_words": [
                {**{k: v for k, v in w.items() if k != "key"}, "in_word_bank": status_of(w["key"]) != NEW}
                for w in new_words
            ],
            "audio_url": media(current.audio),
            "audio_duration": current.audio_duration,
            "audio_timings": current.audio_timings,
            "error": current.error,
        }
    return {
        "adventure": {
            "id": str(adventure.pk),
            "language_pair": str(adventure.pair_id),
            "target_language": adventure.pair.target_language,
            "title": adventure.title,
            "genre": adventure.genre,
            "level": adventure.level,
            "status": adventure.status,
            "target_length": adventure.target_length,
            "updated_at": adventure.updated_at.isoformat(),
        },
        "scene": scene,
        "path": [_scene_link(s) for s in tree.path[:-1]],
        "generating": generating or bool(job and job.status in (JobStatus.QUEUED, JobStatus.RUNNING)),
        "job": job_summary(job) if job is not None else None,
    }
