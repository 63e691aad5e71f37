from langlearn.routing import route

from . import views

app_name = "vocab"

Pairs = views.LanguagePairViewSet
Entries = views.EntryViewSet

urlpatterns = [
    route("api/vocab/lookup", views.LookupView, name="lookup"),
    route("api/vocab/language-pairs", Pairs, {"get": "list", "post": "create"}, name="language-pair-list"),
    route(
        "api/vocab/language-pairs/<uuid:pk>",
        Pairs,
        {"get": "retrieve", "patch": "partial_update", "delete": "destroy"},
        name="language-pair-detail",
    ),
    route("api/vocab/entries", Entries, {"get": "list", "post": "create"}, name="entry-list"),
    route("api/vocab/entries/bulk", Entries, {"post": "bulk"}, name="entry-bulk"),
    route(
        "api/vocab/entries/<uuid:pk>",
        Entries,
        {"get": "retrieve", "patch": "partial_update", "delete": "destroy"},
        name="entry-detail",
    ),
]
