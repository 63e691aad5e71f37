import dramatiq
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken


@dramatiq.actor(max_retries=3, time_limit=60_000, min_backoff=1_000, max_backoff=30_000)
def purge_expired_tokens() -> int:
    """Delete refresh tokens past their expiry (and their blacklist rows); run daily."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
