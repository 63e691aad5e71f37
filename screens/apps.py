from django.apps import AppConfig


class ScreensConfig(AppConfig):
    """The `/bff/` screen endpoints: one GET per client screen, aggregating the other apps through
    their selectors. The top floor: no other app imports it."""

    name = "screens"
