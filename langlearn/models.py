import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
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


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key` header, replayed to every retry
    with the same key (see langlearn/idempotency.py). Kept IDEMPOTENCY_KEY_HOURS hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class StorageDeletion(models.Model):
    """A stored object (audio, an export) whose owner is gone, or whose time is up: deleted by the
    `purge_media` job, retried until storage confirms (see langlearn/data_rights.py). Rows outlive
    the account on purpose, so a storage outage delays the deletion instead of forgetting it.
    `not_before`: not deleted before then (an account export is kept EXPORT_RETENTION_HOURS)."""

    key = models.CharField(max_length=500)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    not_before = models.DateTimeField(null=True, blank=True, help_text="Deleted no earlier than this.")

    def __str__(self) -> str:
        return self.key
