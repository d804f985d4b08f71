"""Running the engine: ircli's own process starts Locust in a child process (where gevent patches what it
patches), follows its progress, and reads what it measured. Ctrl-C stops the test and keeps what was
measured: the child is told to stop, finishes its level's bookkeeping and writes its result."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ircli.errors import ConfigurationError, IrcliError
from ircli.lib.loadtest.results import Measurements

ENGINE = "ircli.loadtest.engine"
# The master waits this long after each ramp-up for its workers' reports (Locust's default: 1 s).
ENGINE_ENVIRONMENT = {"LOCUST_WAIT_FOR_WORKERS_REPORT_AFTER_RAMP_UP": "0.1"}
GRACE_SECONDS = 120.0  # beyond the traffic's own length: workers connecting, the last reports
STOP_SECONDS = 30.0


@dataclass(frozen=True)
class Run:
    """What the engine measured, before it is judged."""

    measurements: Measurements
    ran: dict[int, float]  # each level that started: how long it ran
    interrupted: bool
    time_scale: float | None
    locust: dict[str, Any]  # Locust's own statistics of the same run
    started: float
    ended: float
    workers: int
    log: str = ""  # the last lines the engine wrote on its stderr (Locust's own warnings and errors)


def require_locust() -> None:
    if importlib.util.find_spec("locust") is None:
        raise ConfigurationError(
            "ircli load-test runs on Locust, which is not installed.",
            hint="Install it with: pip install 'ircli[load-test]'",
        )


def engine_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", ENGINE, *arguments]


def _failed(process: subprocess.Popen[bytes], errors: Path) -> IrcliError:
    text = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    detail = "\n".join(text[-8:]) if text else f"exit status {process.returncode}"
    return IrcliError(f"The load test's engine stopped without a result:\n{detail}")


def _read_events(process: subprocess.Popen[bytes], on_event: Callable[[dict[str, Any]], None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            on_event(event)


def run_engine(
    spec: dict[str, Any], *, seconds: float, on_event: Callable[[dict[str, Any]], None], environ: Mapping[str, str]
) -> Run:
    """Run the test `spec` describes; `seconds` is how long its traffic lasts (a bound, not a schedule)."""
    require_locust()
    # ircli's own handler ends the process at once on Ctrl-C; a load test keeps what it measured instead.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler) if _main_thread() else None
    try:
        return _run(spec, seconds, on_event, environ)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _run(
    spec: dict[str, Any], seconds: float, on_event: Callable[[dict[str, Any]], None], environ: Mapping[str, str]
) -> Run:
    with tempfile.TemporaryDirectory(prefix="ircli-load-test-") as folder:
        spec_path, out_path, errors = Path(folder, "spec.json"), Path(folder, "result.json"), Path(folder, "stderr")
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        with errors.open("wb") as stderr:
            process = subprocess.Popen(
                engine_command("--spec", str(spec_path), "--out", str(out_path)),
                stdout=subprocess.PIPE,
                stderr=stderr,
                env={**environ, **ENGINE_ENVIRONMENT},
            )
            interrupted = _follow(process, seconds, on_event)
        if not out_path.exists():
            if interrupted:
                raise KeyboardInterrupt
            raise _failed(process, errors)
        data = json.loads(out_path.read_text(encoding="utf-8"))
        log = "\n".join(errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-12:])
    measurements = Measurements()
    measurements.merge(data["measurements"])
    return Run(
        measurements,
        {int(k): float(v) for k, v in data["ran"].items()},
        bool(data["interrupted"]) or interrupted,
        data.get("time_scale"),
        data.get("locust") or {},
        float(data["started"]),
        float(data["ended"]),
        int(data.get("workers") or 0),
        log,
    )


def _follow(process: subprocess.Popen[bytes], seconds: float, on_event: Callable[[dict[str, Any]], None]) -> bool:
    deadline = time.monotonic() + seconds + GRACE_SECONDS
    interrupted = False
    try:
        _read_events(process, on_event)
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except KeyboardInterrupt:
        interrupted = True
        process.send_signal(signal.SIGINT)  # it may have had its own from the terminal: once more is harmless
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return interrupted


def run_worker(master_host: str, master_port: int, environ: Mapping[str, str], extra: Sequence[str] = ()) -> int:
    """Serve as one worker of a master elsewhere until it ends the test."""
    require_locust()
    process = subprocess.Popen(
        engine_command("--worker", "--master-host", master_host, "--master-port", str(master_port), *extra),
        env=dict(environ),
    )
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=STOP_SECONDS)
        raise
