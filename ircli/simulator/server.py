"""`ircli simulator serve`: the simulator over HTTP, speaking the SageMaker JSON 1.1 protocol, so that
boto3 and the AWS CLI work against it with `--endpoint-url`.

Loopback by default; request bodies are size-limited; slow clients time out; malformed requests get the
service's error responses and the server keeps serving.
"""

from __future__ import annotations

import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ircli.simulator import responses
from ircli.simulator.exceptions import SerializationException, SimulatorError
from ircli.simulator.models import Simulator

MAX_BODY_BYTES = 1024 * 1024
CLIENT_TIMEOUT_SECONDS = 15.0

log = logging.getLogger("ircli.simulator.server")


class SimulatorHandler(BaseHTTPRequestHandler):
    server_version = "ircli-simulator"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for a delayed ACK
    # (40 ms a request on Linux).
    disable_nagle_algorithm = True
    timeout = CLIENT_TIMEOUT_SECONDS
    simulator: Simulator  # set on the subclass that `make_server` builds

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, *, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", responses.CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", responses.request_id())
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _error(self, error: SimulatorError, *, close: bool = False) -> None:
        self._send(error.status, responses.error_body(error), close=close)

    def do_POST(self) -> None:
        length_header = self.headers.get("Content-Length")
        try:
            length = int(length_header) if length_header is not None else 0
        except ValueError:
            length = -1
        if length < 0:
            return self._error(SerializationException("Content-Length is not a number."), close=True)
        if length > MAX_BODY_BYTES:
            error = SerializationException(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
            error.status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
            return self._error(error, close=True)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            self.close_connection = True
            return None
        try:
            operation = responses.parse_target(self.headers.get("X-Amz-Target"))
            request = responses.parse_body(body)
            result = self.simulator.dispatch(operation, request)
        except SimulatorError as failure:
            return self._error(failure)
        except Exception as exc:
            log.exception("internal error")
            internal = SimulatorError(f"Internal failure: {type(exc).__name__}")
            internal.status = HTTPStatus.INTERNAL_SERVER_ERROR
            return self._error(internal)
        self._send(HTTPStatus.OK, responses.response_body(result))
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests too broken to parse still get the service's JSON error shape, never an HTML page."""
        error = SerializationException(message or HTTPStatus(code).phrase)
        error.status = code
        self.request_version = "HTTP/1.1"  # headers go out even when the request line could not be read
        self._error(error, close=True)

    def _not_allowed(self) -> None:
        error = SimulatorError("Only POST / with an X-Amz-Target header is served.")
        error.code = "UnknownOperationException"
        error.status = HTTPStatus.METHOD_NOT_ALLOWED
        self._error(error, close=True)

    do_GET = do_PUT = do_DELETE = do_PATCH = _not_allowed


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(simulator: Simulator, host: str = "127.0.0.1", port: int = 0) -> SimulatorServer:
    handler = type("BoundSimulatorHandler", (SimulatorHandler,), {"simulator": simulator})
    return SimulatorServer((host, port), handler)


def serve_in_thread(
    simulator: Simulator, host: str = "127.0.0.1", port: int = 0
) -> tuple[SimulatorServer, threading.Thread]:
    server = make_server(simulator, host, port)
    thread = threading.Thread(target=server.serve_forever, name="ircli-simulator", daemon=True)
    thread.start()
    return server, thread
