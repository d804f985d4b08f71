"""A job's execution log as it grows: every event from a position on (GetLogEvents pages forward by
nextForwardToken, which comes back unchanged once there is nothing newer), and following it until the job
ends, its last events included."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

GET_LOG_EVENTS = "GetLogEvents"
LOG_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"


class Service(Protocol):
    """What reading a log needs of the service layer (`lib.service.RecommenderService`)."""

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]: ...

    def describe_job(self, job_name: str) -> dict[str, Any]: ...


def log_request(job_name: str) -> dict[str, Any]:
    """Where a job's execution log is: its stream in the service's log group, read from the start."""
    return {"logGroupName": LOG_GROUP, "logStreamName": f"{job_name}/execution", "startFromHead": True}


def read_events(service: Service, request: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """Every event from the request's position on, and the token that continues after them."""
    events: list[dict[str, Any]] = []
    while True:
        page = service.call(GET_LOG_EVENTS, request)
        events.extend(page.get("events", []))
        token = str(page.get("nextForwardToken", request.get("nextToken", "")))
        if not page.get("events") or token == request.get("nextToken"):
            return events, token
        request = {**request, "nextToken": token}


def follow_events(
    service: Service,
    request: dict[str, Any],
    job_name: str,
    *,
    pause: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[list[dict[str, Any]]]:
    """The events there are, then each `pause` seconds the new ones, until the job has ended (after which
    its last events come, and the iteration stops)."""
    from ircli.lib.service import TERMINAL_STATUSES

    events, token = read_events(service, request)
    while True:
        yield events
        if service.describe_job(job_name).get("Status") in TERMINAL_STATUSES:
            events, token = read_events(service, {**request, "nextToken": token})
            yield events
            return
        sleep(pause)
        events, token = read_events(service, {**request, "nextToken": token})
