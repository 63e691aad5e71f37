"""`GET /api/flashcards` (the list) is routed in langlearn/urls.py, without the trailing slash the
include prefix would force; everything else lives here."""

from django.urls import path

from . import views

app_name = "flashcards"

Cards = views.FlashcardViewSet


def _action(name: str, method: str):
    return Cards.as_view({method: name}, **getattr(Cards, name).kwargs)


urlpatterns = [
    path("due", views.DueView.as_view(), name="due"),
    path("stats", views.StatsView.as_view(), name="stats"),
    path("reviews/sync", views.SyncView.as_view(), name="reviews-sync"),
    path("<uuid:pk>", Cards.as_view({"get": "retrieve", "patch": "partial_update"}), name="flashcard-detail"),
    path("<uuid:pk>/reviews", _action("reviews", "post"), name="flashcard-reviews"),
    path("<uuid:pk>/events", _action("events", "get"), name="flashcard-events"),
    path("<uuid:pk>/pronunciation", _action("pronunciation", "post"), name="flashcard-pronunciation"),
]
