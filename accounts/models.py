import unicodedata
import uuid
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone: {value}.")


def email_key(email: str) -> str:
    """The one form of an address that is stored, indexed and looked up: Unicode NFKC then full
    case folding (then NFKC again, as folding can denormalise), surrounding space trimmed.

    Case-insensitive matching by `iexact`/UPPER() (as before) maps U+0131 (dotless i) and U+017F
    (long s) onto `I` and `S`, while a unique index on LOWER() does not: concurrent registrations of
    "sis@", "s\u0131s@" and "si\u017f@" created three accounts whose logins answered 500 (issue 19).
    With one key, "si\u017f@" is "sis@" (one account), and "s\u0131s@" is a different address that
    logs into its own account only."""
    folded = unicodedata.normalize("NFKC", (email or "").strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


class AccountManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return email_key(email or "")

    def _create(self, email: str, password: str | None, **extra) -> "Account":
        if not email:
            raise ValueError("An email is required.")
        account = self.model(email=email_key(email), **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_user(self, email: str, password: str | None = None, **extra) -> "Account":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "Account":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email=email_key(username))


class Account(AbstractBaseUser, PermissionsMixin):
    """A learner, an editor (`is_staff` with pack permissions) or an admin. Email is the login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    display_name = models.CharField(max_length=100, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin (editors, admins).")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        # `email` holds email_key(address) (save() and the manager write nothing else), so the
        # field's own unique index is the one rule. PostgreSQL's lower() is no stand-in for case
        # folding, which is why the former unique index on Lower("email") is gone.

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = email_key(self.email)

    def save(self, *args, **kwargs):
        self.email = email_key(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The learner's time zone: their days (streaks, the daily new-card limit, the generation
        quota) start at its midnight. UTC when unset, or when this server does not know the name."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")
