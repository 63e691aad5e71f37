from __future__ import annotations

from langlearn import serializers, storage
from langlearn.query import QuerySerializer

from .models import Direction, Flashcard, FlashcardEvent
from .selectors.due import STATE_NAMES
from .services import MAX_SYNC_EVENTS

RATING_CHOICES = ["again", "hard", "good", "easy"]
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
            "suspended",
            "created_at",
        ]
        read_only_fields = fields

    def get_state(self, card: Flashcard) -> str:
        return STATE_NAMES[card.state]

    def get_is_new(self, card: Flashcard) -> bool:
        return card.last_review is None


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
    reviewed_at = serializers.DateTimeField(required=False, help_text="Default: now. Not in the future, ≤ 30 days old.")
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
    """One offline review. The schema documents it; the service validates each event on its own, so
    one bad event is rejected with its reason instead of failing the batch."""

    client_event_id = serializers.CharField(
        max_length=64, help_text="Unique per learner; makes a retried sync a no-op. Printable text."
    )
    card = serializers.UUIDField(help_text="The flashcard reviewed.")
    rating = serializers.ChoiceField(choices=RATING_CHOICES)
    reviewed_at = serializers.DateTimeField(
        help_text="ISO 8601 with a time zone; ≤ 30 days old. May be older than the card's last review "
        "(another device's): the card's history is then replayed in time order."
    )
    duration_ms = serializers.IntegerField(min_value=0, max_value=86_400_000, required=False)


class SyncSerializer(serializers.Serializer):
    """What the view parses: a list of objects, each checked by the service (see SyncRequestSerializer)."""

    events = serializers.ListField(child=serializers.DictField(), max_length=MAX_SYNC_EVENTS)


class SyncRequestSerializer(serializers.Serializer):
    """The request as the schema shows it: typed events."""

    events = SyncEventSerializer(many=True, help_text=f"At most {MAX_SYNC_EVENTS} events.")


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
