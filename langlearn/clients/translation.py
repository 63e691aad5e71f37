"""DeepL translation: batched, cached in the database, with our language codes mapped to DeepL's."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import replace

import deepl
import deepl.http_client

from .base import ProviderError, Translation, TranslationBatch

PROVIDER = "deepl"
BATCH_SIZE = 50  # DeepL accepts at most 50 texts per request
_LANGUAGES_TTL_SECONDS = 6 * 3600

# Target codes DeepL wants where ours are unqualified: plain EN/PT targets are deprecated.
# Brazilian Portuguese is what most learners and most course material mean by "pt".
_TARGET_DEFAULTS = {"EN": "EN-US", "PT": "PT-BR", "ZH": "ZH-HANS"}


def deepl_target_code(language: str) -> str:
    code = language.upper()
    return _TARGET_DEFAULTS.get(code, code)


def deepl_source_code(language: str) -> str:
    """Source languages carry no region at DeepL (EN, PT, not EN-US)."""
    return language.split("-", 1)[0].upper()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def map_deepl_error(exc: Exception) -> ProviderError:
    status = getattr(exc, "http_status_code", None)
    if isinstance(exc, deepl.ConnectionException):
        return ProviderError(f"connection failed: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, deepl.TooManyRequestsException) or (status is not None and (status == 429 or status >= 500)):
        return ProviderError(f"busy: {exc}", provider=PROVIDER, retryable=True, status_code=status or 429)
    if isinstance(exc, deepl.QuotaExceededException):
        # 456: the month's character allowance is spent; retrying within the job's backoff cannot help.
        return ProviderError(f"quota exceeded: {exc}", provider=PROVIDER, retryable=False, status_code=status or 456)
    if isinstance(exc, deepl.AuthorizationException):
        return ProviderError(f"authorization failed: {exc}", provider=PROVIDER, retryable=False, status_code=status)
    if isinstance(exc, deepl.DeepLException):
        if "Invalid response" in str(exc) or isinstance(exc.__cause__, ValueError):
            return ProviderError(f"unparseable answer: {exc}", provider=PROVIDER, retryable=True, status_code=status)
        return ProviderError(str(exc), provider=PROVIDER, retryable=False, status_code=status)
    if isinstance(exc, ValueError | TypeError | KeyError):  # a body the SDK could not read
        return ProviderError(f"unparseable answer: {exc}", provider=PROVIDER, retryable=True)
    return ProviderError(f"{type(exc).__name__}: {exc}", provider=PROVIDER, retryable=False)


class DeepLTranslator:
    provider = PROVIDER

    def __init__(self, *, api_key: str, server_url: str | None, timeout: float, max_retries: int) -> None:
        self.timeout = timeout
        self.max_retries = max_retries
        self._client = deepl.DeepLClient(api_key, server_url=server_url or None, send_platform_info=False)
        self._targets: frozenset[str] | None = None
        self._targets_at = 0.0
        self._lock = threading.Lock()

    def _call(self, fn, *args, **kwargs):
        # The deepl SDK keeps its retry count and timeout as module globals: set them per call.
        deepl.http_client.max_network_retries = self.max_retries
        deepl.http_client.min_connection_timeout = self.timeout
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise map_deepl_error(exc) from exc

    def target_languages(self) -> frozenset[str]:
        """DeepL's target codes, fetched once and kept for a few hours (the list rarely changes)."""
        with self._lock:
            if self._targets is None or time.monotonic() - self._targets_at > _LANGUAGES_TTL_SECONDS:
                languages = self._call(self._client.get_target_languages)
                self._targets = frozenset(lang.code.upper() for lang in languages)
                self._targets_at = time.monotonic()
            return self._targets

    def can_translate_to(self, language: str) -> bool:
        return deepl_target_code(language) in self.target_languages()

    def translate(self, texts: list[str], *, source: str, target: str) -> TranslationBatch:
        """Translate `texts`, answering from the cache where it can and sending the rest in
        batches. Order is kept; duplicates and cached texts are not sent (or paid for) again."""
        from langlearn.models import TranslationCacheEntry  # the clients package loads before the apps

        source_code, target_code = deepl_source_code(source), deepl_target_code(target)
        hashes = [text_hash(t) for t in texts]
        cached = {
            row.text_hash: row
            for row in TranslationCacheEntry.objects.filter(
                text_hash__in=set(hashes), source_language=source_code, target_language=target_code
            )
        }
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=True):
            if h not in cached and t.strip():
                missing.setdefault(h, t)
        fresh: dict[str, Translation] = {}
        todo = list(missing.items())
        for start in range(0, len(todo), BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            results = self._call(
                self._client.translate_text,
                [t for _, t in batch],
                source_lang=source_code,
                target_lang=target_code,
            )
            results = results if isinstance(results, list) else [results]
            if len(results) != len(batch):  # the SDK reads an unparseable body as no translations
                raise ProviderError(
                    f"unparseable answer: {len(results)} translations for {len(batch)} texts",
                    provider=PROVIDER,
                    retryable=True,
                )
            for (h, _), result in zip(batch, results, strict=True):
                fresh[h] = Translation(
                    text=result.text,
                    detected_source=result.detected_source_lang,
                    billed_characters=result.billed_characters or 0,
                )
            TranslationCacheEntry.objects.bulk_create(
                [
                    TranslationCacheEntry(
                        text_hash=h,
                        source_language=source_code,
                        target_language=target_code,
                        text=missing[h],
                        translation=fresh[h].text,
                        detected_source=fresh[h].detected_source or "",
                        billed_characters=fresh[h].billed_characters,
                        provider=PROVIDER,
                    )
                    for h, _ in batch
                ],
                ignore_conflicts=True,  # a concurrent worker may have cached the same sentence
            )
        out: list[Translation] = []
        billed: set[str] = set()
        for h, t in zip(hashes, texts, strict=True):
            if h in fresh:
                # The first occurrence carries the bill; a repeat in the same call was free.
                out.append(fresh[h] if h not in billed else replace(fresh[h], billed_characters=0, cached=True))
                billed.add(h)
            elif h in cached:
                row = cached[h]
                out.append(Translation(text=row.translation, detected_source=row.detected_source or None, cached=True))
            else:  # blank text: nothing to translate
                out.append(Translation(text=t, cached=True))
        return TranslationBatch(translations=out, provider=PROVIDER)
