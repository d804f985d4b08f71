"""AWS JSON 1.0 and 1.1: `POST /`, the operation in `X-Amz-Target: PREFIX.Operation` (the prefix names the
service, as botocore's model states it), members as a JSON object; timestamps as epoch seconds, blobs as
base64, non-finite floats as "NaN"/"Infinity"/"-Infinity" on the wire."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from http import HTTPStatus
from typing import Any

from ircli.lib.numbers import finite_or_text
from ircli.operations import OPERATIONS, OperationKey, Service
from ircli.simulator.exceptions import SerializationException, SimulatorError, UnknownOperationException
from ircli.simulator.protocols import HttpRequest, Reply, WireProtocol

# X-Amz-Target's prefix -> its service, as botocore's models state them.
TARGET_PREFIXES = {service.model.target_prefix: service for service in Service if service.model.target_prefix}


def to_wire(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, float):
        return finite_or_text(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def parse_target(target: str | None) -> OperationKey:
    if not target:
        raise UnknownOperationException("Missing X-Amz-Target header.")
    prefix, _, operation = target.partition(".")
    service = TARGET_PREFIXES.get(prefix)
    if service is None or (service, operation) not in OPERATIONS:
        raise UnknownOperationException(f"Operation {target} is not supported by the ircli simulator.")
    return OperationKey(service, operation)


def parse_json_body(body: bytes) -> dict[str, Any]:
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


class AwsJson(WireProtocol):
    def __init__(self, version: str) -> None:
        self.version = version
        self.name = f"json-{version}"
        self.content_type = f"application/x-amz-json-{version}"

    def matches(self, request: HttpRequest) -> bool:
        return request.content_type == self.content_type

    def operation(self, request: HttpRequest) -> OperationKey:
        if request.path not in ("", "/"):
            from ircli.simulator.protocols import failure

            raise failure("UnknownOperationException", f"No operation is served at {request.path}.", 404)
        return parse_target(request.headers.get("x-amz-target"))

    def parse(self, request: HttpRequest, key: OperationKey) -> dict[str, Any]:
        document = parse_json_body(request.body)
        if not document:
            return document
        from ircli.simulator.protocols.shapes import from_json, operation_model

        members: dict[str, Any] = from_json(operation_model(key).input_shape, document)
        return members

    def reply(self, status: int, document: dict[str, Any]) -> Reply:
        return Reply(status, json.dumps(to_wire(document)).encode("utf-8"), [("Content-Type", self.content_type)])

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        return self.reply(HTTPStatus.OK, result)

    def error(self, error: SimulatorError) -> Reply:
        return self.reply(error.status, {"__type": error.code, "message": error.message})
