"""The service ignores request members its model does not know. The simulator drops them before any
handler sees the request, so that nothing a client invented is stored or echoed back."""

from __future__ import annotations

from typing import Any

from ircli.schemas import load_schema


def prune(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    root = load_schema(operation, "request")
    pruned = _prune(root, request, root)
    return pruned if isinstance(pruned, dict) else {}


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _prune(schema: dict[str, Any], value: Any, root: dict[str, Any]) -> Any:
    schema = _resolve(schema, root)
    if isinstance(value, dict) and "properties" in schema:
        return {
            key: _prune(schema["properties"][key], item, root)
            for key, item in value.items()
            if key in schema["properties"]
        }
    if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        return {key: _prune(schema["additionalProperties"], item, root) for key, item in value.items()}
    if isinstance(value, list) and "items" in schema:
        return [_prune(schema["items"], item, root) for item in value]
    return value
