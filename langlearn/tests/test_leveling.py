"""The kernel's part of the coverage loop (langlearn/leveling.py), without a database: the one
measure of a draft, the paragraph-wise analysis, the budget check and what a revision may keep.
The loop over HTTP is tested in articles/tests/test_leveling.py and adventures/tests/test_leveling.py."""

from __future__ import annotations

from dataclasses import dataclass

from langlearn import leveling
from langlearn.clients.base import Analysis, ExpressionSpan, ProviderError, Sentence, Token

SETTINGS = {"coverage_target": 0.9, "new_words_per_100": 3.0, "revision_rounds": 2}


def token(text: str, lemma: str = "") -> Token:
    return Token(text=text, whitespace=" ", lemma=lemma or text.lower(), pos="NOUN", is_alpha=True, is_punct=False)


class FakeNLP:
    def __init__(self, *, supported: bool = True, fail: bool = False):
        self.supported, self.fail, self.calls = supported, fail, []

    def supports(self, language: str) -> bool:
        return self.supported

    def analyze(self, text: str, language: str) -> Analysis:
        self.calls.append(text)
        if self.fail:
            raise ProviderError("pipeline broken", provider="spacy", retryable=False)
        tokens = [token(w) for w in text.split()]
        expressions = [ExpressionSpan(text="a b", lemma="a b", tokens=(0, 1))] if len(tokens) > 1 else []
        return Analysis(language=language, sentences=[Sentence(text=text, tokens=tokens)], pipeline="fake",
                        expressions=expressions)  # fmt: skip


@dataclass
class FakeCoverage:
    token_ratio: float = 0.5
    tokens: int = 4
    covered_tokens: int = 2
    unknown: list = None


@dataclass
class Measure:  # what knowledge.phrases.coverage_with_phrases answers: the coverage and the phrase keys
    coverage: FakeCoverage
    keys: set


def test_a_draft_is_analysed_paragraph_by_paragraph_and_expressions_keep_their_tokens():
    nlp = FakeNLP()
    analysis, why = leveling.analyse_draft(nlp, ["Gato come", "", "Perro duerme"], "es")
    assert why == ""
    assert nlp.calls == ["Gato come", "Perro duerme"]
    assert [t.text for t in analysis.tokens] == ["Gato", "come", "Perro", "duerme"]
    assert [e.tokens for e in analysis.expressions] == [(0, 1), (2, 3)]


def test_a_draft_that_cannot_be_analysed_is_unmeasured_and_says_why():
    assert leveling.analyse_draft(FakeNLP(), ["  "], "es") == (None, "empty")
    assert leveling.analyse_draft(FakeNLP(supported=False), ["Hola"], "xx") == (None, "unsupported language")
    analysis, why = leveling.analyse_draft(FakeNLP(fail=True), ["Hola"], "es")
    assert analysis is None
    assert why == "analysis failed: pipeline broken"
    fit = leveling.measure_draft(None, learner=None, target_words=["gato"], unmeasured=why)
    assert fit["ratio"] is None
    assert fit["measured_by"] == why
    assert leveling.reaches({"fit": fit}, 0.99)  # nothing to fix


def test_the_one_measure_uses_the_bound_engine_and_finds_target_words_by_lemma_or_form():
    analysis, _ = leveling.analyse_draft(FakeNLP(), ["Gatos come"], "es")
    seen = []
    learner = leveling.Learner(
        coverage=lambda a: seen.append(a) or Measure(FakeCoverage(unknown=[{"lemma": "come"}]), keys={"perro"}),
        has_vocabulary=lambda: True,
        key=lambda text: text.strip().lower(),
    )
    fit = leveling.measure_draft(analysis, learner=learner, target_words=["GATOS", "perro", "come"], unmeasured="")
    assert seen == [analysis]
    assert (fit["ratio"], fit["tokens"], fit["covered"], fit["unknown"]) == (0.5, 4, 2, ["come"])
    assert fit["target_used"] == ["GATOS", "perro", "come"]  # perro: a phrase unit's key
    assert (fit["measured_by"], fit["vocabulary"]) == ("fake", True)
    assert fit["measure_ms"] >= 0


def test_a_round_is_not_bought_when_the_budget_would_not_cover_it_and_the_rest_of_the_job():
    outputs = {"write": {"fit": {"ratio": 0.5, "tokens": 10, "unknown": ["x"], "vocabulary": True}}}
    need = leveling.ROUND_CALLS + leveling.CALLS_AFTER_ROUNDS
    draft, why = leveling.round_decision(outputs, round_number=1, settings=SETTINGS, calls_left=need)
    assert (draft, why) == (outputs["write"], "")
    assert leveling.round_decision(outputs, round_number=1, settings=SETTINGS, calls_left=need - 1) == (
        None,
        leveling.BUDGET_SPENT,
    )
    assert leveling.round_decision(outputs, round_number=1, settings=SETTINGS)[0] is not None  # no budget given


def test_a_revision_may_keep_only_the_new_words_left_after_the_unnamed_ones():
    unknown = [f"w{i}" for i in range(40)]
    fit = {"tokens": 300, "unknown": unknown}  # 3 per 100: 9 new words allowed
    named = leveling.unknown_to_name(fit, keep=[])
    assert len(named) == leveling.NAMED_UNKNOWN
    # 15 unknown lemmas are not named and stay: more than the 9 allowed, so every named one must go.
    assert leveling.allowed_to_stay(fit, named=named, keep=[], per_100=3.0) == 0
    few = {"tokens": 300, "unknown": ["a", "b", "c", "d"]}
    assert leveling.allowed_to_stay(few, named=["a", "b", "c", "d"], keep=[], per_100=3.0) == 9
    # A kept target word is neither named nor counted against the text.
    some = {"tokens": 300, "unknown": [*unknown[:30], "gato"]}
    named = leveling.unknown_to_name(some, keep=["gato"])
    assert "gato" not in named
    assert leveling.allowed_to_stay(some, named=named, keep=["gato"], per_100=3.0) == 4


def test_a_revision_may_keep_no_more_unknown_running_words_than_the_target_leaves():
    # 100 content words at a 0.95 target leave 5 unknown running words; 3 per 100: 3 new lemmas.
    fit = {"tokens": 100, "unknown": ["a", "b", "c", "d"], "unknown_counts": {"a": 4, "b": 1, "c": 2, "d": 9}}
    named = ["a", "b", "c", "d"]
    assert leveling.allowed_to_stay(fit, named=named, keep=[], per_100=3.0) == 3  # lemmas only
    # The cheapest first: b (1) + c (2) fit in 5, a (4) no longer does.
    assert leveling.allowed_to_stay(fit, named=named, keep=[], per_100=3.0, target=0.95) == 2
    # An unnamed lemma that occurs 9 times already takes more than the room: every named one must go.
    assert leveling.allowed_to_stay(fit, named=["a", "b", "c"], keep=[], per_100=3.0, target=0.95) == 0
