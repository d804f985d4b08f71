"""How the aws backend reads an answer: never more than a bound, never for longer than a deadline.

botocore reads a whole body into memory, however large it says it is or turns out to be, and its read
timeout applies to each read from the socket, so a server sending a byte a second is waited for forever.
`BoundedTransport` wraps botocore's HTTP session (the one object botocore asks to send a request): it
refuses an answer whose Content-Length exceeds the bound before reading it, stops reading one without a
length (chunked) at the bound, and gives up on a response that has not arrived in full within the
deadline. A refused answer raises `AnswerUnreadable`, which botocore's retries leave alone; a late or broken
one raises botocore's own ReadTimeoutError or ConnectionClosedError, which they retry as any other.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

# A SageMaker answer is kilobytes; a page of a hundred jobs well under a megabyte. 64 MiB is far beyond
# any honest answer and still small enough to hold.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
CHUNK = 64 * 1024
# Answers up to this size are parsed once more to tell garbled JSON from an empty answer; larger ones are
# left to botocore's parser and the required-member check (a second parse would double their cost).
FULLY_CHECKED = 1024 * 1024


class AnswerUnreadable(Exception):
    """An answer ircli will not read (too large, or not the JSON object the protocol defines); botocore's
    retries do not know this exception and so leave it alone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BoundedTransport:
    """botocore's HTTP session, with a size bound on answers and a deadline for each one."""

    def __init__(
        self, inner: Any, *, deadline: float | None, json_object: bool = False, limit: int = MAX_ANSWER_BYTES
    ) -> None:
        self.inner = inner
        self.deadline = deadline
        self.limit = limit
        # A JSON-protocol service answers every success with one JSON object (or nothing).
        self.json_object = json_object

    def close(self) -> None:
        self.inner.close()

    def send(self, request: Any) -> Any:
        if self.deadline is None:
            return self._send(request, {})
        return self._send_within(request, self.deadline)

    def _send_within(self, request: Any, deadline: float) -> Any:
        """The answer, read in a worker thread so that a trickling server cannot hold this one: past the
        deadline the socket is shut (which ends the worker's read) and the attempt is a read timeout."""
        from botocore.exceptions import ReadTimeoutError

        state: dict[str, Any] = {}

        def work() -> None:
            try:
                state["response"] = self._send(request, state)
            except BaseException as error:  # handed to the caller's thread, which raises it
                state["error"] = error

        worker = threading.Thread(target=work, name="ircli-aws-answer", daemon=True)
        worker.start()
        worker.join(deadline)
        if worker.is_alive():
            raw = state.get("raw")
            if raw is not None:
                with contextlib.suppress(Exception):
                    raw.shutdown()
            raise ReadTimeoutError(endpoint_url=request.url, error=f"no complete answer within {deadline:g} s")
        if "error" in state:
            raise state["error"]
        return state["response"]

    def _send(self, request: Any, state: dict[str, Any]) -> Any:
        streaming = request.stream_output
        request.stream_output = True  # botocore's session then leaves the body to us
        try:
            response = self.inner.send(request)
        finally:
            request.stream_output = streaming
        state["raw"] = response.raw
        length = _content_length(response.headers)
        if length is not None and length > self.limit:
            _drop(response.raw)
            raise AnswerUnreadable(f"it is {length:,} bytes long, more than the {self.limit:,} bytes ircli reads")
        if not streaming:
            body = self._read(request, response.raw, length)
            if self.json_object and response.status_code < 300:
                _check_json_object(body)
            response._content = body
        return response

    def _read(self, request: Any, raw: Any, length: int | None) -> bytes:
        from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
        from urllib3.exceptions import ProtocolError
        from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeout

        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.stream(CHUNK, decode_content=False):
                size += len(chunk)
                if size > self.limit:
                    _drop(raw)
                    raise AnswerUnreadable(f"it is longer than the {self.limit:,} bytes ircli reads")
                chunks.append(chunk)
        except Urllib3ReadTimeout as error:
            raise ReadTimeoutError(endpoint_url=request.url, error=error) from None
        except ProtocolError as error:
            raise ConnectionClosedError(endpoint_url=request.url, error=error, request=request) from None
        if length is not None and size < length:
            raise ConnectionClosedError(
                endpoint_url=request.url, error=f"the answer ended after {size:,} of {length:,} bytes", request=request
            )
        return b"".join(chunks)


def _check_json_object(body: bytes) -> None:
    """botocore reads a garbled success as an empty answer, and crashes on a JSON list or string; small
    answers (all but the largest listings) are parsed here once more to tell which."""
    import json

    text = body.strip()
    if not text:
        return
    if not (text.startswith(b"{") and text.endswith(b"}")):
        raise AnswerUnreadable("it is not a JSON object")
    if len(text) <= FULLY_CHECKED:
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            raise AnswerUnreadable("it is not valid JSON") from None


def _content_length(headers: Any) -> int | None:
    text = headers.get("content-length")
    if text is None:
        return None
    try:
        return max(0, int(text))
    except ValueError:
        return None


def _drop(raw: Any) -> None:
    """Close the connection rather than read the rest of a refused answer."""
    with contextlib.suppress(Exception):
        raw.close()
