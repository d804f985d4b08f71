"""The SageMaker JSON 1.1 wire protocol: parse requests, serialise responses and errors. No behaviour
lives here; `models` does the work."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from ircli.lib.numbers import finite_or_text
from ircli.operations import OPERATIONS
from ircli.simulator.exceptions import SerializationException, SimulatorError, UnknownOperationException

TARGET_PREFIX = "SageMaker."
CONTENT_TYPE = "application/x-amz-json-1.1"


def parse_target(target: str | None) -> str:
    if not target:
        raise UnknownOperationException("Missing X-Amz-Target header.")
    prefix, _, operation = target.partition(".")
    if prefix != TARGET_PREFIX[:-1] or operation not in OPERATIONS:
        raise UnknownOperationException(f"Operation {target} is not supported by the ircli simulator.")
    return operation


def parse_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}

    def reject_constant(name: str) -> Any:
        raise SerializationException(f"{name} is not a valid JSON number.")

    try:
        document = json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError):
        raise SerializationException("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise SerializationException("The request body must be a JSON object.")
    return document


def _wire(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, float):
        return finite_or_text(value)
    return value


def response_body(result: dict[str, Any]) -> bytes:
    return json.dumps(_wire(result)).encode("utf-8")


def error_body(error: SimulatorError) -> bytes:
    return json.dumps({"__type": error.code, "message": error.message}).encode("utf-8")


def request_id() -> str:
    return str(uuid.uuid4())
