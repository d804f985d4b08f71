"""The process's surroundings, injectable so that tests pin stdout, stderr, width, colour and terminals."""

from __future__ import annotations

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
