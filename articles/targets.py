"""The words an article is written to practise: the learner's due and learning cards first, then
the words of the pack (or the packs of the theme) the learner asked for that they do not know yet.

A pack is one the learner can see (`packs.selectors.packs_for_learner`: published) in the pair's
language; a theme is a pack tag, and its packs are the published ones of the pair's language that
carry it. Both are checked when the article is asked for (a 404 / 400 then, not a failed job), and
their words are chosen with the first draft (the job's `write` step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flashcards.selectors import target_words_for_pair
from knowledge.models import Status
from knowledge.selectors import word_statuses
from langlearn.errors import InvalidInput, NotFound
from langlearn.languages import base_language
from packs.models import WordBankPack
from packs.selectors import pack_entries, packs_filter, packs_for_learner
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair

# Words a text is asked to use in all; with a pack or theme, the learner's own words take at most
# STUDYING_WITH_PACK of them so that the pack they asked for always has room.
TARGET_WORDS = 12
STUDYING_WITH_PACK = 8
# A theme's words come from its first few packs (by title), each read a page at a time until enough
# words the learner does not know are found.
THEME_PACKS = 3
PAGE = 100
MAX_PAGES = 5
THEME_MAX_LENGTH = 50
NOT_WANTED = frozenset({Status.KNOWN.value, Status.IGNORED.value})


@dataclass(frozen=True)
class TargetWords:
    words: list[str]
    studying: list[str] = field(default_factory=list)
    from_packs: list[str] = field(default_factory=list)
    packs: list[dict[str, str]] = field(default_factory=list)
    theme: str = ""

    def sources(self) -> dict[str, Any]:
        """What the article's report says about where its target words came from."""
        return {"studying": self.studying, "pack_words": self.from_packs, "packs": self.packs, "theme": self.theme}


def normalize_theme(theme: str) -> str:
    return " ".join(theme.split()).lower()


def packs_for_request(*, user, pair: UserLanguagePair, pack_id: str | None, theme: str) -> list[WordBankPack]:
    """The packs whose words an article request asks for, checked: a pack the learner cannot see is
    not found (404), a pack of another language or a theme no pack has is invalid (400)."""
    chosen: list[WordBankPack] = []
    if pack_id:
        pack = packs_for_learner(user=user).filter(pk=pack_id).first()
        if pack is None:
            raise NotFound("Pack not found.", code="pack_not_found")
        if base_language(pack.target_language) != base_language(pair.target_language):
            raise InvalidInput(
                f"That pack teaches {pack.target_language}; this language pair learns {pair.target_language}.",
                code="pack_language_mismatch",
            )
        chosen.append(pack)
    if theme:
        language = base_language(pair.target_language)
        themed = [
            p
            for p in packs_filter(packs_for_learner(user=user), tag=theme).filter(target_language__startswith=language)[
                : THEME_PACKS * 4
            ]
            if base_language(p.target_language) == language and p not in chosen
        ][:THEME_PACKS]
        if not themed and not chosen:
            raise InvalidInput(
                f"No word pack in {pair.target_language} has the theme {theme!r}.", code="theme_not_found"
            )
        chosen += themed
    return chosen


def _unknown_words(*, pair: UserLanguagePair, packs: list[WordBankPack], limit: int, taken: set[str]) -> list[str]:
    """Up to `limit` words of `packs`, in pack order, that the learner does not know (nor ignores)
    and that are not already in `taken` (keys). Two queries per page of entries."""
    words: list[str] = []
    for pack in packs:
        for page in range(MAX_PAGES):
            texts = list(pack_entries(pack=pack).values_list("text", flat=True)[page * PAGE : (page + 1) * PAGE])
            if not texts:
                break
            statuses = word_statuses(pair=pair, keys=[normalize_key(t) for t in texts])
            for text in texts:
                key = normalize_key(text)
                if key and key not in taken and statuses.get(key) not in NOT_WANTED:
                    taken.add(key)
                    words.append(text)
                    if len(words) >= limit:
                        return words
            if len(texts) < PAGE:
                break
    return words


def article_target_words(
    *, pair: UserLanguagePair, pack_ids: list[str], theme: str = "", limit: int = TARGET_WORDS
) -> TargetWords:
    """The words for one article (see the module docstring). Without a pack or theme: the
    learner's due, learning and newest words (`flashcards.selectors.target_words_for_pair`)."""
    if not pack_ids and not theme:
        words = target_words_for_pair(pair=pair, limit=limit)
        return TargetWords(words=words, studying=words)
    packs = list(packs_for_learner(user=pair.user_id).filter(pk__in=pack_ids))
    packs.sort(key=lambda p: pack_ids.index(str(p.pk)))  # the pack asked for first, then the theme's
    studying = target_words_for_pair(pair=pair, limit=min(limit, STUDYING_WITH_PACK), newest=False)
    taken = {normalize_key(w) for w in studying}
    from_packs = _unknown_words(pair=pair, packs=packs, limit=limit - len(studying), taken=taken)
    return TargetWords(
        words=[*studying, *from_packs],
        studying=studying,
        from_packs=from_packs,
        packs=[{"id": str(p.pk), "title": p.title} for p in packs],
        theme=theme,
    )
