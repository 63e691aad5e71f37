from langlearn.routing import route

from .views import AdventureViewSet as Adventures

app_name = "adventures"

urlpatterns = [
    route("api/adventures", Adventures, {"get": "list", "post": "create"}, name="adventure-list"),
    route("api/adventures/genres", Adventures, {"get": "genres"}, name="adventure-genres"),
    route("api/adventures/<uuid:pk>", Adventures, {"get": "retrieve", "delete": "destroy"}, name="adventure-detail"),
    route("api/adventures/<uuid:pk>/choices", Adventures, {"post": "choices"}, name="adventure-choices"),
    route("api/adventures/<uuid:pk>/retry", Adventures, {"post": "retry"}, name="adventure-retry"),
    route("api/adventures/<uuid:pk>/scenes/<uuid:scene_id>", Adventures, {"get": "scene"}, name="adventure-scene"),
    route(
        "api/adventures/<uuid:pk>/spoken-choice", Adventures, {"post": "spoken_choice"}, name="adventure-spoken-choice"
    ),
    route("api/adventures/<uuid:pk>/words", Adventures, {"post": "words"}, name="adventure-words"),
]
