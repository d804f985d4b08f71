"""Nothing raw reaches a terminal: control characters (C0, DEL, C1) and the bidirectional overrides that
reorder text are shown escaped (`\\x1b`, `\\u202e`) in every human-readable output, so data planted in a job
description or by a hostile server cannot clear a screen, set a title, hide text or make links. JSON and
YAML stay exact: their own escapes say the same data."""

from __future__ import annotations

import re

# C0, DEL, C1, and the bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C) that reorder the text around them.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = "\x00-\x1f\x7f-\x9f" + _BIDI
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


_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}]")
# What YAML's emitter leaves raw even in a double-quoted scalar (it escapes C0, DEL and C1 itself).
_YAML_UNSAFE = re.compile(f"[{_BIDI}]")


def json_safe(text: str) -> str:
    """JSON text with the characters json.dumps leaves raw (DEL, C1, bidi overrides) as \\u escapes: the same
    document, safe on a terminal. They can only stand inside strings, where the escape is valid."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def yaml_unsafe(text: str) -> bool:
    """Whether a string holds a bidirectional control, which YAML's emitter would write raw."""
    return _YAML_UNSAFE.search(text) is not None


def yaml_safe(text: str) -> str:
    """YAML text with its bidirectional controls as \\u escapes. Valid only where each stands inside a
    double-quoted scalar (the YAML format quotes every string that holds one), where the escape says the
    same character."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
