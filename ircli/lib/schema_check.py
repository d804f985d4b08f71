"""A small, fast evaluator for the subset of JSON Schema that `tools/generate_schemas.py` writes.

Requests are checked on every command, so this keeps the jsonschema package (and its import time) off
the paths that only send a request; `ircli schema validate` uses jsonschema itself, and a property-based
test keeps the two in agreement. Supported: $ref into $defs, type, properties, required,
additionalProperties, propertyNames, min/maxProperties, items, min/maxItems, enum, min/maxLength,
pattern (matched with the `regex` module), minimum, maximum, anyOf. Annotations are ignored, except that
the Python values the simulator's protocols parse are taken where the schema spells their wire form: an
aware datetime where a timestamp is (the generator's `anyOf` of ISO-8601 text and a number), bytes where a
blob is (`contentEncoding: base64`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

_ANCHOR_PREFIX, _ANCHOR_SUFFIX = "^(?:", ")$"
Path = tuple[str | int, ...]


def original_pattern(pattern: str) -> str:
    if pattern.startswith(_ANCHOR_PREFIX) and pattern.endswith(_ANCHOR_SUFFIX):
        return pattern[len(_ANCHOR_PREFIX) : -len(_ANCHOR_SUFFIX)]
    return pattern


@lru_cache(maxsize=512)
def compiled_pattern(pattern: str) -> Any:
    """The standard library's `re` where it can read the pattern (most of the model's; it costs no import
    time), the `regex` module for the `\\p{L}`-style classes it cannot."""
    import re

    try:
        return re.compile(original_pattern(pattern))
    except re.error:
        import regex

        return regex.compile(original_pattern(pattern))


# A pattern gets this long to decide before the value counts as not matching: with lengths checked first,
# no pattern of the model comes near it (a test measures every one on adversarial values), so it only bounds
# a pattern someone adds later.
PATTERN_SECONDS = 0.25


def pattern_matches(pattern: str, text: str) -> bool:
    """The service matches a member's pattern against the whole value."""
    import re

    compiled = compiled_pattern(pattern)
    if isinstance(compiled, re.Pattern):  # `re` takes no time bound; the length checked first bounds it
        return compiled.fullmatch(text) is not None
    try:
        return compiled.fullmatch(text, timeout=PATTERN_SECONDS) is not None
    except TimeoutError:
        return False


@dataclass(frozen=True)
class SchemaError:
    """One failed keyword, shaped like a jsonschema error: where, which keyword, its value, what was there."""

    path: Path
    keyword: str
    limit: Any
    instance: Any
    schema: dict[str, Any]


def _is_type(instance: Any, kind: str) -> bool:
    if kind == "object":
        return isinstance(instance, dict)
    if kind == "array":
        return isinstance(instance, list)
    if kind == "string":
        return isinstance(instance, str)
    if kind == "integer":
        return isinstance(instance, int) and not isinstance(instance, bool)
    if kind == "number":
        return isinstance(instance, (int, float)) and not isinstance(instance, bool)
    if kind == "boolean":
        return isinstance(instance, bool)
    if kind == "null":
        return instance is None
    return False


def is_timestamp(schema: dict[str, Any]) -> bool:
    """Whether a schema is the generator's timestamp: ISO-8601 text or epoch seconds."""
    branches = schema.get("anyOf")
    return (
        isinstance(branches, list)
        and len(branches) == 2
        and branches[0].get("type") == "string"
        and "pattern" in branches[0]
        and branches[1] == {"type": "number"}
    )


def is_blob(schema: dict[str, Any]) -> bool:
    return schema.get("contentEncoding") == "base64"


def python_value_fits(schema: dict[str, Any], instance: Any) -> bool:
    """Whether the instance is the Python value of a timestamp or blob member: taken as it stands."""
    if isinstance(instance, datetime):
        return is_timestamp(schema)  # naive ones too: the service's callers read them as UTC
    return isinstance(instance, (bytes, bytearray)) and is_blob(schema)


class SchemaChecker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.definitions: dict[str, Any] = root.get("$defs", {})

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        return self._check(self.root, instance, ())

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            resolved: dict[str, Any] = self.definitions[schema["$ref"].rsplit("/", 1)[-1]]
            schema = resolved
        return schema

    def _check(self, schema: dict[str, Any], instance: Any, path: Path) -> Iterator[SchemaError]:
        schema = self._resolve(schema)
        if python_value_fits(schema, instance):
            return
        if "anyOf" in schema:
            if not any(next(self._check(branch, instance, path), None) is None for branch in schema["anyOf"]):
                yield SchemaError(path, "anyOf", schema["anyOf"], instance, schema)
            return
        kind = schema.get("type")
        if kind is not None and not _is_type(instance, kind):
            yield SchemaError(path, "type", kind, instance, schema)
        if "enum" in schema and instance not in schema["enum"]:
            yield SchemaError(path, "enum", schema["enum"], instance, schema)
        if isinstance(instance, dict):
            yield from self._object(schema, instance, path)
        elif isinstance(instance, list):
            yield from self._array(schema, instance, path)
        elif isinstance(instance, str):
            if "minLength" in schema and len(instance) < schema["minLength"]:
                yield SchemaError(path, "minLength", schema["minLength"], instance, schema)
            if "maxLength" in schema and len(instance) > schema["maxLength"]:
                # Lengths first: a value already too long is not matched against the pattern at all.
                yield SchemaError(path, "maxLength", schema["maxLength"], instance, schema)
            elif "pattern" in schema and not pattern_matches(schema["pattern"], instance):
                yield SchemaError(path, "pattern", schema["pattern"], instance, schema)
        elif isinstance(instance, (int, float)) and not isinstance(instance, bool):
            if "minimum" in schema and instance < schema["minimum"]:
                yield SchemaError(path, "minimum", schema["minimum"], instance, schema)
            if "maximum" in schema and instance > schema["maximum"]:
                yield SchemaError(path, "maximum", schema["maximum"], instance, schema)

    def _object(self, schema: dict[str, Any], instance: dict[str, Any], path: Path) -> Iterator[SchemaError]:
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                yield SchemaError(path, "required", schema["required"], instance, schema)
                break  # one error lists every missing member, as jsonschema's translation expects
        extra = schema.get("additionalProperties", True)
        unknown = False
        for name, value in instance.items():
            if name in properties:
                yield from self._check(properties[name], value, (*path, name))
            elif extra is False:
                unknown = True
            elif isinstance(extra, dict):
                if "propertyNames" in schema:
                    yield from self._check(schema["propertyNames"], name, path)
                yield from self._check(extra, value, (*path, name))
        if unknown:
            yield SchemaError(path, "additionalProperties", False, instance, schema)
        if "minProperties" in schema and len(instance) < schema["minProperties"]:
            yield SchemaError(path, "minProperties", schema["minProperties"], instance, schema)
        if "maxProperties" in schema and len(instance) > schema["maxProperties"]:
            yield SchemaError(path, "maxProperties", schema["maxProperties"], instance, schema)

    def _array(self, schema: dict[str, Any], instance: list[Any], path: Path) -> Iterator[SchemaError]:
        if "minItems" in schema and len(instance) < schema["minItems"]:
            yield SchemaError(path, "minItems", schema["minItems"], instance, schema)
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            # Counts first: the items of a list already too long are not checked one by one.
            yield SchemaError(path, "maxItems", schema["maxItems"], instance, schema)
        elif "items" in schema:
            for index, item in enumerate(instance):
                yield from self._check(schema["items"], item, (*path, index))
