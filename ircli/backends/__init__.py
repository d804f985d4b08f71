"""Backends: where requests go. `aws` is the real service through boto3, `local` the embedded simulator.

Both take a request shaped as the API defines it and return the response as botocore parses it, or raise
an `ircli.errors` error. Backends never print.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from ircli.errors import ConfigurationError


class BackendKind(str, Enum):
    LOCAL = "local"
    AWS = "aws"


class Backend(Protocol):
    kind: BackendKind

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class BackendSettings:
    kind: BackendKind = BackendKind.LOCAL
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    state_dir: Path | None = None
    simulation_speed: str | None = None  # IRCLI_SIM_SPEED


def parse_backend(value: str | None) -> BackendKind:
    text = (value or os.environ.get("IRCLI_BACKEND") or BackendKind.LOCAL.value).strip().lower()
    try:
        return BackendKind(text)
    except ValueError:
        raise ConfigurationError(
            f"Unknown backend {text!r}.", hint="Use --backend local (the simulator) or --backend aws."
        ) from None


def default_state_dir(environ: dict[str, str] | None = None) -> Path:
    configured = (os.environ if environ is None else environ).get("IRCLI_HOME")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ircli", appauthor=False))


def make_backend(settings: BackendSettings) -> Backend:
    if settings.kind is BackendKind.LOCAL:
        from ircli.backends.local import LocalBackend

        return LocalBackend(
            settings.state_dir or default_state_dir(),
            region=settings.region or "us-east-1",
            speed=settings.simulation_speed,
        )
    if settings.kind is BackendKind.AWS:
        from ircli.backends.aws import AwsBackend

        return AwsBackend(region=settings.region, profile=settings.profile, endpoint_url=settings.endpoint_url)
    raise AssertionError(f"unhandled backend {settings.kind}")  # pragma: no cover - the enum is exhausted
