from __future__ import annotations

from django.utils import timezone

from langlearn import serializers, storage
from langlearn.query import QuerySerializer

from .models import Direction, Flashcard, FlashcardEvent
from .selectors.due import STATE_NAMES
from .selectors.memory import card_retrievability
from .services import MAX_SYNC_EVENTS

RATING_CHOICES = ["again", "hard", "good", "easy"]


class AwareDateTimeField(serializers.DateTimeField):
    """A moment, with its offset. DRF reads a naive time in the server's zone: a phone's local
    "09:00" would become 09:00 UTC and land hours away from the device's other reviews, out of order."""

    default_error_messages = {"naive": "Give the time zone (e.g. 2026-12-01T09:00:00+01:00 or ...Z)."}

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


STATE_FILTERS = ["new", "learning", "review", "relearning"]


class CardEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    lemma = serializers.CharField()
    translation = serializers.CharField()
    audio_url = serializers.SerializerMethodField()

    def get_audio_url(self, entry) -> str | None:
        return storage.media_url(entry.audio)


class FlashcardSerializer(serializers.ModelSerializer):
    """FSRS state is read-only: it changes only through reviews."""

    language_pair = serializers.UUIDField(source="pair_id", read_only=True)
    entry = CardEntrySerializer(read_only=True)
    state = serializers.SerializerMethodField()
    is_new = serializers.SerializerMethodField()
    retrievability = serializers.SerializerMethodField(
        help_text="FSRS's probability of recalling the card now, with its pair's parameters; null if never reviewed."
    )

    class Meta:
        model = Flashcard
        fields = [
            "id",
            "language_pair",
            "entry",
            "direction",
            "state",
            "is_new",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "retrievability",
            "suspended",
            "created_at",
        ]
        read_only_fields = fields

    def get_state(self, card: Flashcard) -> str:
        return STATE_NAMES[card.state]

    def get_is_new(self, card: Flashcard) -> bool:
        return card.last_review is None

    def get_retrievability(self, card: Flashcard) -> float | None:
        return card_retrievability(card)


class FlashcardUpdateSerializer(serializers.Serializer):
    suspended = serializers.BooleanField()


class FlashcardFilterSerializer(QuerySerializer):
    language_pair = serializers.UUIDField(required=False)
    pair = serializers.UUIDField(required=False, help_text="Same as language_pair.")
    state = serializers.ChoiceField(choices=STATE_FILTERS, required=False)
    due_before = serializers.DateTimeField(required=False)
    suspended = serializers.BooleanField(required=False, allow_null=True, default=None)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)


class FlashcardEventSerializer(serializers.ModelSerializer):
    rating = serializers.CharField(source="get_rating_display", read_only=True)

    class Meta:
        model = FlashcardEvent
        fields = [
            "id",
            "card",
            "rating",
            "reviewed_at",
            "duration_ms",
            "state_before",
            "state_after",
            "client_event_id",
            "created_at",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    reviewed_at = AwareDateTimeField(
        required=False, help_text="Default: now. With a time zone; not in the future, ≤ 30 days old."
    )
    duration_ms = serializers.IntegerField(min_value=0, max_value=86_400_000, required=False)
    client_event_id = serializers.CharField(max_length=64, required=False, help_text="Makes a retry a no-op.")


class ReviewResultSerializer(serializers.Serializer):
    duplicate = serializers.BooleanField()
    replayed = serializers.BooleanField(
        help_text="The review was older than the card's last one: its history was replayed in time order."
    )
    event = FlashcardEventSerializer()
    card = FlashcardSerializer()


class SyncEventSerializer(serializers.Serializer):
    """One offline review. What the schema can state (types, required keys, the rating's choices) is
    checked here and fails the batch with a 400 naming the event's index, since it is a client bug;
    what depends on the learner's data (an unknown or suspended card, a review too old, a
    client_event_id seen before) rejects that event alone, with its reason, in a 200."""

    client_event_id = serializers.CharField(
        max_length=64, help_text="Unique per learner; makes a retried sync a no-op. Printable text."
    )
    card = serializers.UUIDField(help_text="The flashcard reviewed.")
    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    reviewed_at = AwareDateTimeField(
        help_text="ISO 8601 with a time zone; ≤ 30 days old. May be older than the card's last review "
        "(another device's): the card's history is then replayed in time order."
    )
    duration_ms = serializers.IntegerField(min_value=0, max_value=86_400_000, required=False, allow_null=True)


class SyncSerializer(serializers.Serializer):
    events = SyncEventSerializer(many=True, max_length=MAX_SYNC_EVENTS, help_text=f"At most {MAX_SYNC_EVENTS}.")


class SyncItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    client_event_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["applied", "duplicate", "rejected"])
    reason = serializers.CharField(allow_null=True)
    event_id = serializers.UUIDField(allow_null=True)
    card = serializers.UUIDField(allow_null=True, help_text="The event's card (the request's `card`).")
    card_id = serializers.UUIDField(allow_null=True, help_text="Deprecated: the same as `card`.")
    replayed = serializers.BooleanField(
        help_text="The event was older than the card's last review: the card's history was replayed."
    )


class SyncResultSerializer(serializers.Serializer):
    applied = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = SyncItemResultSerializer(many=True)


class DueQuerySerializer(QuerySerializer):
    language_pair = serializers.UUIDField()
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    intervals = serializers.BooleanField(default=False, help_text="Add the due date each rating would give.")


class StatsQuerySerializer(QuerySerializer):
    language_pair = serializers.UUIDField(required=False)


class PronunciationUploadSerializer(serializers.Serializer):
    audio = serializers.FileField(help_text="wav, mp3, ogg, webm or m4a; at most 5 MB.")


class PronunciationResultSerializer(serializers.Serializer):
    transcript = serializers.CharField()
    expected = serializers.CharField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    confidence = serializers.FloatField()
    words = serializers.ListField(child=serializers.DictField())


class DueCardSerializer(serializers.Serializer):
    """Documentation of one due-queue item (the view builds these dicts directly, for speed)."""

    id = serializers.UUIDField()
    entry = serializers.UUIDField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    front = serializers.CharField(help_text="What to show: the word (recognise) or its translation (produce).")
    back = serializers.CharField()
    text = serializers.CharField()
    lemma = serializers.CharField()
    part_of_speech = serializers.CharField()
    translation = serializers.CharField()
    example_sentence = serializers.CharField()
    example_translation = serializers.CharField()
    audio_url = serializers.CharField(allow_null=True)
    is_new = serializers.BooleanField()
    state = serializers.CharField()
    step = serializers.IntegerField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)
    difficulty = serializers.FloatField(allow_null=True)
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField(allow_null=True)
    intervals = serializers.DictField(
        required=False, help_text="With ?intervals=true: rating → {due, interval_seconds}."
    )


class DueQueueSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    new_cards_remaining_today = serializers.IntegerField()
    results = DueCardSerializer(many=True)


class RescheduleSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    dry_run = serializers.BooleanField(default=False, help_text="Count what would change; save nothing.")


class RescheduleResultSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField(source="pair_id")
    cards = serializers.IntegerField(help_text="Reviewed cards replayed.")
    changed = serializers.IntegerField(help_text="Cards whose schedule (due date, stability…) changed.")
    events_changed = serializers.IntegerField(help_text="Reviews whose recorded before/after state changed.")
    dry_run = serializers.BooleanField()


class PairQuerySerializer(QuerySerializer):
    language_pair = serializers.UUIDField()


class EvaluationSerializer(serializers.Serializer):
    log_loss = serializers.FloatField(help_text="Lower is better.")
    rmse = serializers.FloatField(help_text="RMSE over bins, as Anki shows it; lower is better.")


class ParametersQualitySerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    reviews = serializers.IntegerField()
    items = serializers.IntegerField(
        help_text="Reviews on a later day than the card's previous one (what FSRS scores)."
    )
    fitted = serializers.BooleanField(help_text="The pair has its own fitted parameters (else the defaults).")
    fitted_at = serializers.DateTimeField(allow_null=True)
    parameters = serializers.ListField(child=serializers.FloatField())
    current = EvaluationSerializer(allow_null=True, help_text="The parameters the pair schedules with.")
    defaults = EvaluationSerializer(allow_null=True, help_text="FSRS-6's default parameters, on the same reviews.")


class WorkloadRowSerializer(serializers.Serializer):
    desired_retention = serializers.FloatField()
    current = serializers.BooleanField(help_text="The pair's desired retention today.")
    reviews_per_day_30 = serializers.FloatField()
    reviews_per_day_90 = serializers.FloatField()
    minutes_per_day_30 = serializers.FloatField()
    minutes_per_day_90 = serializers.FloatField()
    memorized_after_90_days = serializers.FloatField()
    reviews_by_day = serializers.ListField(child=serializers.IntegerField(), help_text="Day 0 is today.")


class WorkloadSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    fitted = serializers.BooleanField()
    deck_size = serializers.IntegerField()
    new_cards = serializers.IntegerField()
    studied_cards = serializers.IntegerField()
    daily_new_cards = serializers.IntegerField()
    days = serializers.IntegerField()
    retentions = WorkloadRowSerializer(many=True)
