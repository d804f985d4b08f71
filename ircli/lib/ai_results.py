"""What generative-AI jobs wrote to their S3 output locations, read back through the backend (the
simulator's own S3 locally; S3 with the same credentials on aws): an AI benchmark job's AIPerf documents
(`profile_export_aiperf.json`, one per concurrency level of the workload) and an AI recommendation job's
recommendations with their curves over concurrency (the simulator writes them; the service documents no
such file, so on aws there may be none).

Where they are: `S3OutputLocation/JOB/profile_export_aiperf.json` (the first level), and for a list of
levels `S3OutputLocation/JOB/concurrency_N/profile_export_aiperf.json` each.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ircli.errors import ConfigurationError, IrcliError, UnreadableAnswer

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService

RESULT_FILE = "profile_export_aiperf.json"
# The AIPerf metrics a summary names, with their display labels, in the order people read them.
SUMMARY_METRICS = (
    ("time_to_first_token", "Time to first token"),
    ("inter_token_latency", "Inter-token latency"),
    ("request_latency", "Request latency"),
    ("output_token_throughput_per_user", "Output tokens/s per user"),
    ("output_token_throughput", "Output tokens/s"),
    ("request_throughput", "Requests/s"),
)


@dataclass(frozen=True)
class BenchmarkResults:
    """An AI benchmark job's AIPerf documents, by concurrency level."""

    job_name: str
    status: str
    location: str  # where the first level's document is
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        """`ai-benchmark results`: the location and, for each concurrency level, AIPerf's document."""
        levels = [{"Concurrency": level, "Results": document} for level, document in sorted(self.documents.items())]
        return {"AIBenchmarkJobName": self.job_name, "Location": self.location, "ConcurrencyLevels": levels}

    def metric(self, level: int, name: str, stat: str = "avg") -> float | None:
        block = self.documents.get(level, {}).get(name)
        value = block.get(stat) if isinstance(block, dict) else None
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _join(location: str, *parts: str) -> str:
    return "/".join([location.rstrip("/"), *parts])


def _levels(workload: dict[str, Any]) -> list[int]:
    from ircli.lib import workload_spec

    inline = workload.get("AIWorkloadConfigs", {}).get("WorkloadSpec", {}).get("Inline")
    try:
        return list(workload_spec.workload(inline).concurrency)
    except (workload_spec.SpecError, ValueError, TypeError, KeyError):
        return []


def _document(service: RecommenderService, uri: str) -> dict[str, Any] | None:
    body = service.backend.read_object(uri)
    if body is None:
        return None
    try:
        document = json.loads(body)
    except ValueError:
        raise UnreadableAnswer("GetObject", f"{uri} is not JSON") from None
    if not isinstance(document, dict):
        raise UnreadableAnswer("GetObject", f"{uri} is not an AIPerf result document")
    return document


def benchmark_results(service: RecommenderService, job_name: str) -> BenchmarkResults:
    """The job's AIPerf documents; an error saying why when the job has none (not Completed, or nothing at
    its output location)."""
    job = service.call("DescribeAIBenchmarkJob", {"AIBenchmarkJobName": job_name})
    status = str(job["AIBenchmarkJobStatus"])
    location = _join(job["OutputConfig"]["S3OutputLocation"], job["AIBenchmarkJobName"])
    if status != "Completed":
        raise ConfigurationError(  # a state the user can change by waiting (253), not a fault
            f"AI benchmark job {job_name} is {status}: only a Completed job has results.",
            hint=f"Wait for it (`ircli ai-benchmark wait {job_name}`)." if status == "InProgress" else None,
        )
    identifier = str(job["AIWorkloadConfigIdentifier"])
    workload_name = identifier.rsplit("/", 1)[-1]
    levels: list[int] = []
    # A configuration that is gone leaves the first level's document where AIPerf writes it.
    with contextlib.suppress(IrcliError):
        levels = _levels(service.call("DescribeAIWorkloadConfig", {"AIWorkloadConfigName": workload_name}))
    documents: dict[int, dict[str, Any]] = {}
    if len(levels) > 1:
        for level in levels:
            found = _document(service, _join(location, f"concurrency_{level}", RESULT_FILE))
            if found is not None:
                documents[level] = found
    if not documents:
        found = _document(service, _join(location, RESULT_FILE))
        if found is not None:
            loadgen = found.get("input_config", {}).get("loadgen", {})
            documents[int(loadgen.get("concurrency", levels[0] if levels else 1))] = found
    if not documents:
        raise ConfigurationError(f"AI benchmark job {job_name} wrote no {RESULT_FILE} under {location}.")
    return BenchmarkResults(job_name, status, _join(location, RESULT_FILE), documents)


def recommendation_curves(service: RecommenderService, job_name: str) -> dict[str, Any] | None:
    """The simulator's recommendations document of a Completed AI recommendation job (each recommendation
    with its `Curve` over concurrency levels), or None where there is none."""
    job = service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": job_name})
    if job["AIRecommendationJobStatus"] != "Completed":
        return None
    uri = _join(job["OutputConfig"]["S3OutputLocation"], job["AIRecommendationJobName"], "recommendations.json")
    return _document(service, uri)
