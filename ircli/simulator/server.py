"""`ircli simulator serve`: every service the Inference Recommender workflow touches, on one port, so
that `AWS_ENDPOINT_URL=http://127.0.0.1:PORT` sends boto3, the AWS CLI, sagemaker-core and the SageMaker
Python SDK here with no other change.

HTTP itself is waitress's job (a production WSGI server: chunked bodies, Content-Length checks,
keep-alive, header limits, slow clients, a deep listen backlog); this module routes each request to its
wire protocol (`protocols.choose`), once `access` has let it in: only the names the server listens on
(no DNS rebinding), no other site's `Origin`, and the required key id if one is set. Loopback by default.
`GET /_ircli/health` answers what CI tools poll (as LocalStack's `/_localstack/health`): the services and
their status, the version and the speed, as JSON; it needs no key, but the Host and Origin checks hold.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, cast

from ircli.simulator import protocols
from ircli.simulator.access import Access
from ircli.simulator.common import speed_factor
from ircli.simulator.exceptions import SerializationException
from ircli.simulator.models import Simulator
from ircli.simulator.protocols import failure

CLIENT_TIMEOUT_SECONDS = 15
# Invocations served at once: each may wait its endpoint's simulated latency (a load test's users).
INVOCATION_THREADS = 64
INVOCATION_PATH = re.compile(r"^/endpoints/[^/]+/invocations$")
MAX_BODY_BYTES = protocols.MAX_JSON_BODY_BYTES
HEALTH_PATH = "/_ircli/health"
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
QUIET_QUEUE = log.getChild("queue")
QUIET_QUEUE.setLevel(logging.ERROR)
STREAM_SUFFIX = "/invocations-response-stream"


class SimulatorApp:
    """The WSGI application: one simulator behind every protocol."""

    def __init__(self, simulator: Simulator, access: Access) -> None:
        self.simulator = simulator
        self.access = access

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
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
            *([] if reply.stream is not None else [("Content-Length", str(len(reply.body)))]),
            ("x-amzn-RequestId", protocols.request_id()),
            ("x-ircli-time-scale", repr(speed_factor(self.simulator.speed))),
        ]
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        return reply.stream if reply.stream is not None else [reply.body]  # a stream goes out chunked

    def reply(self, environ: dict[str, Any]) -> protocols.Reply:
        request = protocols.HttpRequest.from_environ(environ)
        protocol = protocols.choose(request)  # from the headers and path: it answers even a refusal
        refusal = self.access.origin_refusal(environ)  # before anything is read or run
        if refusal is None and request.path == HEALTH_PATH and request.method == "GET":
            return self.health()
        refusal = refusal or self.access.key_refusal(environ)
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

    def health(self) -> protocols.Reply:
        """Every service the simulator answers (each runs as soon as the server listens), its version and speed."""
        from ircli import __version__

        document = {
            "services": {service.value: "running" for service in self.simulator.SERVICES},
            "edition": "ircli-simulator",
            "version": __version__,
            "speed": self.simulator.speed or "default",
            "timeScale": speed_factor(self.simulator.speed),
        }
        return protocols.Reply(200, json.dumps(document).encode(), [("Content-Type", "application/json")])


class InlineDispatcher:
    """Answers each request on waitress's I/O loop itself instead of handing it to a worker thread, except
    InvokeEndpoint, which waits the simulated endpoint's latency (`sagemaker_runtime.load`) on one of
    `INVOCATION_THREADS` worker threads, so that a load test's concurrent users are answered concurrently.

    The simulator answers from SQLite in well under a millisecond; the hand-off to a worker and back (two
    thread switches and a wake-up of the loop per request) cost more than the answer, and on a loaded
    machine several times more. HTTP stays waitress's: a request runs only once its body has arrived
    whole, so a slow client still blocks no one. A completed request is queued here while the channel
    holds its lock and run as soon as the channel's read returns (`InlineChannel`).

    A streamed answer (InvokeEndpointWithResponseStream) is the exception: it takes as long as its tokens
    take, so it runs on a thread of its own and each part leaves as it is made (`InlineChannel.streaming`),
    while the loop goes on answering everyone else.
    """

    def __init__(self, threaded_invocations: bool = True) -> None:
        self.pending: list[Any] = []
        self.workers: Any = None
        # At `instant` an invocation waits for nothing: it is answered inline like every other request.
        self.threaded_invocations = threaded_invocations
        self.wake: Callable[[], None] = lambda: None  # has the loop run what a stream's thread queued

    def set_thread_count(self, count: int) -> None:
        """No workers to start (waitress calls this with its `threads` setting)."""

    def add_task(self, task: Any) -> None:
        requests = getattr(task, "requests", None) or []
        path = str(getattr(requests[0], "path", "") or "") if requests else ""
        if path.endswith(STREAM_SUFFIX):
            task.streaming = True
            threading.Thread(target=self._stream, args=(task,), name="ircli-stream", daemon=True).start()
            return
        if self.threaded_invocations and INVOCATION_PATH.match(path):
            if self.workers is None:
                from waitress.task import ThreadedTaskDispatcher

                self.workers = ThreadedTaskDispatcher()
                # A load test with more users than threads queues its invocations, as an endpoint queues them:
                # that is the load, not a warning to print on every request.
                self.workers.queue_logger = QUIET_QUEUE
                self.workers.set_thread_count(INVOCATION_THREADS)
            self.workers.add_task(task)
            return
        self.pending.append(task)
        if threading.current_thread().name == "ircli-stream":
            self.wake()  # a request pipelined after a stream: the loop runs it, not the stream's thread

    @staticmethod
    def _stream(task: Any) -> None:
        try:
            task.service()
        finally:
            task.streaming = False

    def run_pending(self) -> None:
        while self.pending:
            self.pending.pop(0).service()

    def shutdown(self, cancel_pending: bool = True, timeout: int = 5) -> bool:
        self.pending.clear()
        if self.workers is not None:
            self.workers.shutdown(cancel_pending=cancel_pending, timeout=timeout)
        return True


def inline_channel() -> type:
    from waitress.channel import HTTPChannel

    class InlineChannel(HTTPChannel):
        """waitress's channel, which answers what it has read before the loop polls again, and sends a
        response whole: waitress writes the headers and the body apart and would send each at once
        (two wake-ups of the client a request)."""

        holding = False
        streaming = False  # a streamed answer's thread is writing: each part goes out at once

        def write_soon(self, data: Any) -> int:
            written: int = super().write_soon(data)
            if self.streaming and data:
                with self.outbuf_lock:
                    cast(Any, self)._flush_exception(self._flush_some, do_close=False)  # not in the stubs
            return written

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
        dispatcher = InlineDispatcher(threaded_invocations=speed_factor(simulator.speed) > 0)
        self.server: Any = cast(
            Any,
            create_server(
                app, host=host, port=port, _dispatcher=cast(Any, dispatcher), **{**SERVER_SETTINGS, **settings}
            ),
        )
        self.server.channel_class = inline_channel()
        dispatcher.wake = lambda: self.server.trigger.pull_trigger(dispatcher.run_pending)
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
        thread = self._thread
        woken = thread is not None and thread.is_alive() and not self.server.trigger._closed
        # Every client channel is closed on the loop's own thread, woken at once by waitress's trigger, so
        # the loop ends now instead of at its next one-second poll. The listening socket and the trigger
        # only leave the loop there, and are closed here after it: a byte already in the trigger's pipe
        # may wake the loop before `pull_trigger` has written its own, and a pipe closed under that write
        # fails it (or writes into whatever file reused the number). A loaded machine may take a while to
        # schedule the loop's thread: it is waited for, not raced.
        if woken and thread is not None and self._wake(lambda: self._close_channels(on_loop=True)):
            thread.join(timeout=60)
        self._close_channels()  # a server whose loop never ran, did not answer in time, or lost its trigger
        if thread is not None and thread.is_alive():
            thread.join(timeout=60)  # a loop that could not be woken ends at its next poll, its map empty
        self.server.close()  # the listening socket and the trigger, once nothing pulls it any more

    def _wake(self, thunk: Any) -> bool:
        """Run `thunk` on the loop's thread; False when its trigger cannot be written to (its descriptor gone)."""
        try:
            self.server.trigger.pull_trigger(thunk)
        except OSError:
            with self.server.trigger.lock:
                self.server.trigger.thunks.clear()
            return False
        return True

    def _close_channels(self, on_loop: bool = False) -> None:
        from waitress.channel import HTTPChannel

        while self.server._map:
            for channel in list(self.server._map.values()):
                # Only client channels have a close handler; the listening socket and the trigger are just
                # closed (their default handler would log "unhandled close event").
                if isinstance(channel, HTTPChannel):
                    channel.handle_close()
                elif on_loop:
                    channel.del_channel()
                else:
                    channel.close()

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
