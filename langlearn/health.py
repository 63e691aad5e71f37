"""`/healthz`: the process answers. `/readyz`: its dependencies answer too."""

from __future__ import annotations

import dramatiq
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET


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


@require_GET
def readyz(request):
    checks: dict[str, str] = {}
    failed = []
    for name, check in (("database", _check_database), ("broker", _check_broker), ("storage", _check_storage)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means not ready; say which and why
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
            failed.append(name)
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": checks,
        "failed": failed,
        "providers": _providers(),
    }
    return JsonResponse(body, status=200 if not failed else 503)
