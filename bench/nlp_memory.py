"""Resident memory of one process with spaCy pipelines for es/fr/de/it/pt loaded.

    .venv/bin/python bench/nlp_memory.py [langs...]

Prints RSS after Django setup, after each language's pipeline is built (through
langlearn.clients.get_nlp(), the way a worker builds it), and after analysing a sample text.
The budget from issue 3 is < 1 GB with all five loaded.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


SAMPLES = {
    "es": "Los niños estaban comiendo manzanas en el mercado.",
    "fr": "Ils mangeaient des pommes au marché.",
    "de": "Die Kinder aßen Äpfel auf dem Markt.",
    "it": "I bambini mangiavano le mele al mercato.",
    "pt": "As crianças estavam comendo maçãs no mercado.",
}


def main() -> None:
    import django

    django.setup()
    from langlearn.clients import get_nlp

    langs = sys.argv[1:] or list(SAMPLES)
    print(f"after django.setup: {rss_mb():7.1f} MB")
    nlp = get_nlp()
    for lang in langs:
        started = time.perf_counter()
        analysis = nlp.analyze(SAMPLES.get(lang, "Hello world."), lang)
        took = time.perf_counter() - started
        lemmas = " ".join(t.lemma for t in analysis.tokens[:6])
        print(f"+ {lang} ({analysis.pipeline}, built+analysed in {took:4.1f} s): {rss_mb():7.1f} MB   [{lemmas}]")
    text = " ".join([SAMPLES["es"]] * 200)
    started = time.perf_counter()
    for _ in range(5):
        nlp.analyze(text, "es")
    per = (time.perf_counter() - started) / 5
    print(f"analyse {len(text.split())} Spanish words: {per * 1000:.1f} ms")
    print(f"RSS with {', '.join(nlp.loaded_languages())} loaded: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
