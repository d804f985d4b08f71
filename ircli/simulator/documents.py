"""JSON documents as the store keeps them: text that SQLite's JSON functions accept, reading back as
the value written.

Python's `json` writes a float that is not a number as the bare words `NaN`, `Infinity`, `-Infinity`, which
are not JSON: SQLite's `json_extract` refuses the whole document ("malformed JSON"), so a single failed
benchmark (its CPU and memory utilisation are NaN) made every listing that touched its row fail. Here such a
float is stored as `{"$float": "NaN"}` (or "Infinity", "-Infinity", the spellings the service answers on the
wire) and read back as the float, so every answer stays what it was. No stored document has a member named
`$float` of its own: documents are requests the schemas admit (no map key they allow may hold a `$`) and
the simulator's own records.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from ircli.lib.numbers import NON_FINITE, finite_or_text

MARKER = "$float"


def dumps(value: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """The document as RFC 8259 JSON; never NaN or Infinity (json refuses them here rather than write them)."""
    try:
        return json.dumps(value, allow_nan=False, default=default)
    except ValueError:  # a float that is not finite somewhere: spelled as a marked member
        return json.dumps(_spelled(value), allow_nan=False, default=default)


def loads(text: str | bytes) -> Any:
    """A stored document; marked non-finite floats become floats again. Text written before the store
    spelled them (bare NaN, Infinity) reads too, which is how the migration repairs it."""
    return json.loads(text, object_hook=_unspelled)


def _spelled(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {MARKER: finite_or_text(value)}
    if isinstance(value, dict):
        return {key: _spelled(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_spelled(item) for item in value]
    return value


def _unspelled(member: dict[str, Any]) -> Any:
    if len(member) == 1 and member.get(MARKER) in NON_FINITE:
        return float(member[MARKER])
    return member
