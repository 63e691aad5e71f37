"""The fake server's scripting API is a contract other tests rely on: pin its behaviour."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from langlearn.clients import get_llm, get_stt, get_translator, get_tts
from langlearn.clients.fakes import FakeProviderServer


def _post(url: str, payload: dict) -> tuple[int, dict, dict]:
    req = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST", headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_requests_are_recorded_per_provider(fake_providers):
    get_llm().generate_text(system="s", prompt="p", max_tokens=5)
    get_tts().synthesize("hola", "es")
    get_stt().transcribe(b"abc", mime="audio/wav", language="es")

    assert [r.provider for r in fake_providers.requests] == ["anthropic", "gemini", "deepgram"]
    assert fake_providers.requests_for("deepl") == []
    [stt] = fake_providers.requests_for("deepgram")
    assert stt.body == b"abc"
    assert stt.json is None
    assert stt.headers["Authorization"] == stt.headers["authorization"]


@pytest.mark.django_db
def test_push_is_fifo_then_falls_back_to_the_default(fake_providers):
    fake_providers.push(
        "deepl", json={"translations": [{"text": "uno", "detected_source_language": "EN", "billed_characters": 3}]}
    )
    fake_providers.push_translations(["dos"])
    translator = get_translator()
    assert translator.translate(["a"], source="en", target="es").texts == ["uno"]
    assert translator.translate(["b"], source="en", target="es").texts == ["dos"]
    assert translator.translate(["c"], source="en", target="es").texts == ["[ES] c"]


def test_push_with_status_and_headers_and_delay(fake_providers):
    fake_providers.push("anthropic", status=418, json={"teapot": True}, headers={"x-fake": "yes"}, delay=0.2)
    started = time.monotonic()
    status, headers, body = _post(f"{fake_providers.url}/v1/messages", {"messages": []})
    assert time.monotonic() - started >= 0.2
    assert (status, body, headers["x-fake"]) == (418, {"teapot": True}, "yes")


def test_push_error_uses_the_provider_shape_and_fast_retry_headers(fake_providers):
    fake_providers.push_error("anthropic", 529, times=2)
    for _ in range(2):
        status, headers, body = _post(f"{fake_providers.url}/v1/messages", {})
        assert status == 529
        assert body["error"]["type"] == "overloaded_error"
        assert headers["retry-after-ms"] == "1"
    assert _post(f"{fake_providers.url}/v1/messages", {})[0] == 200


def test_default_tool_use_answer_follows_the_requested_schema(fake_providers):
    schema = {
        "type": "object",
        "required": ["words"],
        "properties": {
            "words": {
                "type": "array",
                "minItems": 3,
                "items": {
                    "type": "object",
                    "required": ["lemma", "pos"],
                    "properties": {
                        "lemma": {"type": "string"},
                        "pos": {"enum": ["NOUN", "VERB"]},
                        "known": {"type": "boolean"},
                        "rank": {"type": "integer"},
                    },
                },
            }
        },
    }
    status, _, body = _post(
        f"{fake_providers.url}/v1/messages",
        {
            "model": "m",
            "messages": [{"role": "user", "content": "hi"}],
            "tools": [{"name": "vocab", "input_schema": schema}],
            "tool_choice": {"type": "tool", "name": "vocab"},
        },
    )
    block = body["content"][0]
    assert (status, block["type"], block["name"], body["stop_reason"]) == (200, "tool_use", "vocab", "tool_use")
    assert len(block["input"]["words"]) == 3
    assert block["input"]["words"][0]["pos"] == "NOUN"
    assert block["input"]["words"][0]["known"] is False
    assert isinstance(block["input"]["words"][0]["rank"], int)


def test_state_is_reset_between_tests(fake_providers):
    assert fake_providers.requests == []


def test_standalone_server_with_per_call_delay():
    proc = subprocess.Popen(
        [sys.executable, "-m", "langlearn.clients.fakes", "--port", "0", "--delay", "0.2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = line.split()[3]
        assert url.startswith("http://127.0.0.1:")
        started = time.monotonic()
        status, _, body = _post(f"{url}/v2/translate", {"text": ["hi"], "target_lang": "FR"})
        assert time.monotonic() - started >= 0.2
        assert (status, body["translations"][0]["text"]) == (200, "[FR] hi")
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_server_can_be_used_as_a_context_manager():
    with FakeProviderServer() as server:
        status, _, body = _post(f"{server.url}/v1/listen?model=nova-3", {})
        assert status == 200
        assert body["results"]["channels"][0]["alternatives"][0]["transcript"] == "hola mundo"
        assert server.requests_for("deepgram")[0].query == {"model": ["nova-3"]}
