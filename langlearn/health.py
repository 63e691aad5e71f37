"""`/healthz`: the process answers. `/readyz`: its dependencies answer too.

`/readyz` is public (the load balancer calls it without credentials), so it names the failing
dependency but not the error: a driver's message carries host names, ports and user names. The
error is logged, and shown in the body to staff only (a staff JWT or admin session).
"""

from __future__ import annotations

import logging

import dramatiq
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_broker() -> str:
    broker = dramatiq.get_broker()
    name = type(broker).__name__
    if name == "StubBroker":
        return "ok (in-process)"
    if name == "RedisBroker":
        broker.client.ping()
        return "ok"
    if name == "RabbitmqBroker":
        import pika

        params = broker.parameters[0] if isinstance(broker.parameters, list) else broker.parameters
        conn = pika.BlockingConnection(params)
        conn.close()
        return "ok"
    return "ok"


def _check_storage() -> str:
    from django.core.files.storage import default_storage

    default_storage.exists("readyz-probe")
    return "ok"


def _providers() -> dict[str, str]:
    from langlearn.clients import provider_status

    return provider_status()


def _is_staff(request) -> bool:
    from rest_framework_simplejwt.authentication import JWTAuthentication

    try:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return bool(user.is_staff)
        found = JWTAuthentication().authenticate(request)
    except Exception:  # an invalid token or an unreachable database: treated as anonymous
        return False
    return found is not None and bool(found[0].is_staff)


@require_GET
def readyz(request):
    checks: dict[str, str] = {}
    failed = []
    for name, check in (("database", _check_database), ("broker", _check_broker), ("storage", _check_storage)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means not ready; say which (and why, in the log)
            logger.warning("readyz: %s failed: %s: %s", name, type(exc).__name__, exc)
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
            failed.append(name)
    if failed and not _is_staff(request):
        checks = {name: "error" if name in failed else value for name, value in checks.items()}
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": checks,
        "failed": failed,
        "providers": _providers(),
    }
    return JsonResponse(body, status=200 if not failed else 503)
