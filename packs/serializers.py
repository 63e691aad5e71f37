from __future__ import annotations

from drf_spectacular.utils import extend_schema_field

from langlearn import serializers
from langlearn.languages import LANGUAGE_CHOICES, CEFRLevel
from langlearn.query import QuerySerializer
from langlearn.storage import MEDIA_URL_SCHEMA, media_url
from vocab.keys import normalize_key

from .models import ENTRY_CONTENT_FIELDS, WordBankPack, WordBankPackEntry
from .services.formats import split_tags


class PackEntrySerializer(serializers.ModelSerializer):
    audio_url = serializers.SerializerMethodField()

    class Meta:
        model = WordBankPackEntry
        fields = ["id", "position", *ENTRY_CONTENT_FIELDS, "audio_url"]

    @extend_schema_field(MEDIA_URL_SCHEMA)
    def get_audio_url(self, entry: WordBankPackEntry) -> str | None:
        return media_url(entry.audio)


class PackSerializer(serializers.ModelSerializer):
    entry_count = serializers.IntegerField(read_only=True)
    already_added = serializers.BooleanField(read_only=True)
    cover_image_url = serializers.SerializerMethodField()

    class Meta:
        model = WordBankPack
        fields = [
            "id",
            "title",
            "slug",
            "description",
            "source_language",
            "target_language",
            "level",
            "tags",
            "cover_image_url",
            "published_at",
            "entry_count",
            "already_added",
        ]

    @extend_schema_field(MEDIA_URL_SCHEMA)
    def get_cover_image_url(self, pack: WordBankPack) -> str | None:
        return media_url(pack.cover_image.name) if pack.cover_image else None


class PackEntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PackEntrySerializer(many=True)


class PackDetailSerializer(PackSerializer):
    entries = PackEntryPageSerializer(read_only=True, source="entries_page")

    class Meta(PackSerializer.Meta):
        fields = [*PackSerializer.Meta.fields, "entries"]


class PackFilterSerializer(QuerySerializer):
    source_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    target_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    level = serializers.ChoiceField(choices=CEFRLevel.choices, required=False)
    tag = serializers.CharField(required=False, max_length=50)
    search = serializers.CharField(required=False, max_length=100)


class AddToWordBankSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()


class AddToWordBankResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    already_present = serializers.IntegerField()


# --- staff -------------------------------------------------------------------------------------


class TagsField(serializers.ListField):
    child = serializers.CharField(max_length=50)

    def to_internal_value(self, data):
        return split_tags(super().to_internal_value(data))


class AdminPackSerializer(serializers.ModelSerializer):
    tags = TagsField(required=False)
    entry_count = serializers.IntegerField(read_only=True)
    missing_translation = serializers.IntegerField(read_only=True)
    missing_audio = serializers.IntegerField(read_only=True)

    class Meta:
        model = WordBankPack
        fields = [
            "id",
            "title",
            "slug",
            "description",
            "source_language",
            "target_language",
            "level",
            "tags",
            "published",
            "published_at",
            "created_at",
            "updated_at",
            "entry_count",
            "missing_translation",
            "missing_audio",
        ]
        read_only_fields = ["published", "published_at", "created_at", "updated_at"]

    def validate(self, attrs):
        source = attrs.get("source_language", getattr(self.instance, "source_language", None))
        target = attrs.get("target_language", getattr(self.instance, "target_language", None))
        if source and source == target:
            raise serializers.ValidationError({"target_language": ["Must differ from source_language."]})
        return attrs


class AdminPackEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = WordBankPackEntry
        fields = [
            "id",
            "position",
            *ENTRY_CONTENT_FIELDS,
            "audio",
            "translation_status",
            "audio_status",
            "job_error",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["translation_status", "audio_status", "job_error", "created_at", "updated_at"]

    def validate_text(self, value: str) -> str:
        text = " ".join(value.split())
        if not text:
            raise serializers.ValidationError("Text must not be blank.")
        pack = self.context["pack"]
        clash = WordBankPackEntry.objects.filter(pack=pack, normalized_text=normalize_key(text))
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("This pack already has this entry.")
        return text


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)
    update = serializers.BooleanField(default=False)
    publish = serializers.BooleanField(default=False)
    pack = serializers.UUIDField(required=False, help_text="Import rows without pack_slug into this pack.")
    source_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    target_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class ImportLineErrorSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(
        allow_null=True, help_text="Line (CSV), item (JSON) or note (.apkg); null for a whole file."
    )
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    text = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "skip", "reject"])
    reason = serializers.CharField(allow_blank=True)


class ImportEntryCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Differ from the stored entry, kept without `update`.")
    rejected = serializers.IntegerField()


class ImportPackReportSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    file = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "reject"])
    pack_id = serializers.CharField(allow_null=True)
    entries = ImportEntryCountsSerializer()
    changes = serializers.ListField(child=serializers.CharField(), help_text="Pack fields that change.")
    errors = ImportLineErrorSerializer(many=True)
    rows = ImportRowSerializer(many=True, required=False, help_text="Every row's outcome, on dry runs only.")


class ImportTotalsSerializer(serializers.Serializer):
    packs_created = serializers.IntegerField()
    packs_updated = serializers.IntegerField()
    packs_unchanged = serializers.IntegerField()
    packs_rejected = serializers.IntegerField()
    entries_created = serializers.IntegerField()
    entries_updated = serializers.IntegerField()
    entries_unchanged = serializers.IntegerField()
    entries_skipped = serializers.IntegerField()
    entries_rejected = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    totals = ImportTotalsSerializer()
    summary = serializers.CharField()
    packs = ImportPackReportSerializer(many=True)
    errors = ImportLineErrorSerializer(many=True)


class ImportRejectedSerializer(ImportReportSerializer):
    """The report of an import with rejected rows (400): the error contract's fields plus the report."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["import_rejected"])
