"""An operation's botocore shapes, loaded on a protocol's first need (so only when serving), and the
model-driven conversions between wire values and Python values: text to numbers, booleans, datetimes
and bytes (query), numbers to datetimes and "NaN" text to floats (CBOR), epoch seconds or ISO text to
datetimes and base64 text to bytes (JSON)."""

from __future__ import annotations

import base64
import math
import re
from datetime import datetime, timezone
from functools import cache
from typing import Any

from ircli.operations import OperationKey
from ircli.simulator.exceptions import SerializationException

# The ISO-8601 text a JSON request's timestamp may be (the schemas' pattern: tools/generate_schemas.py); other
# text stays text, and the schema refuses it as before.
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$")


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@cache
def operation_model(key: OperationKey) -> Any:
    """botocore's OperationModel of a registered operation."""
    return _session().get_service_model(key.service.value).operation_model(key.name)


def timestamp(value: Any) -> datetime:
    """A timestamp as an aware datetime, from epoch seconds, ISO 8601 text or a datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, str):
        try:
            return timestamp(float(value))
        except ValueError:
            pass
        try:
            return timestamp(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    raise SerializationException(f"{value!r} is not a timestamp.")


def scalar_from_text(shape: Any, text: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "boolean":
            if text not in ("true", "false"):
                raise ValueError
            return text == "true"
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "timestamp":
            return timestamp(text)
        if kind == "blob":
            return base64.b64decode(text, validate=True)
    except ValueError:
        raise SerializationException(f"{text!r} is not a valid {kind}.") from None
    return text


def to_python(shape: Any, value: Any) -> Any:
    """A decoded value (CBOR, JSON) as the Python value its shape means."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {name: to_python(members.get(name), item) for name, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [to_python(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: to_python(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return timestamp(value)
    if kind in ("float", "double"):
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return float(value.replace("Infinity", "inf"))
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def from_json(shape: Any, value: Any) -> Any:
    """A JSON request's member as the Python value its shape means: a timestamp (epoch seconds or ISO-8601
    text) as an aware datetime, a blob (base64 text) as bytes. A value that is not what its shape says stays
    as it came, for the request's validation to name as the service does."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {name: from_json(members.get(name), item) for name, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [from_json(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: from_json(shape.value, item) for key, item in value.items()}
    try:
        if kind == "timestamp" and not isinstance(value, bool) and isinstance(value, (int, float)):
            return timestamp(value)
        if kind == "timestamp" and isinstance(value, str) and ISO_8601.match(value):
            return timestamp(value.replace("z", "Z"))
        if kind == "blob" and isinstance(value, str):
            return base64.b64decode(value, validate=True)
    except (SerializationException, ValueError, OverflowError, OSError):
        pass
    return value


def float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)
