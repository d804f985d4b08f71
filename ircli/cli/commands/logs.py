"""`ircli logs JOB`: a recommendation job's execution log (CloudWatch Logs, log group
/aws/sagemaker/InferenceRecommendationsJobs, stream JOB/execution), on either backend; `--follow` keeps
reading until the job ends."""

from typing import Annotated

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.options import interval_option, pick_name
from ircli.cli.output.views import View
from ircli.cli.output.views.logs import log_tables
from ircli.errors import InputError
from ircli.lib.log_events import follow_events, log_request, read_events


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
    service = call.cli.service
    request = call.request(log_request(job))
    if not follow:
        events, token = read_events(service, request)
        _notes(call)
        call.cli.emit({"events": events, "nextForwardToken": token}, View(tables=log_tables))
        return
    # Following prints as events come, so it is a stream of lines (or of JSON lines), not one document.
    for batch in follow_events(service, request, job, pause=interval or service.poll_interval):
        _notes(call)
        for event in batch:
            call.cli.emit({"events": [event]}, FOLLOW_VIEW)


FOLLOW_VIEW = View(tables=lambda data: log_tables(data, header=False))


def _notes(call: ApiCall) -> None:
    for note in call.cli.service.take_notes():
        call.cli.note(note)
