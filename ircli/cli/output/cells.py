"""Cell texts: how one value reads in a table (money, counts, latencies in milliseconds, times,
environment parameters). A value the service did not report (missing or "NaN") reads `n/a`."""

from __future__ import annotations

import struct
from datetime import datetime
from typing import Any

from ircli.lib.numbers import number
from ircli.lib.units import format_latency_ms

NA = "n/a"


def fmt_number(value: float) -> str:
    """A float as the service meant it: a whole one as a count (`14,494`); the API's floats are 32-bit, so
    0.10199999809265137 reads 0.102 (the shortest text that is the same 32-bit number); other floats read as
    Python writes them."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"  # a whole float reads as a count (`14,494`), never `14494.0` or `1e+04`
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except (OverflowError, struct.error):
        return repr(value)
    if single != value or value != value:
        return repr(value)
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            return text
    return repr(value)


def fmt_time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-":
        return value[:19].replace("T", " ")
    return "" if value is None else str(value)


def fmt_money(value: Any, digits: int = 4) -> str:
    amount = number(value)
    return NA if amount is None else f"${amount:,.{digits}f}"


def fmt_int(value: Any) -> str:
    amount = number(value)
    return NA if amount is None else f"{int(amount):,}"


def fmt_latency_ms(value: Any) -> str:
    """A ModelLatency cell: milliseconds, as the service reports them (see ircli.lib.units)."""
    amount = number(value)
    return NA if amount is None else format_latency_ms(amount).removesuffix(" ms")


def fmt_plain(value: Any, missing: str = "-") -> str:
    """A count or weight as it is (`3`, `0.5`); `n/a` where the service sent something that is not a number
    ("NaN"), `missing` where it sent nothing."""
    if value is None:
        return missing
    amount = number(value)
    if amount is None:
        return NA
    return f"{int(amount):,}" if float(amount).is_integer() and abs(amount) < 1e15 else f"{amount:g}"


def fmt_percent(value: Any) -> str:
    amount = number(value)
    return NA if amount is None else f"{amount:.1f}%"


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def cost_per_million(metrics: dict[str, Any]) -> str:
    value = number(metrics.get("CostPerInference"))
    return NA if value is None else f"${value * 1_000_000:,.2f}"


def short_names(keys: list[str]) -> dict[str, str]:
    """Each environment parameter's shortest trailing `_` part that no other key ends with
    (OMP_NUM_THREADS -> THREADS), to keep the Env column narrow."""
    result = {}
    for key in keys:
        parts = key.split("_")
        for length in range(1, len(parts) + 1):
            candidate = "_".join(parts[-length:])
            if not any(other != key and other.endswith(candidate) for other in keys):
                result[key] = candidate
                break
        else:
            result[key] = key
    return result


def environment_names(recommendations: list[dict[str, Any]]) -> dict[str, str]:
    keys = sorted(
        {
            str(p.get("Key"))
            for r in recommendations
            for p in r.get("ModelConfiguration", {}).get("EnvironmentParameters") or []
        }
    )
    return short_names(keys)


def environment_legend(names: dict[str, str]) -> str:
    shortened = [f"{short}={key}" for key, short in names.items() if short != key]
    return f"Env names: {', '.join(shortened)}." if shortened else ""


def environment_label(model_configuration: dict[str, Any], names: dict[str, str] | None = None) -> str:
    parameters = model_configuration.get("EnvironmentParameters") or []
    names = names or {}
    return " ".join(f"{names.get(str(p.get('Key')), p.get('Key'))}={p.get('Value')}" for p in parameters) or "-"
