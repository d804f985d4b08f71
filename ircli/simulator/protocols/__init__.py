"""The wire protocols the simulator speaks, as objects behind one small interface (`WireProtocol`): does a
request speak it (`matches`), which operation it names (`operation`), its members as Python values
(`parse`), and a result or an error as the HTTP reply its clients' parsers expect (`serialize`, `error`).
The server picks one per request by the path's shape, `Content-Type`, `X-Amz-Target` and
`Smithy-Protocol` (`choose`); no behaviour lives here.

- JSON 1.0 and 1.1 (`awsjson`): `POST /` with `X-Amz-Target: PREFIX.Operation`.
- Query (`query`): a form with `Action` and `Version` in, XML out.
- RPCv2-CBOR (`cbor`): `POST /service/NAME/operation/OPERATION`, `Smithy-Protocol: rpc-v2-cbor`.
- REST-JSON (`restjson`): SageMaker Runtime's `POST /endpoints/NAME/invocations`.

Encodings (timestamps, blobs, non-finite floats) live in these modules and in `shapes`, which reads an
operation's botocore shapes (only when a protocol needs them, so only when serving).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ircli.operations import OperationKey
from ircli.simulator.exceptions import SimulatorError

if TYPE_CHECKING:
    from ircli.simulator.models import Simulator

# The body limits: SageMaker Runtime's documented 6 MB payload; 1 MiB for any other request (none of the
# served operations' largest legal request comes near it).
MAX_JSON_BODY_BYTES = 1024 * 1024
MAX_INVOCATION_BODY_BYTES = 6 * 1024 * 1024


@dataclass
class Reply:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: Iterator[bytes] | None = None  # a body sent as it is made (an event stream), not whole


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    @classmethod
    def from_environ(cls, environ: dict[str, Any], body: bytes = b"") -> HttpRequest:
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        return cls(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), headers, body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def request_id() -> str:
    return str(uuid.uuid4())


class WireProtocol:
    """One wire protocol: what every protocol object answers."""

    name = ""
    body_limit = MAX_JSON_BODY_BYTES

    def matches(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def operation(self, request: HttpRequest) -> OperationKey:
        """The registered operation the request names; UnknownOperationException when none."""
        raise NotImplementedError

    def parse(self, request: HttpRequest, key: OperationKey) -> dict[str, Any]:
        """The request's members, as Python values."""
        raise NotImplementedError

    def serialize(self, key: OperationKey, result: dict[str, Any]) -> Reply:
        raise NotImplementedError

    def error(self, error: SimulatorError) -> Reply:
        raise NotImplementedError

    # Whether `dispatch` checks the request against its schema and rules (the runtime's REST request is
    # its payload and headers: nothing to check).
    validates = True

    def answer(self, simulator: Simulator, request: HttpRequest) -> Reply:
        try:
            key = self.operation(request)
            result = simulator.dispatch(key, self.parse(request, key), validated=not self.validates)
        except SimulatorError as error:
            return self.error(error)
        return self.serialize(key, result)


def protocols() -> tuple[WireProtocol, ...]:
    """Every protocol, most specific first; the last (JSON 1.1) answers whatever no other claims."""
    global _PROTOCOLS
    if _PROTOCOLS is None:
        from ircli.simulator.protocols.awsjson import AwsJson
        from ircli.simulator.protocols.cbor import RpcV2Cbor
        from ircli.simulator.protocols.query import Query
        from ircli.simulator.protocols.restjson import RuntimeRestJson

        _PROTOCOLS = (RuntimeRestJson(), RpcV2Cbor(), Query(), AwsJson("1.0"), AwsJson("1.1"))
    return _PROTOCOLS


_PROTOCOLS: tuple[WireProtocol, ...] | None = None


def choose(request: HttpRequest) -> WireProtocol:
    every = protocols()
    return next((protocol for protocol in every if protocol.matches(request)), every[-1])


def failure(code: str, message: str, status: int) -> SimulatorError:
    error = SimulatorError(message)
    error.code = code
    error.status = status
    return error


__all__ = ["HTTPStatus", "HttpRequest", "Reply", "WireProtocol", "choose", "failure", "request_id"]
