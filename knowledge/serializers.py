from __future__ import annotations

from langlearn import serializers
from langlearn.jobs.serializers import JobSerializer
from langlearn.query import QuerySerializer

from .listing import LIST_SOURCES
from .models import PlacementTest, Status, StatusSource
from .services.statuses import MAX_KEY_LENGTH, MAX_WORDS_PER_REQUEST

# The sources a client may name when it sets statuses; the others are written by the server.
CLIENT_SOURCES = [(s.value, s.label) for s in (StatusSource.READER, StatusSource.API)]


class WordStatusSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField(source="pair_id")
    word = serializers.CharField(help_text="The word's key: its normalised lemma (or expression).")
    status = serializers.ChoiceField(choices=Status.choices)
    source = serializers.ChoiceField(
        choices=LIST_SOURCES,
        help_text="Where the status comes from: a mark's source, or `word_bank` for a word-bank word "
        "without a mark, whose status its cards give (known once every active card is mature).",
    )
    updated_at = serializers.DateTimeField()
    cards = serializers.IntegerField(allow_null=True, help_text="Word-bank words: active cards.")
    mature_cards = serializers.IntegerField(allow_null=True, help_text="Word-bank words: mature cards among them.")


class WordStatusPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, help_text="The next page's URL; null on the last page.")
    previous = serializers.CharField(allow_null=True, help_text="The previous page's URL; null on the first.")
    results = WordStatusSerializer(many=True)


class WordStatusFilterSerializer(QuerySerializer):
    language_pair = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    source = serializers.ChoiceField(choices=LIST_SOURCES, required=False)
    search = serializers.CharField(max_length=MAX_KEY_LENGTH, required=False, help_text="Prefix of the word.")
    cursor = serializers.CharField(max_length=2000, required=False, help_text="From a page's next/previous link.")
    page_size = serializers.IntegerField(
        min_value=1, required=False, help_text="At most 100 (larger asks are capped); default 20."
    )


class WordStatusInputSerializer(serializers.Serializer):
    word = serializers.CharField(max_length=MAX_KEY_LENGTH, help_text="A lemma or multi-word expression.")
    status = serializers.ChoiceField(choices=Status.choices)


class WordStatusBulkSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    words = WordStatusInputSerializer(many=True, max_length=MAX_WORDS_PER_REQUEST, allow_empty=False)
    source = serializers.ChoiceField(choices=CLIENT_SOURCES, default=StatusSource.READER)


class StatusChangeSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    batch = serializers.UUIDField(allow_null=True, help_text="The change's id; null when nothing changed.")


class PageWordSerializer(serializers.Serializer):
    lemma = serializers.CharField(max_length=MAX_KEY_LENGTH)
    text = serializers.CharField(max_length=MAX_KEY_LENGTH, required=False, default="")


class FinishPageSerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()
    words = PageWordSerializer(
        many=True,
        max_length=MAX_WORDS_PER_REQUEST,
        help_text="The page's word tokens, `lemma` and `text` as the reader screen gives them.",
    )


class PairOnlySerializer(serializers.Serializer):
    language_pair = serializers.UUIDField()


# The sources whose last batch a learner may take back with /word-statuses/undo.
UNDOABLE_SOURCES = [(s.value, s.label) for s in (StatusSource.READER, StatusSource.API, StatusSource.ANKI)]


class StatusUndoSerializer(PairOnlySerializer):
    source = serializers.ChoiceField(
        choices=UNDOABLE_SOURCES,
        help_text="Take back the pair's last change from this source (a mark, a bulk update, an Anki import).",
    )


class PlacementItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    word = serializers.CharField()


class PlacementSerializer(serializers.ModelSerializer):
    language_pair = serializers.UUIDField(source="pair_id", read_only=True)
    items = serializers.SerializerMethodField(help_text="The words of the current round to answer yes/no.")
    answered = serializers.SerializerMethodField()
    job = JobSerializer(
        read_only=True,
        allow_null=True,
        help_text="The job marking the estimated words known (state `marking` until it has run; "
        "follow it at /api/jobs/{id}). Null before the last round and when nothing is to be marked.",
    )

    class Meta:
        model = PlacementTest
        fields = [
            "id",
            "language_pair",
            "language",
            "state",
            "items",
            "answered",
            "estimate",
            "false_alarm_rate",
            "marked",
            "job",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_items(self, obj) -> list[dict]:
        # Which words are pseudo-words is never sent: the client would give the check away.
        return [{"id": i["id"], "word": i["word"]} for i in obj.items if i["answer"] is None]

    def get_answered(self, obj) -> int:
        return sum(i["answer"] is not None for i in obj.items)


class PlacementStartSerializer(PairOnlySerializer):
    pass


class PlacementAnswerItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=0)
    known = serializers.BooleanField()


class PlacementAnswerSerializer(serializers.Serializer):
    answers = PlacementAnswerItemSerializer(many=True, max_length=100, allow_empty=False)
