"""The instance builder behind the fake's default tool_use answer and the offline LLM."""

import jsonschema
import pytest

from langlearn.clients.schema_instance import instance_for

SCHEMAS = {
    "nested": {"type": "object", "required": ["scene"], "properties": {"scene": {"type": "object", "properties": {
        "text": {"type": "string", "minLength": 30}, "choices": {"type": "array", "minItems": 2, "maxItems": 4,
        "items": {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}}}}}},
    "refs": {"$defs": {"word": {"type": "object", "required": ["lemma"], "properties": {
        "lemma": {"type": "string"}, "pos": {"$ref": "#/$defs/pos"}}}, "pos": {"enum": ["NOUN", "VERB"]}},
        "type": "object", "properties": {"words": {"type": "array", "minItems": 5, "items": {"$ref": "#/$defs/word"}}}},
    "unions": {"type": "object", "properties": {"a": {"anyOf": [{"type": "integer", "minimum": 3}, {"type": "string"}]},
        "b": {"oneOf": [{"type": "null"}, {"type": "string"}]}, "c": {"type": ["null", "number"], "maximum": 0.5},
        "d": {"const": "fixed"}, "e": {"allOf": [{"type": "object", "required": ["x"], "properties": {
        "x": {"type": "boolean"}}}, {"properties": {"y": {"type": "integer", "exclusiveMinimum": 7}}}]}}},
    "unique": {"type": "array", "uniqueItems": True, "minItems": 4, "items": {"type": "string", "maxLength": 12}},
    "strict": {"type": "object", "additionalProperties": False, "required": ["title", "level", "ok"],
               "properties": {"title": {"type": "string", "maxLength": 5}, "level": {"enum": ["A1", "A2"]},
                              "ok": {"type": "boolean"}, "n": {"type": "integer", "minimum": 0, "maximum": 0}}},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_instance_is_valid(name):
    schema = SCHEMAS[name]
    jsonschema.validate(instance_for(schema), schema)


def test_strings_come_from_the_source_with_their_path():
    data = instance_for(SCHEMAS["nested"], lambda path: f"<{path}>")
    assert data["scene"]["choices"][1]["label"] == "<scene.choices.1.label>"
    assert data["scene"]["text"].startswith("<scene.text>")
    assert len(data["scene"]["text"]) >= 30
