"""Query parameters and the documented shape of each screen's response.

The views build plain dicts (a reader page is hundreds of tokens: a serializer per token would cost
more than the queries); these serializers are the OpenAPI contract, and the tests check every
response against them key by key."""

from __future__ import annotations

from adventures.models import AdventureStatus, SceneStatus
from adventures.serializers import NewWordSerializer
from flashcards.selectors import MAX_DUE_LIMIT
from flashcards.serializers import DueCardSerializer
from langlearn import serializers
from langlearn.jobs.models import JobStatus
from langlearn.jobs.serializers import JobResultSerializer
from langlearn.languages import CEFRLevel
from langlearn.query import QuerySerializer

from .selectors.reading import WordStatus
from .selectors.review import DEFAULT_CARDS

# --- query parameters ------------------------------------------------------------------------


class ScreenQuerySerializer(QuerySerializer):
    language_pair = serializers.UUIDField(
        required=False, help_text="Narrow the screen to this pair of yours (default: your active pair)."
    )


class ReviewQuerySerializer(ScreenQuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_DUE_LIMIT, default=DEFAULT_CARDS)


# --- shared pieces ---------------------------------------------------------------------------


class PairSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    level = serializers.ChoiceField(choices=CEFRLevel.choices)
    is_active = serializers.BooleanField()


class JobSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    current_step = serializers.CharField(allow_null=True)
    attempts = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    result = JobResultSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class TokenSerializer(serializers.Serializer):
    text = serializers.CharField()
    whitespace = serializers.CharField(allow_blank=True, help_text="What follows the token in the text.")
    lemma = serializers.CharField()
    pos = serializers.CharField(allow_blank=True, help_text="Universal POS tag; blank without a tagger.")
    is_word = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=WordStatus.choices,
        help_text="The learner's status: known (marked known, or every card mature: stability >= 21 days); "
        "learning (in the word bank, or marked learning); new; ignored (marked ignored, or punctuation, numbers).",
    )
    target = serializers.BooleanField(
        required=False, help_text="A word the text was written to practise (one of your due or learning words)."
    )
    phrase = serializers.IntegerField(
        allow_null=True,
        help_text="The id of the phrase (in `phrases`) this token belongs to, null when none. A token of a phrase "
        "you hold (learning, known, ignored) shows the phrase's status.",
    )


class SentenceSerializer(serializers.Serializer):
    tokens = TokenSerializer(many=True)


class ParagraphSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    sentences = SentenceSerializer(many=True)
    translation = serializers.CharField(allow_null=True, help_text="Null when the texts' paragraphs do not align.")


class CoverageSerializer(serializers.Serializer):
    """Computed by the coverage engine (`knowledge.coverage`), like article and scene coverage."""

    words = serializers.IntegerField(help_text="Word tokens (every status).")
    known = serializers.IntegerField()
    learning = serializers.IntegerField()
    new = serializers.IntegerField()
    ignored = serializers.IntegerField(help_text="Words the learner marked ignored.")
    ratio = serializers.FloatField(
        allow_null=True, help_text="Covered (known or learning) share of content-word tokens; names and ignored out."
    )
    content_words = serializers.IntegerField()
    covered_words = serializers.IntegerField()
    lemmas = serializers.IntegerField(help_text="Distinct content lemmas (a multi-word expression counts once).")
    covered_lemmas = serializers.IntegerField()
    lemma_ratio = serializers.FloatField(allow_null=True)
    unknown_lemmas = serializers.ListField(
        child=serializers.CharField(), help_text="New lemmas of the text, most frequent in the language first."
    )


class TokenPositionSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField()
    sentence = serializers.IntegerField()
    token = serializers.IntegerField()


class PhraseSerializer(serializers.Serializer):
    """A multi-word expression of the text, read as one unit: a curated one or one of your own
    multi-word word-bank entries, found in inflected form ("echaba de menos" for "echar de menos")."""

    id = serializers.IntegerField(help_text="What the phrase's tokens carry in `phrase`.")
    text = serializers.CharField(help_text="As written in the text, with any words between its parts.")
    lemma = serializers.CharField(help_text="Its dictionary form: your entry's text, or the curated phrase.")
    status = serializers.ChoiceField(choices=WordStatus.choices, help_text="Your status for the phrase.")
    source = serializers.ChoiceField(
        choices=["word_bank", "curated"], help_text="Found from your word bank, or from the curated list."
    )
    tokens = TokenPositionSerializer(many=True, help_text="Where its tokens are, in text order.")


class TokenizedTextSerializer(serializers.Serializer):
    paragraphs = ParagraphSerializer(many=True)
    phrases = PhraseSerializer(many=True)
    translation_aligned = serializers.BooleanField()
    coverage = CoverageSerializer()
    tokenizer = serializers.CharField(allow_blank=True, help_text="spaCy pipeline, or 'regex' without one.")


# --- home ------------------------------------------------------------------------------------


class PairCardSerializer(PairSummarySerializer):
    due_count = serializers.IntegerField(help_text="Studied cards due now, counted up to 1,000.")
    due_capped = serializers.BooleanField(
        help_text='More studied cards are due than the count shows: it stops at 1,000 (show it as "1000+").'
    )
    new_count = serializers.IntegerField()


class ArticleCardSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    language_pair = serializers.UUIDField()
    title = serializers.CharField()
    translated_title = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    audio_url = serializers.CharField(allow_null=True)
    known_word_coverage = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()


class AdventureCardSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    language_pair = serializers.UUIDField()
    title = serializers.CharField(allow_blank=True)
    genre = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    status = serializers.ChoiceField(choices=AdventureStatus.choices)
    depth = serializers.IntegerField()
    target_length = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class PackCardSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    entry_count = serializers.IntegerField()
    cover_image_url = serializers.CharField(allow_null=True)


class VocabularyCountsSerializer(serializers.Serializer):
    known_total = serializers.IntegerField(help_text="Words marked known (reader, finished pages, placement, ...).")
    known_by_source = serializers.DictField(child=serializers.IntegerField(), help_text="By where the mark came from.")
    known_this_week = serializers.IntegerField(help_text="Of those, marked in the last seven days.")


class HomeScreenSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField(allow_null=True, help_text="The pair asked for, if any.")
    active_pair = PairCardSerializer(allow_null=True)
    other_pairs = PairCardSerializer(many=True)
    due_count = serializers.IntegerField(help_text="Studied cards due now, counted up to 1,000 per pair.")
    due_capped = serializers.BooleanField(
        help_text='A pair in scope has more than 1,000 studied cards due: `due_count` is a floor ("1000+").'
    )
    new_count = serializers.IntegerField(help_text="New cards still to introduce today.")
    reviews_today = serializers.IntegerField()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    retention_30_days = serializers.FloatField(allow_null=True)
    retention_reviews_30_days = serializers.IntegerField()
    recent_articles = ArticleCardSerializer(many=True)
    adventures_in_progress = AdventureCardSerializer(many=True)
    running_jobs = JobSummarySerializer(many=True)
    recommended_packs = PackCardSerializer(many=True)
    vocabulary = VocabularyCountsSerializer(help_text="The learner's known words, for the pairs in scope.")


# --- review ----------------------------------------------------------------------------------


class RatingPreviewSerializer(serializers.Serializer):
    due = serializers.DateTimeField()
    interval_seconds = serializers.IntegerField()


class IntervalsSerializer(serializers.Serializer):
    again = RatingPreviewSerializer()
    hard = RatingPreviewSerializer()
    good = RatingPreviewSerializer()
    easy = RatingPreviewSerializer()


class ReviewCardSerializer(DueCardSerializer):
    intervals = IntervalsSerializer(help_text="When the card would next be due for each rating (FSRS).")


class ReviewCountsSerializer(serializers.Serializer):
    due = serializers.IntegerField(help_text="Studied cards due now, counted up to 1,000.")
    due_capped = serializers.BooleanField(help_text='More than 1,000 are due: `due` is a floor ("1000+").')
    new = serializers.IntegerField(help_text="New cards still to introduce today.")
    in_batch = serializers.IntegerField()
    remaining_due = serializers.IntegerField()
    remaining_new = serializers.IntegerField()


class ReviewScreenSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField(allow_null=True)
    pair = PairSummarySerializer(allow_null=True)
    cards = ReviewCardSerializer(many=True)
    counts = ReviewCountsSerializer()


# --- reader ----------------------------------------------------------------------------------


class GlossaryItemSerializer(serializers.Serializer):
    term = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class AudioTimingSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField(help_text="Index of the paragraph in `paragraphs`.")
    sentence = serializers.IntegerField(help_text="Index of the sentence in that paragraph.")
    text = serializers.CharField()
    start_ms = serializers.IntegerField()
    end_ms = serializers.IntegerField(help_text="Where the next sentence starts; the last one ends with the audio.")
    estimated = serializers.BooleanField(help_text="Spoken with its neighbours: the boundary is estimated.")


class ReaderArticleSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    language_pair = serializers.UUIDField()
    title = serializers.CharField()
    translated_title = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    language = serializers.CharField()
    translation_language = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)
    translation_note = serializers.CharField(allow_blank=True)
    audio_url = serializers.CharField(allow_null=True)
    audio_duration_seconds = serializers.FloatField(allow_null=True)
    audio_timings = AudioTimingSerializer(many=True, help_text="Each sentence's start and end in the audio.")
    generation = serializers.DictField(
        help_text="How the text was fitted to you: coverage_target, coverage_before/after, below_target, "
        "rounds_used, new_words, target_words, target_words_used."
    )
    glossary = GlossaryItemSerializer(many=True)
    created_at = serializers.DateTimeField()


class ReaderScreenSerializer(TokenizedTextSerializer):
    article = ReaderArticleSerializer()


# --- adventure play --------------------------------------------------------------------------


class PlayAdventureSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    language_pair = serializers.UUIDField()
    target_language = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    genre = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    status = serializers.ChoiceField(choices=AdventureStatus.choices)
    target_length = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class SceneLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    depth = serializers.IntegerField()
    choice_id = serializers.CharField(allow_blank=True)
    choice_text = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=SceneStatus.choices)
    is_ending = serializers.BooleanField()
    summary = serializers.CharField(allow_blank=True)


class PlayChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)
    taken = serializers.BooleanField(help_text="A scene already exists behind this choice.")


class PlaySceneSerializer(SceneLinkSerializer, TokenizedTextSerializer):
    choices = PlayChoiceSerializer(many=True)
    new_words = NewWordSerializer(many=True)
    audio_url = serializers.CharField(allow_null=True)
    audio_duration = serializers.FloatField(allow_null=True)
    audio_timings = AudioTimingSerializer(many=True, help_text="Each sentence's start and end in the audio.")
    error = serializers.CharField(allow_blank=True)


class PlayScreenSerializer(serializers.Serializer):
    adventure = PlayAdventureSerializer()
    scene = PlaySceneSerializer(allow_null=True, help_text="The current scene; null before the opening exists.")
    path = SceneLinkSerializer(many=True, help_text="The scenes from the opening up to the current one.")
    generating = serializers.BooleanField()
    job = JobSummarySerializer(allow_null=True, help_text="The current scene's generation job.")


# --- packs -----------------------------------------------------------------------------------


class PackPreviewEntrySerializer(serializers.Serializer):
    text = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)
    part_of_speech = serializers.CharField(allow_blank=True)
    audio_url = serializers.CharField(allow_null=True)


class CataloguePackSerializer(PackCardSerializer):
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    already_added = serializers.BooleanField()
    preview = PackPreviewEntrySerializer(many=True)


class PackLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=CEFRLevel.choices)
    packs = CataloguePackSerializer(many=True)


class PacksScreenSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField(allow_null=True)
    pair = PairSummarySerializer(allow_null=True)
    levels = PackLevelSerializer(many=True)
    truncated = serializers.BooleanField(help_text="More packs exist than one screen shows (see /api/packs).")
