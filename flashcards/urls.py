from langlearn.routing import route

from . import views

app_name = "flashcards"

Cards = views.FlashcardViewSet

urlpatterns = [
    route("api/flashcards", Cards, {"get": "list"}, name="flashcard-list"),
    route("api/flashcards/due", views.DueView, name="due"),
    route("api/flashcards/stats", views.StatsView, name="stats"),
    route("api/flashcards/reviews/sync", views.SyncView, name="reviews-sync"),
    route("api/flashcards/reschedule", views.RescheduleView, name="reschedule"),
    route("api/flashcards/parameters", views.ParametersQualityView, name="parameters-quality"),
    route("api/flashcards/workload", views.WorkloadView, name="workload"),
    route("api/flashcards/<uuid:pk>", Cards, {"get": "retrieve", "patch": "partial_update"}, name="flashcard-detail"),
    route("api/flashcards/<uuid:pk>/reviews", Cards, {"post": "reviews"}, name="flashcard-reviews"),
    route("api/flashcards/<uuid:pk>/events", Cards, {"get": "events"}, name="flashcard-events"),
    route("api/flashcards/<uuid:pk>/pronunciation", Cards, {"post": "pronunciation"}, name="flashcard-pronunciation"),
]

# A learner's own Anki deck in and out (issue 17): routes under the pair they belong to.
from . import anki_views  # noqa: E402

urlpatterns += [
    route("api/vocab/language-pairs/<uuid:pk>/anki-import", anki_views.AnkiImportView, name="anki-import"),
    route("api/vocab/language-pairs/<uuid:pk>/anki-export", anki_views.AnkiExportView, name="anki-export"),
    route(
        "api/vocab/language-pairs/<uuid:pk>/anki-export/<uuid:job_id>",
        anki_views.AnkiExportJobView,
        name="anki-export-job",
    ),
    route(
        "api/vocab/language-pairs/<uuid:pk>/anki-export/<uuid:job_id>/file",
        anki_views.AnkiExportFileView,
        name="anki-export-file",
    ),
]
