"""What every simulated resource shares: the account, the service's durations and the simulation speed,
timestamps, short ids, pagination tokens and listing."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from ircli.errors import ConfigurationError
from ircli.lib.tokens import decode_token, encode_token
from ircli.lib.units import reported_model_latency
from ircli.simulator.exceptions import ValidationException

ACCOUNT_ID = "123456789012"
SIMULATE_TAG = "ircli:simulate"

# The service's own durations, in seconds (developer guide: a Default job completes in about 45 minutes).
REALTIME = {
    "pending": 120.0,
    "default_job": 2700.0,
    "deploy": 300.0,  # an endpoint for a benchmark, before its load test starts
    "stopping": 60.0,
    "endpoint_create": 300.0,
    "endpoint_update": 180.0,
}
# The default speed runs a Default job in about 30 seconds.
DEFAULT_SPEEDUP = 90.0
MAX_RECOMMENDATIONS = 10  # the API's InferenceRecommendations list holds at most 10
TERMINAL = ("COMPLETED", "FAILED", "STOPPED")


def speed_factor(value: str | None = None) -> float:
    """Seconds of simulated time per second of the service's time, from IRCLI_SIM_SPEED's value (None: the
    default speed)."""
    text = (value or "").strip().lower()
    if text in ("", "default", "fast"):
        return 1.0 / DEFAULT_SPEEDUP
    if text == "instant":
        return 0.0
    if text == "realtime":
        return 1.0
    try:
        speedup = float(text)
    except ValueError:
        speedup = -1.0
    if not math.isfinite(speedup) or speedup < 1:
        raise ConfigurationError(
            f"IRCLI_SIM_SPEED={text!r} is not a speed.",
            hint="Use instant, default, realtime, or a speed-up factor of 1 or more (e.g. 10).",
        )
    return 1.0 / speedup


def to_datetime(epoch: float) -> datetime:
    """The service's timestamps carry milliseconds (published: 957000 microseconds)."""
    return datetime.fromtimestamp(round(epoch, 3), tz=timezone.utc)


def epoch(moment: datetime) -> float:
    """A datetime (a request's timestamps reach handlers as datetimes: `protocols.shapes`) in epoch seconds;
    a naive one is UTC, as botocore reads it."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def short_hash(*parts: Any, length: int = 8) -> str:
    import hashlib  # not at import: describing a job needs no hash

    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=_hashable).encode()).hexdigest()[:length]


def _hashable(value: Any) -> Any:
    if isinstance(value, datetime):  # a request's timestamp, in the token that pages its listing
        return epoch(value)
    raise TypeError(f"{type(value).__name__} is not hashed")


def encode_offset_token(offset: int, context: str) -> str:
    return encode_token({"o": offset, "c": context})


def decode_offset_token(token: str, context: str) -> int:
    try:
        data = decode_token(token)
        offset = int(data["o"])
        if data["c"] != context or offset < 0:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise ValidationException("Invalid pagination token given.") from None
    return offset


def encode_keyset_token(key: Any, name: str, context: str) -> str:
    return encode_token({"k": key, "n": name, "c": context})


def decode_keyset_token(token: str, context: str) -> tuple[Any, str]:
    try:
        data = decode_token(token)
        if data["c"] != context or not isinstance(data["n"], str) or not isinstance(data["k"], (str, int, float)):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise ValidationException("Invalid pagination token given.") from None
    return data["k"], data["n"]


def listing(
    items: list[dict[str, Any]],
    request: dict[str, Any],
    *,
    result_key: str,
    sort_members: dict[str, str],
    default_sort: str = "CreationTime",
    name_member: str = "Name",
) -> dict[str, Any]:
    """One page of a List* answer, as the service filters, sorts and pages its resources: NameContains
    (case-insensitive), Creation/LastModifiedTime Before/After, SortBy among `sort_members` (sort key ->
    the item member), SortOrder (default Descending), MaxResults (default 100) and an offset NextToken."""
    selected = items
    if "NameContains" in request:
        needle = str(request["NameContains"]).lower()
        selected = [item for item in selected if needle in str(item.get(name_member, "")).lower()]
    for member, field, after in (
        ("CreationTimeAfter", "CreationTime", True),
        ("CreationTimeBefore", "CreationTime", False),
        ("LastModifiedTimeAfter", "LastModifiedTime", True),
        ("LastModifiedTimeBefore", "LastModifiedTime", False),
    ):
        if member in request:
            bound = epoch(request[member])
            selected = [
                item
                for item in selected
                if field in item and (epoch(item[field]) > bound if after else epoch(item[field]) < bound)
            ]
    if "StatusEquals" in request:
        selected = [item for item in selected if item.get("EndpointStatus") == request["StatusEquals"]]
    sort_member = sort_members[request.get("SortBy", default_sort)]
    descending = request.get("SortOrder", "Descending") == "Descending"
    selected = sorted(selected, key=lambda item: (_sortable(item.get(sort_member)), str(item.get(name_member))))
    if descending:
        selected.reverse()
    context = short_hash({k: v for k, v in request.items() if k not in ("NextToken", "MaxResults")}, length=12)
    return page_of(selected, request, result_key=result_key, context=context)


def page_of(items: list[dict[str, Any]], request: dict[str, Any], *, result_key: str, context: str) -> dict[str, Any]:
    """The page of `items` a request's NextToken and MaxResults (default 100) ask for, with the offset token
    of the next page while one is left. `context` ties a token to the listing that gave it out."""
    offset = decode_offset_token(request["NextToken"], context) if "NextToken" in request else 0
    limit = int(request.get("MaxResults", 100))
    page: dict[str, Any] = {result_key: items[offset : offset + limit]}
    if offset + limit < len(items):
        page["NextToken"] = encode_offset_token(offset + limit, context)
    return page


def _sortable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    return "" if value is None else value


def stored_latency_ms(result: dict[str, Any]) -> int:
    """A stored benchmark result's ModelLatency in milliseconds. Results a store kept from before the simulator
    reported milliseconds carry `model_latency_us` instead; they read the same in the new unit."""
    if "model_latency_ms" in result:
        return int(result["model_latency_ms"])
    return reported_model_latency(result.get("model_latency_us", 0) / 1000)
