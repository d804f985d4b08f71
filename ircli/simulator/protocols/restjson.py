"""REST-JSON for SageMaker Runtime's InvokeEndpoint: `POST /endpoints/NAME/invocations`, the payload as the
body and its parameters in headers; errors as JSON with `x-amzn-ErrorType`."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from ircli.operations import OperationKey, Service
from ircli.simulator.exceptions import SimulatorError, UnknownOperationException
from ircli.simulator.protocols import MAX_INVOCATION_BODY_BYTES, HttpRequest, Reply, WireProtocol

INVOCATIONS_PATH = re.compile(r"^/endpoints/(?P<name>[^/]+)/invocations$")
INVOKE = OperationKey(Service.RUNTIME, "InvokeEndpoint")
HEADERS = (
    ("ContentType", "content-type"),
    ("Accept", "accept"),
    ("TargetVariant", "x-amzn-sagemaker-target-variant"),
)


class RuntimeRestJson(WireProtocol):
    name = "rest-json"
    body_limit = MAX_INVOCATION_BODY_BYTES
    validates = False

    def matches(self, request: HttpRequest) -> bool:
        return request.path.startswith("/endpoints/")

    def operation(self, request: HttpRequest) -> OperationKey:
        if INVOCATIONS_PATH.match(request.path) is None:
            raise UnknownOperationException(f"No operation is served at {request.path}.")
        return INVOKE

    def parse(self, request: HttpRequest, key: OperationKey) -> dict[str, Any]:
        match = INVOCATIONS_PATH.match(request.path)
        assert match is not None
        members: dict[str, Any] = {"EndpointName": unquote(match["name"]), "Body": request.body}
        for member, header in HEADERS:
            if request.headers.get(header):
                members[member] = request.headers[header]
        return members

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        return Reply(
            HTTPStatus.OK,
            result["Body"],
            [
                ("Content-Type", result["ContentType"]),
                ("x-Amzn-Invoked-Production-Variant", result["InvokedProductionVariant"]),
                ("x-ircli-simulated", "true"),
            ],
        )

    def error(self, error: SimulatorError) -> Reply:
        body = json.dumps({"message": error.message}).encode("utf-8")
        return Reply(error.status, body, [("Content-Type", "application/json"), ("x-amzn-ErrorType", error.code)])
