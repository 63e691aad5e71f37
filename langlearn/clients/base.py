"""The provider layer's contract: typed results and the one error type.

Features call providers only through `langlearn.clients` (`get_llm()`, `get_tts()`,
`get_translator()`, `get_stt()`, `get_nlp()`), never an SDK directly. Each concrete client
(real SDK or offline demo) implements the matching Protocol below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class ProviderError(Exception):
    """A provider call failed. `retryable` says whether trying again later can succeed
    (429, 5xx, 529 overload, timeouts, connection errors) or not (auth, bad request,
    unsupported language)."""

    def __init__(self, message: str, *, provider: str, retryable: bool, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.retryable = retryable
        self.status_code = status_code

    def __str__(self) -> str:
        kind = "retryable" if self.retryable else "permanent"
        status = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{self.provider}: {self.message}{status} [{kind}]"


class NotConfigured(ProviderError):
    """No key for this provider, and no honest offline stand-in (speech recognition cannot be
    faked: an empty transcript would score the learner 0). Permanent until the setting is filled."""

    def __init__(self, message: str, *, provider: str, setting: str):
        super().__init__(message, provider=provider, retryable=False)
        self.setting = setting


class MalformedOutput(ProviderError):
    """The model's structured answer failed its schema even after the one re-ask. Permanent: more
    sampling costs money and rarely fixes a systematic mismatch; callers fail the job readably."""

    def __init__(self, message: str, *, provider: str):
        super().__init__(message, provider=provider, retryable=False)


class UnsupportedLanguage(ProviderError):
    def __init__(self, language: str, *, provider: str):
        super().__init__(f"unsupported language: {language}", provider=provider, retryable=False)
        self.language = language


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class TextResult:
    text: str
    model: str
    provider: str
    usage: Usage = field(default_factory=Usage)
    stop_reason: str | None = None


@dataclass(frozen=True)
class StructuredResult:
    data: dict[str, Any]
    model: str
    provider: str
    usage: Usage = field(default_factory=Usage)
    attempts: int = 1


@dataclass(frozen=True)
class AudioResult:
    wav: bytes
    model: str
    provider: str
    voice: str
    duration_seconds: float


@dataclass(frozen=True)
class Translation:
    text: str
    detected_source: str | None = None
    billed_characters: int = 0
    cached: bool = False


@dataclass(frozen=True)
class TranslationBatch:
    translations: list[Translation]
    provider: str

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.translations]


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Transcript:
    transcript: str
    confidence: float
    words: list[Word]
    provider: str
    model: str


@dataclass(frozen=True)
class Token:
    text: str
    whitespace: str
    lemma: str
    pos: str
    is_alpha: bool
    is_punct: bool
    is_digit: bool = False


@dataclass(frozen=True)
class Sentence:
    text: str
    tokens: list[Token]


@dataclass(frozen=True)
class ExpressionSpan:
    """A multi-word expression in an analysis: its dictionary text, the lemmas as found, and the
    indices of its tokens in `Analysis.tokens` (not always contiguous: "hört ... auf")."""

    text: str
    lemma: str
    tokens: tuple[int, ...]


@dataclass(frozen=True)
class Analysis:
    language: str
    sentences: list[Sentence]
    pipeline: str  # e.g. "blank+crf@1a2b3c4d" (with the analyser's fingerprint) or "blank+lookup"
    expressions: list[ExpressionSpan] = field(default_factory=list)

    @property
    def tokens(self) -> list[Token]:
        return [t for s in self.sentences for t in s.tokens]


class LLMClient(Protocol):
    provider: str

    def generate_text(
        self, *, system: str, prompt: str, max_tokens: int, temperature: float | None = None
    ) -> TextResult: ...

    def generate_structured(
        self,
        *,
        system: str,
        prompt: str,
        schema_name: str,
        json_schema: dict[str, Any],
        max_tokens: int,
        temperature: float | None = None,
    ) -> StructuredResult: ...


class TTSClient(Protocol):
    provider: str

    def synthesize(self, text: str, language: str, voice: str | None = None) -> AudioResult: ...


class TranslationClient(Protocol):
    provider: str

    def translate(self, texts: list[str], *, source: str, target: str) -> TranslationBatch: ...

    def can_translate_to(self, language: str) -> bool: ...


class STTClient(Protocol):
    provider: str

    def transcribe(self, audio: bytes, *, mime: str, language: str) -> Transcript: ...


class NLPClient(Protocol):
    def analyze(self, text: str, language: str) -> Analysis: ...

    def supports(self, language: str) -> bool: ...
