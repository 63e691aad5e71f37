"""Read-along speech: a text spoken sentence by sentence, joined into one WAV, with each sentence's
start and end in it, so a reader can highlight the sentence being spoken and replay one.

Speech is asked for per sentence, so the timings are measured, not guessed. A long text would make
that dozens of calls, so sentences are packed into at most `max_calls` chunks (consecutive
sentences, about equal in length); inside a multi-sentence chunk the boundaries are estimated from
the characters' share of the chunk's duration and the sentence says `"estimated": true`. Chunks are
spoken `concurrency` at a time: a 600-word text costs a few provider round trips, not forty.

Timings tile the audio: the first starts at 0, each ends where the next starts (the pause after a
sentence belongs to it), the last ends at the audio's end — no gaps, no overlaps.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .audio import SAMPLE_WIDTH, pcm_to_wav
from .base import AudioResult, NLPClient, ProviderError, TTSClient

# A breath between sentences: without it, sentences spoken separately run into each other.
PAUSE_SECONDS = 0.25


@dataclass(frozen=True)
class SpeechSentence:
    """One sentence of a text: its paragraph and its index in the paragraph (as the reader splits
    them), and its text."""

    paragraph: int
    sentence: int
    text: str


@dataclass(frozen=True)
class ReadAlong:
    wav: bytes
    duration_seconds: float
    timings: list[dict[str, Any]]
    provider: str
    model: str
    voice: str
    calls: int
    notes: list[str] = field(default_factory=list)


def speech_sentences(paragraphs: Sequence[str], *, language: str, nlp: NLPClient | None) -> list[SpeechSentence]:
    """The sentences the reader shows: the NLP pipeline's split of each paragraph when the language
    has one (the reader's tokens come from the same analysis), else one sentence per paragraph (the
    reader's fallback)."""
    out: list[SpeechSentence] = []
    use_nlp = nlp is not None and nlp.supports(language)
    for p, paragraph in enumerate(paragraphs):
        if not paragraph.strip():
            continue
        texts = [paragraph.strip()]
        if use_nlp:
            try:
                texts = [s.text.strip() for s in nlp.analyze(paragraph, language).sentences if s.text.strip()]
            except ProviderError:
                texts = [paragraph.strip()]
        out += [SpeechSentence(paragraph=p, sentence=i, text=t) for i, t in enumerate(texts)]
    return out


def _chunks(sentences: Sequence[SpeechSentence], max_calls: int) -> list[list[SpeechSentence]]:
    """Consecutive sentences in at most `max_calls` groups of about equal length."""
    if len(sentences) <= max_calls:
        return [[s] for s in sentences]
    total = sum(len(s.text) for s in sentences)
    per_chunk = total / max_calls
    chunks: list[list[SpeechSentence]] = [[]]
    size = 0
    for s in sentences:
        if chunks[-1] and size + len(s.text) / 2 > per_chunk and len(chunks) < max_calls:
            chunks.append([])
            size = 0
        chunks[-1].append(s)
        size += len(s.text)
    return chunks


def _pcm(result: AudioResult) -> tuple[bytes, int]:
    with wave.open(io.BytesIO(result.wav), "rb") as w:
        if w.getsampwidth() != SAMPLE_WIDTH or w.getnchannels() != 1:
            raise ProviderError("speech is not 16-bit mono", provider=result.provider, retryable=False)
        return w.readframes(w.getnframes()), w.getframerate()


def synthesize_read_along(
    tts: TTSClient,
    sentences: Sequence[SpeechSentence],
    *,
    language: str,
    max_calls: int = 16,
    concurrency: int = 4,
) -> ReadAlong:
    if not sentences:
        raise ProviderError("nothing to speak: empty text", provider=getattr(tts, "provider", ""), retryable=False)
    chunks = _chunks(sentences, max(1, max_calls))
    texts = [" ".join(s.text for s in chunk) for chunk in chunks]
    # Threads, not processes: the calls wait on the network. An error in any chunk propagates
    # (a retryable one retries the whole step; the step's output is stored only when all succeed).
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(texts)))) as pool:
        results = list(pool.map(lambda text: tts.synthesize(text, language), texts))
    pcms = [_pcm(r) for r in results]
    rate = pcms[0][1]
    if any(r != rate for _, r in pcms):
        raise ProviderError("speech chunks differ in sample rate", provider=results[0].provider, retryable=False)
    pause = b"\x00" * int(rate * PAUSE_SECONDS) * SAMPLE_WIDTH
    joined = bytearray()
    timings: list[dict[str, Any]] = []
    bytes_per_ms = rate * SAMPLE_WIDTH / 1000
    for index, (chunk, (pcm, _)) in enumerate(zip(chunks, pcms, strict=True)):
        start_ms = round(len(joined) / bytes_per_ms)
        joined += pcm
        if index < len(chunks) - 1:
            joined += pause
        end_ms = round(len(joined) / bytes_per_ms)
        chars = sum(len(s.text) for s in chunk) or 1
        at = start_ms
        for position, s in enumerate(chunk):
            last = position == len(chunk) - 1
            stop = end_ms if last else at + round((end_ms - start_ms) * len(s.text) / chars)
            timings.append(
                {
                    "paragraph": s.paragraph,
                    "sentence": s.sentence,
                    "text": s.text,
                    "start_ms": at,
                    "end_ms": stop,
                    "estimated": len(chunk) > 1,
                }
            )
            at = stop
    first = results[0]
    return ReadAlong(
        wav=pcm_to_wav(bytes(joined), rate=rate),
        duration_seconds=len(joined) / (rate * SAMPLE_WIDTH),
        timings=timings,
        provider=first.provider,
        model=first.model,
        voice=first.voice,
        calls=len(texts),
    )
