"""PCM/WAV helpers shared by the TTS client, the offline TTS and the fake server (no Django)."""

from __future__ import annotations

import io
import math
import struct
import wave

SAMPLE_RATE = 24_000  # Gemini TTS output: 24 kHz, 16-bit signed little-endian, mono
SAMPLE_WIDTH = 2
CHANNELS = 1


def pcm_to_wav(pcm: bytes, *, rate: int = SAMPLE_RATE) -> bytes:
    """Wrap raw PCM in a RIFF/WAVE header (44 bytes) with the right rate and sizes."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(CHANNELS)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(rate)
        w.writeframes(pcm)
    return buf.getvalue()


def pcm_seconds(pcm: bytes, *, rate: int = SAMPLE_RATE) -> float:
    return len(pcm) / (rate * SAMPLE_WIDTH * CHANNELS)


def tone_pcm(seconds: float, *, freq: float = 440.0, rate: int = SAMPLE_RATE, amplitude: float = 0.3) -> bytes:
    """PCM of a sine tone with short fades (no clicks): demo audio and the fake server's answer."""
    frames = int(seconds * rate)
    peak = 32767 * amplitude
    fade = max(1, min(frames // 2, int(0.01 * rate)))
    samples = (
        int(peak * min(1.0, n / fade, (frames - n) / fade) * math.sin(2 * math.pi * freq * n / rate))
        for n in range(frames)
    )
    return struct.pack(f"<{frames}h", *samples)
