import uuid

from django.db import models


class TimeStampedModel(models.Model):
    """UUID primary key plus created/updated timestamps: the base of every domain model."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TranslationCacheEntry(models.Model):
    """A translation we already paid for, keyed by (sha256 of the text, source, target) in the
    provider's language codes, so the same sentence is never sent to DeepL twice."""

    text_hash = models.CharField(max_length=64)
    source_language = models.CharField(max_length=16)
    target_language = models.CharField(max_length=16)
    text = models.TextField()
    translation = models.TextField()
    detected_source = models.CharField(max_length=16, blank=True)
    billed_characters = models.PositiveIntegerField(default=0)
    provider = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["text_hash", "source_language", "target_language"], name="translation_cache_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language}: {self.text[:40]}"
