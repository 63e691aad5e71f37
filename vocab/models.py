from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from langlearn.languages import LANGUAGE_CHOICES, CEFRLevel
from langlearn.models import TimeStampedModel


class UserLanguagePair(TimeStampedModel):
    """ "I speak `source_language`, I learn `target_language`, at `level`." Also carries the pair's
    scheduling settings (daily new cards, FSRS desired retention and fitted parameters)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_pairs")
    source_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    target_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    level = models.CharField(max_length=2, choices=CEFRLevel.choices, default=CEFRLevel.A1)
    is_active = models.BooleanField(default=True)
    daily_new_cards = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(500)])
    production_cards_enabled = models.BooleanField(
        default=True, help_text="Create native → target (produce) cards as well as recognise cards."
    )
    desired_retention = models.FloatField(default=0.9, validators=[MinValueValidator(0.70), MaxValueValidator(0.97)])
    fsrs_parameters = models.JSONField(null=True, blank=True, help_text="Fitted FSRS-6 parameters (21 floats).")
    fsrs_parameters_fitted_at = models.DateTimeField(null=True, blank=True)
    fsrs_reviews_at_fit = models.PositiveIntegerField(default=0)
    # Kept by the review services in the same transaction as each event, so "has this pair reached
    # the fitting threshold?" is read off the row instead of counting events on every review.
    review_count = models.PositiveIntegerField(default=0, editable=False)
    # Generation at the learner's level (articles, adventure scenes): the share of running words the
    # learner should know (~95% is the floor for unaided reading, ~98% comfortable: Hu & Nation 2000),
    # how many new words per 100 a text may bring, and how many rewrites may chase the target.
    coverage_target = models.FloatField(
        default=0.95,
        validators=[MinValueValidator(0.85), MaxValueValidator(0.99)],
        help_text="Share of a generated text's words the learner should already know (0.85 to 0.99).",
    )
    new_words_per_100 = models.FloatField(
        default=3.0,
        validators=[MinValueValidator(0), MaxValueValidator(15)],
        help_text="New words a generated text may bring per 100 words (0 to 15).",
    )
    revision_rounds = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(5)],
        help_text="How many times the generator may rewrite a text below the coverage target (0 to 5).",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source_language", "target_language"], name="pair_unique_per_user"),
            models.CheckConstraint(
                condition=~models.Q(source_language=models.F("target_language")), name="pair_languages_differ"
            ),
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=0.70, desired_retention__lte=0.97),
                name="pair_desired_retention_range",
            ),
            models.CheckConstraint(
                condition=models.Q(coverage_target__gte=0.85, coverage_target__lte=0.99),
                name="pair_coverage_target_range",
            ),
            models.CheckConstraint(
                condition=models.Q(new_words_per_100__gte=0, new_words_per_100__lte=15),
                name="pair_new_words_per_100_range",
            ),
            models.CheckConstraint(condition=models.Q(revision_rounds__lte=5), name="pair_revision_rounds_range"),
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} ({self.level})"


class EntrySource(models.TextChoices):
    MANUAL = "manual", "Manual"
    PACK = "pack", "Pack"
    ARTICLE = "article", "Article"
    ADVENTURE = "adventure", "Adventure"


class LearnableWordBankEntry(TimeStampedModel):
    """A word or phrase in a learner's word bank for one pair; unique per (pair, normalised lemma)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="word_bank")
    pair = models.ForeignKey(UserLanguagePair, on_delete=models.CASCADE, related_name="entries")
    text = models.CharField(max_length=200)
    lemma = models.CharField(max_length=200, blank=True)
    normalized_lemma = models.CharField(max_length=200, help_text="Lower-cased, trimmed lemma (or text): the key.")
    part_of_speech = models.CharField(max_length=16, blank=True)
    translation = models.CharField(max_length=500, blank=True)
    example_sentence = models.TextField(blank=True)
    example_translation = models.TextField(blank=True)
    audio = models.CharField(max_length=300, blank=True, help_text="Storage key of the spoken word.")
    source = models.CharField(max_length=16, choices=EntrySource.choices, default=EntrySource.MANUAL)
    source_ref = models.UUIDField(null=True, blank=True, help_text="The pack/article/adventure it came from.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "word bank entry"
        verbose_name_plural = "word bank entries"
        constraints = [
            models.UniqueConstraint(fields=["pair", "normalized_lemma"], name="entry_unique_lemma_per_pair"),
        ]
        indexes = [
            models.Index(fields=["user", "pair", "-created_at"], name="entry_user_pair_created"),
        ]

    def __str__(self) -> str:
        return self.text
