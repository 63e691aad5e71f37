"""The app's routes plus `/bench/bare-due`, the bare-SQL baseline of bench/flashcards_due.py
(the same queries as `GET /api/flashcards/due`, `.values()` rows into a JsonResponse)."""

from django.urls import include, path
from flashcards_due import bare_due

urlpatterns = [path("bench/bare-due", bare_due), path("", include("langlearn.urls"))]
