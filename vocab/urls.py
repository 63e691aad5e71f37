from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "vocab"

router = SimpleRouter(trailing_slash=False)
router.register("language-pairs", views.LanguagePairViewSet, basename="language-pair")
router.register("entries", views.EntryViewSet, basename="entry")

urlpatterns = [
    path("lookup", views.LookupView.as_view(), name="lookup"),
    *router.urls,
]
