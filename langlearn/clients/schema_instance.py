"""Build an instance that satisfies a JSON schema, filling strings from a supplied source.

Shared by the fake server (default tool_use answers, so any schema gets a valid reply) and the
offline LLM (structured output built from the user's own input). Covers what our prompts use:
objects, arrays with minItems/maxItems, enums/const, strings with length bounds, numbers with
bounds, booleans, null, anyOf/oneOf/allOf (first branch / merged) and local `$ref`s. It does not
try to satisfy `pattern` or `format`; a schema relying on them gets validated by the caller.

No Django imports: the fake server runs standalone too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

StringSource = Callable[[str], str]  # gets a dotted path ("scene.choices.0.text"), returns text


def _default_strings(path: str) -> str:
    return f"example {path.rsplit('.', 1)[-1] or 'text'}"


def instance_for(schema: dict[str, Any], strings: StringSource | None = None) -> Any:
    """A value valid for `schema` (for the keywords listed in the module docstring)."""
    return _Builder(schema, strings or _default_strings).build(schema, "", depth=0)


class _Builder:
    def __init__(self, root: dict[str, Any], strings: StringSource) -> None:
        self.root = root
        self.strings = strings

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 20:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                return {}
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            seen += 1
        return schema

    def build(self, schema: Any, path: str, depth: int) -> Any:
        if not isinstance(schema, dict) or depth > 12:
            return None
        schema = self._resolve(schema)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                branch = {**{k: v for k, v in schema.items() if k != key}, **self._resolve(schema[key][0])}
                return self.build(branch, path, depth + 1)
        if schema.get("allOf"):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self._resolve(part)
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
            return self.build(merged, path, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
        return getattr(self, f"_{kind}", self._string)(schema, path, depth)

    def _object(self, schema: dict[str, Any], path: str, depth: int) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        # Fill every declared property: a fuller answer exercises more of the caller's code.
        out = {name: self.build(sub, f"{path}.{name}".lstrip("."), depth + 1) for name, sub in props.items()}
        for name in required - out.keys():
            out[name] = self._string({}, f"{path}.{name}".lstrip("."), depth)
        return out

    def _array(self, schema: dict[str, Any], path: str, depth: int) -> list[Any]:
        count = max(int(schema.get("minItems", 0)), 2 if depth < 3 else 1)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        prefix = schema.get("prefixItems") or []
        items = schema.get("items", {})
        out = []
        for i in range(max(count, len(prefix))):
            sub = prefix[i] if i < len(prefix) else items
            out.append(self.build(sub if isinstance(sub, dict) else {}, f"{path}.{i}", depth + 1))
        if schema.get("uniqueItems"):
            out = [
                f"{v} {i + 1}" if isinstance(v, str) else v + i if isinstance(v, int) else v for i, v in enumerate(out)
            ]
        return out

    def _string(self, schema: dict[str, Any], path: str, depth: int) -> str:
        text = self.strings(path) or "text"
        min_len, max_len = int(schema.get("minLength", 0)), schema.get("maxLength")
        while len(text) < min_len:
            text = f"{text} {text}"
        if max_len is not None:
            text = text[: int(max_len)]
        return text

    def _integer(self, schema: dict[str, Any], path: str, depth: int) -> int:
        if "minimum" in schema:
            value = math.ceil(schema["minimum"])
        elif "exclusiveMinimum" in schema:
            value = math.floor(schema["exclusiveMinimum"]) + 1
        else:
            value = 1
        if "maximum" in schema:
            value = min(value, math.floor(schema["maximum"]))
        return value

    def _number(self, schema: dict[str, Any], path: str, depth: int) -> float:
        return float(self._integer(schema, path, depth))

    def _boolean(self, schema: dict[str, Any], path: str, depth: int) -> bool:
        return False

    def _null(self, schema: dict[str, Any], path: str, depth: int) -> None:
        return None
