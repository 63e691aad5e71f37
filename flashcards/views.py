"""Flashcards API: parse, call a service or selector, serialize."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from langlearn.errors import DomainError, InvalidInput
from langlearn.pagination import CursorPagination
from vocab.selectors import pair_get_for_user

from . import selectors, services
from .models import Flashcard
from .serializers import (
    DueQuerySerializer,
    DueQueueSerializer,
    FlashcardEventSerializer,
    FlashcardFilterSerializer,
    FlashcardSerializer,
    FlashcardUpdateSerializer,
    PronunciationResultSerializer,
    PronunciationUploadSerializer,
    ReviewResultSerializer,
    ReviewSerializer,
    StatsQuerySerializer,
    SyncRequestSerializer,
    SyncResultSerializer,
    SyncSerializer,
)


class PayloadTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"


class EventPagination(CursorPagination):
    ordering = ("-reviewed_at", "-id")


class DueView(APIView):
    """The due queue. Kept lean (dicts from `.values_list()`, no serializer per card): it is the most
    read endpoint of a review session."""

    @extend_schema(parameters=[DueQuerySerializer], responses=DueQueueSerializer)
    def get(self, request):
        params = DueQuerySerializer.parse(request)
        now = timezone.now()
        pair = selectors.pair_for_due_queue(user=request.user, pair_id=params["language_pair"], now=now)
        cards, remaining = selectors.due_cards_for_user(user=request.user, pair=pair, limit=params["limit"], now=now)
        if params["intervals"]:
            for card in cards:
                card["intervals"] = selectors.flashcard_preview_intervals(card, pair=pair, now=now)
        return Response({"language_pair": str(pair.pk), "new_cards_remaining_today": remaining, "results": cards})


class StatsView(APIView):
    @extend_schema(parameters=[StatsQuerySerializer], responses=dict)
    def get(self, request):
        """Reviews per day (30 days), true retention, cards by state, 14-day due forecast and streaks,
        in the learner's time zone."""
        pair_id = StatsQuerySerializer.parse(request).get("language_pair")
        pair = pair_get_for_user(user=request.user, pair_id=pair_id) if pair_id else None
        return Response(selectors.flashcard_stats(user=request.user, pair=pair))


class SyncView(APIView):
    @extend_schema(request=SyncRequestSerializer, responses=SyncResultSerializer)
    def post(self, request):
        """Apply reviews made offline (≤ 1,000, each with a client_event_id). Idempotent: an event already
        applied is reported as a duplicate and changes nothing."""
        serializer = SyncSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = services.reviews_sync(user=request.user, events=serializer.validated_data["events"])
        counts = {s: sum(r.status == s for r in results) for s in ("applied", "duplicate", "rejected")}
        return Response(
            {
                "applied": counts["applied"],
                "duplicates": counts["duplicate"],
                "rejected": counts["rejected"],
                # `card` matches the request's key; `card_id` is kept for clients that read it.
                "results": [{**asdict(r), "card_id": r.card} for r in results],
            }
        )


@extend_schema_view(list=extend_schema(parameters=[FlashcardFilterSerializer]))
class FlashcardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The learner's cards. Filters: `language_pair`, `state` (new/learning/review/relearning),
    `due_before`, `suspended`, `direction`."""

    serializer_class = FlashcardSerializer
    queryset = Flashcard.objects.none()
    filter_backends: list = []
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    throttle_scope = "uploads"  # only read by the ScopedRateThrottle of the pronunciation upload

    def get_queryset(self):
        if self.action != "list":
            return Flashcard.objects.filter(user=self.request.user).select_related("entry")
        data = FlashcardFilterSerializer.parse(self.request)
        return selectors.flashcards_for_user(
            user=self.request.user,
            pair_id=data.get("language_pair") or data.get("pair"),
            state=data.get("state"),
            due_before=data.get("due_before"),
            suspended=data.get("suspended"),
            direction=data.get("direction"),
        )

    @extend_schema(request=FlashcardUpdateSerializer, responses=FlashcardSerializer)
    def partial_update(self, request, pk=None):
        """Suspend or unsuspend a card."""
        card = self.get_object()
        serializer = FlashcardUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        card = services.flashcard_set_suspended(card=card, suspended=serializer.validated_data["suspended"])
        return Response(FlashcardSerializer(card).data)

    @extend_schema(request=ReviewSerializer, responses={201: ReviewResultSerializer, 200: ReviewResultSerializer})
    @action(detail=True, methods=["post"])
    def reviews(self, request, pk=None):
        """Record a review and reschedule the card (FSRS). A repeated client_event_id answers 200 with
        the first event and changes nothing."""
        # Another learner's card is 404 whatever the body says: look it up before validating.
        self.get_object()
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = services.flashcard_review(user=request.user, card_id=pk, **serializer.validated_data)
        card = Flashcard.objects.select_related("entry").get(pk=outcome.card.pk) if outcome.duplicate else outcome.card
        body = {
            "duplicate": outcome.duplicate,
            "replayed": outcome.replayed,
            "event": FlashcardEventSerializer(outcome.event).data,
            "card": FlashcardSerializer(card).data,
        }
        return Response(body, status=status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED)

    @extend_schema(responses=FlashcardEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=EventPagination)
    def events(self, request, pk=None):
        """The card's reviews, newest first (cursor-paginated)."""
        page = self.paginate_queryset(selectors.events_for_card(user=request.user, card_id=pk))
        return self.get_paginated_response(FlashcardEventSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": PronunciationUploadSerializer}, responses=PronunciationResultSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        throttle_classes=[ScopedRateThrottle],
    )
    def pronunciation(self, request, pk=None):
        """Say the card's word: transcript, expected text, a 0-100 score and which words matched.
        The recording is not kept."""
        from langlearn import clients

        card = selectors.flashcard_get_for_user(user=request.user, card_id=pk)
        upload = request.FILES.get("audio")
        if upload is None:
            raise InvalidInput("Send the recording as the multipart field 'audio'.", code="audio_missing")
        if upload.size > settings.AUDIO_UPLOAD_MAX_BYTES:
            raise PayloadTooLarge(f"Audio must be at most {settings.AUDIO_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.")
        result = services.pronunciation_score(card=card, audio=upload.read(), stt=clients.get_stt())
        return Response(asdict(result))
