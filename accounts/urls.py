from langlearn.routing import route

from . import views

app_name = "accounts"

urlpatterns = [
    route("api/auth/register", views.RegisterView, name="register"),
    route("api/auth/login", views.LoginView, name="login"),
    route("api/auth/refresh", views.RefreshView, name="refresh"),
    route("api/auth/logout", views.LogoutView, name="logout"),
    route("api/auth/me", views.MeView, name="me"),
    route("api/auth/me/export", views.MeExportView, name="me-export"),
    route("api/auth/password", views.PasswordChangeView, name="password-change"),
    route("api/auth/password/reset", views.PasswordResetView, name="password-reset"),
    route("api/auth/password/reset/confirm", views.PasswordResetConfirmView, name="password-reset-confirm"),
]
