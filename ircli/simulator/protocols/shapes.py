"""The one shape walk (`walk`) behind every conversion between a request's or a result's values and the
Python values handlers see: JSON requests (epoch seconds or ISO text to datetimes, base64 text to bytes),
the local backend's requests (the same; a blob's text is its UTF-8 bytes, as boto3 sends it), CBOR (numbers
to datetimes and floats), JSON answers (written along the output shape); the query protocol's form and XML
use its scalar conversions (`scalar_from_text`, `wire_timestamp`, `float_text`).

The shapes are botocore's (`operation_model`, loaded on a protocol's first need, so only when serving), or
for the local backend the bundled schema's (`request_shape`): generated from those shapes, they load in a
millisecond where botocore's model takes half a second, which the CLI's start-up cannot spend."""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache, cached_property
from typing import Any

from ircli.lib.numbers import NON_FINITE as NON_FINITE_TEXT
from ircli.lib.numbers import finite_or_text
from ircli.operations import OperationKey
from ircli.simulator.exceptions import SerializationException, ValidationException

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


class SchemaShape:
    """A node of a bundled JSON schema read as botocore's shapes read (`type_name`, `members`, `member`,
    `value`), for `walk`: the generator (tools/generate_schemas.py) writes a timestamp as ISO text or
    epoch seconds, a blob as base64 text, a float as a number and an integer as an integer."""

    serialization: dict[str, Any] = {}  # noqa: RUF012 - read only, as botocore's attribute of that name

    def __init__(self, schema: dict[str, Any], root: dict[str, Any]) -> None:
        while "$ref" in schema:
            schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        self.schema, self.root = schema, root
        self.type_name = self._kind(schema)

    @staticmethod
    def _kind(schema: dict[str, Any]) -> str:
        from ircli.lib.schema_check import is_blob, is_timestamp

        if is_timestamp(schema):
            return "timestamp"
        if is_blob(schema):
            return "blob"
        kind = schema.get("type")
        if kind == "object":
            return "map" if isinstance(schema.get("additionalProperties"), dict) else "structure"
        simple = {"array": "list", "number": "double", "integer": "integer", "string": "string", "boolean": "boolean"}
        return simple.get(kind, "document") if isinstance(kind, str) else "document"

    @property
    def is_document_type(self) -> bool:
        return self.type_name == "document"

    @cached_property
    def members(self) -> dict[str, SchemaShape]:
        return {name: SchemaShape(member, self.root) for name, member in self.schema.get("properties", {}).items()}

    @cached_property
    def member(self) -> SchemaShape:
        return SchemaShape(self.schema.get("items", {}), self.root)

    @cached_property
    def value(self) -> SchemaShape:
        return SchemaShape(self.schema["additionalProperties"], self.root)


@cache
def request_shape(key: OperationKey) -> SchemaShape:
    """An operation's input shape, from its bundled request schema."""
    from ircli.schemas import load_schema

    root = load_schema(key, "request")
    return SchemaShape(root, root)


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


# One value of a shape (None: a value the model does not describe) as the other side wants it.
Leaf = Callable[[Any, Any], Any]


def walk(shape: Any, value: Any, leaf: Leaf, *, drop_none: bool = False, plain: tuple[type, ...] = ()) -> Any:
    """`value` rebuilt along `shape` (botocore's, or a bundled schema's `SchemaShape`): structures member by
    member, lists item by item, maps value by value, every other value through `leaf`, and so is a value the
    shape does not describe (a member the model lacks, a document), with None for its shape. Members and
    items keep their order; with `drop_none`, members that are None are left out, as AWS's writers do;
    values of the `plain` types are taken as they are, whatever their shape (a writer's text and numbers)."""
    return _Walk(leaf, drop_none, plain)(shape, value)


class _Walk:
    def __init__(self, leaf: Leaf, drop_none: bool, plain: tuple[type, ...]) -> None:
        self.leaf, self.drop_none, self.plain = leaf, drop_none, frozenset(plain)

    def __call__(self, shape: Any, value: Any) -> Any:
        if value is None or type(value) in self.plain:
            return value
        if shape is None:
            return self.leaf(None, value)
        kind = shape.type_name
        if kind == "structure" and isinstance(value, dict):
            if shape.is_document_type:
                return self.leaf(None, value)
            members, plain, found = shape.members, self.plain, {}
            for name, item in value.items():
                if item is None and self.drop_none:
                    continue
                # Text and numbers are most of an answer: taken here, without a call each.
                found[name] = item if type(item) in plain else self(members.get(name), item)
            return found
        if kind == "list" and isinstance(value, list):
            member, plain = shape.member, self.plain
            return [item if type(item) in plain else self(member, item) for item in value]
        if kind == "map" and isinstance(value, dict):
            entry = shape.value
            return {key: self(entry, item) for key, item in value.items()}
        return self.leaf(shape, value)


def _non_finite(text: str) -> float:
    return float(text.replace("Infinity", "inf"))


def _python(shape: Any, value: Any, *, blob_text: str) -> Any:
    """A request's value as the Python value its shape means: a timestamp (a datetime, epoch seconds or
    ISO-8601 text) as an aware datetime, a blob's text as bytes (`blob_text` says how the text spells them).
    A value that is not what its shape says stays as it came, for the request's validation to name as the
    service does (so does "NaN" text where a float belongs, which the service refuses as not a number)."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "timestamp":
        return _request_timestamp(value)
    try:
        if kind == "blob":
            if isinstance(value, str):
                return base64.b64decode(value, validate=True) if blob_text == "base64" else value.encode("utf-8")
            if isinstance(value, bytearray):
                return bytes(value)
    except ValueError:  # not base64: for validation to name
        pass
    return value


# The ends of datetime's range: epoch seconds beyond them compare as they would, before or after every time.
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


def _request_timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return timestamp(value)
        except (OverflowError, OSError, ValueError):
            if math.isnan(value):
                raise ValidationException(f"Value '{value}' is not a valid timestamp.") from None
            return _LATEST if value > 0 else _EARLIEST
    if isinstance(value, str) and ISO_8601.match(value):
        try:
            return timestamp(value.replace("z", "Z"))
        except SerializationException:  # the pattern's shape, not a day: 2026-13-01
            raise ValidationException(f"Value '{value}' is not a valid timestamp.") from None
    return value


def _from_json(shape: Any, value: Any) -> Any:
    return _python(shape, value, blob_text="base64")


def _from_params(shape: Any, value: Any) -> Any:
    return _python(shape, value, blob_text="utf-8")


def from_json(shape: Any, value: Any) -> Any:
    """A JSON request's members (as JSON decoded them) as Python values; blobs travel as base64 text."""
    return walk(shape, value, _from_json)


def from_params(shape: Any, value: Any) -> Any:
    """A request as a Python caller gives it (the CLI to the local backend; boto3's parameters) as the Python
    values the JSON protocol parses the same request into: timestamps as epoch seconds, ISO-8601 text or
    datetimes; a blob's text as its UTF-8 bytes, as boto3 sends it."""
    return walk(shape, value, _from_params)


def _cbor(shape: Any, value: Any) -> Any:
    """A CBOR value (decoded, or about to be encoded) as its shape means it: CBOR carries datetimes, bytes
    and non-finite floats natively, so only numbers and text of the wrong kind need converting."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "timestamp":
        return timestamp(value)
    if kind in ("float", "double"):
        if isinstance(value, str) and value in NON_FINITE_TEXT:
            return _non_finite(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    return value


def to_python(shape: Any, value: Any, *, drop_none: bool = False) -> Any:
    """A CBOR request's members, or a result about to be written as CBOR, as the Python values its shape
    means."""
    return walk(shape, value, _cbor, drop_none=drop_none)


def wire_timestamp(value: datetime, timestamp_format: str) -> Any:
    """A timestamp as a protocol writes it in `timestamp_format` (botocore's names: the shape's
    `timestampFormat`, else the protocol's default)."""
    moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    form = timestamp_format.lower()
    if form == "unixtimestamp":
        return moment.timestamp()
    moment = moment.astimezone(timezone.utc)
    if form == "rfc822":
        from email.utils import format_datetime

        return format_datetime(moment, usegmt=True)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_json(value: Any) -> Any:
    """A value the model does not describe (an error's document, a member the model lacks) as JSON, by its
    Python type: datetimes as epoch seconds, bytes as base64, non-finite floats as their text."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, float):
        return finite_or_text(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def _json(shape: Any, value: Any) -> Any:
    if shape is not None:
        kind = shape.type_name
        if kind == "timestamp" and isinstance(value, datetime):
            return wire_timestamp(value, shape.serialization.get("timestampFormat", "unixTimestamp"))
        if kind == "blob" and isinstance(value, (bytes, bytearray)):
            return base64.b64encode(value).decode("ascii")
        if kind in ("float", "double") and isinstance(value, float):
            return finite_or_text(value)
    # Not what the shape says (a handler's epoch number for a timestamp stays a number): by its type.
    return to_json(value)


def json_document(shape: Any, result: dict[str, Any]) -> Any:
    """A result as the JSON protocols write it along the operation's output shape: timestamps in the shape's
    timestampFormat (epoch seconds by default), blobs as base64, non-finite floats as "NaN", "Infinity" and
    "-Infinity", members that are None left out."""
    return walk(shape, result, _json, drop_none=True, plain=(str, int, bool))


def float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)
