"""The root URLconf: the admin, the kernel's own endpoints, and each app's routes by `include()`.

Every app's `urls.py` declares its routes with their full prefix (`langlearn.routing.route`), so this
file names no view of an app and imports none."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from langlearn import health, pages
from langlearn.errors import json_not_found
from langlearn.routing import route

admin.site.site_header = "Langlearn editors"
admin.site.site_title = "Langlearn admin"
admin.site.index_title = "Content and learners"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("vocab.urls")),
    path("", include("flashcards.urls")),
    path("", include("packs.urls")),
    path("", include("articles.urls")),
    path("", include("langlearn.jobs.urls")),
    path("", include("adventures.urls")),
    path("", include("screens.urls")),
    path("", include("knowledge.urls")),
    route("api/schema", SpectacularAPIView, name="schema"),
    route("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    route("healthz", health.healthz, name="healthz"),
    route("readyz", health.readyz, name="readyz"),
    path("", pages.home, name="home"),
    path("favicon.ico", pages.favicon, name="favicon"),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Local media for development; on S3 clients get presigned URLs instead.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", pages.media, name="media"),
    ]

# Anything else answers the JSON 404 (also under DEBUG, where handler404 is not used).
urlpatterns += [re_path(r"^(?!admin/|admin$|static/|media/).*$", json_not_found)]

handler400 = "langlearn.errors.json_bad_request"
handler403 = "langlearn.errors.json_permission_denied"
handler404 = "langlearn.errors.json_not_found"
handler500 = "langlearn.errors.json_server_error"
