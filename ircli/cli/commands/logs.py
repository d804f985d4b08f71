"""`ircli logs JOB`: a recommendation job's execution log (CloudWatch Logs, log group
/aws/sagemaker/InferenceRecommendationsJobs, stream JOB/execution), on either backend; `--follow` keeps
reading until the job ends."""

import time
from typing import Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.options import interval_option, pick_name
from ircli.cli.output.views import View
from ircli.cli.output.views.logs import log_tables
from ircli.errors import InputError
from ircli.lib.service import TERMINAL_STATUSES

LOG_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"


@api_command("GetLogEvents")
def logs(
    call: ApiCall,
    name: Annotated[str | None, typer.Argument(help="The job's name (or use --job-name).", show_default=False)] = None,
    job_name: Annotated[str | None, typer.Option("--job-name", help="The job's name.")] = None,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events until the job ends.")
    ] = False,
    interval: Annotated[
        float | None, interval_option("Seconds between reads with --follow (default 1 local, 15 aws).", panel=None)
    ] = None,
) -> None:
    """Show a job's execution log: when each benchmark started, what it measured, why it failed."""
    job = pick_name(name, job_name)
    if not job:
        raise InputError("Give the job's name: ircli logs JOB_NAME (or --job-name).")
    if interval is not None and interval <= 0:
        raise InputError("--interval must be more than 0 seconds.")
    request = call.request({"logGroupName": LOG_GROUP, "logStreamName": f"{job}/execution", "startFromHead": True})
    events, token = _read(call, request)
    if not follow:
        call.cli.emit({"events": events, "nextForwardToken": token}, View(tables=log_tables))
        return
    # Following prints as events come, so it is a stream of lines (or of JSON lines), not one document.
    pause = interval or call.cli.service.poll_interval
    while True:
        for event in events:
            call.cli.emit({"events": [event]}, FOLLOW_VIEW)
        if call.cli.service.describe_job(job).get("Status") in TERMINAL_STATUSES:
            events, token = _read(call, {**request, "nextToken": token})
            for event in events:
                call.cli.emit({"events": [event]}, FOLLOW_VIEW)
            return
        time.sleep(pause)
        events, token = _read(call, {**request, "nextToken": token})


FOLLOW_VIEW = View(tables=lambda data: log_tables(data, header=False))


def _read(call: ApiCall, request: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """Every event from the request's position on, and the token that continues after them."""
    events: list[dict[str, Any]] = []
    while True:
        page = call.send(request)
        events.extend(page.get("events", []))
        token = str(page.get("nextForwardToken", request.get("nextToken", "")))
        if not page.get("events") or token == request.get("nextToken"):
            return events, token
        request = {**request, "nextToken": token}
