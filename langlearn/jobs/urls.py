"""`/api/jobs`: every kind of background job (articles, adventure scenes) through one API."""

from langlearn.routing import route

from .views import JobViewSet

app_name = "jobs"

urlpatterns = [
    route("api/jobs", JobViewSet, {"get": "list"}, name="job-list"),
    route("api/jobs/quota", JobViewSet, {"get": "quota"}, name="job-quota"),
    route("api/jobs/<uuid:pk>", JobViewSet, {"get": "retrieve"}, name="job-detail"),
    route("api/jobs/<uuid:pk>/retry", JobViewSet, {"post": "retry"}, name="job-retry"),
]
