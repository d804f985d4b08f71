"""`ircli simulator serve`: every service the Inference Recommender workflow touches, on one port, so
that `AWS_ENDPOINT_URL=http://127.0.0.1:PORT` sends boto3, the AWS CLI, sagemaker-core and the SageMaker
Python SDK here with no other change.

HTTP itself is waitress's job (a production WSGI server: chunked bodies, Content-Length checks,
keep-alive, header limits, slow clients, a deep listen backlog); this module routes each request to its
wire protocol (`protocols.choose`), once `access` has let it in: only the names the server listens on
(no DNS rebinding), no other site's `Origin`, and the required key id if one is set. Loopback by default.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from http import HTTPStatus
from typing import Any, cast

from ircli.simulator import protocols
from ircli.simulator.access import Access
from ircli.simulator.common import speed_factor
from ircli.simulator.exceptions import SerializationException
from ircli.simulator.models import Simulator
from ircli.simulator.protocols import failure

CLIENT_TIMEOUT_SECONDS = 15
MAX_BODY_BYTES = protocols.MAX_JSON_BODY_BYTES
SERVER_SETTINGS: dict[str, Any] = {
    "threads": 8,
    "backlog": 1024,
    "connection_limit": 1000,
    "channel_timeout": CLIENT_TIMEOUT_SECONDS,
    "max_request_header_size": 64 * 1024,
    "max_request_body_size": protocols.MAX_INVOCATION_BODY_BYTES + 1024,
    "ident": "ircli-simulator",
    "expose_tracebacks": False,
    "asyncore_use_poll": True,
}

log = logging.getLogger("ircli.simulator.server")


class SimulatorApp:
    """The WSGI application: one simulator behind every protocol."""

    def __init__(self, simulator: Simulator, access: Access) -> None:
        self.simulator = simulator
        self.access = access

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reply = self.reply(environ)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s %s %s -> %d",
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
                environ.get("HTTP_X_AMZ_TARGET", ""),
                reply.status,
            )
        headers = [
            *reply.headers,
            ("Content-Length", str(len(reply.body))),
            ("x-amzn-RequestId", protocols.request_id()),
            ("x-ircli-time-scale", repr(speed_factor(self.simulator.speed))),
        ]
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        return [reply.body]

    def reply(self, environ: dict[str, Any]) -> protocols.Reply:
        request = protocols.HttpRequest.from_environ(environ)
        protocol = protocols.choose(request)  # from the headers and path: it answers even a refusal
        refusal = self.access.refusal(environ)  # before anything is read or run
        if refusal is not None:
            return protocol.error(refusal)
        if request.method != "POST":
            return protocol.error(failure("UnknownOperationException", "Only POST requests are served.", 405))
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return protocol.error(SerializationException("Content-Length is not a number."))
        limit = protocol.body_limit
        if length > limit:
            return protocol.error(
                failure("SerializationException", f"The request body is larger than {limit} bytes.", 413)
            )
        request.body = environ["wsgi.input"].read(length) if length else b""
        refusal = self.access.signature_refusal(environ, request.body)
        if refusal is not None:
            return protocol.error(refusal)
        try:
            return protocol.answer(self.simulator, request)
        except Exception as exc:  # a defect of the simulator: answered, logged, and the server keeps serving
            log.exception("internal error")
            return protocol.error(failure("InternalFailure", f"Internal failure: {type(exc).__name__}", 500))


class InlineDispatcher:
    """Answers each request on waitress's I/O loop itself instead of handing it to a worker thread.

    The simulator answers from SQLite in well under a millisecond; the hand-off to a worker and back (two
    thread switches and a wake-up of the loop per request) cost more than the answer, and on a loaded
    machine several times more. HTTP stays waitress's: a request runs only once its body has arrived
    whole, so a slow client still blocks no one. A completed request is queued here while the channel
    holds its lock and run as soon as the channel's read returns (`InlineChannel`).
    """

    def __init__(self) -> None:
        self.pending: list[Any] = []

    def set_thread_count(self, count: int) -> None:
        """No workers to start (waitress calls this with its `threads` setting)."""

    def add_task(self, task: Any) -> None:
        self.pending.append(task)

    def run_pending(self) -> None:
        while self.pending:
            self.pending.pop(0).service()

    def shutdown(self, cancel_pending: bool = True, timeout: int = 5) -> bool:
        self.pending.clear()
        return True


def inline_channel() -> type:
    from waitress.channel import HTTPChannel

    class InlineChannel(HTTPChannel):
        """waitress's channel, which answers what it has read before the loop polls again, and sends a
        response whole: waitress writes the headers and the body apart and would send each at once
        (two wake-ups of the client a request)."""

        holding = False

        def _flush_some(self, do_close: bool = True) -> bool:
            if self.holding:
                return True
            flushed: bool = super()._flush_some(do_close=do_close)  # type: ignore[misc]  # not in the stubs
            return flushed

        def handle_read(self) -> None:
            super().handle_read()
            dispatcher = cast(InlineDispatcher, self.server.task_dispatcher)
            self.holding = True
            try:
                dispatcher.run_pending()
            finally:
                self.holding = False
            if self.total_outbufs_len:
                self.handle_write()  # the answer leaves now, in one send, not at the loop's next turn

    return InlineChannel


class RunningServer:
    """A simulator served on a port, in this process: `url`, `server_address`, and `shutdown()`."""

    def __init__(
        self,
        simulator: Simulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        **settings: Any,
    ) -> None:
        from waitress.server import create_server

        # The names it answers to include its port, known once it listens (port 0 picks one).
        app = SimulatorApp(simulator, Access.listening(host, port))
        # One listening address gives a single-socket server, which has `effective_port`.
        dispatcher = InlineDispatcher()
        self.server: Any = cast(
            Any,
            create_server(
                app, host=host, port=port, _dispatcher=cast(Any, dispatcher), **{**SERVER_SETTINGS, **settings}
            ),
        )
        self.server.channel_class = inline_channel()
        self.server_address = (host, int(self.server.effective_port))
        app.access = Access.listening(
            host, self.server_address[1], access_key_id=access_key_id, secret_access_key=secret_access_key
        )
        self.url = f"http://{host if ':' not in host else f'[{host}]'}:{self.server_address[1]}"
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        self.server.run()

    def start(self) -> RunningServer:
        self._thread = threading.Thread(target=self.serve_forever, name="ircli-simulator", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        self.server.task_dispatcher.shutdown()
        if self._thread is not None and self._thread.is_alive():
            # Every channel is closed on the loop's own thread, woken at once by waitress's trigger, so the
            # loop ends now instead of at its next one-second poll.
            # A loop awake for an answer's write may run the queued thunk (closing the trigger) before the
            # wake-up's own write, which then meets a closed pipe: the loop is ending already.
            with contextlib.suppress(OSError):
                self.server.trigger.pull_trigger(self._close_channels)
            self._thread.join(timeout=5)
        self._close_channels()  # a server whose loop never ran, or did not answer in time

    def _close_channels(self) -> None:
        from waitress.channel import HTTPChannel

        while self.server._map:
            for channel in list(self.server._map.values()):
                # Only client channels have a close handler; the listening socket and the trigger are just
                # closed (their default handler would log "unhandled close event").
                channel.handle_close() if isinstance(channel, HTTPChannel) else channel.close()

    def server_close(self) -> None:
        """Kept for callers of the standard library's server interface; shutdown() closed everything."""


def make_server(
    simulator: Simulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> RunningServer:
    return RunningServer(simulator, host, port, access_key_id=access_key_id, secret_access_key=secret_access_key)


def serve_in_thread(
    simulator: Simulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> tuple[RunningServer, Any]:
    server = make_server(
        simulator, host, port, access_key_id=access_key_id, secret_access_key=secret_access_key
    ).start()
    return server, server._thread
