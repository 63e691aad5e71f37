from django.urls import path

from . import admin_api as views

app_name = "admin_packs"

urlpatterns = [
    path("", views.AdminPackListView.as_view(), name="list"),
    path("import", views.AdminPackImportView.as_view(), name="import"),
    path("<uuid:pk>", views.AdminPackDetailView.as_view(), name="detail"),
    path("<uuid:pk>/publish", views.AdminPackPublishView.as_view(), name="publish"),
    path("<uuid:pk>/unpublish", views.AdminPackUnpublishView.as_view(), name="unpublish"),
    path("<uuid:pk>/export", views.AdminPackExportView.as_view(), name="export"),
    path("<uuid:pk>/entries", views.AdminPackEntryListView.as_view(), name="entries"),
    path("<uuid:pk>/entries/<uuid:entry_pk>", views.AdminPackEntryDetailView.as_view(), name="entry-detail"),
]
