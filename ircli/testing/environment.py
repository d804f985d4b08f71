"""The variables a test runs under while ircli's mock is active: fake credentials and a region where the
environment has none, put back exactly as they were when the mock stops.

botocore signs every request before any `before-send` handler sees it, so it needs credentials even when
nothing leaves the process; fake ones in the environment also keep a real profile in `~/.aws` from being
used by code under test. A variable the environment already has is left alone.
"""

from __future__ import annotations

import os

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
DEFAULT_REGION = "us-east-1"


def current_region() -> str | None:
    """The region botocore would pick from the environment, if it names one."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def missing_variables(region: str) -> dict[str, str]:
    """What the environment lacks for a signed request to a region: fake credentials, the region."""
    missing: dict[str, str] = {}
    if not (os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY")):
        missing.update(FAKE_CREDENTIALS)
        if os.environ.get("AWS_SESSION_TOKEN"):
            missing["AWS_SESSION_TOKEN"] = ""  # a token without its key is someone else's: not sent with ours
    if current_region() is None:
        missing["AWS_DEFAULT_REGION"] = region
    return missing


class Variables:
    """Sets variables and puts back what each held before (or removes it), once."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self._before: dict[str, str | None] = {}

    def apply(self) -> None:
        for name, value in self.values.items():
            self._before[name] = os.environ.get(name)
            if value:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)

    def restore(self) -> None:
        for name, before in self._before.items():
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before
        self._before.clear()
