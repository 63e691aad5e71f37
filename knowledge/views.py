"""The learner's vocabulary API under /api/vocab/: statuses, finish page, placement."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from langlearn.openapi import AutoSchema
from vocab.selectors import pair_get_for_user

from . import selectors, services
from .listing import Position, word_statuses_page
from .models import PlacementState, PlacementTest, WordStatusMark
from .serializers import (
    FinishPageSerializer,
    PairOnlySerializer,
    PlacementAnswerSerializer,
    PlacementSerializer,
    PlacementStartSerializer,
    StatusChangeSerializer,
    StatusUndoSerializer,
    WordStatusBulkSerializer,
    WordStatusFilterSerializer,
    WordStatusPageSerializer,
    WordStatusSerializer,
)


def _change(result: services.StatusChange) -> Response:
    return Response(StatusChangeSerializer(asdict(result)).data)


MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class _KeysetPageSchema(AutoSchema):
    """The list answers one page object ({next, previous, results}), not an array: drf-spectacular
    would wrap a `list` action's response in an array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class WordStatusViewSet(viewsets.GenericViewSet):
    """The learner's words that are not new, each with its status and where it comes from: the
    explicit marks (known, ignored, learning from the reader, a placement, a pack, an Anki
    import...) and every word-bank word without a mark, with the status its cards give it."""

    serializer_class = WordStatusSerializer
    queryset = WordStatusMark.objects.none()
    schema = _KeysetPageSchema()
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[WordStatusFilterSerializer],
        responses=WordStatusPageSerializer,
        operation_id="api_vocab_word_statuses_list",
    )
    def list(self, request):
        """Every non-new word, in word order, filterable by pair, status, source (`word_bank` for the
        statuses the word bank implies) and word prefix; keyset pages (`next`/`previous` links),
        one query a page."""
        data = WordStatusFilterSerializer.parse(request)
        size = min(data.get("page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        # A form-style parse drops an empty optional value; an empty cursor is an invalid one, not page one.
        cursor = data.get("cursor", request.query_params.get("cursor"))
        position = Position.decode(cursor) if cursor is not None else None
        page = word_statuses_page(
            user=request.user,
            pair_id=data.get("language_pair"),
            status=data.get("status"),
            source=data.get("source"),
            search=data.get("search"),
            position=position,
            size=size,
        )
        rows = page.rows

        def link(cursor: Position | None) -> str | None:
            if cursor is None:
                return None
            return replace_query_param(request.build_absolute_uri(), "cursor", cursor.encode())

        if position is not None and position.backwards:
            after = Position(rows[-1].word, str(rows[-1].pair_id)) if rows else None
            before = page.resume if page.more else None
        else:
            after = page.resume if page.more else None
            before = Position(rows[0].word, str(rows[0].pair_id), True) if rows and position is not None else None
        body = {
            "next": link(after),
            "previous": link(before),
            "results": WordStatusSerializer([asdict(r) for r in rows], many=True).data,
        }
        return Response(body)

    @extend_schema(
        request=WordStatusBulkSerializer,
        responses=StatusChangeSerializer,
        description="Set the status of up to 2,000 words in one request (a reader mark is a list of one). "
        "Setting a status a word already has changes nothing. `new` or `learning` on a word-bank word "
        "returns it to following its cards.",
    )
    def create(self, request):
        serializer = WordStatusBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pair = pair_get_for_user(user=request.user, pair_id=data["language_pair"])
        words = [(w["word"], w["status"]) for w in data["words"]]
        return _change(services.word_statuses_set(pair=pair, words=words, source=data["source"]))


class WordStatusUndoView(APIView):
    @extend_schema(request=StatusUndoSerializer, responses=StatusChangeSerializer)
    def post(self, request):
        """Take back the pair's last change from `source` — a reader mark, a bulk update, the
        statuses an Anki import set. Words changed again since keep their newer status; a second
        undo changes nothing."""
        serializer = StatusUndoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = pair_get_for_user(user=request.user, pair_id=serializer.validated_data["language_pair"])
        return _change(services.last_batch_undo(pair=pair, source=serializer.validated_data["source"]))


class FinishPageView(APIView):
    @extend_schema(request=FinishPageSerializer, responses=StatusChangeSerializer)
    def post(self, request):
        """Every word of the page still new becomes known (LingQ's "finish page"). Idempotent."""
        serializer = FinishPageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = pair_get_for_user(user=request.user, pair_id=serializer.validated_data["language_pair"])
        words = [(w["lemma"], w["text"]) for w in serializer.validated_data["words"]]
        return _change(services.page_finish(pair=pair, words=words))


class FinishPageUndoView(APIView):
    @extend_schema(request=PairOnlySerializer, responses=StatusChangeSerializer)
    def post(self, request):
        """Put back the statuses the last finished page changed (words changed since keep theirs)."""
        serializer = PairOnlySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = pair_get_for_user(user=request.user, pair_id=serializer.validated_data["language_pair"])
        return _change(services.page_finish_undo(pair=pair))


class PlacementViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The placement test: start, answer each round's words yes/no, read the result, undo it."""

    serializer_class = PlacementSerializer
    queryset = PlacementTest.objects.none()

    def get_object(self):
        return selectors.placement_get_for_user(user=self.request.user, placement_id=self.kwargs["pk"])

    @extend_schema(request=PlacementStartSerializer, responses={201: PlacementSerializer})
    def create(self, request):
        """Start a test for a pair; the first round's words come back in `items`."""
        serializer = PlacementStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = pair_get_for_user(user=request.user, pair_id=serializer.validated_data["language_pair"])
        test = services.placement_start(pair=pair)
        return Response(PlacementSerializer(test).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PlacementAnswerSerializer,
        responses={200: PlacementSerializer, 202: PlacementSerializer},
    )
    def answers(self, request, pk=None):
        """Answer every word of the current round. The next round comes back in `items` (200).
        After the last round the answer is 202: `estimate` is the vocabulary size (in lemmas),
        `state` is `marking` and `job` the job marking that many words known; once it has run,
        `state` is `applied` and `marked` the words it marked. (200 with `state` `applied` when the
        estimate is 0 and nothing is to be marked.)"""
        test = self.get_object()
        serializer = PlacementAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = {a["id"]: a["known"] for a in serializer.validated_data["answers"]}
        test = services.placement_answer(test=test, answers=answers)
        code = status.HTTP_202_ACCEPTED if test.state == PlacementState.MARKING else status.HTTP_200_OK
        return Response(PlacementSerializer(test).data, status=code)

    @extend_schema(request=None, responses=PlacementSerializer)
    def undo(self, request, pk=None):
        """Take back the words this placement marked known (undone before its job ran, the job
        marks nothing)."""
        return Response(PlacementSerializer(services.placement_undo(test=self.get_object())).data)
