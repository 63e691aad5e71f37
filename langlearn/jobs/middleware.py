"""Dramatiq middleware of the project's workers."""

from __future__ import annotations

import logging

from dramatiq.middleware import Middleware

logger = logging.getLogger(__name__)


class ImportAtBoot(Middleware):
    """Import the NLP stack when a worker process boots, not inside the first step that needs it.

    Dramatiq's time limit stops a step by raising an exception in its thread. Raised while a
    compiled (Cython) module such as spaCy's parser is being imported, it leaves that module half
    initialised in `sys.modules`, and every later import in the process fails
    (`KeyError: '__reduce_cython__'`): one slow cold import under load and the worker fails every
    job that analyses text until it is restarted. Imported here, before any message is taken, no
    time limit can cut the import. Pipelines named in NLP_PRELOAD are built here too.
    """

    def after_process_boot(self, broker) -> None:
        import spacy  # noqa: F401  (the import is the point)

        from langlearn.clients import nlp  # noqa: F401
        from langlearn.preload import preload_nlp

        preload_nlp()
        logger.info("worker process booted with the NLP stack imported")
