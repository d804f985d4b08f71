"""The AWS event stream (`application/vnd.amazon.eventstream`), as SageMaker Runtime's
InvokeEndpointWithResponseStream sends it: a sequence of binary messages, each a prelude (total and header
lengths, their CRC32), headers (name, type 7 = string, value), the payload and the message's CRC32.

An event is `:message-type: event` with its `:event-type` (`PayloadPart`) and its payload bytes; an error
inside the stream is `:message-type: exception` with `:exception-type` (`ModelStreamError`,
`InternalStreamFailure`) and a JSON payload, which botocore raises when the reader reaches it.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7


def _headers(headers: dict[str, str]) -> bytes:
    encoded = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode("utf-8"), value.encode("utf-8")
        encoded += struct.pack(">B", len(raw_name)) + raw_name
        encoded += struct.pack(">BH", _STRING, len(raw_value)) + raw_value
    return encoded


def message(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message."""
    encoded_headers = _headers(headers)
    total = 12 + len(encoded_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + encoded_headers + payload
    return body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def event(event_type: str, payload: bytes) -> bytes:
    return message(
        {":event-type": event_type, ":content-type": "application/octet-stream", ":message-type": "event"}, payload
    )


def exception(exception_type: str, members: dict[str, Any]) -> bytes:
    return message(
        {":exception-type": exception_type, ":content-type": "application/json", ":message-type": "exception"},
        json.dumps(members).encode("utf-8"),
    )


def encode(events: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The messages of a stream of events as a handler yields them: `{"PayloadPart": {"Bytes": b"..."}}`,
    or `{"ModelStreamError": {"Message": ..., "ErrorCode": ...}}` to end it with an error."""
    for item in events:
        for name, members in item.items():
            if name == "PayloadPart":
                yield event(name, bytes(members.get("Bytes", b"")))
            else:
                yield exception(name, members)


def decode(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """The messages in `data` (headers and payload), checking each CRC: what a reader of the stream sees."""
    messages, offset = [], 0
    while offset < len(data):
        total, header_length, prelude_crc = struct.unpack_from(">III", data, offset)
        if zlib.crc32(data[offset : offset + 8]) & 0xFFFFFFFF != prelude_crc:
            raise ValueError("prelude CRC mismatch")
        end = offset + total
        (message_crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[offset : end - 4]) & 0xFFFFFFFF != message_crc:
            raise ValueError("message CRC mismatch")
        headers, cursor = {}, offset + 12
        while cursor < offset + 12 + header_length:
            name_length = data[cursor]
            name = data[cursor + 1 : cursor + 1 + name_length].decode("utf-8")
            cursor += 1 + name_length
            kind, value_length = struct.unpack_from(">BH", data, cursor)
            if kind != _STRING:
                raise ValueError(f"header type {kind} is not a string")
            headers[name] = data[cursor + 3 : cursor + 3 + value_length].decode("utf-8")
            cursor += 3 + value_length
        messages.append((headers, data[offset + 12 + header_length : end - 4]))
        offset = end
    return messages
