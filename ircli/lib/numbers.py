"""Numbers as the service writes them: non-finite floats travel as the strings "NaN", "Infinity" and
"-Infinity" (botocore hands them to Python unchanged), and a metric may be missing. Every layer that
writes or reads such a number goes through here."""

from __future__ import annotations

import math
from typing import Any

NON_FINITE = ("NaN", "Infinity", "-Infinity")


def finite_or_text(value: float) -> float | str:
    """A float as the service sends it: itself when finite, else its non-finite spelling."""
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def is_nan(value: Any) -> bool:
    if isinstance(value, str):
        return value in NON_FINITE
    return isinstance(value, float) and not math.isfinite(value)


def number(value: Any) -> float | None:
    """A metric as a float, or None where it is missing or not a number ("NaN")."""
    if isinstance(value, bool) or value is None or is_nan(value):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None
