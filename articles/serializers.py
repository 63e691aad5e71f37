from __future__ import annotations

from drf_spectacular.utils import extend_schema_field

from langlearn import serializers
from langlearn.jobs.serializers import JobSerializer
from langlearn.languages import CEFRLevel
from langlearn.storage import MEDIA_URL_SCHEMA, media_url

from .models import ArticleLength, TranslatedArticle
from .services import MAX_TEXT, MIN_TEXT
from .targets import THEME_MAX_LENGTH


class ArticleCreateSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    text = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, trim_whitespace=True)
    # Not a URLField: articles/url_import.py is the one gate for URLs and says why it refuses one.
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="http(s) page to import")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    level = serializers.ChoiceField(choices=CEFRLevel.choices, required=False, help_text="Default: the pair's level.")
    length = serializers.ChoiceField(choices=ArticleLength.choices, required=False, default=ArticleLength.MEDIUM)
    pack = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A published word pack in the pair's language: the article practises its words the learner "
        "does not know yet (after their due and learning cards).",
    )
    theme = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=THEME_MAX_LENGTH,
        help_text="A pack tag (e.g. 'food'): the article practises words of the packs with that tag.",
    )

    def validate(self, attrs):
        text, url = attrs.get("text", ""), attrs.get("url", "")
        if bool(text) == bool(url):
            raise serializers.ValidationError({"text": ["Give either a text or a url (exactly one)."]})
        if text and len(text) < MIN_TEXT:
            raise serializers.ValidationError({"text": [f"Give at least {MIN_TEXT} characters of text."]})
        return attrs


class ArticleJobResponseSerializer(serializers.Serializer):
    job = JobSerializer()


class _AudioMixin(serializers.Serializer):
    audio_url = serializers.SerializerMethodField()

    @extend_schema_field(MEDIA_URL_SCHEMA)
    def get_audio_url(self, article: TranslatedArticle) -> str | None:
        return media_url(article.audio)


class ArticleListSerializer(_AudioMixin, serializers.ModelSerializer):
    # A plain string: empty for pasted text, which a `format: uri` schema would call invalid.
    source_url = serializers.CharField(read_only=True, help_text="The page the text came from; empty for pasted text.")

    class Meta:
        model = TranslatedArticle
        fields = [
            "id",
            "pair",
            "job",
            "title",
            "translated_title",
            "level",
            "length",
            "language",
            "translation_language",
            "audio_url",
            "known_word_coverage",
            "source_type",
            "source_url",
            "created_at",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleListSerializer):
    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "body",
            "translation",
            "translation_note",
            "audio_duration_seconds",
            "glossary",
            "generation",
            "sentences",
            "key_vocabulary",
            "analysed_at",
            "providers",
            "input_tokens",
            "output_tokens",
            "source_title",
            "updated_at",
        ]
        read_only_fields = fields
