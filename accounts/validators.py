"""Password rules Django's validators leave out."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class NotBlankPasswordValidator:
    """At least `min_visible` characters that are not whitespace: eight spaces passed Django's
    minimum length (issue 19)."""

    def __init__(self, min_visible: int = 8):
        self.min_visible = min_visible

    def validate(self, password, user=None):
        if sum(1 for ch in password if not ch.isspace()) < self.min_visible:
            raise ValidationError(
                f"The password needs at least {self.min_visible} characters that are not spaces.",
                code="password_blank",
            )

    def get_help_text(self):
        return f"Your password must contain at least {self.min_visible} characters that are not spaces."
