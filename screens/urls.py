"""The screen endpoints keep the client's `/bff/` prefix."""

from langlearn.routing import route

from . import views

app_name = "bff"

urlpatterns = [
    route("bff/home", views.HomeView, name="home"),
    route("bff/review", views.ReviewView, name="review"),
    route("bff/articles/<uuid:article_id>/reader", views.ReaderView, name="reader"),
    route("bff/adventures/<uuid:adventure_id>/play", views.PlayView, name="play"),
    route("bff/packs", views.PacksView, name="packs"),
]
