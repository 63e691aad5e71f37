"""`/api/jobs/`: every kind of background job (articles, adventure scenes) through one API."""

from rest_framework.routers import SimpleRouter

from langlearn.jobs.views import JobViewSet

app_name = "jobs"

router = SimpleRouter(trailing_slash="")
router.register("", JobViewSet, basename="job")

urlpatterns = router.urls
