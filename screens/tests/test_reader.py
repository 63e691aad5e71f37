import pytest

from articles.analysis import READER_TOKENS_VERSION, analyse_paragraphs, reader_tokens, split_paragraphs
from articles.models import TranslatedArticle
from articles.tests.factories import ArticleFactory
from flashcards.models import CardState, Flashcard
from langlearn import clients
from langlearn.testing import run_jobs
from screens.serializers import ReaderScreenSerializer
from vocab.tests.factories import PairFactory

from .conftest import assert_shape, word

BODY = "El gato come pescado en 2024. El perro duerme.\n\nLa casa es grande, ¿verdad?"
TRANSLATION = "The cat eats fish in 2024. The dog sleeps.\n\nThe house is big, right?"
EXPECTED = [
    # paragraph 1, sentence 1
    [("El", "new"), ("gato", "known"), ("come", "learning"), ("pescado", "new"), ("en", "new"),
     ("2024", "ignored"), (".", "ignored")],
    [("El", "new"), ("perro", "learning"), ("duerme", "new"), (".", "ignored")],
    # paragraph 2
    [("La", "new"), ("casa", "learning"), ("es", "new"), ("grande", "known"), (",", "ignored"),
     ("¿", "ignored"), ("verdad", "new"), ("?", "ignored")],
]  # fmt: skip


def url(article) -> str:
    return f"/bff/articles/{article.pk}/reader"


def seed_word_bank(user, pair, other_pair):
    word(pair, "gato", "known")
    word(pair, "come", "learning", lemma="comer")  # matched by lemma: one card relearning
    word(pair, "perro", "new-cards")  # in the word bank, never reviewed
    word(pair, "casa", "no-cards")  # matched by its text (the lookup lemmatiser says "casar")
    grande = word(pair, "grande", "known")
    # A suspended card that is not in review does not keep a word from being known.
    card = Flashcard.objects.filter(entry=grande).first()
    Flashcard.objects.filter(pk=card.pk).update(state=CardState.RELEARNING, suspended=True)
    word(other_pair, "pescado", "known")  # someone else's word bank
    word(PairFactory(user=user, target_language="fr"), "verdad", "known")  # another pair of mine


def statuses(body) -> list[list[tuple[str, str]]]:
    return [
        [(t["text"], t["status"]) for t in sentence["tokens"]]
        for paragraph in body["paragraphs"]
        for sentence in paragraph["sentences"]
    ]


@pytest.mark.django_db
def test_reader_statuses_against_the_word_bank(auth_client, user, pair, other_pair, read_only):
    seed_word_bank(user, pair, other_pair)
    article = ArticleFactory(pair=pair, body=BODY, translation=TRANSLATION, audio="articles/x/audio.wav")

    with read_only():
        response = auth_client.get(url(article))

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, ReaderScreenSerializer())
    assert statuses(body) == EXPECTED
    assert [len(p["sentences"]) for p in body["paragraphs"]] == [2, 1]
    assert body["translation_aligned"] is True
    assert [p["translation"] for p in body["paragraphs"]] == TRANSLATION.split("\n\n")
    # Coverage counts content words (no tagger offline: spaCy's stop words out, "grande" and
    # "verdad" among them): gato, come, pescado, perro, duerme, casa; covered: known and learning.
    assert body["coverage"] == {
        "words": 13,
        "known": 2,
        "learning": 3,
        "new": 8,
        "ignored": 0,
        "ratio": round(5 / 8, 4),
        "content_words": 8,
        "covered_words": 5,
        "lemmas": 8,
        "covered_lemmas": 5,
        "lemma_ratio": round(5 / 8, 4),
        "unknown_lemmas": ["verdad", "dormir", "pescado"],  # pescado is its own noun lemma now
    }
    assert body["article"]["audio_url"].endswith("articles/x/audio.wav")
    come = body["paragraphs"][0]["sentences"][0]["tokens"][2]
    assert (come["lemma"], come["whitespace"], come["is_word"]) == ("comer", " ", True)
    # The tokens put back together are the text.
    first = "".join(t["text"] + t["whitespace"] for t in body["paragraphs"][0]["sentences"][0]["tokens"])
    assert first.strip() == "El gato come pescado en 2024."


@pytest.mark.django_db
def test_statuses_move_with_the_word_bank(auth_client, pair):
    article = ArticleFactory(pair=pair, body="El gato duerme.", translation="The cat sleeps.")
    assert statuses(auth_client.get(url(article)).json())[0][1] == ("gato", "new")
    entry = word(pair, "gato", "new-cards")
    assert statuses(auth_client.get(url(article)).json())[0][1] == ("gato", "learning")
    Flashcard.objects.filter(entry=entry).update(state=CardState.REVIEW, last_review=entry.created_at, stability=9)
    assert statuses(auth_client.get(url(article)).json())[0][1] == ("gato", "learning")  # in review, not mature
    Flashcard.objects.filter(entry=entry).update(stability=21)  # mature, as Anki counts it
    assert statuses(auth_client.get(url(article)).json())[0][1] == ("gato", "known")


@pytest.mark.django_db
def test_unaligned_translation_is_kept_whole(auth_client, pair):
    article = ArticleFactory(pair=pair, body=BODY, translation="One paragraph only.")
    body = auth_client.get(url(article)).json()
    assert body["translation_aligned"] is False
    assert [p["translation"] for p in body["paragraphs"]] == [None, None]
    assert body["article"]["translation"] == "One paragraph only."


@pytest.mark.django_db
def test_language_without_nlp_falls_back_to_splitting_words(auth_client, user, settings):
    pair = PairFactory(user=user, target_language="ja")  # no spaCy lookup table for Japanese here
    word(pair, "ねこ", "known")
    article = ArticleFactory(pair=pair, language="ja", body="ねこ が いる 。", translation="A cat.")
    body = auth_client.get(url(article)).json()
    assert body["tokenizer"] == "regex"
    assert statuses(body)[0][0] == ("ねこ", "known")
    assert statuses(body)[0][-1] == ("。", "ignored")


@pytest.mark.django_db(transaction=True)
def test_pipeline_stores_the_tokens_and_the_reader_uses_them(
    auth_client, user, pair, fake_providers, broker, worker, read_only
):
    """The analyse step keeps the NLP tokens on the article; the reader only adds statuses."""
    word(pair, "gato", "known")
    fake_providers.push_tool_input({"title": "El gato", "body": BODY, "glossary": []})
    # DeepL is the fake's default answer: "[EN-US] <text>", line breaks kept.
    resp = auth_client.post(
        "/api/generation/articles", {"language_pair": str(pair.pk), "text": "The cat story. " * 20}, format="json"
    )
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)

    article = TranslatedArticle.objects.get(user=user)
    cached = article.reader_tokens
    assert cached["version"] == READER_TOKENS_VERSION
    assert [[t["text"] for t in s] for p in cached["paragraphs"] for s in p] == [
        [text for text, _ in sentence] for sentence in EXPECTED
    ]
    assert "status" not in cached["paragraphs"][0][0][0]  # statuses are per request, not cached

    with read_only():
        body = auth_client.get(url(article)).json()
    assert [t["status"] for t in body["paragraphs"][0]["sentences"][0]["tokens"]][:2] == ["new", "known"]
    assert body["tokenizer"] == cached["pipeline"]
    assert body["translation_aligned"] is True
    assert body["paragraphs"][1]["translation"] == "La casa es grande, ¿verdad?"


@pytest.mark.django_db
def test_stored_tokens_are_used_while_they_match_the_body(auth_client, pair):
    word(pair, "gato", "known")
    texts = split_paragraphs(BODY)
    stored = reader_tokens(analyse_paragraphs(clients.get_nlp(), texts, "es"), paragraphs=texts)
    article = ArticleFactory(pair=pair, body=BODY, reader_tokens={**stored, "pipeline": "stored-by-the-pipeline"})

    body = auth_client.get(url(article)).json()
    assert body["tokenizer"] == "stored-by-the-pipeline"
    assert statuses(body) == statuses_only(EXPECTED, known={"gato"})

    # An editor changed the body in the admin: the stored tokens are stale, the text is analysed again.
    TranslatedArticle.objects.filter(pk=article.pk).update(body="El perro y el gato.")
    body = auth_client.get(url(article)).json()
    assert body["tokenizer"] != "stored-by-the-pipeline"
    tokens = body["paragraphs"][0]["sentences"][0]["tokens"]
    assert [t["text"] for t in tokens] == ["El", "perro", "y", "el", "gato", "."]


def statuses_only(expected, *, known: set[str]):
    """EXPECTED for a word bank holding only `known` words."""
    return [
        [(text, status if status == "ignored" else ("known" if text in known else "new")) for text, status in sentence]
        for sentence in expected
    ]


@pytest.mark.django_db
def test_another_learners_article_is_404(auth_client, other_client, pair):
    article = ArticleFactory(pair=pair)
    assert other_client.get(url(article)).status_code == 404
    assert auth_client.get("/bff/articles/00000000-0000-0000-0000-000000000000/reader").status_code == 404
    assert auth_client.get(url(article)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("entries", "articles"), [(10, 1), (500, 20)])
def test_reader_query_count_is_constant(auth_client, pair, entries, articles, django_assert_num_queries):
    for i in range(entries):
        word(pair, f"w{i}", "no-cards")
    word(pair, "gato", "known")
    made = [ArticleFactory(pair=pair, body=BODY, translation=TRANSLATION) for _ in range(articles)]

    # The account (JWT), the article, the learner's phrases, the statuses (marks, word bank).
    with django_assert_num_queries(5):
        body = auth_client.get(url(made[-1])).json()
    assert body["coverage"]["known"] == 1
