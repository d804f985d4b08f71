"""Progress while waiting for a job: a live display on a terminal, one line per change otherwise.
Both go to stderr; stdout stays for data."""

from __future__ import annotations

from typing import Any

from ircli.backends import BackendKind
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

    from ircli.cli.tables import endpoint_label, environment_label

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
            Text(status, style=styles.get(status, "dim")),
            endpoint_label(benchmark.get("EndpointConfiguration", {})),
            environment_label(benchmark.get("ModelConfiguration", {})),
        )
    header = Text(f"{job_name}: {summary(progress)}", style="bold")
    filled = round(BAR_WIDTH * finished / total)
    bar = Text("█" * filled, style="green") + Text("░" * (BAR_WIDTH - filled), style="dim")
    return Group(header, bar, table)


def wait(cli: Any, job_name: str | None, *, timeout: float, interval: float | None) -> JobProgress:
    from ircli.errors import InputError

    if not job_name:
        raise InputError("Give the job's name: ircli wait JOB_NAME (or --job-name).")
    if interval is None:
        interval = 1.0 if cli.options.backend is BackendKind.LOCAL else 15.0
    if cli.env.stderr_isatty:
        from rich.live import Live

        console = cli.console(stderr=True)
        with Live(console=console, refresh_per_second=4, transient=False) as live:
            return cli.service.wait_for_job(  # type: ignore[no-any-return]
                job_name, timeout=timeout, interval=interval, on_update=lambda p: live.update(live_panel(job_name, p))
            )
    last: list[str] = []

    def on_update(progress: JobProgress) -> None:
        line = summary(progress).rsplit(", ", 1)[0]  # a change of state, not of elapsed time
        if not last or last[0] != line:
            cli.note(f"{job_name}: {summary(progress)}")
            last[:] = [line]

    return cli.service.wait_for_job(job_name, timeout=timeout, interval=interval, on_update=on_update)  # type: ignore[no-any-return]
