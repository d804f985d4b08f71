"""`--debug`: every request and response on stderr, as the AWS CLI's --debug shows them. ircli's own line per
call (the operation, its request and its answer, on either backend) and, on the aws backend, botocore's log
(the HTTP request, its headers and the raw answer). Everything passes through the redaction of
`ircli.lib.redaction` and the escaping of `ircli.lib.printable` on its way out."""

from __future__ import annotations

import json
import logging
from typing import IO, Any

from ircli.lib.printable import escape_controls
from ircli.lib.redaction import redact

# Loggers whose debug lines the AWS CLI shows with --debug.
LOGGERS = ("ircli", "botocore", "boto3", "urllib3", "s3transfer")
FORMAT = "%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s"


class _RedactedStream(logging.Handler):
    def __init__(self, stream: IO[str]) -> None:
        super().__init__(logging.DEBUG)
        self.stream = stream
        self.setFormatter(logging.Formatter(FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = escape_controls(redact(self.format(record)), keep="\n")
            self.stream.write(line + "\n")
            self.stream.flush()
        except Exception:  # a log line never ends the command
            self.handleError(record)


def enable(stream: IO[str]) -> logging.Handler:
    """Send the debug log of ircli and botocore to `stream` (stderr); returns the handler, to remove later."""
    handler = _RedactedStream(stream)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    return handler


def disable(handler: logging.Handler) -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def trace_call(operation: str, kind: str, document: Any) -> None:
    """ircli's line for one call: `CreateModel request: {...}` or `... response: {...}`."""
    logger = logging.getLogger("ircli.service")
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s %s: %s", operation, kind, json.dumps(document, default=str, sort_keys=False))
