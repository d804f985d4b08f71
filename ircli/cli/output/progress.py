"""Progress while waiting for a job: a live display on a terminal, one line per change otherwise.
Both go to stderr; stdout stays for data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from ircli.cli.output.cells import environment_label
from ircli.lib.labels import endpoint_label
from ircli.lib.printable import escape_controls
from ircli.lib.service import JobProgress

BAR_WIDTH = 40


def summary(progress: JobProgress) -> str:
    total = len(progress.steps)
    done = progress.count("COMPLETED")
    failed = progress.count("FAILED")
    running = progress.count("IN_PROGRESS")
    parts = [f"{progress.status}", f"{done}/{total} benchmarks done"]
    if running:
        parts.append(f"{running} running")
    if failed:
        parts.append(f"{failed} failed")
    parts.append(f"{progress.elapsed:.0f}s elapsed")
    return ", ".join(parts)


def live_panel(job_name: str, progress: JobProgress) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    total = max(1, len(progress.steps))
    finished = progress.count("COMPLETED", "FAILED", "STOPPED")
    table = Table(box=None, pad_edge=False, show_header=False)
    table.add_column("status")
    table.add_column("endpoint")
    table.add_column("env", style="dim")
    styles = {"COMPLETED": "green", "FAILED": "red", "IN_PROGRESS": "yellow", "STOPPED": "red"}
    for step in progress.steps:
        benchmark = step.get("InferenceBenchmark", {})
        status = str(step.get("Status", ""))
        table.add_row(
            Text(escape_controls(status), style=styles.get(status, "dim")),
            Text(escape_controls(endpoint_label(benchmark.get("EndpointConfiguration", {})))),
            Text(escape_controls(environment_label(benchmark.get("ModelConfiguration", {})))),
        )
    header = Text(escape_controls(f"{job_name}: {summary(progress)}"), style="bold")
    filled = round(BAR_WIDTH * finished / total)
    bar = Text("█" * filled, style="green") + Text("░" * (BAR_WIDTH - filled), style="dim")
    return Group(header, bar, table)


@contextmanager
def job_progress(job_name: str, stream: IO[str], *, console: Any = None) -> Iterator[Any]:
    """The callback to hand `wait_for_job`: a live panel when `console` (a terminal's) is given, else one
    line on `stream` each time the job's state changes."""
    if console is not None:
        from rich.live import Live

        with Live(console=console, refresh_per_second=4, transient=False) as live:
            yield lambda progress: live.update(live_panel(job_name, progress))
        console.line()  # the next output starts on a line of its own
        return
    last: list[str] = []

    def on_update(progress: JobProgress) -> None:
        line = summary(progress).rsplit(", ", 1)[0]  # a change of state, not of elapsed time
        if not last or last[0] != line:
            stream.write(escape_controls(f"{job_name}: {summary(progress)}") + "\n")
            stream.flush()
            last[:] = [line]

    yield on_update
