from django.urls import path

from . import views

app_name = "bff"

urlpatterns = [
    path("home", views.HomeView.as_view(), name="home"),
    path("review", views.ReviewView.as_view(), name="review"),
    path("articles/<uuid:article_id>/reader", views.ReaderView.as_view(), name="reader"),
    path("adventures/<uuid:adventure_id>/play", views.PlayView.as_view(), name="play"),
    path("packs", views.PacksView.as_view(), name="packs"),
]
