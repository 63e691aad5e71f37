"""Adding words met in a scene to the learner's word bank (source = adventure)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from langlearn.clients.base import NLPClient, TranslationClient
from langlearn.errors import Conflict, InvalidInput
from vocab.keys import normalize_key
from vocab.models import EntrySource
from vocab.services import EntryInput, entries_add

from ..models import Adventure, SceneStatus
from ..selectors import scene_get

MAX_WORDS_PER_REQUEST = 50


@dataclass(frozen=True)
class WordsAdded:
    added: list  # LearnableWordBankEntry rows created by this request
    already_present: list  # rows that were there already


def adventure_words_add(
    *,
    adventure: Adventure,
    scene_id: uuid.UUID | str,
    lemmas: Sequence[str],
    nlp: NLPClient,
    translator: TranslationClient,
) -> WordsAdded:
    """Add `lemmas` from a ready scene: its new words (with the story's translation and the sentence
    they appear in) or any other word of its text. A lemma that is not in the scene → 400."""

    scene = scene_get(adventure=adventure, scene_id=scene_id)
    if scene.status != SceneStatus.READY:
        raise Conflict("That scene is not ready yet.", code="scene_not_ready")
    if not lemmas:
        raise InvalidInput("Give at least one lemma.", code="no_lemmas")
    if len(lemmas) > MAX_WORDS_PER_REQUEST:
        raise InvalidInput(f"At most {MAX_WORDS_PER_REQUEST} words per request.", code="too_many_words")

    offered: dict[str, dict] = {}
    for word in scene.vocabulary:
        offered.setdefault(normalize_key(word["lemma"]), {"lemma": word["lemma"], "pos": word.get("pos", "")} | word)
    for word in scene.new_words:  # the story's own new words win: they carry a translation
        offered[normalize_key(word["lemma"])] = {**offered.get(normalize_key(word["lemma"]), {}), **word}

    wanted: list[str] = []
    unknown: list[str] = []
    for lemma in lemmas:
        key = normalize_key(lemma)
        if key not in offered:
            unknown.append(lemma)
        elif key not in wanted:
            wanted.append(key)
    if unknown:
        raise InvalidInput(
            f"Not words of this scene: {', '.join(unknown)}.", code="lemma_not_in_scene", extra={"unknown": unknown}
        )

    items = [
        EntryInput(
            text=offered[key]["lemma"],
            lemma=offered[key]["lemma"],
            part_of_speech=offered[key].get("pos") or None,
            translation=offered[key].get("translation") or None,  # None: the word bank translates it
            example_sentence=offered[key].get("sentence", "")[:1000],
        )
        for key in wanted
    ]
    results = entries_add(
        pair=adventure.pair,
        items=items,
        source=EntrySource.ADVENTURE,
        source_ref=adventure.pk,
        nlp=nlp,
        translator=translator,
    )
    return WordsAdded(
        added=[r.entry for r in results if r.created],
        already_present=[r.entry for r in results if not r.created],
    )
