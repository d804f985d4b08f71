"""The process's surroundings, injectable so that tests pin stdout, stderr, width, colour, terminals and
the streams' encodings."""

from __future__ import annotations

import codecs
import os
import shutil
import sys
from dataclasses import dataclass, field
from typing import IO, Any


@dataclass
class Environment:
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    stdin: IO[bytes] | None = None
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    stdin_isatty: bool | None = None
    width: int | None = None  # None: unbounded (stdout is not a terminal and COLUMNS is unset)
    color: bool | None = None
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    # Whether each stream can take any Unicode text (its encoding is UTF-8, -16 or -32); None: from the stream.
    # PYTHONIOENCODING=ascii or a latin-1 terminal make it False: charts and bars are then drawn in ASCII.
    stdout_unicode: bool | None = None
    stderr_unicode: bool | None = None

    def __post_init__(self) -> None:
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(sys.stdin)
        if self.width is None:
            # A piped table is as wide as its data (nothing wrapped inside a value, no column left out) unless
            # COLUMNS states a width; a terminal's width is its own.
            columns = self.environ.get("COLUMNS", "")
            if columns.isdigit() and int(columns) > 0:
                self.width = int(columns)
            elif self.stdout_isatty:
                self.width = shutil.get_terminal_size((100, 24)).columns
        if self.stdout_unicode is None:
            self.stdout_unicode = is_unicode(stream_encoding(self.stdout))
        if self.stderr_unicode is None:
            self.stderr_unicode = is_unicode(stream_encoding(self.stderr))
        if self.color is None:
            self.color = (
                bool(self.stdout_isatty) and "NO_COLOR" not in self.environ and self.environ.get("TERM") != "dumb"
            )

    def stdin_bytes(self) -> IO[bytes]:
        return self.stdin if self.stdin is not None else sys.stdin.buffer


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def stream_encoding(stream: Any) -> str:
    """The codec's own name for a text stream's encoding (`utf-8`, `ascii`, `iso8859-1`); UTF-8 for a stream
    that names none (an in-memory one)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    except (LookupError, TypeError):
        return "utf-8"


def is_unicode(encoding: str) -> bool:
    return codecs.lookup(encoding).name.startswith("utf")
