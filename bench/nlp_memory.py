"""Memory of a process that has the NLP of five languages loaded (issue 20: a Dramatiq worker ≤ 600 MB).

    UD_DATA=../shared/data/ud .venv/bin/python bench/nlp_memory.py [--langs es,fr,de,it,pt]
        [--threads 8] [--messages 500] [--only process|dramatiq]

Two scenarios, each in a fresh process:
- `process`: RSS after Django setup, after each language's pipeline is built through
  langlearn.clients.get_nlp() (the way any process builds it), and after analysing a sample text;
- `dramatiq`: a real Dramatiq worker process (every app's tasks imported, the configured StubBroker,
  `--threads` worker threads, as `rundramatiq` runs each of its processes) handles `--messages`
  messages that analyse running text (UD dev sentences where UD_DATA has them) in every language.
Each prints RSS, PSS (its share of pages shared with other processes, e.g. the mapped dictionaries)
and USS (pages only it holds), from /proc/self/smaps_rollup. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")

SAMPLES = {
    "es": "Los niños estaban comiendo manzanas en el mercado.",
    "fr": "Ils mangeaient des pommes au marché.",
    "de": "Die Kinder aßen Äpfel auf dem Markt.",
    "it": "I bambini mangiavano le mele al mercato.",
    "pt": "As crianças estavam comendo maçãs no mercado.",
    "en": "The children were eating apples at the market.",
}


def memory() -> str:
    out = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            out[key] = int(rest.split()[0]) / 1024
    uss = out["Private_Clean"] + out["Private_Dirty"]
    return f"RSS {out['Rss']:6.1f} MB  PSS {out['Pss']:6.1f} MB  USS {uss:6.1f} MB"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def texts(lang: str, limit: int = 400) -> list[str]:
    from langlearn.nlp.train import DEFAULT_DATA, TREEBANKS, treebank

    if lang in TREEBANKS and (DEFAULT_DATA / f"{TREEBANKS[lang]}.conllu").is_file():
        return [" ".join(u.form for u in s) for s in treebank(lang)[:limit]]
    return [SAMPLES.get(lang, "Hello world.")]


def scenario_process(langs: list[str]) -> None:
    import django

    django.setup()
    from langlearn.clients import get_nlp

    print(f"after django.setup: {memory()}")
    nlp = get_nlp()
    for lang in langs:
        started = time.perf_counter()
        analysis = nlp.analyze(SAMPLES.get(lang, "Hello world."), lang)
        took = time.perf_counter() - started
        lemmas = " ".join(t.lemma for t in analysis.tokens[:6])
        print(f"+ {lang} ({analysis.pipeline}, built+analysed in {took:4.1f} s): {memory()}   [{lemmas}]")
    text = " ".join([SAMPLES["es"]] * 200)
    started = time.perf_counter()
    for _ in range(5):
        nlp.analyze(text, "es")
    per = (time.perf_counter() - started) / 5
    print(f"analyse {len(text.split())} Spanish words: {per * 1000:.1f} ms")
    for lang in langs:
        for sentence in texts(lang):
            nlp.analyze(sentence, lang)
    print(f"process with {', '.join(nlp.loaded_languages())} loaded, after running text: {memory()}")


def scenario_dramatiq(langs: list[str], threads: int, messages: int) -> None:
    import django

    django.setup()
    import dramatiq
    from django.utils.module_loading import autodiscover_modules
    from dramatiq.brokers.stub import StubBroker

    from langlearn.clients import get_nlp

    broker = dramatiq.get_broker()
    assert isinstance(broker, StubBroker), "run without BROKER_URL: the bench uses the in-memory broker"
    autodiscover_modules("tasks")  # what a worker process imports before it consumes
    print(f"worker process, every app's tasks imported: {memory()}")

    @dramatiq.actor(queue_name="bench_nlp", max_retries=0)
    def bench_nlp_analyse(text: str, lang: str) -> None:
        get_nlp().analyze(text, lang)

    pools = {lang: itertools.cycle(texts(lang)) for lang in langs}
    for i in range(messages):
        lang = langs[i % len(langs)]
        bench_nlp_analyse.send(next(pools[lang]), lang)
    started = time.perf_counter()
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    broker.join("bench_nlp", fail_fast=True)
    worker.join()
    took = time.perf_counter() - started
    worker.stop()
    print(f"{messages} messages in {', '.join(langs)} on {threads} threads in {took:.1f} s")
    loaded = ", ".join(get_nlp().loaded_languages())
    print(f"Dramatiq worker process with {loaded} used: {memory()} (target RSS <= 600 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--langs", default="es,fr,de,it,pt")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--only", choices=["process", "dramatiq"])
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    if args.in_process:
        if args.only == "dramatiq":
            scenario_dramatiq(langs, args.threads, args.messages)
        else:
            scenario_process(langs)
        return
    env = {k: v for k, v in os.environ.items() if k != "BROKER_URL"}
    env.setdefault("LOG_LEVEL", "WARNING")
    for name in [args.only] if args.only else ["process", "dramatiq"]:
        print(f"--- {name}")
        sys.stdout.flush()
        cmd = [sys.executable, __file__, "--in-process", "--only", name, "--langs", ",".join(langs)]
        cmd += ["--threads", str(args.threads), "--messages", str(args.messages)]
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
