"""REST-JSON for SageMaker Runtime's InvokeEndpoint: `POST /endpoints/NAME/invocations`, the payload as the
body and its parameters in headers; errors as JSON with `x-amzn-ErrorType`. InvokeEndpointWithResponseStream
(`POST /endpoints/NAME/invocations-response-stream`) answers with the event stream (`eventstream`)."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from ircli.operations import OperationKey, Service
from ircli.simulator.exceptions import SimulatorError, UnknownOperationException
from ircli.simulator.protocols import MAX_INVOCATION_BODY_BYTES, HttpRequest, Reply, WireProtocol

INVOCATIONS_PATH = re.compile(r"^/endpoints/(?P<name>[^/]+)/invocations(?P<stream>-response-stream)?$")
INVOKE = OperationKey(Service.RUNTIME, "InvokeEndpoint")
INVOKE_STREAM = OperationKey(Service.RUNTIME, "InvokeEndpointWithResponseStream")
HEADERS = (
    ("ContentType", "content-type"),
    ("TargetVariant", "x-amzn-sagemaker-target-variant"),
    ("InferenceComponentName", "x-amzn-sagemaker-inference-component"),
    ("CustomAttributes", "x-amzn-sagemaker-custom-attributes"),
)
# The streaming call sends Accept as its own header; botocore's model says so.
ACCEPT = {INVOKE: "accept", INVOKE_STREAM: "x-amzn-sagemaker-accept"}


class RuntimeRestJson(WireProtocol):
    name = "rest-json"
    body_limit = MAX_INVOCATION_BODY_BYTES
    validates = False

    def matches(self, request: HttpRequest) -> bool:
        return request.path.startswith("/endpoints/")

    def operation(self, request: HttpRequest) -> OperationKey:
        match = INVOCATIONS_PATH.match(request.path)
        if match is None:
            raise UnknownOperationException(f"No operation is served at {request.path}.")
        return INVOKE_STREAM if match["stream"] else INVOKE

    def parse(self, request: HttpRequest, key: OperationKey) -> dict[str, Any]:
        match = INVOCATIONS_PATH.match(request.path)
        assert match is not None
        members: dict[str, Any] = {"EndpointName": unquote(match["name"]), "Body": request.body}
        for member, header in (*HEADERS, ("Accept", ACCEPT[key])):
            if request.headers.get(header):
                members[member] = request.headers[header]
        return members

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        if key == INVOKE_STREAM:
            from ircli.simulator.protocols import eventstream

            headers = [
                ("Content-Type", eventstream.CONTENT_TYPE),
                ("X-Amzn-SageMaker-Content-Type", result["ContentType"]),
                ("x-Amzn-Invoked-Production-Variant", result["InvokedProductionVariant"]),
                ("x-ircli-simulated", "true"),
            ]
            return Reply(HTTPStatus.OK, b"", headers, stream=self._events(result["Body"]))
        headers = [
            ("Content-Type", result["ContentType"]),
            ("x-Amzn-Invoked-Production-Variant", result["InvokedProductionVariant"]),
            ("x-ircli-simulated", "true"),
        ]
        if "CustomAttributes" in result:
            headers.append(("X-Amzn-SageMaker-Custom-Attributes", result["CustomAttributes"]))
        return Reply(HTTPStatus.OK, result["Body"], headers)

    @staticmethod
    def _events(events: Any) -> Any:
        """The messages, and an error the handler raises midway as the stream's last (ModelStreamError)."""
        from ircli.simulator.protocols import eventstream

        try:
            yield from eventstream.encode(events)
        except SimulatorError as error:
            yield eventstream.exception("ModelStreamError", {"Message": error.message, "ErrorCode": error.code})

    def error(self, error: SimulatorError) -> Reply:
        body = json.dumps({"message": error.message}).encode("utf-8")
        return Reply(error.status, body, [("Content-Type", "application/json"), ("x-amzn-ErrorType", error.code)])
