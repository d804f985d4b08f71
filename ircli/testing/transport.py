"""botocore's prepared request as a WSGI environ for the simulator's own HTTP application, and its answer as
the response botocore would have read from a socket: the in-process mock speaks the served simulator's wire
protocols byte for byte, with no socket in between.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from ircli.operations import Service
from ircli.simulator.server import SimulatorApp


def event_service_names() -> dict[str, Service]:
    """The service part of botocore's event names (`before-send.<this>.<Operation>`: the service id,
    hyphenated and lower-cased) for every service the simulator serves, so a service added to the
    registry is answered with no change here."""
    return {service.model.service_id.replace(" ", "-").lower(): service for service in Service}


class Body(io.BytesIO):
    """A response body botocore reads whole (`stream`) or as a streaming member (`read`)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


def request_body(request: Any) -> bytes:
    body = request.body
    if body is None:
        return b""
    if hasattr(body, "read"):  # a streaming input: botocore seeks it back itself before a retry
        body = body.read()
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def environ_of(request: Any, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) a server would have made of this request."""
    url = urlsplit(request.url)
    raw_path = url.path or "/"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "REQUEST_URI": raw_path + (f"?{url.query}" if url.query else ""),
        "QUERY_STRING": url.query,
        "SERVER_NAME": url.hostname or "localhost",
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "in-process",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme or "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": url.netloc,
    }
    for name, value in request.headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = text
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = text
    return environ


def answer(app: SimulatorApp, request: Any) -> Any:
    """The simulator's answer to botocore's prepared request, as a botocore `AWSResponse`."""
    from botocore.awsrequest import AWSResponse

    body = request_body(request)
    status: list[str] = []
    headers: list[tuple[str, str]] = []

    def start_response(line: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(line)
        headers.extend(response_headers)

    chunks = app(environ_of(request, body), start_response)
    return AWSResponse(request.url, int(status[0].split(" ", 1)[0]), dict(headers), Body(b"".join(chunks)))
