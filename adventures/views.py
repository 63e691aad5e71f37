"""Adventures API: parse, call a service or selector, serialize."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from langlearn import clients
from langlearn.idempotency import idempotent
from langlearn.jobs.throttles import GenerationThrottle

from . import selectors, services
from .models import Adventure
from .serializers import (
    AdventureCreatedSerializer,
    AdventureCreateSerializer,
    AdventureDetailSerializer,
    AdventureFilterSerializer,
    AdventureSerializer,
    ChoiceInputSerializer,
    ChoiceResultSerializer,
    GenreSerializer,
    SceneDetailSerializer,
    SceneSerializer,
    SpokenChoiceInputSerializer,
    SpokenChoiceResultSerializer,
    WordsInputSerializer,
    WordsResultSerializer,
    genres_list,
    job_summary,
)

# Paid work (scene generation, speech recognition) gets its own tighter per-user rate on top of the
# daily generation quota, which the job service enforces in the database. The "generation" bucket
# is the one articles use: a learner's bursts are counted across both.
THROTTLE_SCOPES = {"create": "generation", "choices": "generation", "retry": "generation", "spoken_choice": "uploads"}


def _choice_result(outcome: services.ChoiceOutcome) -> dict:
    return {
        "adventure": AdventureSerializer(outcome.adventure).data,
        "scene": SceneSerializer(outcome.scene).data,
        "job": job_summary(outcome.job),
        "created": outcome.created,
    }


def adventure_detail_data(adventure: Adventure) -> dict:
    """The adventure with its path and tree, as `GET /api/adventures/{id}` shows it (a play screen
    can reuse it)."""
    tree = selectors.adventure_tree(adventure=adventure)
    context = {
        "path": tree.path,
        "scenes": tree.scenes,
        "taken_choices": tree.taken,
        "banked_lemmas": selectors.banked_lemmas(pair=adventure.pair, scenes=tree.path),
    }
    return AdventureDetailSerializer(adventure, context=context).data


class AdventureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The learner's adventures: start one, play it choice by choice (or by voice), branch, delete."""

    serializer_class = AdventureSerializer
    queryset = Adventure.objects.none()
    filter_backends: list = []

    def get_throttles(self):
        scope = THROTTLE_SCOPES.get(self.action)
        if scope is None:
            return super().get_throttles()
        self.throttle_scope = scope
        return [UserRateThrottle(), GenerationThrottle()]

    def get_queryset(self):
        if self.action != "list":
            return selectors.adventures_for_user(user=self.request.user)
        filters = AdventureFilterSerializer.parse(self.request)
        return selectors.adventures_for_user(
            user=self.request.user,
            pair_id=filters.get("language_pair") or filters.get("pair"),
            status=filters.get("status"),
        )

    def _adventure(self) -> Adventure:
        return selectors.adventure_get_for_user(user=self.request.user, adventure_id=self.kwargs["pk"])

    @extend_schema(parameters=[AdventureFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AdventureCreateSerializer, responses={202: AdventureCreatedSerializer})
    @idempotent
    def create(self, request):
        data = AdventureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        adventure, job = services.adventure_create(
            user=request.user,
            pair_id=v["language_pair"],
            premise=v["premise"],
            genre=v["genre"],
            level=v.get("level"),
            length=v["length"],
        )
        adventure = self._reload(adventure)
        return Response(
            {"adventure": adventure_detail_data(adventure), "job": job_summary(job)}, status=status.HTTP_202_ACCEPTED
        )

    def _reload(self, adventure: Adventure) -> Adventure:
        return selectors.adventure_get_for_user(user=self.request.user, adventure_id=adventure.pk)

    @extend_schema(responses=AdventureDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(adventure_detail_data(self._adventure()))

    def perform_destroy(self, instance: Adventure) -> None:
        services.adventure_delete(adventure=instance)

    @extend_schema(request=ChoiceInputSerializer, responses={202: ChoiceResultSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def choices(self, request, pk=None):
        # Another learner's adventure is 404 whatever the body says: look it up before validating.
        self._adventure()
        data = ChoiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.adventure_choose(
            user=request.user,
            adventure_id=pk,
            scene_id=data.validated_data["scene"],
            choice_id=data.validated_data["choice"],
        )
        return Response(_choice_result(outcome), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request={"multipart/form-data": SpokenChoiceInputSerializer},
        responses={
            202: OpenApiResponse(SpokenChoiceResultSerializer, description="Matched: the choice was made."),
            200: OpenApiResponse(SpokenChoiceResultSerializer, description="No confident match: ask again."),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    @idempotent
    def spoken_choice(self, request, pk=None):
        self._adventure()  # 404 before parsing the upload (and before a 415 for a wrong body type)
        data = SpokenChoiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["audio"]
        outcome = services.adventure_spoken_choice(
            user=request.user,
            adventure_id=pk,
            # Never more than one byte past the limit in memory: the service then refuses it (413).
            audio=upload.read(settings.AUDIO_UPLOAD_MAX_BYTES + 1),
            mime=upload.content_type or "application/octet-stream",
            scene_id=data.validated_data.get("scene"),
            stt=clients.get_stt(),
        )
        matched = outcome.match.best.choice if outcome.choice else None
        body = {
            "transcript": outcome.transcript.transcript,
            "confidence": outcome.transcript.confidence,
            "scores": [{"choice": s.choice, "text": s.text, "score": s.score} for s in outcome.match.scores],
            "matched": matched,
            "result": _choice_result(outcome.choice) if outcome.choice else None,
            "detail": "Choice made." if matched else "Could not tell which choice you meant; please try again.",
        }
        return Response(body, status=status.HTTP_202_ACCEPTED if matched else status.HTTP_200_OK)

    @extend_schema(request=WordsInputSerializer, responses={200: WordsResultSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def words(self, request, pk=None):
        adventure = self._adventure()  # 404 for another learner's adventure, before validating
        data = WordsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.adventure_words_add(
            adventure=adventure,
            scene_id=data.validated_data["scene"],
            lemmas=data.validated_data["lemmas"],
            nlp=clients.get_nlp(),
            translator=clients.get_translator(),
        )
        return Response(WordsResultSerializer(result).data)

    @extend_schema(request=None, responses={202: ChoiceResultSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def retry(self, request, pk=None):
        """Try again to generate the current scene after its generation failed (409 otherwise)."""
        outcome = services.adventure_retry_current(user=request.user, adventure_id=pk)
        return Response(_choice_result(outcome), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=SceneDetailSerializer)
    @action(detail=True, methods=["get"])
    def scene(self, request, pk=None, scene_id=None):
        adventure = self._adventure()
        scene = selectors.scene_get(adventure=adventure, scene_id=scene_id)
        context = {
            "taken_choices": {scene.pk: set(scene.children.values_list("choice_id", flat=True))},
            "banked_lemmas": selectors.banked_lemmas(pair=adventure.pair, scenes=[scene]),
        }
        return Response(SceneDetailSerializer(scene, context=context).data)

    @extend_schema(responses=GenreSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def genres(self, request):
        return Response(GenreSerializer(genres_list(), many=True).data)
