"""CloudWatch Logs for recommendation jobs: the log group `/aws/sagemaker/InferenceRecommendationsJobs`
with one stream `JOB/execution` per job, holding an event for each transition of the job and of each
benchmark (started; completed with its figures; failed and why; stopped). Events are derived from the
job's plan and the clock, so they appear as the job runs and never change once written. AI benchmark
jobs' group is served here too (its events: `ai_benchmark_logs`).

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

LOG_GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"
STREAM_SUFFIX = "/execution"
AI_BENCHMARK_GROUP = "/aws/sagemaker/AIBenchmarkJobs"  # ai_benchmark_logs.LOG_GROUP, loaded only when asked for
MAX_EVENTS = 10_000  # GetLogEvents and FilterLogEvents answer at most this many events a call


@dataclass(frozen=True)
class Event:
    timestamp: int  # milliseconds since the epoch, as CloudWatch Logs counts
    message: str


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def job_events(row: Any, now: float) -> list[Event]:
    """Everything the job's execution log holds as of `now`, oldest first."""
    plan = documents.loads(row["plan"])
    request = documents.loads(row["request"])
    name, created = request["JobName"], row["created"]
    steps = plan["steps"]
    total = len(steps)
    stop_at = row["stop_at"]
    job_end = created + plan["ends"]
    halted = stop_at if stop_at is not None else (job_end if row["failed"] else None)
    events: list[tuple[float, int, str]] = [
        (created, 0, f"Inference recommendations job {name} created: {row['job_type']} job, {total} benchmark(s)."),
        (row["pending_until"], 1, f"Job {name} is IN_PROGRESS."),
    ]
    completed = 0
    for index, step in enumerate(steps, start=1):
        start, end = created + step["start"], created + step["end"]
        configuration = endpoint_label(step["endpoint"])
        env = " ".join(f"{k}={v}" for k, v in step["env"].items())
        what = f"{configuration}{f' ({env})' if env else ''}"
        cut = halted is not None and end > halted
        if cut and start >= halted:
            continue
        events.append((start, 2, f"Benchmark {index}/{total} started: {what}."))
        if cut:
            assert halted is not None
            verdict = "stopped" if stop_at is not None else f"failed: {plan['failure_reason']}"
            events.append((halted, 3, f"Benchmark {index}/{total} {verdict}."))
            continue
        result = step["result"]
        if result["failure"]:
            events.append((end, 3, f"Benchmark {index}/{total} failed: {result['failure']}"))
            continue
        completed += 1
        events.append(
            (
                end,
                3,
                f"Benchmark {index}/{total} completed: {configuration} x{result['instance_count']}, "
                f"MaxInvocations {result['max_invocations']}/min, ModelLatency {stored_latency_ms(result)} ms,"
                f" CostPerHour {result['cost_per_hour']:.4f}."
                if "ServerlessConfig" not in step["endpoint"]
                else f"Benchmark {index}/{total} completed: {configuration}, MaxInvocations "
                f"{result['max_invocations']}/min, ModelLatency {stored_latency_ms(result)} ms.",
            )
        )
    if stop_at is not None:
        events.append((stop_at, 4, f"Stop requested: job {name} is STOPPING."))
        events.append((stop_at + row["stopping_seconds"], 5, f"Job {name} STOPPED."))
    elif row["failed"]:
        events.append((job_end, 5, f"Job {name} FAILED: {plan['failure_reason']}"))
    else:
        events.append((job_end, 5, f"Job {name} COMPLETED: {completed} of {total} benchmark(s) completed."))
    return [Event(_ms(t), message) for t, _, message in sorted(events, key=lambda e: (e[0], e[1])) if t <= now]


class Logs(Resource):
    def _group(self, request: dict[str, Any]) -> str:
        group = request.get("logGroupName") or str(request.get("logGroupIdentifier", "")).split(":log-group:")[-1]
        if group.endswith(":*"):
            group = group[:-2]
        if not group:
            raise InvalidParameterException("Either logGroupName or logGroupIdentifier must be specified.")
        if group not in (LOG_GROUP, AI_BENCHMARK_GROUP):
            raise ResourceNotFoundException("The specified log group does not exist.")
        return group

    def _stream_events(self, stream: str, group: str = LOG_GROUP) -> list[Event]:
        if group == AI_BENCHMARK_GROUP:
            from ircli.simulator.logs.ai_benchmark_logs import LOG_STREAM_SUFFIX, benchmark_events

            job = stream[: -len(LOG_STREAM_SUFFIX)] if stream.endswith(LOG_STREAM_SUFFIX) else None
            found = self.sim.ai_benchmarks.row(job) if job else None
            if found is None:
                raise ResourceNotFoundException("The specified log stream does not exist.")
            return [Event(*event) for event in benchmark_events(found, self.clock())]
        row = self.sim.jobs.job_row(stream[: -len(STREAM_SUFFIX)]) if stream.endswith(STREAM_SUFFIX) else None
        if row is None:
            raise ResourceNotFoundException("The specified log stream does not exist.")
        return job_events(row, self.clock())

    @handles(Service.LOGS, "GetLogEvents")
    def get_log_events(self, request: dict[str, Any]) -> dict[str, Any]:
        group = self._group(request)
        events = self._stream_events(request["logStreamName"], group)
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

    def _stream_rows(self, group: str) -> list[tuple[str, float, list[Event]]]:
        """Each stream of the group: its name, when it began, its events now."""
        if group == AI_BENCHMARK_GROUP:
            from ircli.simulator.logs.ai_benchmark_logs import LOG_STREAM_SUFFIX, benchmark_events

            names = self.store.read().execute("SELECT name FROM ai_benchmark_jobs").fetchall()
            rows = [self.sim.ai_benchmarks.row(found["name"]) for found in names]
            return [
                (
                    documents.loads(r["request"])["AIBenchmarkJobName"] + LOG_STREAM_SUFFIX,
                    r["created"],
                    [Event(*event) for event in benchmark_events(r, self.clock())],
                )
                for r in rows
            ]
        jobs = [self.sim.jobs.job_row(row["name"]) for row in self.store.read().execute("SELECT name FROM jobs")]
        return [
            (documents.loads(job["request"])["JobName"] + STREAM_SUFFIX, job["created"], job_events(job, self.clock()))
            for job in jobs
        ]

    def _streams(self, group: str = LOG_GROUP) -> list[dict[str, Any]]:
        streams = []
        for name, created, events in self._stream_rows(group):
            stream: dict[str, Any] = {
                "logStreamName": name,
                "creationTime": _ms(created),
                "arn": f"arn:aws:logs:{self.sim.region}:{ACCOUNT_ID}:log-group:{group}:log-stream:{name}",
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
        group = self._group(request)
        order = request.get("orderBy", "LogStreamName")
        prefix = request.get("logStreamNamePrefix")
        if prefix and order == "LastEventTime":
            raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s for s in self._streams(group) if not prefix or s["logStreamName"].startswith(prefix)]
        key = "logStreamName" if order == "LogStreamName" else "lastEventTimestamp"
        streams.sort(key=lambda s: (s.get(key, 0), s["logStreamName"]), reverse=bool(request.get("descending")))
        return self._page(streams, request, "logStreams", min(int(request.get("limit", 50)), 50))

    @handles(Service.LOGS, "FilterLogEvents")
    def filter_log_events(self, request: dict[str, Any]) -> dict[str, Any]:
        group = self._group(request)
        names, prefix = request.get("logStreamNames"), request.get("logStreamNamePrefix")
        if names and prefix:
            raise InvalidParameterException("logStreamNames and logStreamNamePrefix cannot both be specified.")
        streams = [s["logStreamName"] for s in self._streams(group)]
        if names:
            streams = [s for s in streams if s in set(names)]
        elif prefix:
            streams = [s for s in streams if s.startswith(prefix)]
        terms = _pattern_terms(request.get("filterPattern", ""))
        low, high = request.get("startTime"), request.get("endTime")
        matched = []
        for stream in sorted(streams):
            for index, event in enumerate(self._stream_events(stream, group)):
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
