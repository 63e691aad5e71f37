import atexit
import logging
import os
import sys

import dramatiq
from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


class LanglearnConfig(AppConfig):
    name = "langlearn"
    verbose_name = "Langlearn"

    def ready(self) -> None:
        # With no broker configured, `runserver` runs a Dramatiq worker thread over the StubBroker,
        # so `make run` needs nothing but Python. Only in the serving process, not the autoreloader.
        if not settings.DRAMATIQ_INPROCESS_WORKER or "runserver" not in sys.argv:
            return
        if os.environ.get("RUN_MAIN") != "true" and "--noreload" not in sys.argv:
            return
        start_inprocess_worker()


def start_inprocess_worker():
    autodiscover_modules("tasks")  # register every actor before the worker declares queues
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=4, worker_timeout=100)
    worker.start()
    atexit.register(worker.stop)
    logger.info("in-process Dramatiq worker started (dev only; messages live in memory)")
    return worker
