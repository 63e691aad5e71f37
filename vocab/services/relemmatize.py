"""Re-analyse word-bank entries with the current analyser (issue 14: new lemmas and POS).

Entries of one pair whose texts now give the same key are one word stored twice under the old
analyser ("casas" under its key "casar", next to "casa"): they are merged into the oldest
(`vocab.services.merge`), cards and review history included. A pair is planned whole (every entry
analysed, grouped by new key) before anything is written, so a key that moves from one entry to
another ("A takes B's old key while B moves on") is never mistaken for a collision; the plan is then
applied in transactions of `batch_size` words, each re-checking the rows it touches, so a learner
editing meanwhile is never overwritten (that word is skipped and reported; a rerun picks it up).

Idempotent: a second run finds every entry unchanged."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from langlearn.clients.base import NLPClient

from ..models import LearnableWordBankEntry, UserLanguagePair
from .enrich import WordAnalysis, normalize_key, word_analyze
from .merge import EntryMerge, entries_merge

# (pair_id, moves {old key: new key}, dry_run) -> (marks moved, marks kept): the learner's marks
# follow the key (knowledge.services.rekey.word_status_marks_rekey; passed in, knowledge sits above vocab).
KeyMoved = Callable[..., tuple[int, int]]
_FIELDS = ("id", "text", "lemma", "part_of_speech", "normalized_lemma", "created_at")


@dataclass
class RelemmatizeReport:
    checked: int = 0
    updated: int = 0
    unchanged: int = 0
    merges: list[EntryMerge] = field(default_factory=list)
    marks_moved: int = 0
    marks_kept: int = 0
    skipped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # entries whose given POS the analysis contradicts


@dataclass
class _Word:
    """One new key of a pair and the entries that get it (the first, the oldest, survives)."""

    key: str
    analysis: WordAnalysis
    entries: list[LearnableWordBankEntry]


def pos_disagrees(given: str, analysed: str) -> bool:
    """A POS a person gave (free text in packs: "noun", "NOUN") that the analysis contradicts."""
    given, analysed = given.strip().upper(), analysed.strip().upper()
    return bool(given) and given != "PHRASE" and bool(analysed) and given != analysed


def _plan(pair: UserLanguagePair, nlp: NLPClient, cache: dict, kept: list[str]) -> tuple[list[_Word], int, set[str]]:
    """The pair's words whose entries change, how many entries stay as they are, and every key of
    the pair once the plan is applied."""
    language = pair.target_language
    groups: dict[str, _Word] = {}
    for entry in LearnableWordBankEntry.objects.filter(pair=pair).only(*_FIELDS).order_by("created_at", "pk"):
        analysis = cache.get((language, entry.text))
        if analysis is None:
            analysis = cache[(language, entry.text)] = word_analyze(text=entry.text, language=language, nlp=nlp)
        if pos_disagrees(entry.part_of_speech, analysis.part_of_speech):
            # A POS the old analyser never gave (it gave none) was given by a person (an editor's
            # pack, the learner): a word read alone is ambiguous ("vino" the noun is analysed as
            # the verb "venir"), so the person's reading wins and the entry keeps its lemma and key.
            kept.append(
                f"pair {pair.pk}: {entry.text!r} ({entry.pk}) kept as {entry.lemma or entry.text!r}: it is "
                f"{entry.part_of_speech}, the analyser reads {analysis.part_of_speech} {analysis.lemma!r}"
            )
            analysis = WordAnalysis(lemma=entry.lemma, part_of_speech=entry.part_of_speech)
            key = entry.normalized_lemma
        else:
            key = normalize_key(analysis.lemma or entry.text)
        word = groups.setdefault(key, _Word(key=key, analysis=analysis, entries=[]))
        word.entries.append(entry)
    changed = [
        w
        for w in groups.values()
        if len(w.entries) > 1
        or (w.entries[0].lemma, w.entries[0].part_of_speech, w.entries[0].normalized_lemma)
        != (w.analysis.lemma, w.analysis.part_of_speech, w.key)
    ]
    unchanged = sum(len(w.entries) for w in groups.values()) - sum(len(w.entries) for w in changed)
    return changed, unchanged, set(groups)


def _apply(
    *,
    pair: UserLanguagePair,
    words: list[_Word],
    final_keys: set[str],
    moving: set[uuid.UUID],
    report: RelemmatizeReport,
    on_key_moved: KeyMoved | None,
    dry_run: bool,
) -> None:
    """One transaction for a batch of words: each word's entries merged into its survivor, which
    takes the new lemma, POS and key; then the learner's marks follow the keys that moved. A handful
    of statements per batch besides the merges (each query costs ~10 ms on a busy server)."""
    ids = [e.pk for w in words for e in w.entries]
    with transaction.atomic():
        # Locked in id order, as the review services lock cards: no deadlock with a learner's edit.
        current = {
            e.pk: e for e in LearnableWordBankEntry.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        holders = dict(
            LearnableWordBankEntry.objects.select_for_update()
            .filter(pair=pair, normalized_lemma__in=[w.key for w in words])
            .exclude(pk__in=ids)
            .values_list("normalized_lemma", "pk")
        )
        ready: list[_Word] = []
        for word in words:
            stale = [e for e in word.entries if e.pk not in current or current[e.pk].text != e.text]
            if stale:
                report.skipped.append(
                    f"pair {pair.pk}: {', '.join(repr(e.text) for e in stale)} changed while re-analysing "
                    f"(key {word.key!r}); left as it is, run the command again"
                )
            elif word.key in holders and holders[word.key] not in moving:
                # A word added after the plan was made, under this key: merging it is the next run's.
                report.skipped.append(f"pair {pair.pk}: key {word.key!r} was taken meanwhile; run the command again")
            else:
                ready.append(word)
        # Rows holding a key this batch gives to another word: the holders outside the batch (they
        # move on in a later batch) and survivors inside it. PostgreSQL checks a unique index row by
        # row, so they are parked under a key no word has until their own update; merged entries
        # need none, they are deleted before the survivors are written.
        targets = {w.key for w in ready}
        parked = {holders[w.key] for w in ready if w.key in holders}
        parked |= {w.entries[0].pk for w in ready if w.entries[0].normalized_lemma in targets - {w.key}}
        if not dry_run:
            for pk in sorted(parked):
                LearnableWordBankEntry.objects.filter(pk=pk).update(normalized_lemma=f"~{pk}")
        survivors = []
        moves: dict[str, str] = {}
        merges = [(current[w.entries[0].pk], [current[e.pk] for e in w.entries[1:]], w.key) for w in ready]
        report.merges += entries_merge(merges=[m for m in merges if m[1]], dry_run=dry_run)
        for word in ready:
            survivor = current[word.entries[0].pk]
            survivor.lemma, survivor.part_of_speech = word.analysis.lemma, word.analysis.part_of_speech
            survivor.normalized_lemma = word.key
            survivors.append(survivor)
            for entry in word.entries:
                # A key some entry still holds after the pass keeps its mark: the mark is that word's.
                if entry.normalized_lemma != word.key and entry.normalized_lemma not in final_keys:
                    moves[entry.normalized_lemma] = word.key
        report.updated += len(survivors)
        if not dry_run:
            entries_save_analysis(survivors)
        if on_key_moved is not None and moves:
            moved, kept = on_key_moved(pair_id=pair.pk, moves=moves, dry_run=dry_run)
            report.marks_moved += moved
            report.marks_kept += kept


def entries_save_analysis(entries: list[LearnableWordBankEntry]) -> None:
    """Write the lemma, POS and key of many entries. PostgreSQL: one UPDATE ... FROM unnest per
    statement (Django's bulk_update builds a CASE per row and field: seconds of Python for a
    5,000-word bank); elsewhere (SQLite of `make run`) bulk_update."""
    if not entries:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        for entry in entries:
            entry.updated_at = now
        LearnableWordBankEntry.objects.bulk_update(
            entries, ["lemma", "part_of_speech", "normalized_lemma", "updated_at"], batch_size=500
        )
        return
    table = LearnableWordBankEntry._meta.db_table
    sql = (
        f"UPDATE {table} AS e SET lemma = v.lemma, part_of_speech = v.pos, normalized_lemma = v.key, "  # noqa: S608
        "updated_at = %s FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[]) AS v(id, lemma, pos, key) "
        "WHERE e.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                now,
                [e.pk for e in entries],
                [e.lemma for e in entries],
                [e.part_of_speech for e in entries],
                [e.normalized_lemma for e in entries],
            ],
        )


def entries_relemmatize(
    *,
    pairs: Iterable[UserLanguagePair],
    nlp: NLPClient,
    dry_run: bool = False,
    batch_size: int = 500,
    on_key_moved: KeyMoved | None = None,
    progress: Callable[[int], None] | None = None,
) -> RelemmatizeReport:
    """Give every entry of `pairs` the lemma, POS and key of the current analyser, merging the
    entries of a pair that now share a key (the oldest survives). `progress(n)` is told of every
    `n` entries checked. Pairs of a language the analyser does not support are left as they are."""
    report = RelemmatizeReport()
    cache: dict[tuple[str, str], WordAnalysis] = {}
    for pair in pairs:
        if not nlp.supports(pair.target_language):
            count = LearnableWordBankEntry.objects.filter(pair=pair).count()
            report.checked += count
            report.unchanged += count
            if count:
                report.skipped.append(f"pair {pair.pk}: no analyser for {pair.target_language!r}; left as it is")
            if progress:
                progress(count)
            continue
        words, unchanged, final_keys = _plan(pair, nlp, cache, report.kept)
        report.checked += unchanged + sum(len(w.entries) for w in words)
        report.unchanged += unchanged
        if progress:
            progress(unchanged)
        if not words:
            continue
        moving = {e.pk for w in words for e in w.entries}
        for start in range(0, len(words), max(1, batch_size)):
            batch = words[start : start + max(1, batch_size)]
            _apply(
                pair=pair,
                words=batch,
                final_keys=final_keys,
                moving=moving,
                report=report,
                on_key_moved=on_key_moved,
                dry_run=dry_run,
            )
            if progress:
                progress(sum(len(w.entries) for w in batch))
    return report


def pairs_to_relemmatize(*, user_email: str | None = None, pair_id: uuid.UUID | str | None = None):
    """The pairs the command walks (all, one learner's, or one), in a stable order."""
    pairs = UserLanguagePair.objects.order_by("created_at", "pk")
    if user_email:
        pairs = pairs.filter(user__email=user_email)
    if pair_id:
        pairs = pairs.filter(pk=pair_id)
    return pairs
