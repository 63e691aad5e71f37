"""Input parsing and output shapes for the adventures API (writable fields are named, never `__all__`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field

from langlearn import serializers, storage
from langlearn.jobs.serializers import JobSerializer
from langlearn.languages import CEFRLevel
from langlearn.query import QuerySerializer
from vocab.keys import normalize_key

from .models import (
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    PREMISE_MAX_CHARS,
    Adventure,
    AdventureScene,
    Genre,
    SceneStatus,
)
from .prompts import GENRE_SEEDS

# --- input -----------------------------------------------------------------------------------


class AdventureCreateSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    premise = serializers.CharField(
        max_length=PREMISE_MAX_CHARS,
        required=False,
        allow_blank=True,
        default="",
        help_text=f"Free text, or a genre name: {', '.join(Genre.values)}.",
    )
    genre = serializers.ChoiceField(choices=Genre.choices, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=CEFRLevel.choices, required=False, help_text="Default: the pair's.")
    length = serializers.IntegerField(
        min_value=MIN_LENGTH, max_value=MAX_LENGTH, default=DEFAULT_LENGTH, help_text="Scenes to an ending."
    )


class ChoiceInputSerializer(serializers.Serializer):
    scene = serializers.UUIDField()
    choice = serializers.CharField(max_length=8)


class SpokenChoiceInputSerializer(serializers.Serializer):
    audio = serializers.FileField(help_text="The learner's recording (≤ 5 MB; wav, webm, ogg, mp3, m4a…).")
    scene = serializers.UUIDField(required=False, help_text="Default: the current scene.")

    def to_internal_value(self, data):
        # In a form, DRF reads an empty optional field as "not given"; the schema promises a UUID
        # when the field is present, so an empty one is an error rather than the current scene.
        if hasattr(data, "get") and data.get("scene") == "":
            raise serializers.ValidationError({"scene": ["Must be a valid UUID."]})
        return super().to_internal_value(data)


class WordsInputSerializer(serializers.Serializer):
    scene = serializers.UUIDField()
    lemmas = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1, max_length=50)


class AdventureFilterSerializer(QuerySerializer):
    language_pair = serializers.UUIDField(required=False)
    pair = serializers.UUIDField(required=False, help_text="Same as language_pair (the word bank's name).")
    status = serializers.ChoiceField(choices=Adventure._meta.get_field("status").choices, required=False)


# --- output ----------------------------------------------------------------------------------


class SceneChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)
    taken = serializers.BooleanField(required=False, help_text="A scene already exists behind this choice.")


class NewWordSerializer(serializers.Serializer):
    lemma = serializers.CharField()
    translation = serializers.CharField()
    sentence = serializers.CharField(required=False, help_text="Where the word appears in the scene.")
    in_word_bank = serializers.BooleanField(required=False, help_text="Already in the learner's word bank.")


class SceneNodeSerializer(serializers.ModelSerializer):
    """A scene as a node of the adventure's tree (no text): enough to draw the map of branches."""

    parent = serializers.UUIDField(source="parent_id", allow_null=True)

    class Meta:
        model = AdventureScene
        fields = ["id", "parent", "choice_id", "choice_text", "depth", "status", "is_ending"]
        read_only_fields = fields


class SceneSerializer(SceneNodeSerializer):
    choices = serializers.SerializerMethodField()
    new_words = serializers.SerializerMethodField()
    audio_url = serializers.SerializerMethodField()
    job = serializers.SerializerMethodField()

    class Meta(SceneNodeSerializer.Meta):
        fields = [
            *SceneNodeSerializer.Meta.fields,
            "paragraphs",
            "translation",
            "choices",
            "new_words",
            "coverage",
            "study_words",
            "audio_url",
            "audio_duration",
            "job",
            "error",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SceneChoiceSerializer(many=True))
    def get_choices(self, scene: AdventureScene) -> list[dict]:
        taken: dict = self.context.get("taken_choices", {})
        if scene.pk not in taken:
            return scene.choices
        return [{**c, "taken": c["id"] in taken[scene.pk]} for c in scene.choices]

    @extend_schema_field(NewWordSerializer(many=True))
    def get_new_words(self, scene: AdventureScene) -> list[dict]:
        banked: set[str] | None = self.context.get("banked_lemmas")
        if banked is None:
            return scene.new_words
        return [{**w, "in_word_bank": normalize_key(w["lemma"]) in banked} for w in scene.new_words]

    def get_audio_url(self, scene: AdventureScene) -> str | None:
        return storage.media_url(scene.audio) if scene.audio else None

    @extend_schema_field(JobSerializer(allow_null=True))
    def get_job(self, scene: AdventureScene) -> dict | None:
        # Progress of a scene still being made (or why it failed); a ready scene's job is history,
        # still listed under /api/jobs, and rendering it for every scene of a long path costs.
        if scene.status == SceneStatus.READY or not scene.job_id or scene.job is None:
            return None
        return job_summary(scene.job)


class VocabularyWordSerializer(serializers.Serializer):
    lemma = serializers.CharField()
    text = serializers.CharField(help_text="The form in the text.")
    pos = serializers.CharField(allow_blank=True)
    sentence = serializers.CharField()
    known = serializers.BooleanField(help_text="In the word bank when the scene was written.")


class SceneDetailSerializer(SceneSerializer):
    """One scene with its vocabulary: every content word, for tap-to-add in the reader."""

    vocabulary = VocabularyWordSerializer(many=True, read_only=True)

    class Meta(SceneSerializer.Meta):
        fields = [*SceneSerializer.Meta.fields, "vocabulary"]
        read_only_fields = fields


def job_summary(job) -> dict | None:
    """The job as `/api/jobs/{id}` shows it, so clients poll and render it one way."""
    return JobSerializer(job).data if job is not None else None


class CurrentSceneSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    depth = serializers.IntegerField()
    status = serializers.CharField()
    is_ending = serializers.BooleanField()


class AdventureSerializer(serializers.ModelSerializer):
    language_pair = serializers.UUIDField(source="pair_id")
    # Declared so the schema allows "" (an adventure from a premise only has no genre).
    genre = serializers.ChoiceField(choices=Genre.choices, allow_blank=True, read_only=True)
    target_language = serializers.CharField(source="pair.target_language")
    current_scene = serializers.SerializerMethodField()

    class Meta:
        model = Adventure
        fields = [
            "id",
            "language_pair",
            "target_language",
            "title",
            "genre",
            "premise",
            "level",
            "target_length",
            "status",
            "current_scene",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CurrentSceneSerializer(allow_null=True))
    def get_current_scene(self, adventure: Adventure) -> dict | None:
        scene = adventure.current_scene
        if scene is None:
            return None
        return {"id": scene.pk, "depth": scene.depth, "status": scene.status, "is_ending": scene.is_ending}


class AdventureDetailSerializer(AdventureSerializer):
    path = serializers.SerializerMethodField(help_text="Scenes from the opening to the current one.")
    tree = serializers.SerializerMethodField(help_text="Every scene as a node: the map of branches.")

    class Meta(AdventureSerializer.Meta):
        fields = [*AdventureSerializer.Meta.fields, "path", "tree"]
        read_only_fields = fields

    @extend_schema_field(SceneSerializer(many=True))
    def get_path(self, adventure: Adventure) -> list[dict]:
        return SceneSerializer(self.context.get("path", []), many=True, context=self.context).data

    @extend_schema_field(SceneNodeSerializer(many=True))
    def get_tree(self, adventure: Adventure) -> list[dict]:
        return SceneNodeSerializer(self.context.get("scenes", []), many=True).data


class AdventureCreatedSerializer(serializers.Serializer):
    adventure = AdventureDetailSerializer()
    job = JobSerializer()


class ChoiceResultSerializer(serializers.Serializer):
    adventure = AdventureSerializer()
    scene = SceneSerializer()
    job = JobSerializer(allow_null=True)
    created = serializers.BooleanField(help_text="This request started a new branch.")


class ChoiceScoreSerializer(serializers.Serializer):
    choice = serializers.CharField()
    text = serializers.CharField()
    score = serializers.FloatField()


class SpokenChoiceResultSerializer(serializers.Serializer):
    transcript = serializers.CharField(allow_blank=True)
    confidence = serializers.FloatField(help_text="The recogniser's confidence in the transcript.")
    scores = ChoiceScoreSerializer(many=True)
    matched = serializers.CharField(allow_null=True, help_text="The choice made, or null: ask again.")
    result = ChoiceResultSerializer(allow_null=True)
    detail = serializers.CharField()


class WordEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    lemma = serializers.CharField()
    translation = serializers.CharField(allow_blank=True)


class WordsResultSerializer(serializers.Serializer):
    added = WordEntrySerializer(many=True)
    already_present = WordEntrySerializer(many=True)


class GenreSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()


def genres_list() -> list[dict]:
    return [{"value": g.value, "label": g.label, "description": GENRE_SEEDS[g]} for g in Genre]
