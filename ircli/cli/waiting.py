"""Waiting for something the service does over time, with progress on stderr: for a job a live panel
on a terminal and a line per change otherwise; for an endpoint a line per change of status."""

from __future__ import annotations

from typing import Any

from ircli.cli.context import CliContext
from ircli.errors import InputError


def wait_for_job(cli: CliContext, job_name: str | None, *, timeout: float, interval: float | None) -> None:
    """Poll a job until it ends, with progress on stderr."""
    from ircli.cli.output.progress import job_progress

    if not job_name:
        raise InputError("Give the job's name: ircli wait JOB_NAME (or --job-name).")
    console = cli.console(stderr=True) if cli.env.stderr_isatty else None
    with job_progress(job_name, cli.env.stderr, console=console) as watcher:
        cli.service.wait_for_job(
            job_name,
            timeout=timeout,
            interval=interval or cli.service.poll_interval,
            on_update=watcher.update,
            sleep=watcher.sleep,
        )


def wait_for_endpoint(
    cli: CliContext, name: str, *, deleted: bool = False, timeout: float, interval: float | None
) -> None:
    """Poll an endpoint until it is InService (or, with `deleted`, gone), a line on stderr per change."""
    if timeout < 0 or (interval is not None and interval <= 0):
        raise InputError("--timeout must be 0 or more and --interval more than 0 seconds.")
    last: list[str] = []

    def on_update(endpoint: dict[str, Any], elapsed: float) -> None:
        status = str(endpoint.get("EndpointStatus", ""))
        if last != [status]:
            cli.note(f"endpoint {name}: {status} ({elapsed:.0f}s elapsed)")
            last[:] = [status]

    cli.service.wait_for_endpoint(
        name, deleted=deleted, timeout=timeout, interval=interval or cli.service.poll_interval, on_update=on_update
    )
    if deleted or last != ["InService"]:
        cli.note(f"endpoint {name}: {'deleted' if deleted else 'InService'}")


def wait_for_ai_job(cli: CliContext, kind: str, name: str | None, *, timeout: float, interval: float | None) -> None:
    """Poll an AI recommendation or benchmark job until it ends, a line on stderr per change of status (with
    the options found so far for a recommendation job)."""
    from ircli.lib import genai

    if not name:
        raise InputError(f"Give the job's name: ircli ai-{kind} wait NAME.")
    if timeout < 0 or (interval is not None and interval <= 0):
        raise InputError("--timeout must be 0 or more and --interval more than 0 seconds.")
    status_member = genai.KINDS[kind][2]
    last: list[object] = []

    def on_update(job: dict[str, Any], elapsed: float) -> None:
        seen = [job.get(status_member), len(job.get("Recommendations") or [])]
        if seen != last:
            found = f", {seen[1]} recommendation(s)" if kind == "recommendation" and seen[1] else ""
            cli.note(f"ai-{kind} {name}: {seen[0]}{found} ({elapsed:.0f}s elapsed)")
            last[:] = seen

    genai.wait_for_job(
        cli.service, kind, name, timeout=timeout, interval=interval or cli.service.poll_interval, on_update=on_update
    )
