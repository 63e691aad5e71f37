from rest_framework.routers import SimpleRouter

from .views import ArticleViewSet

app_name = "articles"

router = SimpleRouter(trailing_slash="")
router.register("articles", ArticleViewSet, basename="article")

urlpatterns = router.urls
