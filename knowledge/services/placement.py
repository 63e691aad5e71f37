"""The placement test: an adaptive yes/no vocabulary test over wordfreq's frequency bands.

Each round shows 6 real words from one frequency band and 2 pseudo-words (made from real words of
the language and checked absent from wordfreq's list), mixed. The real words are lemmas — the
dictionary forms a learner says they know — ranked by the summed frequency of their forms
(`frequency.ranked_lemmas`). The band is found by binary search over 16 bands spanning the
20,000 most frequent lemmas: a band where at least half of the real words are known (after the
correction for guessing below) moves the search up, else down. 4 to 5 rounds: 32 to 40 answers.

The estimate corrects each tested band's hit rate h for guessing with the false-alarm rate f on
pseudo-words, (h - f) / (1 - f) (the usual yes/no-test correction, Meara & Buxton 1987), then
interpolates between tested bands (rank 0 counts as all known once a band passed, the last band's
end as none) and sums over the bands: a number of lemmas. The lemmas up to that rank are marked
known with source "placement" in one batch (one INSERT ... SELECT, see `_mark_known`);
`placement_undo` puts back what the batch changed. Lemma keys are the word bank's and the reader's
(`vocab.keys.normalize_key` of the lemma), so "tener" marked known paints "tiene" and "tenía".
"""

from __future__ import annotations

import itertools
import random
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from langlearn.errors import Conflict, InvalidInput
from langlearn.jobs.services import job_create
from vocab.models import UserLanguagePair

from ..frequency import frequency_language, ranked_lemmas, ranked_words, zipf
from ..models import PlacementState, PlacementTest, Status, StatusSource
from .statuses import batch_undo, new_words_mark

BANDS = (0, 250, 500, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7500, 9000, 11000, 13000, 15500, 18000, 20000)
REAL_PER_ROUND = 6
PSEUDO_PER_ROUND = 2
PASS_RATE = 0.5
MAX_ROUNDS = 7
PLACEMENT_JOB_KIND = "placement_marks"


def _band_words(language: str, band: int) -> list[str]:
    lemmas = ranked_lemmas(language)
    return [w for w in lemmas[BANDS[band] : BANDS[band + 1]] if len(w) >= 2 and " " not in w]


def _pseudo_word(rng: random.Random, language: str, pool: list[str], taken: set[str]) -> str:
    """A pronounceable non-word: the start of one real word joined to the end of another, kept
    only when wordfreq has never seen it."""
    candidates = [w for w in pool if len(w) >= 4 and w.isalpha()]
    for _ in range(500):
        a, b = rng.choice(candidates), rng.choice(candidates)
        word = a[: rng.randint(2, len(a) - 1)] + b[rng.randint(1, len(b) - 2) :]
        if 4 <= len(word) <= 12 and word not in taken and word != a and word != b and zipf(word, language) == 0:
            return word
    raise InvalidInput("Could not make pseudo-words for this language.", code="placement_unsupported_language")


def _round_items(test: PlacementTest, band: int) -> list[dict[str, Any]]:
    rng = random.Random(test.seed * 100 + len(test.items))
    taken = {item["word"] for item in test.items}
    pool = [w for w in _band_words(test.language, band) if w not in taken]
    real = rng.sample(pool, min(REAL_PER_ROUND, len(pool)))
    common = list(ranked_words(test.language)[:5000])
    pseudo = []
    for _ in range(PSEUDO_PER_ROUND):
        pseudo.append(_pseudo_word(rng, test.language, common, taken | set(real) | set(pseudo)))
    items = [{"word": w, "band": band, "pseudo": False} for w in real]
    items += [{"word": w, "band": band, "pseudo": True} for w in pseudo]
    rng.shuffle(items)
    start = len(test.items)
    return [{"id": start + i, **item, "answer": None} for i, item in enumerate(items)]


def placement_start(*, pair: UserLanguagePair) -> PlacementTest:
    language = frequency_language(pair.target_language)
    if language is None:
        raise InvalidInput(
            f"No placement test for {pair.target_language}: wordfreq has no frequency list for it.",
            code="placement_unsupported_language",
        )
    # A language whose lemma list is short (a small wordfreq list) is tested over the bands it fills.
    hi = max((b for b in range(len(BANDS) - 1) if len(_band_words(language, b)) >= REAL_PER_ROUND), default=-1)
    if hi < 0:
        raise InvalidInput(
            f"No placement test for {pair.target_language}: its frequency list is too short.",
            code="placement_unsupported_language",
        )
    lo = 0
    test = PlacementTest(
        user_id=pair.user_id,
        pair=pair,
        language=language,
        seed=random.SystemRandom().randrange(1, 2**40),
        search={"lo": lo, "hi": hi, "band": (lo + hi) // 2, "round": 1},
    )
    test.items = _round_items(test, test.search["band"])
    test.save()
    return test


def _rates(items: list[dict[str, Any]]) -> tuple[dict[int, float], float]:
    pseudo = [i for i in items if i["pseudo"]]
    false_alarm = sum(bool(i["answer"]) for i in pseudo) / len(pseudo) if pseudo else 0.0
    hits: dict[int, list[bool]] = {}
    for item in items:
        if not item["pseudo"]:
            hits.setdefault(item["band"], []).append(bool(item["answer"]))
    corrected = {}
    for band, answers in hits.items():
        h = sum(answers) / len(answers)
        corrected[band] = max(0.0, (h - false_alarm) / (1 - false_alarm)) if false_alarm < 1 else 0.0
    return corrected, false_alarm


def placement_estimate(items: list[dict[str, Any]]) -> tuple[int, float]:
    """(vocabulary size, false-alarm rate) from the answered items."""
    corrected, false_alarm = _rates(items)
    tested = sorted(((BANDS[b] + BANDS[b + 1]) / 2, p) for b, p in corrected.items())
    # Below the tested bands the words are taken as known, once the learner passed a band after
    # the correction for guessing; a learner who passed none (or guessed everything) gets no credit.
    passed = any(p >= PASS_RATE for p in corrected.values())
    points = [(0.0, 1.0 if passed else (tested[0][1] if tested else 0.0)), *tested]
    points.append((float(BANDS[-1]), 0.0))

    def ratio_at(rank: float) -> float:
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0 <= rank <= x1:
                return y0 if x1 == x0 else y0 + (y1 - y0) * (rank - x0) / (x1 - x0)
        return 0.0

    size = sum((BANDS[b + 1] - BANDS[b]) * ratio_at((BANDS[b] + BANDS[b + 1]) / 2) for b in range(len(BANDS) - 1))
    return round(size), round(false_alarm, 4)


def _mark_known(test: PlacementTest, lemmas: tuple[str, ...]) -> int:
    """The `estimate` most frequent lemmas become known (words with a status already keep it)."""
    return new_words_mark(
        pair=test.pair,
        keys=lemmas[: test.estimate or 0],
        status=Status.KNOWN,
        source=StatusSource.PLACEMENT,
        batch=test.batch,
    )


def placement_answer(*, test: PlacementTest, answers: dict[int, bool]) -> PlacementTest:
    """Record the answers to the current round ({item id: known?}); then the next round, or the
    result. Answers to items already answered are ignored (a retried request).

    After the last round the estimate is known at once, and the marking — up to 20,000 rows of
    marks and as many events, ~2 s in one INSERT ... SELECT (bench/knowledge_placement.py), far
    over what a request may take — is a job (`placement_marks`, created in this transaction, so it
    runs only once the answer is committed): `state` is `marking` with the job linked until it has
    run, then `applied`. An estimate of 0 needs no job."""
    with transaction.atomic():
        test = PlacementTest.objects.select_for_update(of=("self",)).select_related("pair", "user").get(pk=test.pk)
        if test.state != PlacementState.RUNNING:
            raise Conflict("This placement test is finished.", code="placement_finished")
        pending = {item["id"]: item for item in test.items if item["answer"] is None}
        unknown_ids = set(answers) - {item["id"] for item in test.items}
        if unknown_ids:
            raise InvalidInput(f"No such items: {sorted(unknown_ids)}.", code="placement_unknown_item")
        missing = set(pending) - set(answers)
        if missing:
            raise InvalidInput(
                f"Answer every word of the round; missing: {sorted(missing)}.", code="placement_incomplete"
            )
        for item_id, item in pending.items():
            item["answer"] = bool(answers[item_id])
        search = dict(test.search)
        band = search["band"]
        corrected, _ = _rates(test.items)
        passed = corrected.get(band, 0.0) >= PASS_RATE
        if passed:
            search["lo"] = band + 1
        else:
            search["hi"] = band - 1
        if search["lo"] > search["hi"] or search["round"] >= MAX_ROUNDS:
            test.estimate, test.false_alarm_rate = placement_estimate(test.items)
            test.finished_at = timezone.now()
            test.batch = uuid.uuid4()
            if test.estimate:
                test.state = PlacementState.MARKING
                test.job = job_create(
                    user=test.user, kind=PLACEMENT_JOB_KIND, params={"placement": str(test.pk)}, count_quota=False
                )
            else:
                test.state = PlacementState.APPLIED
        else:
            search["band"] = (search["lo"] + search["hi"]) // 2
            search["round"] += 1
            test.items = test.items + _round_items(test, search["band"])
        test.search = search
        test.save()
    return test


def placement_marks_apply(*, placement_id: uuid.UUID | str) -> PlacementTest | None:
    """The placement job's work: mark the estimated lemmas known, once. A second run (Dramatiq
    delivers at least once), or a run after the learner undid the placement, changes nothing.
    None when the placement is gone."""
    test = PlacementTest.objects.filter(pk=placement_id).only("language").first()
    if test is None:
        return None
    lemmas = ranked_lemmas(test.language)  # built outside the transaction: the first build is slow
    with transaction.atomic():
        test = PlacementTest.objects.select_for_update(of=("self",)).select_related("pair").get(pk=placement_id)
        if test.state != PlacementState.MARKING:
            return test
        test.marked = _mark_known(test, lemmas)
        test.state = PlacementState.APPLIED
        test.save(update_fields=["marked", "state", "updated_at"])
    return test


def placement_undo(*, test: PlacementTest) -> PlacementTest:
    """Take back the marks of a finished placement (words changed since keep their new status).
    Undone while its job has not run yet, the job then marks nothing."""
    with transaction.atomic():
        test = PlacementTest.objects.select_for_update(of=("self",)).select_related("pair").get(pk=test.pk)
        if test.state == PlacementState.UNDONE:
            return test
        if test.state == PlacementState.RUNNING or test.batch is None:
            raise Conflict("This placement test has not finished yet.", code="placement_running")
        if test.state == PlacementState.APPLIED:
            batch_undo(pair=test.pair, batch=test.batch)
        test.state = PlacementState.UNDONE
        test.save(update_fields=["state", "updated_at"])
    return test
