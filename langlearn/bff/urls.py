app_name = "bff"

urlpatterns: list = []
