"""Offline demo providers: used when a provider's key is unset, so `make run` works end to end on a
bare machine. Their output is honest demo content, always marked provider="offline": the LLM
extracts sentences from the input instead of writing, the TTS speaks a tone, the translator
labels its output as a demo, and the STT admits it heard nothing. Production settings refuse to
start without real keys, so none of this can reach a learner there.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import jsonschema

from langlearn.languages import is_supported

from .audio import pcm_seconds, pcm_to_wav, tone_pcm
from .base import (
    AudioResult,
    NotConfigured,
    ProviderError,
    StructuredResult,
    TextResult,
    Transcript,
    Translation,
    TranslationBatch,
)
from .base import Usage as _Usage
from .schema_instance import instance_for

PROVIDER = "offline"
MODEL = "offline-demo"
_SENTENCE = re.compile(r"[^.!?…。\uff01\uff1f\n]+[.!?…。\uff01\uff1f]*")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip().split()) >= 2]


_FENCED = re.compile(r"<(source|story|text)>\s*(.*?)\s*</\1>", re.S)


def _source_text(prompt: str) -> str:
    """Feature prompts put instructions around the learner's text. A fenced `<source>...</source>`
    block is that text; otherwise the longest paragraph almost always is."""
    fenced = [m.group(2) for m in _FENCED.finditer(prompt) if m.group(2).strip()]
    if fenced:
        return max(fenced, key=len)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", prompt) if p.strip()]
    return max(paragraphs, key=len) if paragraphs else prompt.strip()


def _tokens(text: str) -> int:
    return max(1, len(text.split()))


class OfflineLLM:
    provider = PROVIDER
    model = MODEL

    def generate_text(
        self, *, system: str, prompt: str, max_tokens: int, temperature: float | None = None
    ) -> TextResult:
        """A 'simplification' made of the input's own shortest-first sentences, in input order,
        within roughly `max_tokens` words."""
        sentences = _sentences(_source_text(prompt)) or [_source_text(prompt) or "Offline demo text."]
        budget = max(1, max_tokens * 3 // 4)
        chosen, used = [], 0
        for sentence in sentences:
            words = len(sentence.split())
            if chosen and used + words > budget:
                break
            chosen.append(sentence)
            used += words
            if len(chosen) >= 8:
                break
        text = " ".join(chosen)
        return TextResult(
            text=text,
            model=MODEL,
            provider=PROVIDER,
            usage=_Usage(_tokens(prompt), _tokens(text)),
            stop_reason="end_turn",
        )

    def generate_structured(
        self,
        *,
        system: str,
        prompt: str,
        schema_name: str,
        json_schema: dict[str, Any],
        max_tokens: int,
        temperature: float | None = None,
    ) -> StructuredResult:
        """A schema-valid instance whose strings are sentences taken, in turn, from the input."""
        pool = _sentences(_source_text(prompt)) or [_source_text(prompt)[:200] or "Offline demo text."]
        cycle = itertools.cycle(pool)
        data = instance_for(json_schema, lambda path: next(cycle))
        errors = list(jsonschema.validators.validator_for(json_schema)(json_schema).iter_errors(data))
        if errors:  # e.g. a `pattern` the demo cannot satisfy: say so rather than return junk
            raise ProviderError(
                f"offline demo cannot build a {schema_name}: {errors[0].message}", provider=PROVIDER, retryable=False
            )
        return StructuredResult(
            data=data, model=MODEL, provider=PROVIDER, usage=_Usage(_tokens(prompt), _tokens(str(data)))
        )


class OfflineTTS:
    provider = PROVIDER
    model = MODEL

    def synthesize(self, text: str, language: str, voice: str | None = None) -> AudioResult:
        """A real WAV (24 kHz 16-bit mono) of a soft tone, ~60 ms per word, 0.5-3 s long."""
        if not text.strip():
            raise ProviderError("nothing to speak: empty text", provider=PROVIDER, retryable=False)
        seconds = min(3.0, max(0.5, 0.06 * len(text.split())))
        pcm = tone_pcm(seconds, freq=330.0, amplitude=0.1)
        return AudioResult(
            wav=pcm_to_wav(pcm),
            model=MODEL,
            provider=PROVIDER,
            voice=voice or "offline",
            duration_seconds=pcm_seconds(pcm),
        )


class OfflineTranslator:
    provider = PROVIDER

    def can_translate_to(self, language: str) -> bool:
        return is_supported(language)

    def translate(self, texts: list[str], *, source: str, target: str) -> TranslationBatch:
        """The text itself, visibly labelled as an untranslated demo; never cached."""
        return TranslationBatch(
            translations=[Translation(text=f"[demo {source}→{target}] {t}" if t.strip() else t) for t in texts],
            provider=PROVIDER,
        )


class OfflineSTT:
    provider = PROVIDER
    model = MODEL

    def transcribe(self, audio: bytes, *, mime: str, language: str) -> Transcript:
        """Nothing can be recognised offline. An empty transcript would read as "you said nothing"
        and score the learner 0, so say plainly that speech recognition is not set up."""
        raise NotConfigured(
            "speech-to-text is not configured (DEEPGRAM_API_KEY is unset)",
            provider=PROVIDER,
            setting="DEEPGRAM_API_KEY",
        )
