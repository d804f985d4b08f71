"""Progress while waiting for a job: on a terminal, a live panel with each benchmark's stage and its
load test's time against the time expected; otherwise one line each time the job's state changes. Both go
to stderr; stdout stays for data."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from ircli.cli.output.cells import short_names
from ircli.cli.output.console import bar_characters
from ircli.lib.printable import escape_controls
from ircli.lib.progress import BenchmarkState, benchmark_states, overall_fraction
from ircli.lib.service import JobProgress

BAR_WIDTH = 40
STYLES = {"COMPLETED": "green", "FAILED": "red", "IN_PROGRESS": "yellow", "STOPPED": "red"}


def clock_text(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def timing(state: BenchmarkState) -> str:
    """`0:12 of ~0:26` for a running load test (its time against the time expected), `0:25` for a finished
    one; nothing otherwise."""
    if state.elapsed is None:
        return ""
    if not state.expected:
        return clock_text(state.elapsed)
    return f"{clock_text(state.elapsed)} of ~{clock_text(state.expected)}"


def summary(progress: JobProgress, states: list[BenchmarkState]) -> str:
    """The job in one line, without the times (they change at every poll)."""
    parts = [progress.status, f"{progress.count('COMPLETED')}/{len(states)} benchmarks done"]
    stages = Counter(state.stage for state in states if state.status == "IN_PROGRESS")
    if stages:
        where = ", ".join(
            f"{n} {stage}" if stage.startswith("deploying") else f"{n} in {stage}" for stage, n in stages.items()
        )
        parts.append(f"{sum(stages.values())} running ({where})")
    if failed := progress.count("FAILED"):
        parts.append(f"{failed} failed")
    return ", ".join(parts)


class LivePanel:
    """The panel, drawn afresh at every refresh so that the times move between polls, with the bar's
    characters the screen can show."""

    def __init__(self, job_name: str, time_now: Callable[[], float] = time.time) -> None:
        self.job_name = job_name
        self.progress: JobProgress | None = None
        self.observed_at = 0.0
        self.time_now = time_now
        self.deploying_since: dict[int, float] = {}

    def update(self, progress: JobProgress) -> None:
        self.progress, self.observed_at = progress, self.time_now()

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.draw(ascii_only=bool(options.ascii_only))

    def draw(self, *, ascii_only: bool = False) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        if self.progress is None:
            return Text(escape_controls(f"{self.job_name}: waiting for the first answer"), style="bold")
        now = self.time_now()
        states = benchmark_states(
            self.progress.job,
            self.progress.steps,
            now=job_clock(self.progress, now - self.observed_at, now),
            time_scale=self.progress.time_scale,
        )
        elapsed = self.progress.elapsed + (now - self.observed_at)
        header = Text(escape_controls(f"{self.job_name}: {summary(self.progress, states)}"), style="bold")
        fraction = overall_fraction(states)
        filled = round(BAR_WIDTH * fraction)
        full, empty = bar_characters(ascii_only)
        bar = Text.assemble(
            (full * filled, "green"),
            (empty * (BAR_WIDTH - filled), "dim"),
            f" {fraction:4.0%}  {clock_text(elapsed)} elapsed",
        )
        with_env = any(state.environment for state in states)
        names = short_names(sorted({key for state in states for key in state.environment}))
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column("Status")
        table.add_column("Benchmark")
        if with_env:
            table.add_column("Env")
        table.add_column("Stage")
        table.add_column("Time", justify="right")
        for index, state in enumerate(states):
            cells = [
                Text(escape_controls(state.status), style=STYLES.get(state.status, "dim")),
                Text(escape_controls(state.endpoint)),
            ]
            if with_env:
                env = " ".join(f"{names[key]}={value}" for key, value in state.environment.items())
                cells.append(Text(escape_controls(env)))
            shown = timing(state)
            if state.stage.startswith("deploying"):
                # The service does not say when a deployment began: the time since this display first saw it.
                since = self.deploying_since.setdefault(index, now)
                shown = clock_text(now - since)
            cells += [Text(escape_controls(state.stage)), Text(shown)]
            table.add_row(*cells)
        return Group(header, bar, table)


# Whether a live display is on the terminal now: an interrupt then starts its message on a new line.
LIVE_ON_SCREEN: list[bool] = [False]
REDRAWS_PER_SECOND = 4


@dataclass
class Watcher:
    """What `wait_for_job` is handed: `update` with each observation, `sleep` between polls (which keeps a
    live display moving; drawing happens on this thread only, so an interrupt never races a redraw)."""

    update: Callable[[JobProgress], None]
    sleep: Callable[[float], None] = time.sleep


@contextmanager
def job_progress(job_name: str, stream: IO[str], *, console: Any = None) -> Iterator[Watcher]:
    """A live panel when `console` (a terminal's) is given, else one line on `stream` each time the job's
    state changes."""
    if console is not None:
        from rich.live import Live

        panel = LivePanel(job_name)
        # Not redirecting stderr: an interrupt's message then goes below the display, not above a redrawn one.
        live_display = Live(
            panel, console=console, auto_refresh=False, transient=False, redirect_stdout=False, redirect_stderr=False
        )
        with live_display as live:

            def update(progress: JobProgress) -> None:
                panel.update(progress)
                live.refresh()

            def sleep(seconds: float) -> None:
                until = time.monotonic() + seconds
                while (left := until - time.monotonic()) > 0:
                    time.sleep(min(left, 1 / REDRAWS_PER_SECOND))
                    live.refresh()

            LIVE_ON_SCREEN[0] = True
            try:
                yield Watcher(update, sleep)
            finally:
                LIVE_ON_SCREEN[0] = False
        console.line()  # the next output starts on a line of its own
        return
    last: list[str] = []

    def on_update(progress: JobProgress) -> None:
        states = benchmark_states(
            progress.job, progress.steps, now=job_clock(progress, 0.0, time.time()), time_scale=progress.time_scale
        )
        line = summary(progress, states)
        if not last or last[0] != line:
            stream.write(escape_controls(f"{job_name}: {line}, {clock_text(progress.elapsed)} elapsed") + "\n")
            stream.flush()
            last[:] = [line]

    yield Watcher(on_update)


def job_clock(progress: JobProgress, since: float, now: float) -> float:
    """Where the job's timestamps stand `since` wall seconds after the observation: the simulator's clock
    runs at the service's pace (1 / time_scale); without one, the wall clock's `now`."""
    if progress.clock is None:
        return now
    return progress.clock + (since / progress.time_scale if progress.time_scale > 0 else 0.0)
