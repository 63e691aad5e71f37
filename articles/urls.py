from langlearn.routing import route

from .views import ArticleViewSet

app_name = "articles"

urlpatterns = [
    route("api/generation/articles", ArticleViewSet, {"get": "list", "post": "create"}, name="article-list"),
    route(
        "api/generation/articles/<uuid:pk>",
        ArticleViewSet,
        {"get": "retrieve", "delete": "destroy"},
        name="article-detail",
    ),
]
