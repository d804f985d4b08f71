"""The service layer: what commands ask for, independent of the backend and of the terminal.

Requests are validated against the bundled schemas and the service's rules before they are sent;
responses are normalised (non-finite floats as the service's "NaN" strings, no ResponseMetadata).
Pagination follows the AWS CLI (all pages by default; `--max-items` with a resumable `NextToken`;
`--starting-token`; `--page-size`), and `wait_for_job` is the waiter the AWS CLI does not have."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ircli.errors import InputError, JobEndedUnsuccessfully, ServiceError, WaiterFailed, WaitTimedOut
from ircli.lib.backend import Backend
from ircli.lib.numbers import finite_or_text
from ircli.lib.tokens import decode_token, encode_token
from ircli.lib.validation import check_request
from ircli.operations import changes_state
from ircli.operations import result_key as paginated_member

# The statuses a job ends in.
Observed = TypeVar("Observed")
TERMINAL_STATUSES = ("COMPLETED", "FAILED", "STOPPED")
# A job being deleted never completes: waiting for it ends as for a failed one.
ENDED_STATUSES = ("FAILED", "STOPPED", "DELETING", "DELETED")
CREATE_JOB = "CreateInferenceRecommendationsJob"
# How far the service's clock may be behind this machine's when telling our own job from an older one.
CLOCK_SKEW = timedelta(minutes=5)
NAME_MEMBERS = ("JobName", "EndpointName", "EndpointConfigName", "ModelName", "ModelPackageGroupName")


@dataclass
class Change:
    """A request that changes something, as far as this process knows: sent, and answered or not."""

    operation: str
    name: str | None
    answered: bool = False


# The changes this process has sent, newest last, so that an interrupt can say what may have happened.
CHANGES_SENT: list[Change] = []


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, float):
        return finite_or_text(value)
    return value


def _encode_starting_token(next_token: str | None, skip: int) -> str:
    return encode_token({"NextToken": next_token, "skip": skip})


def _decode_starting_token(token: str) -> tuple[str | None, int]:
    try:
        data = decode_token(token)
        next_token, skip = data["NextToken"], int(data["skip"])
        if (next_token is not None and not isinstance(next_token, str)) or skip < 0:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise InputError(f"Bad value for --starting-token: {token!r} is not a token ircli gave out.") from None
    return next_token, skip


@dataclass
class JobProgress:
    """One observation of a job while waiting: its description and its steps."""

    job: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    elapsed: float = 0.0
    time_scale: float = 1.0  # the backend's: wall seconds per second of the service's time
    # Where the job's timestamps stood at the observation, when the backend knows (the simulator's run at
    # the service's pace, `ircli.simulator.timeline`); None: the wall clock's.
    clock: float | None = None

    @property
    def status(self) -> str:
        return str(self.job.get("Status", ""))

    def count(self, *statuses: str) -> int:
        return sum(1 for step in self.steps if step.get("Status") in statuses)


class MeasuredJobs(Protocol):
    """Load tests ircli measured itself (`ircli.lib.loadtest.measured.MeasuredStore`), read as jobs."""

    def job(self, name: str) -> dict[str, Any] | None: ...

    def steps(self, name: str) -> list[dict[str, Any]] | None: ...

    def scaling(self, request: dict[str, Any]) -> dict[str, Any] | None: ...

    def load_test(self, name: str) -> dict[str, Any] | None: ...

    def jobs(self) -> list[dict[str, Any]]: ...

    def kept(self, name: str) -> Path | None: ...


class RecommenderService:
    def __init__(self, backend: Backend, measured: MeasuredJobs | None = None) -> None:
        self.backend = backend
        self.measured = measured
        # What a person should be told about how a call went (on stderr, by the CLI), oldest first.
        self.notes: list[str] = []
        # Told of every request and answer (operation, "request" | "response", the document): --debug's log.
        self.trace: Callable[[str, str, Any], None] | None = None

    def take_notes(self) -> list[str]:
        notes, self.notes = self.notes, []
        return notes

    def close(self) -> None:
        self.backend.close()

    @property
    def poll_interval(self) -> float:
        return self.backend.poll_interval

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        """Send one request; it is checked against the schema and the service's rules first, unless the
        caller has just done so (`validated`)."""
        if not validated:
            check_request(operation, request)
        found = self._measured(operation, request)
        if found is not None:
            return found
        change = None
        if changes_state(operation):
            name = next((str(request[m]) for m in NAME_MEMBERS if isinstance(request.get(m), str)), None)
            change = Change(operation, name)
            CHANGES_SENT.append(change)
        sent = datetime.now(timezone.utc)
        if self.trace is not None:
            self.backend.prepare(operation)
            self.trace(operation, "request", request)
        try:
            response: dict[str, Any] = normalise(self.backend.call(operation, request))
        except ServiceError as error:
            found = self._created_by_first_attempt(operation, request, error, sent)
            if found is None:
                raise
            response = found
        if change is not None:
            change.answered = True
        if self.trace is not None:
            self.trace(operation, "response", response)
        return response

    def _measured(self, operation: str, request: dict[str, Any]) -> dict[str, Any] | None:
        """A load test `ircli load-test` measured and stored, answered as the job it stands for."""
        if self.measured is None:
            return None
        if operation == "GetScalingConfigurationRecommendation":
            return self.measured.scaling(request)
        name = request.get("JobName")
        if not isinstance(name, str):
            return None
        if operation == "DescribeInferenceRecommendationsJob":
            return self.measured.job(name)
        if operation == "ListInferenceRecommendationsJobSteps":
            steps = self.measured.steps(name)
            return None if steps is None else {"Steps": steps}
        return None

    def _created_by_first_attempt(
        self, operation: str, request: dict[str, Any], error: ServiceError, sent: datetime
    ) -> dict[str, Any] | None:
        """A create retried after a timeout (or a 5xx) whose retry finds the job "already exists": the job
        is ours if it was made after this call was sent and with this request's role, type and input."""
        if operation != CREATE_JOB or error.code != "ResourceInUse" or not error.retried:
            return None
        try:
            job = self.describe_job(str(request["JobName"]))
        except ServiceError:
            return None
        created = job.get("CreationTime")
        if isinstance(created, str):
            try:
                created = datetime.fromisoformat(created.replace("Z", "+00:00"))
            except ValueError:
                return None
        if not isinstance(created, datetime) or created.tzinfo is None or created < sent - CLOCK_SKEW:
            return None
        same = all(_within(request.get(member), job.get(member)) for member in ("JobType", "RoleArn", "InputConfig"))
        if not same or not job.get("JobArn"):
            return None
        self.notes.append(f"Created {job['JobArn']} (the first attempt reached the service; its retry found it)")
        return {"JobArn": job["JobArn"]}

    def paginate(
        self,
        operation: str,
        request: dict[str, Any],
        *,
        max_items: int | None = None,
        starting_token: str | None = None,
        page_size: int | None = None,
        one_page: bool = False,
    ) -> dict[str, Any]:
        """Every page (or `max_items` items) of a listing, as the AWS CLI's paginators; `one_page` sends one
        request (--no-paginate), its NextToken still one that --starting-token takes."""
        result_key = paginated_member(operation)
        request = dict(request)
        skip = 0
        if starting_token:
            next_token, skip = _decode_starting_token(starting_token)
            if next_token:
                request["NextToken"] = next_token
        if page_size is not None:
            request["MaxResults"] = page_size
        items: list[Any] = []
        while True:
            page_request = dict(request)
            response = self.call(operation, page_request)
            page = response.get(result_key, [])[skip:]
            page_offset = skip
            skip = 0
            next_token = response.get("NextToken")
            if max_items is not None and len(items) + len(page) >= max_items:
                take = max_items - len(items)
                items.extend(page[:take])
                if take < len(page):
                    return {
                        result_key: items,
                        "NextToken": _encode_starting_token(page_request.get("NextToken"), page_offset + take),
                    }
                if next_token:
                    return {result_key: items, "NextToken": _encode_starting_token(next_token, 0)}
                return {result_key: items}
            items.extend(page)
            if not next_token:
                return {result_key: items}
            if one_page:
                return {result_key: items, "NextToken": _encode_starting_token(next_token, 0)}
            request["NextToken"] = next_token

    def list_all_jobs(self) -> list[dict[str, Any]]:
        jobs: list[dict[str, Any]] = self.paginate("ListInferenceRecommendationsJobs", {})[
            "InferenceRecommendationsJobs"
        ]
        return jobs

    def describe_job(self, job_name: str) -> dict[str, Any]:
        return self.call("DescribeInferenceRecommendationsJob", {"JobName": job_name})

    def job_steps(self, job_name: str) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = self.paginate("ListInferenceRecommendationsJobSteps", {"JobName": job_name})[
            "Steps"
        ]
        return steps

    def wait_for_job(
        self,
        job_name: str,
        *,
        timeout: float,
        interval: float,
        on_update: Callable[[JobProgress], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> JobProgress:
        """Poll until the job ends. COMPLETED returns; FAILED or STOPPED raise JobEndedUnsuccessfully;
        no end within `timeout` seconds raises WaitTimedOut."""

        def observe(elapsed: Callable[[], float]) -> tuple[bool, JobProgress]:
            job = self.describe_job(job_name)
            job_clock = getattr(self.backend, "job_clock", None)
            clock = job_clock(job_name) if callable(job_clock) else None
            progress = JobProgress(job, self.job_steps(job_name), elapsed(), self.backend.time_scale, clock)
            if on_update is not None:
                on_update(progress)
            if progress.status == "COMPLETED":
                return True, progress
            if progress.status in ENDED_STATUSES:
                raise JobEndedUnsuccessfully(job_name, progress.status, job.get("FailureReason"))
            if progress.status not in _job_statuses():
                raise WaiterFailed(
                    f"Job {job_name} has the status {progress.status!r}, which the API does not define "
                    f"({', '.join(_job_statuses())}); ircli stops waiting rather than guess what it means."
                )
            return False, progress

        def timed_out(progress: JobProgress) -> WaitTimedOut:
            return WaitTimedOut(
                f"Job {job_name} is still {progress.status} after {timeout:g} seconds.",
                hint="Wait longer with --timeout, or check it later with `ircli describe-job`.",
            )

        return _poll(observe, timed_out, timeout=timeout, interval=interval, sleep=sleep, clock=clock)

    def wait_for_endpoint(
        self,
        name: str,
        *,
        deleted: bool = False,
        timeout: float,
        interval: float,
        on_update: Callable[[dict[str, Any], float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> dict[str, Any] | None:
        """Poll an endpoint as the AWS CLI's waiters do: `endpoint-in-service` (InService succeeds; Failed
        or a missing endpoint fails) or, with `deleted`, `endpoint-deleted` (gone succeeds; Failed
        fails). Returns the last description (None once deleted)."""

        def observe(elapsed: Callable[[], float]) -> tuple[bool, dict[str, Any] | None]:
            try:
                endpoint = self.call("DescribeEndpoint", {"EndpointName": name})
            except ServiceError as error:
                if error.code != "ValidationException":
                    raise
                if deleted:
                    return True, None
                raise WaiterFailed(f"Endpoint {name} does not exist: {error.service_message}") from None
            status = str(endpoint.get("EndpointStatus", ""))
            if on_update is not None:
                on_update(endpoint, elapsed())
            if status == "InService" and not deleted:
                return True, endpoint
            if status == "Failed":
                reason = endpoint.get("FailureReason")
                raise WaiterFailed(f"Endpoint {name} is Failed" + (f": {reason}" if reason else "."))
            return False, endpoint

        def timed_out(endpoint: dict[str, Any] | None) -> WaitTimedOut:
            status = str((endpoint or {}).get("EndpointStatus", ""))
            wanted = "deleted" if deleted else "InService"
            return WaitTimedOut(
                f"Endpoint {name} is still {status}, not {wanted}, after {timeout:g} seconds.",
                hint="Wait longer with --timeout, or look later: ircli endpoint-config describe-endpoint NAME.",
            )

        return _poll(observe, timed_out, timeout=timeout, interval=interval, sleep=sleep, clock=clock)

    def recommendation(self, job_name: str, *recommendation_ids: str) -> dict[str, Any]:
        """The job's recommendation with the first of these ids that it has."""
        job = self.describe_job(job_name)
        by_id = {item.get("RecommendationId"): item for item in job.get("InferenceRecommendations", [])}
        for recommendation_id in recommendation_ids:
            if recommendation_id in by_id:
                result: dict[str, Any] = by_id[recommendation_id]
                return result
        known = ", ".join(r.get("RecommendationId", "?") for r in job.get("InferenceRecommendations", [])) or "none"
        raise InputError(
            f"Job {job_name} ({job.get('Status')}) has no recommendation {recommendation_ids[0]}. "
            f"Its recommendations: {known}."
        )


def _poll(
    observe: Callable[[Callable[[], float]], tuple[bool, Observed]],
    timed_out: Callable[[Observed], WaitTimedOut],
    *,
    timeout: float,
    interval: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> Observed:
    """The one waiter: `observe` (given the seconds elapsed so far) says whether the wait is over and what it
    saw, or raises when it can never succeed; no success within `timeout` raises `timed_out(last seen)`."""
    started = clock()
    while True:
        done, seen = observe(lambda: clock() - started)
        if done:
            return seen
        remaining = timeout - (clock() - started)
        if remaining <= 0:
            raise timed_out(seen)
        sleep(min(interval, remaining))


def _within(sent: Any, described: Any) -> bool:
    """Whether what a request sent is in what the service describes (which adds defaults of its own)."""
    if isinstance(sent, dict):
        return isinstance(described, dict) and all(_within(value, described.get(key)) for key, value in sent.items())
    if isinstance(sent, list):
        return (
            isinstance(described, list)
            and len(sent) == len(described)
            and all(_within(a, b) for a, b in zip(sent, described, strict=True))
        )
    return bool(sent == described)


def _job_statuses() -> tuple[str, ...]:
    from ircli.schemas import load_schema

    statuses = load_schema("DescribeInferenceRecommendationsJob", "response")["$defs"]["RecommendationJobStatus"]
    return tuple(statuses["enum"])
