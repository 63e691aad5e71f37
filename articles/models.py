from __future__ import annotations

from django.conf import settings
from django.db import models

from langlearn.jobs.models import Job
from langlearn.languages import CEFRLevel
from langlearn.models import TimeStampedModel

ARTICLE_JOB_KIND = "article"


class ArticleLength(models.TextChoices):
    SHORT = "short", "Short (~150 words)"
    MEDIUM = "medium", "Medium (~300 words)"
    LONG = "long", "Long (~600 words)"


class SourceType(models.TextChoices):
    TEXT = "text", "Text"
    URL = "url", "URL"


class SummariseJobManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=ARTICLE_JOB_KIND)


class SummariseJob(Job):
    """A request to turn a source text into a learner article: a `Job` of kind "article".

    Jobs of every kind share one table (`langlearn.jobs.Job`) so `/api/jobs` lists articles and
    adventure scenes together; this proxy is the article-flavoured view of it. Steps: write,
    translate, speak, store, analyse (see articles/pipeline.py)."""

    objects = SummariseJobManager()

    class Meta:
        proxy = True
        verbose_name = "summarise job"

    def save(self, *args, **kwargs):
        self.kind = ARTICLE_JOB_KIND
        super().save(*args, **kwargs)


class TranslatedArticle(TimeStampedModel):
    """The learner article a SummariseJob produced: target-language text at the learner's level,
    its translation into their language, the spoken body, a glossary and key vocabulary."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="articles")
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="articles")
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="article")
    level = models.CharField(max_length=2, choices=CEFRLevel.choices)
    length = models.CharField(max_length=8, choices=ArticleLength.choices, default=ArticleLength.MEDIUM)
    language = models.CharField(max_length=8, help_text="The article's language (the pair's target).")
    translation_language = models.CharField(max_length=8, help_text="The learner's language (the pair's source).")

    title = models.CharField(max_length=300)
    body = models.TextField()
    translated_title = models.CharField(max_length=300, blank=True)
    translation = models.TextField(blank=True)
    translation_note = models.CharField(max_length=300, blank=True, help_text="Why there is no translation.")
    audio = models.CharField(max_length=300, blank=True, help_text="Storage key of the spoken body (WAV).")
    audio_duration_seconds = models.FloatField(null=True, blank=True)
    audio_timings = models.JSONField(
        default=list,
        blank=True,
        help_text="[{paragraph, sentence, text, start_ms, end_ms, estimated}]: each sentence's place in the audio.",
    )
    generation = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the text was fitted to the learner: coverage before/after, rounds, target and new words.",
    )

    glossary = models.JSONField(default=list, blank=True, help_text="[{term, translation, note}] from the LLM.")
    sentences = models.JSONField(default=list, blank=True, help_text="The body split into sentences (spaCy).")
    key_vocabulary = models.JSONField(
        default=list, blank=True, help_text="[{lemma, count, pos, known}] most frequent content lemmas."
    )
    known_word_coverage = models.FloatField(
        null=True, blank=True, help_text="Share of word tokens whose lemma is in the learner's word bank (0 to 1)."
    )
    analysed_at = models.DateTimeField(null=True, blank=True)
    reader_tokens = models.JSONField(
        default=dict,
        blank=True,
        help_text="The body as paragraphs → sentences → tokens (text, whitespace, lemma, POS) for the reader "
        "screen, from the analyse step; word statuses are computed per request.",
    )

    providers = models.JSONField(default=dict, blank=True, help_text="Provider and model used for each step.")
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)

    source_type = models.CharField(max_length=4, choices=SourceType.choices, default=SourceType.TEXT)
    source_url = models.URLField(max_length=2000, blank=True)
    source_title = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="article_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(known_word_coverage__isnull=True)
                | models.Q(known_word_coverage__gte=0, known_word_coverage__lte=1),
                name="article_coverage_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title
