"""Screen endpoints: one GET per app screen, read-only (other methods answer 405)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from langlearn import clients

from . import selectors
from .serializers import (
    HomeScreenSerializer,
    PacksScreenSerializer,
    PlayScreenSerializer,
    ReaderScreenSerializer,
    ReviewQuerySerializer,
    ReviewScreenSerializer,
    ScreenQuerySerializer,
)


class ScreenView(APIView):
    http_method_names = ["get", "head", "options"]

    def query(self, serializer_class=ScreenQuerySerializer) -> dict:
        return serializer_class.parse(self.request)


class HomeView(ScreenView):
    @extend_schema(parameters=[ScreenQuerySerializer], responses=HomeScreenSerializer)
    def get(self, request):
        """Pairs with their due and new counts, today's reviews, streaks, 30-day retention, the last
        articles, adventures in progress, running jobs and recommended packs."""
        pair_id = self.query().get("language_pair")
        return Response(selectors.home_screen(user=request.user, pair_id=pair_id))


class ReviewView(ScreenView):
    @extend_schema(parameters=[ReviewQuerySerializer], responses=ReviewScreenSerializer)
    def get(self, request):
        """The next cards of the due queue, with what each rating would schedule, and what is left."""
        params = self.query(ReviewQuerySerializer)
        pair = selectors.pair_for_screen(user=request.user, pair_id=params.get("language_pair"))
        return Response(selectors.review_screen(user=request.user, pair=pair, limit=params["limit"]))


class ReaderView(ScreenView):
    @extend_schema(responses=ReaderScreenSerializer)
    def get(self, request, article_id):
        """The article as paragraphs of sentences of tokens, each with its status for you, the
        phrases of the text as units (curated ones and your own multi-word entries, found inflected),
        the translation by paragraph, the audio and the share of known words."""
        return Response(selectors.reader_screen(user=request.user, article_id=article_id, nlp=clients.get_nlp()))


class PlayView(ScreenView):
    @extend_schema(responses=PlayScreenSerializer)
    def get(self, request, adventure_id):
        """The current scene as tokens with statuses and its phrases as units, its choices, the path
        so far and whether the next scene is being written."""
        return Response(selectors.play_screen(user=request.user, adventure_id=adventure_id, nlp=clients.get_nlp()))


class PacksView(ScreenView):
    @extend_schema(parameters=[ScreenQuerySerializer], responses=PacksScreenSerializer)
    def get(self, request):
        """Published packs for your pair, grouped by level, with a preview and whether you added them."""
        pair = selectors.pair_for_screen(user=request.user, pair_id=self.query().get("language_pair"))
        return Response(selectors.packs_screen(user=request.user, pair=pair))
