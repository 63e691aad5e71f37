app_name = "adventures"

urlpatterns: list = []
