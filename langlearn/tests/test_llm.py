"""The Anthropic client through the real SDK against the loopback fake server."""

import pytest

from langlearn.clients import MalformedOutput, ProviderError, get_llm
from langlearn.clients.llm import AnthropicLLM

SCENE_SCHEMA = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "choices": {
            "type": "array",
            "minItems": 2,
            "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {"label": {"type": "string"}, "ends_story": {"type": "boolean"}},
                "required": ["label"],
            },
        },
        "level": {"enum": ["A1", "A2", "B1"]},
        "turn": {"type": "integer", "minimum": 1},
    },
    "required": ["text", "choices", "level"],
    "additionalProperties": False,
}


def _structured(llm, **overrides):
    kwargs = dict(
        system="You write scenes.",
        prompt="A market in Madrid.",
        schema_name="scene",
        json_schema=SCENE_SCHEMA,
        max_tokens=800,
    )
    kwargs.update(overrides)
    return llm.generate_structured(**kwargs)


def test_generate_text_sends_model_max_tokens_and_auth(fake_providers, settings):
    settings.LLM_MODEL = "claude-sonnet-4-6"
    fake_providers.push_text("Hola, ¿qué tal?")

    result = get_llm().generate_text(system="Be brief.", prompt="Greet me.", max_tokens=64)

    assert isinstance(get_llm(), AnthropicLLM)
    assert result.text == "Hola, ¿qué tal?"
    assert result.provider == "anthropic"
    assert result.model == "claude-sonnet-4-6"
    assert result.usage.input_tokens > 0
    assert result.usage.output_tokens > 0
    [req] = fake_providers.requests_for("anthropic")
    assert req.method == "POST"
    assert req.path == "/v1/messages"
    assert req.headers["authorization"] == "Bearer fake-anthropic-key"
    assert req.json["model"] == "claude-sonnet-4-6"
    assert req.json["max_tokens"] == 64
    assert req.json["system"] == "Be brief."
    assert "temperature" not in req.json
    assert req.json["messages"] == [{"role": "user", "content": "Greet me."}]


def test_default_text_answer_derives_from_prompt(fake_providers):
    result = get_llm().generate_text(system="s", prompt="Describe the old harbour", max_tokens=50)
    assert "harbour" in result.text


def test_structured_forces_the_tool_and_validates(fake_providers):
    fake_providers.push_tool_input(
        {"text": "En el mercado.", "choices": [{"label": "Comprar"}, {"label": "Irse"}], "level": "A2"}
    )

    result = _structured(get_llm())

    assert result.data["choices"][1]["label"] == "Irse"
    assert result.attempts == 1
    [req] = fake_providers.requests_for("anthropic")
    assert req.json["tools"][0]["name"] == "scene"
    assert req.json["tools"][0]["input_schema"] == SCENE_SCHEMA
    assert req.json["tool_choice"] == {"type": "tool", "name": "scene"}


def test_default_tool_answer_is_valid_for_any_schema(fake_providers):
    result = _structured(get_llm())
    assert 2 <= len(result.data["choices"]) <= 4
    assert result.data["level"] == "A1"
    assert result.data["turn"] >= 1


def test_malformed_structured_answer_is_re_asked_once(fake_providers):
    fake_providers.push_malformed("anthropic")

    result = _structured(get_llm())

    assert result.attempts == 2
    _first, second = fake_providers.requests_for("anthropic")
    assert len(second.json["messages"]) == 3
    assistant, correction = second.json["messages"][1:]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0]["type"] == "tool_use"
    tool_result = correction["content"][0]
    assert tool_result["type"] == "tool_result"
    assert tool_result["is_error"] is True
    assert tool_result["tool_use_id"] == assistant["content"][0]["id"]
    assert "required property" in tool_result["content"]
    assert result.usage.output_tokens > 0


def test_second_malformed_answer_fails_permanently(fake_providers):
    fake_providers.push_malformed("anthropic", times=2)

    with pytest.raises(MalformedOutput) as err:
        _structured(get_llm())

    assert err.value.retryable is False
    assert "failed validation" in err.value.message
    assert len(fake_providers.requests_for("anthropic")) == 2


def test_invalid_schema_is_refused_before_any_call(fake_providers):
    with pytest.raises(ProviderError) as err:
        _structured(get_llm(), json_schema={"type": "object", "properties": {"x": {"type": "nonsense"}}})
    assert err.value.retryable is False
    assert fake_providers.requests_for("anthropic") == []


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(429, True), (500, True), (503, True), (529, True), (400, False), (401, False), (403, False), (404, False)],
)
def test_status_errors_map_to_retryable(fake_providers, status, retryable):
    fake_providers.push_error("anthropic", status)

    with pytest.raises(ProviderError) as err:
        get_llm().generate_text(system="s", prompt="p", max_tokens=10)

    assert err.value.provider == "anthropic"
    assert err.value.status_code == status
    assert err.value.retryable is retryable


def test_timeout_is_retryable(fake_providers, settings):
    settings.PROVIDER_TIMEOUT_SECONDS = 0.3
    fake_providers.push_hang("anthropic", 3)

    with pytest.raises(ProviderError) as err:
        get_llm().generate_text(system="s", prompt="p", max_tokens=10)

    assert err.value.retryable is True
    assert "timed out" in err.value.message


def test_connection_refused_is_retryable(fake_providers, settings):
    settings.ANTHROPIC_BASE_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(ProviderError) as err:
        get_llm().generate_text(system="s", prompt="p", max_tokens=10)
    assert err.value.retryable is True


def test_unparseable_body_is_retryable(fake_providers):
    fake_providers.push_malformed("anthropic")
    with pytest.raises(ProviderError) as err:
        get_llm().generate_text(system="s", prompt="p", max_tokens=10)
    assert err.value.retryable is True


def test_sdk_retry_recovers_from_overload(fake_providers, settings):
    settings.PROVIDER_SDK_MAX_RETRIES = 1
    fake_providers.push_error("anthropic", 529)

    result = get_llm().generate_text(system="s", prompt="p", max_tokens=10)

    assert result.text
    assert len(fake_providers.requests_for("anthropic")) == 2


def test_sdk_retries_are_bounded(fake_providers, settings):
    settings.PROVIDER_SDK_MAX_RETRIES = 1
    fake_providers.push_error("anthropic", 429, times=5)

    with pytest.raises(ProviderError):
        get_llm().generate_text(system="s", prompt="p", max_tokens=10)

    assert len(fake_providers.requests_for("anthropic")) == 2
