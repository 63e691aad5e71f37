from django.urls import path

from . import views

app_name = "packs"

urlpatterns = [
    path("", views.PackListView.as_view(), name="list"),
    path("<uuid:pk>", views.PackDetailView.as_view(), name="detail"),
    path("<uuid:pk>/add-to-word-bank", views.PackAddToWordBankView.as_view(), name="add-to-word-bank"),
]
