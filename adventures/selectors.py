"""Reads on adventures, always scoped to the learner at the query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from flashcards.selectors import due_words_for_pair
from langlearn.errors import NotFound
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair
from vocab.selectors import known_lemmas_for_pair, newest_words_for_pair

from .models import Adventure, AdventureScene

STUDY_WORDS = 6


def adventures_for_user(*, user, pair_id: uuid.UUID | None = None, status: str | None = None) -> QuerySet[Adventure]:
    qs = Adventure.objects.filter(user=user).select_related("pair", "current_scene")
    if pair_id:
        qs = qs.filter(pair_id=pair_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def adventure_get_for_user(*, user, adventure_id: uuid.UUID | str, lock: bool = False) -> Adventure:
    qs = Adventure.objects.filter(user=user, pk=adventure_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    adventure = qs.select_related("pair", "current_scene").first()
    if adventure is None:
        raise NotFound("Adventure not found.")
    return adventure


def scene_get(*, adventure: Adventure, scene_id: uuid.UUID | str) -> AdventureScene:
    scene = AdventureScene.objects.filter(adventure=adventure, pk=scene_id).select_related("job").first()
    if scene is None:
        raise NotFound("Scene not found in this adventure.", code="scene_not_found")
    return scene


@dataclass(frozen=True)
class AdventureTree:
    """Every scene of an adventure (one query), the path from the opening to the current one, and
    for each scene the ids of the choices that already have a scene behind them."""

    scenes: list[AdventureScene]
    path: list[AdventureScene]
    taken: dict[uuid.UUID, set[str]]


def scene_branch(scene: AdventureScene, scenes_by_id: dict[uuid.UUID, AdventureScene]) -> list[AdventureScene]:
    """The scenes from the opening down to `scene` (inclusive), following parent links."""
    path: list[AdventureScene] = []
    node: AdventureScene | None = scene
    while node is not None:
        path.append(node)
        node = scenes_by_id.get(node.parent_id) if node.parent_id else None
    return list(reversed(path))


NODE_FIELDS = ("id", "adventure_id", "parent_id", "choice_id", "choice_text", "depth", "status", "is_ending")


def adventure_tree(*, adventure: Adventure) -> AdventureTree:
    """Two queries however big the tree: its nodes (no text), then the full scenes of the path."""
    scenes = list(AdventureScene.objects.filter(adventure=adventure).only(*NODE_FIELDS))
    by_id = {s.pk: s for s in scenes}
    taken: dict[uuid.UUID, set[str]] = {s.pk: set() for s in scenes}
    for scene in scenes:
        if scene.parent_id in taken:
            taken[scene.parent_id].add(scene.choice_id)
    current = by_id.get(adventure.current_scene_id) if adventure.current_scene_id else None
    path_ids = [s.pk for s in scene_branch(current, by_id)] if current else []
    full = AdventureScene.objects.filter(pk__in=path_ids).select_related("job").defer("vocabulary")
    path = sorted(full, key=lambda s: s.depth)
    return AdventureTree(scenes=scenes, path=path, taken=taken)


def scene_branch_from_db(*, scene: AdventureScene) -> list[AdventureScene]:
    """The branch above `scene` for a prompt: one query for the adventure's scenes (bounded: every
    scene was a paid, quota-counted generation), then parent links in memory."""
    scenes = {s.pk: s for s in AdventureScene.objects.filter(adventure_id=scene.adventure_id)}
    scenes[scene.pk] = scene
    return scene_branch(scene, scenes)


def study_words_for_pair(*, pair: UserLanguagePair, limit: int = STUDY_WORDS) -> list[str]:
    """A handful of words to weave into the next scene: cards due now (most overdue first), topped
    up with the newest words of the bank when few are due. Lemmas, deduplicated."""
    words: list[str] = []
    for due in due_words_for_pair(pair=pair, limit=limit * 3):
        word = due.lemma or due.text
        if word and word not in words:
            words.append(word)
        if len(words) >= limit:
            return words
    for lemma, text in newest_words_for_pair(pair=pair, limit=limit * 2):
        word = lemma or text
        if word and word not in words:
            words.append(word)
        if len(words) >= limit:
            break
    return words


def banked_lemmas(*, pair: UserLanguagePair, scenes: list[AdventureScene]) -> set[str]:
    """Which of these scenes' new words are already in the word bank (one query for them all)."""
    return known_lemmas_for_pair(pair=pair, among={normalize_key(w["lemma"]) for s in scenes for w in s.new_words})
