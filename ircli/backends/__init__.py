"""Backends: where requests go. `aws` is the real service through boto3, `local` the embedded simulator.
Both implement `ircli.lib.backend.Backend`; this module chooses and builds one from its settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ircli.errors import InputError
from ircli.lib.backend import Backend, BackendKind, BackendSettings


def parse_backend(value: str | None) -> BackendKind:
    text = (value or BackendKind.LOCAL.value).strip().lower()
    try:
        return BackendKind(text)
    except ValueError:
        raise InputError(
            f"Bad value for --backend: {text!r}.", hint="Use --backend local (the simulator) or --backend aws."
        ) from None


def default_state_dir(environ: Mapping[str, str]) -> Path:
    configured = environ.get("IRCLI_HOME")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ircli", appauthor=False))


def make_backend(settings: BackendSettings) -> Backend:
    if settings.kind is BackendKind.LOCAL:
        from ircli.backends.local import LocalBackend

        return LocalBackend(
            settings.state_dir or default_state_dir(settings.environ),
            region=settings.region or "us-east-1",
            speed=settings.environ.get("IRCLI_SIM_SPEED"),
            clock=settings.environ.get("IRCLI_SIM_CLOCK"),
        )
    if settings.kind is BackendKind.AWS:
        from ircli.backends.aws import AwsBackend

        return AwsBackend(
            region=settings.region or settings.environ.get("AWS_REGION") or None,
            profile=settings.profile,
            endpoint_url=settings.endpoint_url,
            environ=settings.environ,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            verify=settings.verify,
        )
    raise AssertionError(f"unhandled backend {settings.kind}")  # pragma: no cover - the enum is exhausted
