"""The coverage loop of the article pipeline, with the loopback fake LLM scripted: a first draft the
learner cannot read, then a revision they can (or revisions that never get there)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import TranslatedArticle
from langlearn import leveling
from langlearn.testing import run_jobs
from vocab.models import LearnableWordBankEntry

from .factories import PairFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "The cat eats fish in the big house while the dog sleeps in the garden. " * 4
KNOWN = ["el", "gato", "come", "pescado", "la", "casa", "es", "grande", "perro", "duerme"]
HARD = "El felino devora salmón ahumado."
EASY = "El gato come pescado. La casa es grande."


def draft(body: str, title: str = "El gato") -> dict:
    return {"title": title, "body": body, "glossary": []}


@pytest.fixture
def learner_pair(user):
    pair = PairFactory(user=user, coverage_target=0.9, revision_rounds=2)
    LearnableWordBankEntry.objects.bulk_create(
        LearnableWordBankEntry(user=user, pair=pair, text=w, lemma=w, normalized_lemma=w) for w in KNOWN
    )
    return pair


def generate(client, pair, broker, worker) -> dict:
    resp = client.post("/api/generation/articles", {"language_pair": str(pair.pk), "text": SOURCE}, format="json")
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)
    return client.get(f"/api/jobs/{resp.json()['job']['id']}").json()


def prompts(fake_providers) -> list[str]:
    return [r.json["messages"][0]["content"] for r in fake_providers.requests_for("anthropic")]


def test_a_draft_below_target_is_revised_once_and_the_revision_is_stored(
    auth_client, learner_pair, fake_providers, broker, worker
):
    fake_providers.push_tool_input(draft(HARD))
    fake_providers.push_tool_input(draft(EASY))
    job = generate(auth_client, learner_pair, broker, worker)
    assert job["status"] == "succeeded", job
    steps = {s["name"]: s for s in job["steps"]}
    assert steps["revise_1"]["status"] == "done"
    assert steps["revise_2"]["status"] == "skipped"
    assert steps["revise_2"]["note"] == "coverage target reached"

    _, second = prompts(fake_providers)
    # The revision request names the first draft's unknown lemmas and carries the draft.
    named = second.split("does not know (rarest first): ")[1].split(".\n")[0].split(", ")
    assert {"felino", "salmón"} <= set(named)
    assert {"ahumado", "ahumar"} & set(named)  # by lemma when the lemmatiser finds one
    assert "gato" not in named
    assert HARD in second

    article = TranslatedArticle.objects.get(pair=learner_pair)
    assert article.body == EASY
    report = article.generation
    assert report["coverage_target"] == 0.9
    assert report["coverage_before"] < 0.9 <= report["coverage_after"]
    assert report["rounds_used"] == 1
    assert report["below_target"] is False
    assert report["chosen_draft"] == 1
    assert report["new_words"] == []
    # The API shows it.
    assert auth_client.get(f"/api/generation/articles/{article.pk}").status_code == 200


def test_when_no_revision_reaches_the_target_the_closest_draft_is_kept_and_marked(
    auth_client, learner_pair, fake_providers, broker, worker
):
    fake_providers.push_tool_input(draft(HARD))
    fake_providers.push_tool_input(draft("El gato devora salmón ahumado."))  # better, still below
    fake_providers.push_tool_input(draft("El felino devora salmón."))  # worse again
    job = generate(auth_client, learner_pair, broker, worker)
    assert job["status"] == "succeeded", job
    assert len(prompts(fake_providers)) == 3  # the first draft and two rounds, no more
    article = TranslatedArticle.objects.get(pair=learner_pair)
    assert article.body == "El gato devora salmón ahumado."
    report = article.generation
    assert report["below_target"] is True
    assert report["rounds_used"] == 2
    assert report["chosen_draft"] == 1
    ratios = [d["ratio"] for d in report["drafts"]]
    assert ratios[1] == max(ratios)
    assert report["coverage_after"] == ratios[1]
    assert "salmón" in report["new_words"]


def test_a_revision_that_gains_nothing_ends_the_loop(auth_client, learner_pair, fake_providers, broker, worker):
    fake_providers.push_tool_input(draft(HARD))
    fake_providers.push_tool_input(draft("El felino devora salmón ahumado hoy."))  # no closer
    job = generate(auth_client, learner_pair, broker, worker)
    assert job["status"] == "succeeded", job
    assert len(prompts(fake_providers)) == 2  # round 2 is not bought
    steps = {s["name"]: s for s in job["steps"]}
    assert steps["revise_2"]["note"] == "the last revision did not bring the text closer to the target"
    assert TranslatedArticle.objects.get(pair=learner_pair).generation["rounds_used"] == 1


def test_a_learner_with_no_words_yet_gets_the_first_draft_without_revisions(
    auth_client, user, fake_providers, broker, worker
):
    pair = PairFactory(user=user, coverage_target=0.9, revision_rounds=2)
    fake_providers.push_tool_input(draft(HARD))
    job = generate(auth_client, pair, broker, worker)
    assert job["status"] == "succeeded", job
    assert len(prompts(fake_providers)) == 1  # every word is new to them: no round could help
    steps = {s["name"]: s for s in job["steps"]}
    assert steps["revise_1"]["note"] == "the learner has no known or learning words in this language yet"
    report = TranslatedArticle.objects.get(pair=pair).generation
    assert (report["rounds_used"], report["below_target"], report["coverage_after"]) == (0, True, 0.0)


def test_a_redelivered_message_pays_for_no_round_twice(auth_client, learner_pair, fake_providers, broker, worker):
    from langlearn.jobs.tasks import run_job

    fake_providers.push_tool_input(draft(HARD))
    fake_providers.push_tool_input(draft(EASY))
    job = generate(auth_client, learner_pair, broker, worker)
    run_job.send(job["id"])
    run_jobs(broker, worker)
    assert len(prompts(fake_providers)) == 2
    assert TranslatedArticle.objects.filter(pair=learner_pair).count() == 1


def test_target_words_come_from_due_and_learning_cards_and_the_result_lists_those_used(
    auth_client, user, learner_pair, fake_providers, broker, worker
):
    from flashcards.models import Flashcard

    gato = LearnableWordBankEntry.objects.get(pair=learner_pair, normalized_lemma="gato")
    perro = LearnableWordBankEntry.objects.get(pair=learner_pair, normalized_lemma="perro")
    later = timezone.now() + timedelta(hours=1)
    Flashcard.objects.create(user=user, pair=learner_pair, entry=gato, due=later)  # learning, not due yet
    Flashcard.objects.create(user=user, pair=learner_pair, entry=perro, due=later)
    fake_providers.push_tool_input(draft(EASY))
    generate(auth_client, learner_pair, broker, worker)
    (prompt,) = prompts(fake_providers)
    studying = prompt.split("(do not force them): ")[1].split(".\n")[0].split(", ")
    assert studying[:2] in (["gato", "perro"], ["perro", "gato"])
    report = TranslatedArticle.objects.get(pair=learner_pair).generation
    assert {"gato", "perro"} <= set(report["target_words"])
    assert "gato" in report["target_words_used"]
    assert "perro" not in report["target_words_used"]


def test_a_refused_revision_loses_the_round_not_the_article(auth_client, learner_pair, fake_providers, broker, worker):
    fake_providers.push_tool_input(draft(HARD))
    fake_providers.push_error("anthropic", 400)
    fake_providers.push_tool_input(draft(EASY))
    job = generate(auth_client, learner_pair, broker, worker)
    assert job["status"] == "succeeded", job
    steps = {s["name"]: s for s in job["steps"]}
    assert steps["revise_1"]["status"] == "skipped"
    assert steps["revise_1"]["note"].startswith("the revision failed")
    assert steps["revise_2"]["note"] == "the loop ended in an earlier round"
    article = TranslatedArticle.objects.get(pair=learner_pair)
    assert article.body == HARD
    assert article.generation["below_target"] is True


# --- the job's provider-call budget (JOB_MAX_PROVIDER_CALLS) ------------------------------------

THREE_SENTENCES = "El gato devora salmón ahumado. El gato come pescado. La casa es grande."


def step_calls(job_id) -> dict[str, int]:
    from langlearn.jobs.budget import CALLS
    from langlearn.jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return {s["name"]: (s.get("output") or {}).get(CALLS, 0) for s in job.steps}


def test_the_budget_counts_rounds_and_speech_chunks_and_stops_the_loop_cleanly(
    auth_client, learner_pair, fake_providers, broker, worker, settings
):
    # draft 1 + round 1 + translation 1 + 2 speech chunks: round 2 would leave too little for the rest.
    settings.JOB_MAX_PROVIDER_CALLS = 5
    fake_providers.push_tool_input(draft(HARD))
    fake_providers.push_tool_input(draft(THREE_SENTENCES))  # closer, still below the target
    job = generate(auth_client, learner_pair, broker, worker)
    assert job["status"] == "succeeded", job
    steps = {s["name"]: s for s in job["steps"]}
    assert steps["revise_1"]["status"] == "done"
    assert steps["revise_2"]["status"] == "skipped"
    assert steps["revise_2"]["note"] == leveling.BUDGET_SPENT
    assert len(prompts(fake_providers)) == 2
    # Three sentences in the two chunks that were left: one call per chunk, the timings still tile.
    assert len(fake_providers.requests_for("gemini")) == 2
    calls = step_calls(job["id"])
    assert (calls["write"], calls["revise_1"], calls["translate"], calls["speak"]) == (1, 1, 1, 2)
    assert sum(calls.values()) == 5

    article = TranslatedArticle.objects.get(pair=learner_pair)
    assert article.body == THREE_SENTENCES  # the best draft so far
    assert article.generation["below_target"] is True
    assert article.generation["rounds_used"] == 1
    timings = article.audio_timings
    assert len(timings) == 3
    assert any(t["estimated"] for t in timings)
    assert timings[0]["start_ms"] == 0
    assert all(a["end_ms"] == b["start_ms"] for a, b in itertools.pairwise(timings))
    assert timings[-1]["end_ms"] == round(article.audio_duration_seconds * 1000)


def test_a_job_whose_budget_is_spent_by_the_first_draft_keeps_it_without_translation_or_audio(
    auth_client, learner_pair, fake_providers, broker, worker, settings
):
    from langlearn.jobs.budget import SPENT

    settings.JOB_MAX_PROVIDER_CALLS = 1
    fake_providers.push_tool_input(draft(HARD))
    job = generate(auth_client, learner_pair, broker, worker)
    assert job["status"] == "succeeded", job
    steps = {s["name"]: s for s in job["steps"]}
    assert steps["revise_1"]["note"] == leveling.BUDGET_SPENT
    assert (steps["translate"]["status"], steps["translate"]["note"]) == ("skipped", SPENT)
    assert (steps["speak"]["status"], steps["speak"]["note"]) == ("skipped", SPENT)
    assert len(prompts(fake_providers)) == 1
    assert fake_providers.requests_for("gemini") == []
    assert [r for r in fake_providers.requests_for("deepl") if r.path.endswith("/translate")] == []

    article = TranslatedArticle.objects.get(pair=learner_pair)
    assert (article.body, article.audio, article.translation) == (HARD, "", "")
    assert article.generation["below_target"] is True
    reader = auth_client.get(f"/bff/articles/{article.pk}/reader")
    assert reader.status_code == 200
    assert reader.json()["article"]["audio_url"] is None
