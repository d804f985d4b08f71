"""What the core asks of a backend, and the settings that choose one. The implementations live in
`ircli.backends` (`aws`: the real service through boto3; `local`: the embedded simulator); the core
never imports them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Protocol


class BackendKind(str, Enum):
    LOCAL = "local"
    AWS = "aws"


class Backend(Protocol):
    """Takes a request shaped as the API defines it and returns the response as botocore parses it, or
    raises an `ircli.errors` error. Backends never print."""

    kind: BackendKind
    # How often a waiter polls by default, in seconds: the simulator answers at once, the service is
    # polled as the AWS CLI's waiters poll it.
    poll_interval: float
    # Wall-clock seconds per second of the service's time: 1 for the service, the simulator's speed for it
    # (how long a benchmark is expected to take, in progress displays).
    time_scale: float

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]: ...

    def read_object(self, uri: str) -> bytes | None:
        """The bytes of the S3 object at `uri` (what a job wrote to its output location), None when there is
        none; the simulator's own S3 locally, S3 with the same credentials on aws."""
        ...

    def close(self) -> None:
        """Release what the backend holds (the simulator's database connection)."""


@dataclass(frozen=True)
class BackendSettings:
    kind: BackendKind = BackendKind.LOCAL
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    state_dir: Path | None = None
    # --cli-connect-timeout / --cli-read-timeout in seconds (aws backend): None when not given, 0 for none.
    connect_timeout: float | None = None
    read_timeout: float | None = None
    # The process environment, injected: IRCLI_SIM_SPEED, IRCLI_HOME, AWS_REGION, AWS_ENDPOINT_URL_*.
    environ: Mapping[str, str] = field(default_factory=dict)
