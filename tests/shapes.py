"""Walking a parsed response against botocore's output shape: no member the model does not have, every
required member present, every value of its shape's type."""

from __future__ import annotations

import datetime
from typing import Any


def walk(shape: Any, value: Any, path: str = "") -> list[str]:
    if shape is None:
        extra = set(value) - {"ResponseMetadata"} if isinstance(value, dict) else {value}
        return [f"{path or 'response'}: the operation has no output, got {extra!r}"] if extra else []
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        problems = [
            f"{path}.{name}: unknown member"
            for name in value
            if name not in shape.members and not (path == "" and name == "ResponseMetadata")
        ]
        problems += [f"{path}.{name}: required member missing" for name in shape.required_members if name not in value]
        for name, item in value.items():
            if name in shape.members:
                problems += walk(shape.members[name], item, f"{path}.{name}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [problem for index, item in enumerate(value) for problem in walk(shape.member, item, f"{path}[{index}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map"]
        return [problem for key, item in value.items() for problem in walk(shape.value, item, f"{path}.{key}")]
    expected: dict[str, Any] = {
        "string": str,
        "integer": int,
        "long": int,
        "boolean": bool,
        "float": (float, int, str),  # the service sends "NaN" as a string
        "double": (float, int, str),
        "timestamp": datetime.datetime,
        "blob": (bytes, Any),
    }
    if kind == "blob":
        return []
    if not isinstance(value, expected[kind]) or (kind in ("integer", "long") and isinstance(value, bool)):
        return [f"{path}: expected {kind}, got {type(value).__name__}"]
    if kind == "string" and shape.enum and value not in shape.enum:
        return [f"{path}: {value!r} is not one of the enum"]
    return []
