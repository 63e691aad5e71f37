"""Texts at the learner's level: the revision loop shared by articles and adventure scenes.

Prompting alone overshoots a learner's level, so a generated draft is measured against what this
learner knows (the share of running content words that are known or being learnt) and, below the
pair's target, the LLM is asked to revise it — told which unknown lemmas to replace or gloss and
which target words to keep — for a bounded number of rounds. Each round is its own job step (a
retry resumes at the first unfinished round; a paid round is never bought twice), and the draft
closest to the target wins: any draft at or above the target beats every draft below it; above,
the lowest (the text is not made poorer than needed); below, the highest.

This module does no database or provider work of its own: the apps hand it drafts as the JSON
their steps stored, each with a `fit` — `{"ratio", "tokens", "unknown": [lemma, ...], "target_used":
[...]}` — and a draft's fit is made here, once for every app, by `measure_draft` from the draft's
`Analysis` and the coverage engine bound to the learner (`knowledge.coverage`; the kernel imports
no app, so each app binds it in its `leveling.py`, which otherwise only analyses its drafts).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from langlearn.clients.base import Analysis, NLPClient, ProviderError

# Every app's job spec declares this many revision steps; the pair's `revision_rounds` (0..5)
# decides how many may run. A step beyond it, or after the target is reached, is skipped.
MAX_ROUNDS = 5
ROUND_STEPS = tuple(f"revise_{n}" for n in range(1, MAX_ROUNDS + 1))
# A revision that gains less than this (in coverage) over the best draft before it ends the loop:
# the LLM has done what it can with this learner's vocabulary, and another round only costs.
MIN_GAIN = 0.005
# How many unknown lemmas a revision request names (the rarest first): more only makes the prompt long.
# bench/leveling_round.py: with 15, a 600-word draft with ~30 unknown lemmas could not reach 0.95 in
# two rounds even when every named word was replaced.
NAMED_UNKNOWN = 25
# What a round may cost in provider calls (the LLM client re-asks once on a malformed answer), and
# what the steps after the loop need at least (the translation, one speech chunk): a round is not
# bought unless the job's budget (`langlearn.jobs.budget`) covers both.
ROUND_CALLS = 2
CALLS_AFTER_ROUNDS = 2
BUDGET_SPENT = "the job's provider-call budget would not cover another round and the rest of the job"
DEFAULTS = {"coverage_target": 0.95, "new_words_per_100": 3.0, "revision_rounds": 2}


def fit_from_coverage(
    coverage: Any, *, target_used: Sequence[str], measured_by: str, vocabulary: bool = True
) -> dict[str, Any]:
    """The JSON a step stores about one draft, from the coverage engine's result (duck-typed:
    `token_ratio`, `tokens`, `covered_tokens`, `unknown` [{lemma, ...}] rarest first).
    `vocabulary`: whether the learner has any word of the language that is not new."""
    return {
        "ratio": coverage.token_ratio,
        "tokens": coverage.tokens,
        "covered": coverage.covered_tokens,
        "unknown": [u["lemma"] for u in coverage.unknown],
        # How often each unknown lemma occurs: what replacing it would gain (see `allowed_to_stay`).
        "unknown_counts": {u["lemma"]: u.get("count", 1) for u in coverage.unknown},
        "target_used": list(target_used),
        "measured_by": measured_by,
        "vocabulary": vocabulary,
    }


UNMEASURED = {"ratio": None, "tokens": 0, "covered": 0, "unknown": [], "target_used": [], "measured_by": ""}


class Measured(Protocol):
    """What `Learner.coverage` answers (`knowledge.phrases.PhraseCoverage`): `coverage`, the engine's
    Coverage (`ratio`, `tokens`, `covered`, `unknown`), and `keys`, the word-bank keys of the phrase
    units found — a target phrase is used when any inflected form of it is in the text."""

    @property
    def coverage(self) -> Any: ...

    @property
    def keys(self) -> set[str]: ...


@dataclass(frozen=True)
class Learner:
    """The coverage engine bound to one learner's pair, as an app hands it in (the kernel imports
    no app): `coverage(analysis)` is `knowledge.phrases.coverage_with_phrases` for the pair,
    `has_vocabulary()` is `knowledge.selectors.has_vocabulary`, `key` is the word bank's key
    (`vocab.keys.normalize_key`). `knowledge.phrases.leveling_learner` binds them."""

    coverage: Callable[[Analysis], Measured]
    has_vocabulary: Callable[[], bool]
    key: Callable[[str], str]


def analyse_draft(nlp: NLPClient, paragraphs: Sequence[str], language: str) -> tuple[Analysis | None, str]:
    """(the draft's analysis, "") or (None, why it cannot be measured). One analysis per paragraph
    (spaCy drops line breaks, and the reader splits the same way), merged into one."""
    paragraphs = [p for p in paragraphs if p.strip()]
    if not paragraphs:
        return None, "empty"
    if not nlp.supports(language):
        return None, "unsupported language"
    try:
        analyses = [nlp.analyze(p, language) for p in paragraphs]
    except ProviderError as exc:
        return None, f"analysis failed: {exc.message}"[:200]
    # Multi-word expressions count once among the lemmas; their token indices move with the merge.
    expressions, offset = [], 0
    for a in analyses:
        expressions += [replace(e, tokens=tuple(i + offset for i in e.tokens)) for e in a.expressions]
        offset += len(a.tokens)
    sentences = [s for a in analyses for s in a.sentences]
    return Analysis(language=language, sentences=sentences, pipeline=analyses[0].pipeline, expressions=expressions), ""


def measure_draft(
    analysis: Analysis | None, *, learner: Learner, target_words: Sequence[str], unmeasured: str = ""
) -> dict[str, Any]:
    """A draft's fit for this learner: the engine's coverage of its analysis (two queries, plus one
    or two for `has_vocabulary`) and which target words it uses (by lemma or form). No analysis
    (`unmeasured` says why) gives ratio None, which the loop treats as fitting: nothing to fix."""
    if analysis is None:
        return {**UNMEASURED, "measured_by": unmeasured}
    started = time.perf_counter()
    measured = learner.coverage(analysis)
    keys = {learner.key(v) for t in analysis.tokens for v in (t.lemma, t.text) if v} | measured.keys
    used = [w for w in target_words if learner.key(w) in keys]
    fit = fit_from_coverage(
        measured.coverage, target_used=used, measured_by=analysis.pipeline, vocabulary=learner.has_vocabulary()
    )
    fit["measure_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return fit


def generation_settings(pair: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The pair's settings as they were when the text was asked for (snapshotted in the job's
    params), else as they are now, else the defaults."""
    snapshot = params.get("leveling") or {}
    return {name: snapshot.get(name, getattr(pair, name, default)) for name, default in DEFAULTS.items()}


def new_words_allowed(words: int, per_100: float) -> int:
    return max(0, math.ceil(words * per_100 / 100))


def _ratio(draft: Mapping[str, Any]) -> float:
    ratio = (draft.get("fit") or {}).get("ratio")
    return -1.0 if ratio is None else float(ratio)


def reaches(draft: Mapping[str, Any], target: float) -> bool:
    """A draft with no content words to measure (None) counts as fitting: there is nothing to fix."""
    ratio = (draft.get("fit") or {}).get("ratio")
    return ratio is None or ratio >= target


def best_index(drafts: Sequence[Mapping[str, Any]], target: float) -> int:
    """The draft closest to the target (see the module docstring); the earliest among equals."""
    fitting = [i for i, d in enumerate(drafts) if reaches(d, target)]
    if fitting:
        return min(fitting, key=lambda i: (_ratio(drafts[i]) if _ratio(drafts[i]) >= 0 else 0.0, i))
    return max(range(len(drafts)), key=lambda i: (_ratio(drafts[i]), -i))


def drafts_done(outputs: Mapping[str, Mapping[str, Any]], *, first: str = "write") -> list[dict[str, Any]]:
    """The drafts written so far, in order: the first step's, then each revision that ran."""
    drafts = [dict(outputs[first])] if outputs.get(first) else []
    drafts += [dict(outputs[name]) for name in ROUND_STEPS if (outputs.get(name) or {}).get("fit")]
    return drafts


def round_decision(
    outputs: Mapping[str, Mapping[str, Any]],
    *,
    round_number: int,
    settings: Mapping[str, Any],
    calls_left: int | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """(the draft to revise, "") when this round should run, else (None, why it is skipped).
    `calls_left`: the provider calls the job may still make (None: no budget)."""
    if round_number > settings["revision_rounds"]:
        return None, f"revision rounds set to {settings['revision_rounds']}"
    drafts = drafts_done(outputs)
    if not drafts:
        return None, "no draft to revise"
    if len(drafts) < round_number:  # an earlier round was skipped: the loop has ended
        return None, "the loop ended in an earlier round"
    if (drafts[0].get("fit") or {}).get("vocabulary") is False:
        # Every content word is new to a learner who knows none: no draft can come closer.
        return None, "the learner has no known or learning words in this language yet"
    best = drafts[best_index(drafts, settings["coverage_target"])]
    if reaches(best, settings["coverage_target"]):
        return None, "coverage target reached"
    if len(drafts) >= 2 and _ratio(drafts[-1]) - max(_ratio(d) for d in drafts[:-1]) < MIN_GAIN:
        return None, "the last revision did not bring the text closer to the target"
    if calls_left is not None and calls_left < ROUND_CALLS + CALLS_AFTER_ROUNDS:
        return None, BUDGET_SPENT
    return best, ""


def unknown_to_name(fit: Mapping[str, Any], *, keep: Iterable[str]) -> list[str]:
    keep_keys = {k.lower() for k in keep}
    return [u for u in fit.get("unknown", []) if u.lower() not in keep_keys][:NAMED_UNKNOWN]


def allowed_to_stay(
    fit: Mapping[str, Any],
    *,
    named: Sequence[str],
    keep: Iterable[str],
    per_100: float,
    target: float | None = None,
) -> int:
    """How many of the `named` unknown lemmas a revision may keep: the new words the text is allowed,
    less the unknown lemmas the request does not name (they stay whatever the LLM does); and, given
    the coverage `target`, no more than fit in the unknown running words the target leaves (a lemma
    that occurs five times costs five) — counting the cheapest first, as a generous bound."""
    keep_keys = {k.lower() for k in keep}
    named_set = set(named)
    unknown = [u for u in fit.get("unknown", []) if u.lower() not in keep_keys]
    unnamed = [u for u in unknown if u not in named_set]
    tokens = fit.get("tokens") or 0
    allowed = new_words_allowed(tokens, per_100) - len(unnamed)
    counts = fit.get("unknown_counts")
    if target is not None and counts is not None:
        room = math.floor((1 - target) * tokens) - sum(counts.get(u, 1) for u in unnamed)
        fitting = 0
        for count in sorted(counts.get(u, 1) for u in named):
            if count > room:
                break
            room -= count
            fitting += 1
        allowed = min(allowed, fitting)
    return max(0, allowed)


def _draft_summary(draft: Mapping[str, Any]) -> dict[str, Any]:
    fit = draft.get("fit") or {}
    return {"ratio": fit.get("ratio"), "tokens": fit.get("tokens"), "unknown": len(fit.get("unknown", []))}


def report(
    drafts: Sequence[Mapping[str, Any]], *, settings: Mapping[str, Any], target_words: Sequence[str]
) -> dict[str, Any]:
    """What the article / scene stores about how it was fitted (and the API shows)."""
    target = settings["coverage_target"]
    chosen = best_index(drafts, target)
    fit = drafts[chosen].get("fit") or {}
    first = drafts[0].get("fit") or {}
    allowed = new_words_allowed(fit.get("tokens") or 0, settings["new_words_per_100"])
    return {
        "coverage_target": target,
        "coverage_before": first.get("ratio"),
        "coverage_after": fit.get("ratio"),
        "below_target": not reaches(drafts[chosen], target),
        "rounds_used": len(drafts) - 1,
        "rounds_allowed": settings["revision_rounds"],
        "chosen_draft": chosen,
        "drafts": [_draft_summary(d) for d in drafts],
        # The words of the chosen text the learner does not know yet (rarest first).
        "new_words": list(fit.get("unknown", []))[:50],
        "new_words_allowed": allowed,
        "target_words": list(target_words),
        "target_words_used": list(fit.get("target_used", [])),
        "measured_by": fit.get("measured_by", ""),
    }
