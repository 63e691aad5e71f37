import uuid

from django.conf import settings
from django.db import models

from langlearn.models import TimeStampedModel


class Direction(models.TextChoices):
    RECOGNISE = "recognise", "Recognise (target → native)"
    PRODUCE = "produce", "Produce (native → target)"


class CardState(models.IntegerChoices):
    """The values of `fsrs.State`, so a card maps to `fsrs.Card` without translation."""

    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Rating(models.IntegerChoices):
    """The values of `fsrs.Rating`."""

    AGAIN = 1, "again"
    HARD = 2, "hard"
    GOOD = 3, "good"
    EASY = 4, "easy"


class Flashcard(TimeStampedModel):
    """One direction of a word bank entry, carrying its FSRS state as columns.

    A card with `last_review` NULL has never been reviewed: it is "new" for the daily new-card limit.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flashcards")
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="flashcards")
    entry = models.ForeignKey("vocab.LearnableWordBankEntry", on_delete=models.CASCADE, related_name="flashcards")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.RECOGNISE)
    state = models.PositiveSmallIntegerField(choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    suspended = models.BooleanField(default=False)

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "direction"], name="card_unique_direction_per_entry"),
        ]
        indexes = [
            # The due queue reads studied cards and new cards separately, each in (due, id) order. One
            # index over both made the studied-card query walk past every new card (all due since they
            # were added) before its first match: 37 ms with 100k cards, against 0.1 ms with these.
            models.Index(
                fields=["user", "pair", "due", "id"],
                name="card_due_studied",
                condition=models.Q(suspended=False, last_review__isnull=False),
            ),
            models.Index(
                fields=["user", "pair", "due", "id"],
                name="card_due_new",
                condition=models.Q(suspended=False, last_review__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.direction}"

    @property
    def fsrs_card_id(self) -> int:
        """`fsrs.Card` wants an int id; a stable 63-bit one derived from the UUID."""
        return self.id.int & ((1 << 63) - 1)


class FlashcardEvent(models.Model):
    """One review, append-only: the rating and the card's FSRS state before and after."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    card = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_events")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.JSONField()
    state_after = models.JSONField()
    client_event_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_event_id"],
                name="event_client_id_unique_per_user",
                condition=models.Q(client_event_id__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["card", "reviewed_at"], name="event_card_reviewed"),
            models.Index(fields=["user", "reviewed_at"], name="event_user_reviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.get_rating_display()} @ {self.reviewed_at:%Y-%m-%d %H:%M}"


class PairDay(models.Model):
    """A learner's reviews of one pair on one of their days: what the home screen shows (reviews today,
    streaks, 30-day retention) read from a row per day instead of every review event (1 s for a learner
    of a million cards). Kept by PostgreSQL triggers on FlashcardEvent (insert, update, delete; see
    migration 0003), so every writer, bulk or not, keeps it exact; `rebuild_pair_days` recomputes it
    from the events. The day is the learner's at the time of the review, in their time zone then."""

    id = models.BigAutoField(primary_key=True)
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reviews = models.IntegerField(default=0)
    new_cards = models.IntegerField(default=0, help_text="First reviews of a card (state_before had none).")
    retention_reviews = models.IntegerField(default=0, help_text="Reviews of cards in the Review state.")
    retention_passed = models.IntegerField(default=0, help_text="Of those, the ones not rated again.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pair", "day"], name="pairday_unique_per_pair")]
        indexes = [models.Index(fields=["user", "day"], name="pairday_user_day")]

    def __str__(self) -> str:
        return f"{self.pair_id} {self.day}: {self.reviews} reviews"
