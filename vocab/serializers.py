from __future__ import annotations

from langlearn import serializers, storage
from langlearn.languages import LANGUAGES
from langlearn.query import QuerySerializer

from .models import EntrySource, LearnableWordBankEntry, UserLanguagePair
from .services import MAX_ENTRIES_PER_ADD
from .services.pairs import PAIR_SETTINGS

_CODES = ", ".join(LANGUAGES)


class LanguagePairSerializer(serializers.ModelSerializer):
    # Plain strings checked by the service against langlearn.languages (one list); a ChoiceField here
    # would give the schema two enums with one choice set.
    source_language = serializers.CharField(max_length=8, help_text=f"The learner's language: {_CODES}.")
    target_language = serializers.CharField(max_length=8, help_text=f"The language being learnt: {_CODES}.")
    desired_retention = serializers.FloatField(min_value=0.70, max_value=0.97, required=False)
    daily_new_cards = serializers.IntegerField(min_value=0, max_value=500, required=False)
    coverage_target = serializers.FloatField(
        min_value=0.85,
        max_value=0.99,
        required=False,
        help_text="Share of a generated text's words you should already know (default 0.95).",
    )
    new_words_per_100 = serializers.FloatField(
        min_value=0, max_value=15, required=False, help_text="New words per 100 words of a generated text."
    )
    revision_rounds = serializers.IntegerField(
        min_value=0, max_value=5, required=False, help_text="Rewrites allowed to reach the coverage target."
    )
    fsrs_parameters = serializers.ListField(
        child=serializers.FloatField(),
        min_length=21,
        max_length=21,
        allow_null=True,
        required=False,
        help_text="FSRS-6 parameters (21 numbers); null uses the defaults. Fitted from your reviews once a "
        "pair has 512 of them.",
    )

    class Meta:
        model = UserLanguagePair
        # The settings are the ones pair_update accepts: one list, so the two cannot drift apart.
        fields = [
            "id",
            "source_language",
            "target_language",
            *PAIR_SETTINGS,
            "fsrs_parameters_fitted_at",
            "review_count",
            "created_at",
        ]
        read_only_fields = ["id", "fsrs_parameters_fitted_at", "review_count", "created_at"]


class LanguagePairUpdateSerializer(LanguagePairSerializer):
    """The languages are the pair's identity and cannot be changed."""

    source_language = serializers.CharField(read_only=True)
    target_language = serializers.CharField(read_only=True)


class EntrySerializer(serializers.ModelSerializer):
    language_pair = serializers.UUIDField(source="pair_id", read_only=True)
    audio_url = serializers.SerializerMethodField()

    class Meta:
        model = LearnableWordBankEntry
        fields = [
            "id",
            "language_pair",
            "text",
            "lemma",
            "part_of_speech",
            "translation",
            "example_sentence",
            "example_translation",
            "audio_url",
            "source",
            "source_ref",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_audio_url(self, entry: LearnableWordBankEntry) -> str | None:
        return storage.media_url(entry.audio)


class EntryAddedSerializer(EntrySerializer):
    created = serializers.BooleanField(read_only=True, help_text="False when the word was already there.")

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "created"]
        read_only_fields = fields


class EntryInputSerializer(serializers.Serializer):
    """Only `text` is needed; any other field given overrides what the providers would fill in."""

    text = serializers.CharField(max_length=200)
    lemma = serializers.CharField(max_length=200, required=False, allow_blank=True)
    part_of_speech = serializers.CharField(max_length=16, required=False, allow_blank=True)
    translation = serializers.CharField(max_length=500, required=False, allow_blank=True)
    example_sentence = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    example_translation = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EntryCreateSerializer(EntryInputSerializer):
    language_pair = serializers.UUIDField()


class EntryBulkSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    entries = EntryInputSerializer(many=True, min_length=1, max_length=MAX_ENTRIES_PER_ADD)


class EntryBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    results = EntryAddedSerializer(many=True)


class EntryUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200, required=False)
    lemma = serializers.CharField(max_length=200, required=False, allow_blank=True)
    part_of_speech = serializers.CharField(max_length=16, required=False, allow_blank=True)
    translation = serializers.CharField(max_length=500, required=False, allow_blank=True)
    example_sentence = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    example_translation = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EntryFilterSerializer(QuerySerializer):
    language_pair = serializers.UUIDField(required=False)
    pair = serializers.UUIDField(required=False, help_text="Same as language_pair.")
    source = serializers.ChoiceField(choices=EntrySource.choices, required=False)
    search = serializers.CharField(max_length=200, required=False)
    has_audio = serializers.BooleanField(required=False, allow_null=True, default=None)


class LookupSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    text = serializers.CharField(max_length=200)
    sentence = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class LookupExpressionSerializer(serializers.Serializer):
    text = serializers.CharField()
    in_word_bank = serializers.BooleanField()
    entry_id = serializers.UUIDField(allow_null=True)


class LookupResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    lemma = serializers.CharField()
    part_of_speech = serializers.CharField()
    translation = serializers.CharField(allow_null=True)
    in_word_bank = serializers.BooleanField()
    entry_id = serializers.UUIDField(allow_null=True)
    expressions = LookupExpressionSerializer(many=True)
