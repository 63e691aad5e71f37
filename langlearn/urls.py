from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from flashcards import views as flashcard_views
from langlearn import health
from langlearn.fallback import fallback

admin.site.site_header = "Langlearn editors"
admin.site.site_title = "Langlearn admin"
admin.site.index_title = "Content and learners"

api_patterns = [
    path("auth/", include("accounts.urls")),
    path("vocab/", include("vocab.urls")),
    # `GET /api/flashcards` (no slash) is the list in the client's contract; the rest lives under the prefix.
    path("flashcards", flashcard_views.FlashcardViewSet.as_view({"get": "list"}), name="flashcards-list"),
    path("flashcards/", include("flashcards.urls")),
    path("packs/", include("packs.urls")),
    path("admin/packs/", include("packs.admin_urls")),
    path("generation/", include("articles.urls")),
    path("jobs/", include("articles.job_urls")),
    path("adventures/", include("adventures.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("bff/", include("langlearn.bff.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Local media for development; on S3 clients get presigned URLs instead.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Anything else: the same route with/without a trailing slash, or the JSON 404 (also under DEBUG).
urlpatterns += [re_path(r"^(?!admin/|admin$|static/|media/).*$", fallback)]

handler400 = "langlearn.errors.json_bad_request"
handler403 = "langlearn.errors.json_permission_denied"
handler404 = "langlearn.errors.json_not_found"
handler500 = "langlearn.errors.json_server_error"
