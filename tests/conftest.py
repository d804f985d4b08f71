"""Shared fixtures: an isolated simulator state per test, and the CLI run in process with its output
captured through an injected environment (fixed width, no colour, not a terminal), failing the test on an
exit code it did not expect; a test of the fast lane that starts a process fails. Under pytest-xdist
(`-n auto`) the lanes pick their own number of workers (`pytest_xdist_auto_num_workers`)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Protocol

import pytest

from ircli.cli.environment import Environment
from ircli.cli.main import run

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# Bytecode caches are written even where PYTHONDONTWRITEBYTECODE says not to: without them every run, every
# xdist worker and every `python -m ircli` a test starts compiles its modules again (pytest's rewritten test
# modules alone cost 5 s of CPU a process). The caches go to the ignored __pycache__ folders.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker a core for the fast lane, which only computes; three a core (at least four) when
    slow tests are selected, as they mostly wait on the processes, servers and browsers they start.
    PYTEST_XDIST_AUTO_NUM_WORKERS overrides both, as it does in pytest-xdist."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if config.getoption("markexpr") == "not slow" else max(4, 3 * cores)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that times real latencies runs alone after the others (`-m timing`), never in the fast lane."""
    unmarked = [
        item.nodeid for item in items if item.get_closest_marker("timing") and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError(f"timing tests must also be marked slow: {', '.join(unmarked)}")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        import json

        return json.loads(self.out)


@pytest.fixture(autouse=True, scope="session")
def botocore_models_read_once() -> Iterator[None]:
    """Every in-process run of the aws backend makes a new botocore session, which reads the service models
    again (a fifth of a second each time); the models are read-only, so the tests share one loader."""
    import functools

    import botocore.session

    original = botocore.session.create_loader
    botocore.session.create_loader = functools.lru_cache(maxsize=None)(original)  # type: ignore[assignment]
    yield
    botocore.session.create_loader = original  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    state = tmp_path / "state"
    monkeypatch.setenv("IRCLI_HOME", str(state))
    monkeypatch.setenv("IRCLI_SIM_SPEED", "instant")
    for name in (
        "IRCLI_BACKEND",
        "IRCLI_OUTPUT",
        "IRCLI_SIM_CLOCK",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL_SAGEMAKER",
        "NO_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    yield state


@pytest.fixture(autouse=True)
def fast_tests_start_no_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that starts a process (a subprocess, a shell in a terminal, a server) is marked slow: in the
    fast lane, starting one fails the test."""
    if request.node.get_closest_marker("slow"):
        return

    def refused(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("this test starts a process: mark it @pytest.mark.slow")

    monkeypatch.setattr(subprocess.Popen, "_execute_child", refused)
    for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refused)
    monkeypatch.setattr(pty, "fork", refused)


# What a test expects of ircli's exit code: one code, any of several, or ANY_CODE when the test judges it.
Expected = int | tuple[int, ...] | None
ANY_CODE: Expected = None


class CliRunner(Protocol):
    """ircli run in process: its arguments, then what stdin holds, whether stdout is a terminal, the
    terminal's width, extra environment variables and the exit code expected (0 unless the test says
    otherwise: an unexpected code fails the test, with ircli's stderr)."""

    def __call__(
        self,
        *args: str,
        stdin: bytes | None = None,
        tty: bool = False,
        width: int = 120,
        environ: dict[str, str] | None = None,
        expect: Expected = 0,
    ) -> Result: ...


def check_code(args: tuple[str, ...], result: Result, expect: Expected) -> None:
    """Fail when ircli ended with a code the test did not expect."""
    if expect is None:
        return
    codes = expect if isinstance(expect, tuple) else (expect,)
    if result.code not in codes:
        pytest.fail(
            f"ircli {' '.join(args)!r} exited {result.code}, expected {expect}\n"
            f"stderr: {result.err[-3000:]}\nstdout: {result.out[-1000:]}",
            pytrace=False,
        )


@pytest.fixture
def cli() -> CliRunner:
    def invoke(
        *args: str,
        stdin: bytes | None = None,
        tty: bool = False,
        width: int = 120,
        environ: dict[str, str] | None = None,
        expect: Expected = 0,
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
        result = Result(run(list(args), env), out.getvalue(), err.getvalue())
        check_code(args, result, expect)
        return result

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
