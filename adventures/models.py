"""Choose-your-own-adventure stories: an `Adventure` is a tree of `AdventureScene`s.

Each scene hangs under the scene and choice that led to it. Going back and choosing differently
grows a new branch; choosing the same thing again reuses the existing child. The database keeps
that rule (one opening per adventure, one child per (parent, choice)), so two identical requests
racing each other can never create two scenes — or pay for two generations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from langlearn.languages import CEFRLevel
from langlearn.models import TimeStampedModel

MIN_LENGTH = 5
MAX_LENGTH = 20
DEFAULT_LENGTH = 8
PREMISE_MAX_CHARS = 500


class Genre(models.TextChoices):
    MYSTERY = "mystery", "Mystery"
    TRAVEL = "travel", "Travel"
    SCI_FI = "sci-fi", "Sci-fi"
    FANTASY = "fantasy", "Fantasy"
    EVERYDAY_LIFE = "everyday life", "Everyday life"


class AdventureStatus(models.TextChoices):
    GENERATING = "generating", "Generating"  # the current scene is being written
    READY = "ready", "Ready"  # the current scene is ready and offers choices
    ENDED = "ended", "Ended"  # the current scene is an ending
    FAILED = "failed", "Failed"  # the current scene could not be generated


class SceneStatus(models.TextChoices):
    GENERATING = "generating", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Adventure(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adventures")
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="adventures")
    title = models.CharField(max_length=200, blank=True)
    genre = models.CharField(max_length=20, choices=Genre.choices, blank=True)
    premise = models.TextField(max_length=PREMISE_MAX_CHARS, blank=True, help_text="The learner's idea, if any.")
    level = models.CharField(max_length=2, choices=CEFRLevel.choices)
    target_length = models.PositiveSmallIntegerField(
        default=DEFAULT_LENGTH,
        validators=[MinValueValidator(MIN_LENGTH), MaxValueValidator(MAX_LENGTH)],
        help_text="Scenes from the opening to an ending.",
    )
    status = models.CharField(max_length=12, choices=AdventureStatus.choices, default=AdventureStatus.GENERATING)
    current_scene = models.ForeignKey(
        "AdventureScene", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "-updated_at"], name="adventure_user_updated")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_length__gte=MIN_LENGTH, target_length__lte=MAX_LENGTH),
                name="adventure_length_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Adventure {self.pk}"


class AdventureScene(TimeStampedModel):
    """One scene. `choices` is `[{"id", "text", "translation"}]` (empty on an ending); `paragraphs`
    and `translation` are parallel lists; `new_words` is `[{"lemma", "translation"}]`."""

    adventure = models.ForeignKey(Adventure, on_delete=models.CASCADE, related_name="scenes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    choice_id = models.CharField(max_length=8, blank=True, help_text="The parent's choice that led here.")
    choice_text = models.CharField(max_length=300, blank=True, help_text="That choice's text, as offered.")
    depth = models.PositiveSmallIntegerField(default=1, help_text="1 for the opening scene.")
    status = models.CharField(max_length=12, choices=SceneStatus.choices, default=SceneStatus.GENERATING)
    paragraphs = models.JSONField(default=list, blank=True)
    translation = models.JSONField(default=list, blank=True)
    choices = models.JSONField(default=list, blank=True)
    is_ending = models.BooleanField(default=False)
    new_words = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True, help_text="What happened, in a sentence or two (keeps prompts short).")
    study_words = models.JSONField(default=list, blank=True, help_text="Due words the prompt asked to weave in.")
    coverage = models.JSONField(default=dict, blank=True, help_text="Known-word coverage of the scene text.")
    vocabulary = models.JSONField(default=list, blank=True, help_text="Lemmas of the scene: what /words accepts.")
    audio = models.CharField(max_length=300, blank=True, help_text="Storage key of the spoken scene.")
    audio_duration = models.FloatField(null=True, blank=True)
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
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="adventure_scenes"
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["depth", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["adventure"], condition=models.Q(parent__isnull=True), name="scene_one_opening_per_adventure"
            ),
            models.UniqueConstraint(fields=["parent", "choice_id"], name="scene_one_child_per_choice"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, depth=1) | models.Q(parent__isnull=False, depth__gt=1),
                name="scene_depth_matches_parent",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="scene_status_updated")]

    def __str__(self) -> str:
        return f"{self.adventure_id} scene {self.depth}{' (ending)' if self.is_ending else ''}"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def choice(self, choice_id: str) -> dict | None:
        return next((c for c in self.choices if c.get("id") == choice_id), None)


class FailedSceneGeneration(AdventureScene):
    """Admin view of scenes whose generation failed, with a retry action."""

    class Meta:
        proxy = True
        verbose_name = "failed scene generation"
        verbose_name_plural = "failed scene generations"
