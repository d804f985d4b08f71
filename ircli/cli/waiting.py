"""Waiting for something the service does over time, with progress on stderr: a live panel on a
terminal, a line per change otherwise."""

from __future__ import annotations

from ircli.cli.context import CliContext
from ircli.errors import InputError


def wait_for_job(cli: CliContext, job_name: str | None, *, timeout: float, interval: float | None) -> None:
    """Poll a job until it ends, with progress on stderr."""
    from ircli.cli.output.progress import job_progress

    if not job_name:
        raise InputError("Give the job's name: ircli wait JOB_NAME (or --job-name).")
    console = cli.console(stderr=True) if cli.env.stderr_isatty else None
    with job_progress(job_name, cli.env.stderr, console=console) as on_update:
        cli.service.wait_for_job(
            job_name, timeout=timeout, interval=interval or cli.service.poll_interval, on_update=on_update
        )
