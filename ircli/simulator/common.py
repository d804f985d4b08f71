"""What every simulated resource shares: the account, the service's durations and the simulation speed,
timestamps, short ids, pagination tokens, and `Resource`, the base of the per-resource models."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ircli.errors import ConfigurationError
from ircli.lib.tokens import decode_token, encode_token
from ircli.simulator.exceptions import ValidationException

if TYPE_CHECKING:
    from ircli.simulator.models import Simulator
    from ircli.simulator.store import Store

ACCOUNT_ID = "123456789012"
SIMULATE_TAG = "ircli:simulate"

# The service's own durations, in seconds (developer guide: a Default job completes in about 45 minutes).
REALTIME = {
    "pending": 120.0,
    "default_job": 2700.0,
    "advanced_deploy": 300.0,
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
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def to_epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValidationException(f"Value '{value}' is not a valid timestamp.") from None
        return to_epoch(parsed)
    raise ValidationException(f"Value '{value}' is not a valid timestamp.")


def short_hash(*parts: Any, length: int = 8) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:length]


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


class Resource:
    """One kind of resource of the simulated service, over the simulator's store and clock."""

    def __init__(self, simulator: Simulator) -> None:
        self.sim = simulator

    @property
    def store(self) -> Store:
        return self.sim.store

    @property
    def speed(self) -> str | None:
        return self.sim.speed

    def clock(self) -> float:
        return self.sim.clock()

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self.sim.region}:{ACCOUNT_ID}:{kind}/{name.lower()}"
