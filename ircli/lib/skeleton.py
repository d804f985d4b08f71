"""`--generate-cli-skeleton`: a fill-in-the-blanks document for an operation's request or response,
built from the bundled schema (so the output skeleton works for every operation, describe calls
included). The YAML input skeleton carries a comment per member: required or not, type and values."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from ircli.schemas import load_schema

MAX_DEPTH = 12


class SkeletonKind(str, Enum):
    INPUT = "input"
    YAML_INPUT = "yaml-input"
    OUTPUT = "output"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], **extra}
    return schema


def example_value(schema: dict[str, Any], root: dict[str, Any], depth: int = 0) -> Any:
    schema = _resolve(schema, root)
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branch = schema["anyOf"][0]
        return "1970-01-01T00:00:00Z" if "pattern" in branch else example_value(branch, root, depth)
    kind = schema.get("type")
    if kind == "object":
        if depth >= MAX_DEPTH:
            return {}
        if "properties" in schema:
            return {name: example_value(sub, root, depth + 1) for name, sub in schema["properties"].items()}
        value_schema = schema.get("additionalProperties")
        return {"KeyName": example_value(value_schema, root, depth + 1)} if isinstance(value_schema, dict) else {}
    if kind == "array":
        return [] if depth >= MAX_DEPTH else [example_value(schema["items"], root, depth + 1)]
    if kind == "integer":
        minimum = schema.get("minimum", 0)
        return minimum if 0 <= minimum <= 10**6 else 0
    if kind == "number":
        return 0.0
    if kind == "boolean":
        return True
    return ""


def skeleton(operation: str, kind: SkeletonKind) -> Any:
    schema = load_schema(operation, "response" if kind is SkeletonKind.OUTPUT else "request")
    return example_value(schema, schema)


def yaml_skeleton(operation: str) -> str:
    """The request skeleton as commented YAML."""
    schema = load_schema(operation, "request")
    lines: list[str] = []
    _yaml_object(schema, schema, lines, 0, 0)
    return "\n".join(lines) + "\n"


def _comment(schema: dict[str, Any], required: bool) -> str:
    kind = schema.get("type") or ("timestamp" if "anyOf" in schema else "value")
    parts = ["[REQUIRED]" if required else "[optional]", str(kind)]
    if "enum" in schema:
        values = schema["enum"]
        parts.append("one of: " + (", ".join(values) if len(values) <= 8 else ", ".join(values[:8]) + ", ..."))
    if "minimum" in schema and schema["minimum"] > -(2**31):
        parts.append(f"min {schema['minimum']}")
    if "maximum" in schema and schema["maximum"] < 2**31 - 1:
        parts.append(f"max {schema['maximum']}")
    return "  # " + " ".join(parts)


def _scalar_text(value: Any) -> str:
    return json.dumps(value)


def _yaml_object(schema: dict[str, Any], root: dict[str, Any], lines: list[str], indent: int, depth: int) -> None:
    schema = _resolve(schema, root)
    required = set(schema.get("required", []))
    pad = " " * indent
    for name, sub in schema.get("properties", {}).items():
        resolved = _resolve(sub, root)
        comment = _comment(resolved, name in required)
        kind = resolved.get("type")
        if kind == "object" and "properties" in resolved and depth < MAX_DEPTH:
            lines.append(f"{pad}{name}:{comment}")
            _yaml_object(resolved, root, lines, indent + 2, depth + 1)
        elif kind == "array" and depth < MAX_DEPTH:
            lines.append(f"{pad}{name}:{comment}")
            item = _resolve(resolved["items"], root)
            if item.get("type") == "object" and "properties" in item:
                nested: list[str] = []
                _yaml_object(item, root, nested, indent + 4, depth + 1)
                if nested:
                    nested[0] = f"{pad}  - " + nested[0].lstrip()
                lines.extend(nested)
            else:
                lines.append(f"{pad}  - {_scalar_text(example_value(item, root, depth + 1))}")
        else:
            value = example_value(resolved, root, depth + 1)
            text = (
                "{}"
                if isinstance(value, dict) and not value
                else (json.dumps(value) if isinstance(value, (dict, list)) else _scalar_text(value))
            )
            lines.append(f"{pad}{name}: {text}{comment}")
