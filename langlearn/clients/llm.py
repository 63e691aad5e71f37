"""Anthropic Messages API: free text and schema-validated structured output (forced tool use)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import anthropic
import jsonschema
from anthropic.types import Message

from .base import MalformedOutput, ProviderError, StructuredResult, TextResult, Usage

logger = logging.getLogger(__name__)

PROVIDER = "anthropic"
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def map_anthropic_error(exc: Exception) -> ProviderError:
    """One ProviderError for every SDK failure. Retryable: 408/409/429, any 5xx (529 overload
    included), timeouts, connection errors and answers the SDK could not parse."""
    if isinstance(exc, anthropic.APITimeoutError):
        return ProviderError(f"timed out: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, anthropic.APIConnectionError):
        return ProviderError(f"connection failed: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        retryable = status in (408, 409, 429) or status >= 500
        return ProviderError(_error_message(exc), provider=PROVIDER, retryable=retryable, status_code=status)
    if isinstance(exc, anthropic.APIResponseValidationError | json.JSONDecodeError):
        return ProviderError(f"unparseable answer: {exc}", provider=PROVIDER, retryable=True)
    return ProviderError(f"{type(exc).__name__}: {exc}", provider=PROVIDER, retryable=False)


def _error_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return f"{error.get('type', 'error')}: {error.get('message', exc.message)}"


def _usage(message: Message) -> Usage:
    usage = getattr(message, "usage", None)
    return Usage(
        input_tokens=getattr(usage, "input_tokens", 0) or 0, output_tokens=getattr(usage, "output_tokens", 0) or 0
    )


class AnthropicLLM:
    """`temperature` is accepted for the contract's sake but not sent: the Messages API of
    anthropic 2.x takes no sampling parameters any more (the SDK refuses the keyword)."""

    provider = PROVIDER

    def __init__(self, *, api_key: str, model: str, base_url: str | None, timeout: float, max_retries: int) -> None:
        self.model = model
        self._client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries
        )

    def _create(self, **kwargs: Any) -> Message:
        try:
            message = self._client.messages.create(model=self.model, **kwargs)
        except (anthropic.AnthropicError, json.JSONDecodeError) as exc:
            raise map_anthropic_error(exc) from exc
        if not isinstance(message, Message) or not isinstance(getattr(message, "content", None), list):
            raise ProviderError("unparseable answer: not a Message", provider=PROVIDER, retryable=True)
        return message

    def generate_text(
        self, *, system: str, prompt: str, max_tokens: int, temperature: float | None = None
    ) -> TextResult:
        kwargs: dict[str, Any] = {
            "system": system,
            "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": prompt}],
        }
        message = self._create(**kwargs)
        text = "".join(block.text for block in message.content if getattr(block, "type", None) == "text")
        if not text.strip():
            raise ProviderError("empty answer", provider=PROVIDER, retryable=True)
        return TextResult(
            text=text,
            model=message.model or self.model,
            provider=PROVIDER,
            usage=_usage(message),
            stop_reason=message.stop_reason,
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
        """One tool whose input_schema is `json_schema`, forced with tool_choice; its input is
        validated, and an invalid answer is sent back once (as an is_error tool_result naming the
        problems) before giving up. A second invalid answer is retryable: sampling may fix it."""
        if not _TOOL_NAME.match(schema_name):
            raise ProviderError(f"bad schema_name {schema_name!r}", provider=PROVIDER, retryable=False)
        validator_cls = jsonschema.validators.validator_for(json_schema)
        try:
            validator_cls.check_schema(json_schema)
        except jsonschema.SchemaError as exc:
            raise ProviderError(f"invalid JSON schema: {exc.message}", provider=PROVIDER, retryable=False)
        validator = validator_cls(json_schema)

        messages: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
        kwargs: dict[str, Any] = {
            "system": system,
            "max_tokens": max_tokens,
            "tools": [
                {
                    "name": schema_name,
                    "description": f"Return the {schema_name} as structured data.",
                    "input_schema": json_schema,
                }
            ],
            "tool_choice": {"type": "tool", "name": schema_name},
        }
        input_tokens = output_tokens = 0
        problems = ""
        for attempt in (1, 2):
            message = self._create(messages=messages, **kwargs)
            usage = _usage(message)
            input_tokens += usage.input_tokens
            output_tokens += usage.output_tokens
            block = next(
                (b for b in message.content if getattr(b, "type", None) == "tool_use" and b.name == schema_name), None
            )
            if block is None:
                problems = f"the answer did not call the {schema_name} tool"
                retry_turns = [{"role": "user", "content": f"Answer only by calling the {schema_name} tool."}]
            else:
                errors = sorted(validator.iter_errors(block.input), key=lambda e: list(e.absolute_path))
                if not errors:
                    return StructuredResult(
                        data=block.input,
                        model=message.model or self.model,
                        provider=PROVIDER,
                        usage=Usage(input_tokens, output_tokens),
                        attempts=attempt,
                    )
                problems = "; ".join(
                    f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:10]
                )
                # The API requires a tool_result for the tool_use before anything else is said.
                retry_turns = [
                    {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in message.content]},
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": block.id,
                                "is_error": True,
                                "content": f"The input does not match the schema: {problems}. Call the tool again "
                                "with input that matches the schema exactly.",
                            }
                        ],
                    },
                ]
            logger.info("structured output %s attempt %d invalid: %s", schema_name, attempt, problems)
            messages = [*messages, *retry_turns]
        raise MalformedOutput(
            f"structured output {schema_name} failed validation after a re-ask: {problems}", provider=PROVIDER
        )
