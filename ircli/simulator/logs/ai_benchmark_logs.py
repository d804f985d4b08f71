"""CloudWatch Logs for AI benchmark jobs: the log group `/aws/sagemaker/AIBenchmarkJobs`, one stream
`JOB/aiperf` per job, holding what AIPerf prints as the job runs: the target it measures, each concurrency
level's start and summary (TTFT, inter-token latency, throughput), and how the job ended. Events derive from
the job's stored run and the clock, as the recommendation jobs' do."""

from __future__ import annotations

from typing import Any

from ircli.simulator import documents
from ircli.simulator.sagemaker.ai_benchmarks import LOG_GROUP, LOG_STREAM_SUFFIX

__all__ = ["LOG_GROUP", "LOG_STREAM_SUFFIX", "benchmark_events"]


def _summary(level: str, document: dict[str, Any]) -> str:
    parts = [f"concurrency {level}: {document['request_count']['avg']} requests"]
    for name, label in (("time_to_first_token", "TTFT"), ("inter_token_latency", "ITL")):
        if name in document:
            parts.append(f"{label} avg {document[name]['avg']:.1f} ms p99 {document[name]['p99']:.1f} ms")
    parts.append(f"request latency avg {document['request_latency']['avg']:.1f} ms")
    parts.append(f"output {document['output_token_throughput']['avg']:.1f} tokens/sec")
    parts.append(f"{document['request_throughput']['avg']:.3f} requests/sec")
    return "AIPerf " + ", ".join(parts) + "."


def benchmark_events(row: Any, now: float) -> list[tuple[int, str]]:
    """The job's log as of `now`, oldest first: (milliseconds since the epoch, message)."""
    run = documents.loads(row["result"])
    name = documents.loads(row["request"])["AIBenchmarkJobName"]
    created, ends = row["created"], row["ends_at"]
    stop_at = row["stop_at"]
    events: list[tuple[float, str]] = [(created, f"AI benchmark job {name} created.")]
    target = run.get("deployment")
    if target:
        events.append(
            (
                created,
                f"Target: {target['model']} on {target['instance_type']} x{target['instance_count']}, "
                f"tensor parallel {target['tensor_parallel']}, {target['copies']} copies per instance.",
            )
        )
    total = (ends - created) or 1.0
    at = created
    for level, document in run.get("documents", {}).items():
        share = document["benchmark_duration"]["avg"] / max(run["seconds"], 1e-9)
        events.append((at, f"AIPerf profile started: concurrency {level}."))
        at += share * total
        if stop_at is None or at <= stop_at:
            events.append((at, _summary(level, document)))
    if stop_at is not None:
        events.append((stop_at, f"Stop requested: job {name} is Stopping."))
        events.append((stop_at + row["stopping_seconds"], f"Job {name} Stopped."))
    elif run.get("failure_reason"):
        events.append((ends, f"Job {name} Failed: {run['failure_reason']}"))
    else:
        events.append((ends, f"Job {name} Completed: results written to its S3 output location."))
    ordered = sorted(enumerate(events), key=lambda item: (item[1][0], item[0]))
    return [(round(t * 1000), message) for _, (t, message) in ordered if t <= now]
