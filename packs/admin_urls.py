app_name = "admin_packs"

urlpatterns: list = []
