"""Response bodies for the loopback fake server, in each provider's real wire shape.

The shapes are the minimal ones the SDKs accept (checked in shared/notes/providers.md): full
Anthropic Message objects (they also pass the SDK's strict validation), Gemini candidates with
base64 inline PCM, DeepL translations with `billed_characters` (the SDK requires it), Deepgram
results with the six metadata fields its model needs. No Django imports.
"""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

from .audio import SAMPLE_RATE, tone_pcm
from .schema_instance import instance_for

_ids = itertools.count(1)

# --- Anthropic ----------------------------------------------------------------------------------

_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def _prompt_text(request_json: dict[str, Any]) -> str:
    """The text of the last user message (string or content blocks)."""
    for message in reversed(request_json.get("messages") or []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return " ".join(
            b.get("text", "") if b.get("type") == "text" else str(b.get("content", ""))
            for b in content or []
            if isinstance(b, dict)
        )
    return ""


def anthropic_message(request_json: dict[str, Any], content: list[dict[str, Any]], stop_reason: str) -> dict:
    out_chars = sum(len(b.get("text", "")) + len(str(b.get("input", ""))) for b in content)
    return {
        "id": f"msg_fake_{next(_ids)}",
        "type": "message",
        "role": "assistant",
        "model": request_json.get("model", "claude-fake"),
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": max(1, len(str(request_json)) // 4), "output_tokens": max(1, out_chars // 4)},
    }


def anthropic_text(request_json: dict[str, Any], text: str | None = None) -> dict:
    if text is None:
        words = re.findall(r"\w+", _prompt_text(request_json))[:12]
        text = "Fake reply. " + (" ".join(words).capitalize() + "." if words else "Nothing was asked.")
    return anthropic_message(request_json, [{"type": "text", "text": text}], "end_turn")


def requested_tool(request_json: dict[str, Any]) -> dict[str, Any]:
    tools = request_json.get("tools") or []
    choice = request_json.get("tool_choice") or {}
    named = next((t for t in tools if t.get("name") == choice.get("name")), None)
    return named or (tools[0] if tools else {"name": "tool", "input_schema": {"type": "object"}})


def anthropic_tool_use(request_json: dict[str, Any], data: dict[str, Any] | None = None) -> dict:
    tool = requested_tool(request_json)
    if data is None:
        prompt_words = re.findall(r"\w+", _prompt_text(request_json))[:6] or ["fake"]
        data = instance_for(tool.get("input_schema") or {}, lambda path: f"{' '.join(prompt_words)} ({path})")
    block = {"type": "tool_use", "id": f"toolu_fake_{next(_ids)}", "name": tool.get("name", "tool"), "input": data}
    return anthropic_message(request_json, [block], "tool_use")


def anthropic_invalid_tool_use(request_json: dict[str, Any]) -> dict:
    """A tool_use whose input breaks the schema: every declared property gets the wrong type and
    required properties are dropped, so no real schema accepts it."""
    schema = requested_tool(request_json).get("input_schema") or {}
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    bad: dict[str, Any] = {}
    for name, sub in props.items():
        if name in required:
            continue
        kind = sub.get("type") if isinstance(sub, dict) else None
        bad[name] = 12345 if kind == "string" else "not-valid"
    if not bad and not required:
        bad = {"__fake_invalid__": ["not", "valid"]}
    return anthropic_tool_use(request_json, bad)


def anthropic_error(status: int) -> dict:
    kind = _ANTHROPIC_ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": f"fake {kind} ({status})"}}


# --- Gemini -------------------------------------------------------------------------------------

_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def gemini_audio(pcm: bytes | None = None, *, rate: int = SAMPLE_RATE) -> dict:
    pcm = tone_pcm(0.3) if pcm is None else pcm
    part = {"inlineData": {"mimeType": f"audio/L16;codec=pcm;rate={rate}", "data": base64.b64encode(pcm).decode()}}
    return {
        "candidates": [{"content": {"role": "model", "parts": [part]}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": len(pcm) // 1920, "totalTokenCount": 5},
    }


def gemini_error(status: int) -> dict:
    return {
        "error": {"code": status, "message": f"fake error ({status})", "status": _GOOGLE_STATUS.get(status, "UNKNOWN")}
    }


# --- DeepL --------------------------------------------------------------------------------------

DEEPL_TARGETS = [
    ("AR", "Arabic"),
    ("BG", "Bulgarian"),
    ("CS", "Czech"),
    ("DA", "Danish"),
    ("DE", "German"),
    ("EL", "Greek"),
    ("EN-GB", "English (British)"),
    ("EN-US", "English (American)"),
    ("ES", "Spanish"),
    ("ET", "Estonian"),
    ("FI", "Finnish"),
    ("FR", "French"),
    ("HU", "Hungarian"),
    ("ID", "Indonesian"),
    ("IT", "Italian"),
    ("JA", "Japanese"),
    ("KO", "Korean"),
    ("LT", "Lithuanian"),
    ("LV", "Latvian"),
    ("NB", "Norwegian Bokmål"),
    ("NL", "Dutch"),
    ("PL", "Polish"),
    ("PT-BR", "Portuguese (Brazilian)"),
    ("PT-PT", "Portuguese (European)"),
    ("RO", "Romanian"),
    ("RU", "Russian"),
    ("SK", "Slovak"),
    ("SL", "Slovenian"),
    ("SV", "Swedish"),
    ("TR", "Turkish"),
    ("UK", "Ukrainian"),
    ("ZH", "Chinese (simplified)"),
    ("ZH-HANS", "Chinese (simplified)"),
]


def deepl_languages(kind: str) -> list[dict[str, Any]]:
    if kind == "target":
        return [
            {"language": code, "name": name, "supports_formality": code not in ("JA", "ZH")}
            for code, name in DEEPL_TARGETS
        ]
    sources = {code.split("-")[0]: name.split(" (")[0] for code, name in DEEPL_TARGETS}
    return [{"language": code, "name": name} for code, name in sources.items()]


def deepl_translate(payload: dict[str, Any]) -> dict:
    texts = payload.get("text") or []
    texts = [texts] if isinstance(texts, str) else texts
    target = str(payload.get("target_lang", "")).upper()
    source = str(payload.get("source_lang") or "EN").upper()
    return {
        "translations": [
            {"detected_source_language": source, "text": f"[{target}] {t}", "billed_characters": len(t)} for t in texts
        ]
    }


def deepl_error(status: int) -> dict:
    return {"message": f"fake DeepL error ({status})"}


# --- Deepgram -----------------------------------------------------------------------------------


def deepgram_transcript(text: str = "hola mundo", confidence: float = 0.98, *, model: str = "nova-3") -> dict:
    words, t = [], 0.0
    for word in text.split():
        length = 0.08 * len(word) + 0.1
        words.append(
            {
                "word": word.strip(".,;:!?¿¡").lower(),
                "start": round(t, 3),
                "end": round(t + length, 3),
                "confidence": confidence,
                "punctuated_word": word,
            }
        )
        t += length + 0.05
    alternative = {"transcript": text, "confidence": confidence, "words": words}
    return {
        "metadata": {
            "request_id": f"req-fake-{next(_ids)}",
            "created": "2026-01-01T00:00:00Z",
            "duration": round(max(t, 0.5), 3),
            "channels": 1,
            "models": [model],
            "model_info": {},
        },
        "results": {"channels": [{"alternatives": [alternative]}]},
    }


def deepgram_error(status: int) -> dict:
    return {"err_code": "FAKE_ERROR", "err_msg": f"fake Deepgram error ({status})", "request_id": "req-fake"}


ERROR_BODIES = {
    "anthropic": anthropic_error,
    "gemini": gemini_error,
    "deepl": deepl_error,
    "deepgram": deepgram_error,
}
