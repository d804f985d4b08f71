"""Shared fixtures: an isolated simulator state per test, and the CLI run in process with its output
captured through an injected environment (fixed width, no colour, not a terminal)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from ircli.cli.environment import Environment
from ircli.cli.main import run

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        import json

        return json.loads(self.out)


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    state = tmp_path / "state"
    monkeypatch.setenv("IRCLI_HOME", str(state))
    monkeypatch.setenv("IRCLI_SIM_SPEED", "instant")
    for name in ("IRCLI_BACKEND", "IRCLI_OUTPUT", "AWS_PROFILE", "AWS_ENDPOINT_URL_SAGEMAKER", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    yield state


class CliRunner(Protocol):
    """ircli run in process: its arguments, then what stdin holds, whether stdout is a terminal, the
    terminal's width and extra environment variables."""

    def __call__(
        self,
        *args: str,
        stdin: bytes | None = None,
        tty: bool = False,
        width: int = 120,
        environ: dict[str, str] | None = None,
    ) -> Result: ...


@pytest.fixture
def cli() -> CliRunner:
    def invoke(
        *args: str,
        stdin: bytes | None = None,
        tty: bool = False,
        width: int = 120,
        environ: dict[str, str] | None = None,
    ) -> Result:
        out, err = io.StringIO(), io.StringIO()
        env = Environment(
            stdout=out,
            stderr=err,
            stdin=io.BytesIO(stdin or b""),
            stdout_isatty=tty,
            stderr_isatty=False,
            stdin_isatty=False,
            width=width,
            color=False,
            environ={**os.environ, **(environ or {})},
        )
        code = run(list(args), env)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


def run_process(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """ircli in a new process, as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "ircli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )
