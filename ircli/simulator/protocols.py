"""The wire protocols the simulator speaks, one dispatcher each: they turn an HTTP request into a
`Simulator.dispatch` call and its answer (or error) into the HTTP response botocore expects. No behaviour
lives here.

- JSON 1.1 (SageMaker, CloudWatch Logs, Application Auto Scaling): `POST /` with `X-Amz-Target:
  PREFIX.Operation`; the prefix names the service.
- REST-JSON (SageMaker Runtime): `POST /endpoints/NAME/invocations`, the payload as the body and its
  parameters in headers.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any

from ircli.lib.numbers import finite_or_text
from ircli.operations import OPERATIONS, OperationKey, Service
from ircli.simulator.exceptions import SerializationException, SimulatorError, UnknownOperationException
from ircli.simulator.models import Simulator

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
# X-Amz-Target's prefix -> its service, as botocore's models state them.
TARGET_PREFIXES = {service.model.target_prefix: service for service in Service if service.model.target_prefix}
# The body limits: SageMaker Runtime's documented 6 MB payload; 1 MiB for a JSON request (none of the
# served operations' largest legal request comes near it).
MAX_JSON_BODY_BYTES = 1024 * 1024
MAX_INVOCATION_BODY_BYTES = 6 * 1024 * 1024
INVOCATIONS_PATH = re.compile(r"^/endpoints/(?P<name>[^/]+)/invocations$")


@dataclass
class Reply:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def request_id() -> str:
    return str(uuid.uuid4())


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


def _json_reply(status: int, document: dict[str, Any]) -> Reply:
    return Reply(status, json.dumps(_wire(document)).encode("utf-8"), [("Content-Type", JSON_CONTENT_TYPE)])


def json_error(error: SimulatorError) -> Reply:
    return _json_reply(error.status, {"__type": error.code, "message": error.message})


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


def handle_json(simulator: Simulator, target: str | None, body: bytes) -> Reply:
    try:
        operation = parse_target(target)
        result = simulator.dispatch(operation, parse_json_body(body))
    except SimulatorError as error:
        return json_error(error)
    return _json_reply(HTTPStatus.OK, result)


def rest_error(error: SimulatorError) -> Reply:
    body = json.dumps({"message": error.message}).encode("utf-8")
    return Reply(error.status, body, [("Content-Type", "application/json"), ("x-amzn-ErrorType", error.code)])


def handle_invocation(simulator: Simulator, path: str, headers: dict[str, str], body: bytes) -> Reply:
    """InvokeEndpoint: the endpoint from the path, the payload as the body, parameters from headers."""
    match = INVOCATIONS_PATH.match(path)
    if match is None:
        return rest_error(UnknownOperationException(f"No operation is served at {path}."))
    from urllib.parse import unquote

    request: dict[str, Any] = {"EndpointName": unquote(match["name"]), "Body": body}
    for member, header in (
        ("ContentType", "content-type"),
        ("Accept", "accept"),
        ("TargetVariant", "x-amzn-sagemaker-target-variant"),
    ):
        if headers.get(header):
            request[member] = headers[header]
    try:
        result = simulator.dispatch(OperationKey(Service.RUNTIME, "InvokeEndpoint"), request, validated=True)
    except SimulatorError as error:
        return rest_error(error)
    return Reply(
        HTTPStatus.OK,
        result["Body"],
        [
            ("Content-Type", result["ContentType"]),
            ("x-Amzn-Invoked-Production-Variant", result["InvokedProductionVariant"]),
            ("x-ircli-simulated", "true"),
        ],
    )
