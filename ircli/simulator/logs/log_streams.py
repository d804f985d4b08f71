"""CloudWatch Logs for recommendation jobs: the log group `/aws/sagemaker/InferenceRecommendationsJobs`
with one stream `JOB/execution` per job, holding an event for each transition of the job and of each
benchmark (started; completed with its figures; failed and why; stopped). Events are derived from the
job's plan and the clock, so they appear as the job runs and never change once written.

GetLogEvents pages as the service does: without a token it answers the newest events (or, with
startFromHead, the oldest); `nextForwardToken` and `nextBackwardToken` move from there, and a forward
token that has reached the end comes back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ircli.lib.labels import endpoint_label
from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import (
    ACCOUNT_ID,
    decode_offset_token,
    encode_offset_token,
    short_hash,
    stored_latency_ms,
)
from ircli.simulator.exceptions import InvalidParameterException, ResourceNotFoundException, ValidationException
from ircli.simulator.resource import Resource, handles
from ircli.simulator.timeline import JobTimeline, step_offsets

LOG_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"
STREAM_SUFFIX = "/execution"
MAX_EVENTS = 10_000  # GetLogEvents and FilterLogEvents answer at most this many events a call


@dataclass(frozen=True)
class Event:
    timestamp: int  # milliseconds since the epoch, as CloudWatch Logs counts
    message: str


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def job_events(row: Any, now: float) -> list[Event]:
    """Everything the job's execution log holds as of `now` (the wall clock), oldest first, stamped as
    the job's timeline shows its moments (`ircli.simulator.timeline`)."""
    plan = documents.loads(row["plan"])
    request = documents.loads(row["request"])
    name = request["JobName"]
    timeline = JobTimeline.of(row, plan)
    steps = plan["steps"]
    total = len(steps)
    stop_at = row["stop_at"]
    job_end = timeline.wall_end
    halted = stop_at if stop_at is not None else (job_end if row["failed"] else None)
    cut_at = timeline.halted(stop_at, bool(row["failed"]))
    # (when it happens on the wall clock, when it shows, order among equals, message)
    created = f"Inference recommendations job {name} created: {row['job_type']} job, {total} benchmark(s)."
    pending = plan.get("service", plan)["pending"]
    events: list[tuple[float, float, int, str]] = [
        (timeline.wall(0.0), timeline.created, 0, created),
        (row["pending_until"], timeline.shown(pending), 1, f"Job {name} is IN_PROGRESS."),
    ]
    completed = 0
    for index, step in enumerate(steps, start=1):
        start_offset, _, end_offset = step_offsets(step)
        start, end = timeline.wall(start_offset), timeline.wall(end_offset)
        shown_start, shown_end = timeline.shown(start_offset), timeline.shown(end_offset)
        configuration = endpoint_label(step["endpoint"])
        env = " ".join(f"{k}={v}" for k, v in step["env"].items())
        what = f"{configuration}{f' ({env})' if env else ''}"
        cut = cut_at is not None and end_offset > cut_at
        if cut and cut_at is not None and start_offset >= cut_at:
            continue
        events.append((start, shown_start, 2, f"Benchmark {index}/{total} started: {what}."))
        if cut:
            assert halted is not None
            verdict = "stopped" if stop_at is not None else f"failed: {plan['failure_reason']}"
            events.append((halted, timeline.shown_at(halted), 3, f"Benchmark {index}/{total} {verdict}."))
            continue
        result = step["result"]
        if result["failure"]:
            events.append((end, shown_end, 3, f"Benchmark {index}/{total} failed: {result['failure']}"))
            continue
        completed += 1
        events.append((end, shown_end, 3, _completed(index, total, configuration, step)))
    if stop_at is not None:
        stopped = stop_at + row["stopping_seconds"]
        shown_stop = timeline.shown_at(stop_at)
        events.append((stop_at, shown_stop, 4, f"Stop requested: job {name} is STOPPING."))
        stopping = timeline.service_seconds(row["stopping_seconds"])
        events.append((stopped, shown_stop + stopping, 5, f"Job {name} STOPPED."))
    elif row["failed"]:
        events.append((job_end, timeline.shown(timeline.duration), 5, f"Job {name} FAILED: {plan['failure_reason']}"))
    else:
        message = f"Job {name} COMPLETED: {completed} of {total} benchmark(s) completed."
        events.append((job_end, timeline.shown(timeline.duration), 5, message))
    ordered = sorted(events, key=lambda e: (e[1], e[2]))
    return [Event(_ms(shown), message) for wall, shown, _, message in ordered if wall <= now]


def _completed(index: int, total: int, configuration: str, step: dict[str, Any]) -> str:
    result = step["result"]
    if "ServerlessConfig" in step["endpoint"]:
        return (
            f"Benchmark {index}/{total} completed: {configuration}, MaxInvocations "
            f"{result['max_invocations']}/min, ModelLatency {stored_latency_ms(result)} ms."
        )
    return (
        f"Benchmark {index}/{total} completed: {configuration} x{result['instance_count']}, "
        f"MaxInvocations {result['max_invocations']}/min, ModelLatency {stored_latency_ms(result)} ms,"
        f" CostPerHour {result['cost_per_hour']:.4f}."
    )


class Logs(Resource):
    def _group(self, request: dict[str, Any]) -> str:
        group = request.get("logGroupName") or str(request.get("logGroupIdentifier", "")).split(":log-group:")[-1]
        if group.endswith(":*"):
            group = group[:-2]
        if not group:
            raise InvalidParameterException("Either logGroupName or logGroupIdentifier must be specified.")
        if group != LOG_GROUP:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return group

    def _stream_events(self, stream: str) -> list[Event]:
        row = self.sim.jobs.job_row(stream[: -len(STREAM_SUFFIX)]) if stream.endswith(STREAM_SUFFIX) else None
        if row is None:
            raise ResourceNotFoundException("The specified log stream does not exist.")
        return job_events(row, self.clock())

    @handles(Service.LOGS, "GetLogEvents")
    def get_log_events(self, request: dict[str, Any]) -> dict[str, Any]:
        self._group(request)
        events = self._stream_events(request["logStreamName"])
        low, high = request.get("startTime"), request.get("endTime")
        events = [e for e in events if (low is None or e.timestamp >= low) and (high is None or e.timestamp < high)]
        limit = min(int(request.get("limit", MAX_EVENTS)), MAX_EVENTS)
        token = request.get("nextToken")
        if token:
            direction, position = self._position(token, len(events))
            if direction == "f":
                start, stop = position, min(len(events), position + limit)
            else:
                start, stop = max(0, position - limit), position
        elif request.get("startFromHead"):
            start, stop = 0, min(len(events), limit)
        else:
            start, stop = max(0, len(events) - limit), len(events)
        page = events[start:stop]
        return {
            "events": [{"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.timestamp} for e in page],
            "nextForwardToken": f"f/{stop:056d}",
            "nextBackwardToken": f"b/{start:056d}",
        }

    @staticmethod
    def _position(token: str, count: int) -> tuple[str, int]:
        direction, _, digits = token.partition("/")
        if direction not in ("f", "b") or not digits.isdigit():
            raise InvalidParameterException("The specified nextToken is invalid.")
        return direction, min(int(digits), count)

    def _streams(self) -> list[dict[str, Any]]:
        rows = self.store.read().execute("SELECT name FROM jobs").fetchall()
        streams = []
        for row in rows:
            job = self.sim.jobs.job_row(row["name"])
            events = job_events(job, self.clock())
            name = documents.loads(job["request"])["JobName"] + STREAM_SUFFIX
            stream: dict[str, Any] = {
                "logStreamName": name,
                "creationTime": _ms(job["created"]),
                "arn": f"arn:aws:logs:{self.sim.region}:{ACCOUNT_ID}:log-group:{LOG_GROUP}:log-stream:{name}",
                "storedBytes": 0,
            }
            if events:
                stream.update(
                    firstEventTimestamp=events[0].timestamp,
                    lastEventTimestamp=events[-1].timestamp,
                    lastIngestionTime=events[-1].timestamp,
                )
            streams.append(stream)
        return streams

    @handles(Service.LOGS, "DescribeLogStreams")
    def describe_log_streams(self, request: dict[str, Any]) -> dict[str, Any]:
        self._group(request)
        order = request.get("orderBy", "LogStreamName")
        prefix = request.get("logStreamNamePrefix")
        if prefix and order == "LastEventTime":
            raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s for s in self._streams() if not prefix or s["logStreamName"].startswith(prefix)]
        key = "logStreamName" if order == "LogStreamName" else "lastEventTimestamp"
        streams.sort(key=lambda s: (s.get(key, 0), s["logStreamName"]), reverse=bool(request.get("descending")))
        return self._page(streams, request, "logStreams", min(int(request.get("limit", 50)), 50))

    @handles(Service.LOGS, "FilterLogEvents")
    def filter_log_events(self, request: dict[str, Any]) -> dict[str, Any]:
        self._group(request)
        names, prefix = request.get("logStreamNames"), request.get("logStreamNamePrefix")
        if names and prefix:
            raise InvalidParameterException("logStreamNames and logStreamNamePrefix cannot both be specified.")
        streams = [s["logStreamName"] for s in self._streams()]
        if names:
            streams = [s for s in streams if s in set(names)]
        elif prefix:
            streams = [s for s in streams if s.startswith(prefix)]
        terms = _pattern_terms(request.get("filterPattern", ""))
        low, high = request.get("startTime"), request.get("endTime")
        matched = []
        for stream in sorted(streams):
            for index, event in enumerate(self._stream_events(stream)):
                if (low is not None and event.timestamp < low) or (high is not None and event.timestamp > high):
                    continue
                if all(term in event.message for term in terms):
                    matched.append(
                        {
                            "logStreamName": stream,
                            "timestamp": event.timestamp,
                            "message": event.message,
                            "ingestionTime": event.timestamp,
                            "eventId": f"{short_hash(stream, length=16)}{index:08d}",
                        }
                    )
        matched.sort(key=lambda e: (e["timestamp"], e["logStreamName"]))
        page = self._page(matched, request, "events", min(int(request.get("limit", MAX_EVENTS)), MAX_EVENTS))
        page["searchedLogStreams"] = [{"logStreamName": s, "searchedCompletely": True} for s in sorted(streams)]
        return page

    @staticmethod
    def _page(items: list[dict[str, Any]], request: dict[str, Any], key: str, limit: int) -> dict[str, Any]:
        context = short_hash({k: v for k, v in request.items() if k not in ("nextToken", "limit")}, length=12)
        try:
            offset = decode_offset_token(request["nextToken"], context) if request.get("nextToken") else 0
        except ValidationException:
            raise InvalidParameterException("The specified nextToken is invalid.") from None
        page: dict[str, Any] = {key: items[offset : offset + limit]}
        if offset + limit < len(items):
            page["nextToken"] = encode_offset_token(offset + limit, context)
        return page


def _pattern_terms(pattern: str) -> list[str]:
    """A filter pattern's terms: every term (a word, or a "quoted phrase") must appear in the message."""
    terms: list[str] = []
    rest = pattern.strip()
    while rest:
        if rest.startswith('"'):
            end = rest.find('"', 1)
            end = len(rest) if end < 0 else end
            terms.append(rest[1:end])
            rest = rest[end + 1 :].strip()
        else:
            word, _, rest = rest.partition(" ")
            terms.append(word)
            rest = rest.strip()
    return [term for term in terms if term]
