"""Editor-curated word packs. Entries are keyed by (pack, normalised text) so imports are idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models

from langlearn.languages import LANGUAGE_CHOICES, CEFRLevel
from langlearn.models import TimeStampedModel
from vocab.keys import normalize_key


class WordBankPack(TimeStampedModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, help_text="Natural key used by import/export.")
    description = models.TextField(blank=True)
    source_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, help_text="The learner's language.")
    target_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, help_text="The language learned.")
    level = models.CharField(max_length=2, choices=CEFRLevel.choices, default=CEFRLevel.A1)
    # A JSON list of lower-case tags: portable to SQLite (`make run`) and filterable on both backends.
    tags = models.JSONField(default=list, blank=True)
    cover_image = models.FileField(
        upload_to="packs/covers/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text="Optional JPEG, PNG or WebP.",
    )
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = "word bank pack"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source_language=models.F("target_language")), name="pack_languages_differ"
            ),
        ]
        indexes = [
            models.Index(fields=["published", "source_language", "target_language"], name="pack_catalogue"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.source_language}→{self.target_language}, {self.level})"


class JobStatus(models.TextChoices):
    """Progress of the enqueued per-entry work (translation, audio); blank when nothing was asked."""

    NONE = "", "—"
    QUEUED = "queued", "Queued"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# What an editor writes for an entry, in the order every form, serializer and file format shows it.
ENTRY_CONTENT_FIELDS = ("text", "translation", "part_of_speech", "example_sentence", "example_translation", "notes")


class WordBankPackEntry(TimeStampedModel):
    # Index diet for bulk imports: the unique (pack, normalized_text) constraint already serves
    # lookups by pack, and nothing lists entries by creation time across packs.
    pack = models.ForeignKey(WordBankPack, on_delete=models.CASCADE, related_name="entries", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=200)
    normalized_text = models.CharField(max_length=200, editable=False)
    # The word-bank key of the word (`vocab.keys.normalize_key` of its lemma), set by the analyser
    # (`manage.py relemmatize`); blank until then, and again once the text changes: the word bank then
    # keys the copy by the text (`word_bank_key`). The database default keeps raw-SQL imports valid.
    lemma_key = models.CharField(max_length=200, blank=True, default="", db_default="", editable=False)
    translation = models.CharField(max_length=500, blank=True)
    part_of_speech = models.CharField(max_length=16, blank=True)
    example_sentence = models.TextField(blank=True)
    example_translation = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    audio = models.CharField(max_length=300, blank=True, help_text="Storage key of the spoken word.")
    translation_status = models.CharField(max_length=8, choices=JobStatus.choices, blank=True, default="")
    audio_status = models.CharField(max_length=8, choices=JobStatus.choices, blank=True, default="")
    job_error = models.CharField(max_length=500, blank=True)

    class Meta:
        # adminsortable2 needs the position first in the ordering.
        ordering = ["position", "created_at"]
        verbose_name = "entry"
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["pack", "normalized_text"], name="pack_entry_unique_text"),
        ]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._stored_text_key = instance.__dict__.get("normalized_text")
        return instance

    @property
    def word_bank_key(self) -> str:
        """The key a learner's copy of this word has in the word bank."""
        return self.lemma_key or self.normalized_text

    def save(self, *args, **kwargs) -> None:
        self.text = " ".join(self.text.split())  # as imports store it
        self.normalized_text = normalize_key(self.text)
        if getattr(self, "_stored_text_key", self.normalized_text) != self.normalized_text:
            self.lemma_key = ""  # analysed for another word
        super().save(*args, **kwargs)
        self._stored_text_key = self.normalized_text
