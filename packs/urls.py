"""The learners' catalogue (`/api/packs`) and the editors' API (`/api/admin/packs`, staff only)."""

from langlearn.routing import route

from . import admin_api, views

app_name = "packs"

urlpatterns = [
    route("api/packs", views.PackListView, name="list"),
    route("api/packs/<uuid:pk>", views.PackDetailView, name="detail"),
    route("api/packs/<uuid:pk>/add-to-word-bank", views.PackAddToWordBankView, name="add-to-word-bank"),
    route("api/admin/packs", admin_api.AdminPackListView, name="admin-list"),
    route("api/admin/packs/import", admin_api.AdminPackImportView, name="admin-import"),
    route("api/admin/packs/<uuid:pk>", admin_api.AdminPackDetailView, name="admin-detail"),
    route("api/admin/packs/<uuid:pk>/publish", admin_api.AdminPackPublishView, name="admin-publish"),
    route("api/admin/packs/<uuid:pk>/unpublish", admin_api.AdminPackUnpublishView, name="admin-unpublish"),
    route("api/admin/packs/<uuid:pk>/export", admin_api.AdminPackExportView, name="admin-export"),
    route("api/admin/packs/<uuid:pk>/entries", admin_api.AdminPackEntryListView, name="admin-entries"),
    route(
        "api/admin/packs/<uuid:pk>/entries/<uuid:entry_pk>",
        admin_api.AdminPackEntryDetailView,
        name="admin-entry-detail",
    ),
]
