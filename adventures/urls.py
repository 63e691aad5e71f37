from rest_framework.routers import SimpleRouter

from . import views

app_name = "adventures"

router = SimpleRouter(trailing_slash="")
router.register("", views.AdventureViewSet, basename="adventure")

urlpatterns = router.urls
