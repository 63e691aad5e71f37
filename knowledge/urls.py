from langlearn.routing import route

from . import views

app_name = "knowledge"

Placement = views.PlacementViewSet

urlpatterns = [
    route("api/vocab/word-statuses", views.WordStatusViewSet, {"get": "list", "post": "create"}, name="status-list"),
    route("api/vocab/word-statuses/undo", views.WordStatusUndoView, name="status-undo"),
    route("api/vocab/finish-page", views.FinishPageView, name="finish-page"),
    route("api/vocab/finish-page/undo", views.FinishPageUndoView, name="finish-page-undo"),
    route("api/vocab/placement", Placement, {"post": "create"}, name="placement-list"),
    route("api/vocab/placement/<uuid:pk>", Placement, {"get": "retrieve"}, name="placement-detail"),
    route("api/vocab/placement/<uuid:pk>/answers", Placement, {"post": "answers"}, name="placement-answers"),
    route("api/vocab/placement/<uuid:pk>/undo", Placement, {"post": "undo"}, name="placement-undo"),
]
