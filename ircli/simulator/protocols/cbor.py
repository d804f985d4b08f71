"""Smithy RPCv2-CBOR: `POST /service/NAME/operation/OPERATION` with `Smithy-Protocol: rpc-v2-cbor`, members
as a CBOR map; timestamps as tag-1 epoch seconds, blobs as byte strings, non-finite floats as CBOR floats.
cbor2 is imported on the first CBOR request."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from ircli.operations import OPERATIONS, OperationKey, Service
from ircli.simulator.exceptions import SerializationException, SimulatorError, UnknownOperationException
from ircli.simulator.protocols import HttpRequest, Reply, WireProtocol
from ircli.simulator.protocols.shapes import operation_model, to_python

PROTOCOL = "rpc-v2-cbor"
CONTENT_TYPE = "application/cbor"
PATH = re.compile(r"^/service/(?P<service>[^/]+)/operation/(?P<operation>[^/]+)$")


class RpcV2Cbor(WireProtocol):
    name = "smithy-rpc-v2-cbor"

    def matches(self, request: HttpRequest) -> bool:
        return request.path.startswith("/service/") and request.headers.get("smithy-protocol") == PROTOCOL

    def operation(self, request: HttpRequest) -> OperationKey:
        match = PATH.match(request.path)
        if match is not None:
            for service in Service:
                model = service.model
                key = OperationKey(service, match["operation"])
                if self.name in model.protocols and model.target_prefix == match["service"] and key in OPERATIONS:
                    return key
        raise UnknownOperationException(f"No operation is served at {request.path}.")

    def parse(self, request: HttpRequest, key: OperationKey) -> dict[str, Any]:
        return self.members(request, operation_model(key))

    def members(self, request: HttpRequest, model: Any) -> dict[str, Any]:
        import cbor2

        if not request.body:
            return {}
        try:
            document = cbor2.loads(request.body)
        except (cbor2.CBORDecodeError, ValueError, RecursionError):
            raise SerializationException("The request body is not valid CBOR.") from None
        if not isinstance(document, dict):
            raise SerializationException("The request body must be a CBOR map.")
        members: dict[str, Any] = to_python(model.input_shape, document)
        return members

    def reply(self, status: int, document: dict[str, Any]) -> Reply:
        import cbor2

        body = cbor2.dumps(document, datetime_as_timestamp=True)
        return Reply(status, body, [("Content-Type", CONTENT_TYPE), ("Smithy-Protocol", PROTOCOL)])

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        return self.document(operation_model(key), result)

    def document(self, model: Any, result: dict[str, Any]) -> Reply:
        return self.reply(HTTPStatus.OK, to_python(model.output_shape, result, drop_none=True))

    def error(self, error: SimulatorError) -> Reply:
        return self.reply(error.status, {"__type": error.code, "message": error.message})
