"""Nothing raw reaches a terminal: control characters (C0, DEL, C1) and the bidirectional overrides that
reorder text are shown escaped (`\\x1b`, `\\u202e`) in every human-readable output, so data planted in a job
description or by a hostile server cannot clear a screen, set a title, hide text or make links. JSON and
YAML stay exact: their own escapes say the same data."""

from __future__ import annotations

import re

_UNSAFE = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, keep: str = "") -> str:
    """`text` with every unsafe character but those in `keep` (e.g. "\\n") escaped."""
    pattern = _PATTERNS.get(keep)
    if pattern is None:
        allowed = "".join(re.escape(c) for c in keep)
        pattern = re.compile(f"(?![{allowed}])[{_UNSAFE}]" if keep else f"[{_UNSAFE}]")
        _PATTERNS[keep] = pattern
    return pattern.sub(_escape, text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text with the characters json.dumps leaves raw (DEL, C1, bidi overrides) as \\u escapes: the same
    document, safe on a terminal. They can only stand inside strings, where the escape is valid."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
