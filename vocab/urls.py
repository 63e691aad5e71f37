app_name = "vocab"

urlpatterns: list = []
