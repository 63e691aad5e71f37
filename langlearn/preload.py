"""Work a web server's master process does once, before it forks its workers.

With `gunicorn --preload`, the application module (langlearn.wsgi) is imported in the master and
the workers are forked from it: whatever is built here is shared by every worker, copy-on-write,
instead of built again in each (spaCy's tokenizers, the CRF taggers; ~125 MB for five languages).
simplemma's dictionaries are memory-mapped files (langlearn/nlp/dictionaries.py), shared through the
page cache whether preloaded or not. `gc.freeze()` then moves everything built so far out of the
collector's sight, so collections in the workers do not write to (and so copy) those shared pages.
bench/web_memory.py measures it: ~200 MB RSS per worker that has analysed five languages.

    NLP_PRELOAD=es,fr,de,it,pt gunicorn --preload langlearn.wsgi:application
"""

from __future__ import annotations

import gc
import logging
import os

logger = logging.getLogger(__name__)


def preload_nlp(languages: list[str] | None = None) -> list[str]:
    """Build the NLP pipelines for `languages` (default: NLP_PRELOAD, comma-separated) through the
    public client, so the first lookup in a worker finds them built. Returns those that loaded."""
    if languages is None:
        languages = [lang.strip() for lang in os.environ.get("NLP_PRELOAD", "").split(",") if lang.strip()]
    if not languages:
        return []
    from langlearn.clients import get_nlp

    nlp, loaded = get_nlp(), []
    for lang in languages:
        try:
            nlp.analyze("Preload.", lang)  # builds the language's pipeline on first use
        except Exception:  # a missing model must not stop the server; the lookup reports it later
            logger.warning("NLP preload of %s failed", lang, exc_info=True)
            continue
        loaded.append(lang)
    gc.freeze()
    logger.info("NLP pipelines preloaded for %s", ", ".join(loaded))
    return loaded
