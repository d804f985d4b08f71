"""AWS JSON 1.0 and 1.1: `POST /`, the operation in `X-Amz-Target: PREFIX.Operation` (the prefix names the
service, as botocore's model states it), members as a JSON object, read by the operation's input shape and
written by its output shape (`shapes`): timestamps as epoch seconds, blobs as base64, non-finite floats as
"NaN"/"Infinity"/"-Infinity" on the wire."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from ircli.operations import OPERATIONS, OperationKey, Service
from ircli.simulator.exceptions import SerializationException, SimulatorError, UnknownOperationException
from ircli.simulator.protocols import HttpRequest, Reply, WireProtocol
from ircli.simulator.protocols.shapes import from_json, json_document, operation_model, to_json

# X-Amz-Target's prefix -> its service, as botocore's models state them.
TARGET_PREFIXES = {service.model.target_prefix: service for service in Service if service.model.target_prefix}


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
        members: dict[str, Any] = from_json(operation_model(key).input_shape, document)
        return members

    def reply(self, status: int, document: dict[str, Any]) -> Reply:
        """A document the model does not describe (an error's), written by its values' Python types."""
        return self.written(status, to_json(document))

    def written(self, status: int, values: Any) -> Reply:
        return Reply(status, json.dumps(values).encode("utf-8"), [("Content-Type", self.content_type)])

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        return self.document(operation_model(key), result)

    def document(self, model: Any, result: dict[str, Any]) -> Reply:
        return self.written(HTTPStatus.OK, json_document(model.output_shape, result))

    def error(self, error: SimulatorError) -> Reply:
        return self.reply(error.status, {"__type": error.code, "message": error.message})
