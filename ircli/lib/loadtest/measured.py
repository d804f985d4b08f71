"""A load test's figures in Inference Recommender's shape, and the local store that keeps them.

`LoadTestResult.to_document()` is what `ircli load-test` prints: the figures the service would report
(MaxInvocations at the highest load that met the conditions, ModelLatency at the threshold's percentile in
milliseconds), the errors first, every level, the per-minute series and Locust's own statistics.
`to_job()` is the same test as a DescribeInferenceRecommendationsJob answer, so that describe-job,
rank-recommendations, compare-jobs, cost-estimate and report read it as they read a job; its JobDescription
says that it was measured by ircli on the named target from this machine, not by the service, and its ARN
carries the account 000000000000, which no AWS account has.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from typing import Any

from ircli.lib.loadtest.listing import LOCAL_ACCOUNT
from ircli.lib.loadtest.results import MinuteResult, Summary
from ircli.lib.loadtest.run import Run
from ircli.lib.loadtest.store import as_time
from ircli.lib.loadtest.traffic import Traffic


def _float32(value: float) -> float:
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


@dataclass(frozen=True)
class Target:
    kind: str  # url | endpoint
    name: str  # the URL, or the endpoint's name
    instance_type: str | None = None
    instance_count: int | None = None
    price_per_hour: float | None = None  # one instance's
    variant: str | None = None
    price_source: str | None = None  # where price_per_hour comes from: the region's quote's label

    @property
    def endpoint_name(self) -> str:
        """An EndpointName for the API's shapes: the endpoint's own, or one made from the URL."""
        if self.kind == "endpoint":
            return self.name
        text = re.sub(r"[^a-zA-Z0-9]+", "-", self.name.split("://", 1)[-1]).strip("-")
        return ("local-" + text)[:63].rstrip("-")

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"Kind": self.kind, "Name": self.name}
        if self.instance_type:
            document["InstanceType"] = self.instance_type
            document["InstanceCount"] = self.instance_count or 1
        if self.variant:
            document["VariantName"] = self.variant
        if self.price_per_hour is not None:
            document["PricePerHour"] = self.price_per_hour
            document["PriceSource"] = self.price_source or "unknown"
        return document


@dataclass(frozen=True)
class LoadTestResult:
    name: str
    target: Target
    traffic: Traffic
    summary: Summary
    minutes: tuple[MinuteResult, ...]
    run: Run
    host: str
    payload_source: str
    content_type: str
    region: str = "us-east-1"
    generator: str = ""  # how many processes generated the load, and why

    @property
    def modelled(self) -> bool:
        """Whether the figures are a simulated endpoint's modelled latencies (not round trips from here)."""
        return any(bucket.cycle_ms > 0 for bucket in self.run.measurements.buckets.values())

    @property
    def figures_from(self) -> str:
        if self.modelled:
            return "modelled by the simulated endpoint at the load it was told, in the service's time"
        return (
            "round trips measured from this machine (the network and SageMaker's overhead included, so above "
            "CloudWatch's ModelLatency for an endpoint)"
        )

    @property
    def status(self) -> str:
        if self.run.interrupted:
            return "STOPPED"
        return "COMPLETED" if self.summary.best is not None else "FAILED"

    @property
    def measured_by(self) -> str:
        return f"Measured by ircli load-test on {self.target.name} from {self.host}, not by the service."

    @property
    def failure_reason(self) -> str | None:
        if self.status != "FAILED":
            return None
        if self.summary.errors:
            return (
                "INVALID_INPUT : The model (in the container) returned 4xx or 5xx error codes: "
                f"{self.summary.errors:,} of the load test's requests failed."
            )
        return "No load level met the stopping conditions."

    def metrics(self) -> dict[str, Any]:
        summary = self.summary
        metrics: dict[str, Any] = {"MaxInvocations": summary.max_invocations}
        if summary.model_latency_ms is not None:
            metrics["ModelLatency"] = summary.model_latency_ms
        if self.target.price_per_hour is not None and summary.max_invocations:
            cost = _float32(self.target.price_per_hour * (self.target.instance_count or 1))
            metrics["CostPerHour"] = cost
            metrics["CostPerInference"] = _float32(cost / (summary.max_invocations * 60))
        return metrics

    def to_document(self) -> dict[str, Any]:
        summary = self.summary
        metrics = self.metrics()
        metrics["ModelLatencyPercentile"] = self.traffic.conditions.percentile
        return {
            "LoadTestName": self.name,
            "Status": self.status,
            "MeasuredBy": self.measured_by,
            "Host": self.host,
            "Target": self.target.to_document(),
            "Answers": sum(summary.statuses.values()),
            "Errors": {
                "Count": summary.errors,
                "Statuses": dict(sorted(summary.statuses.items())),
                "First": list(self.run.measurements.error_samples),
            },
            "Metrics": metrics,
            "StopReason": summary.stop_reason or ("interrupted" if self.run.interrupted else "traffic pattern ended"),
            "FailureReason": self.failure_reason,
            "Levels": [level.to_document() for level in summary.levels],
            "Minutes": [m.to_document(self.traffic.conditions.percentile) for m in self.minutes],
            "TrafficPattern": self.traffic.pattern,
            "StoppingConditions": self.traffic.conditions.to_request(),
            "Payloads": {"Source": self.payload_source, "ContentType": self.content_type},
            "Workers": self.run.workers,
            "Generator": self.generator or ("one process" if not self.run.workers else f"{self.run.workers} workers"),
            "FiguresFrom": self.figures_from,
            "TimeScale": self.run.time_scale,
            "Locust": self.run.locust,
            "Warnings": list(self.traffic.warnings),
            "StartTime": as_time(self.run.started),
            "EndTime": as_time(self.run.ended),
        }

    def recommendation(self) -> dict[str, Any] | None:
        if not self.target.instance_type or not self.summary.max_invocations:
            return None
        digest = hashlib.sha256(f"{self.name}{self.run.started}".encode()).hexdigest()[:8]
        return {
            "RecommendationId": f"{self.name}/{digest}",
            "Metrics": self.metrics(),
            "EndpointConfiguration": {
                "EndpointName": self.target.endpoint_name,
                "VariantName": self.target.variant or "AllTraffic",
                "InstanceType": self.target.instance_type,
                "InitialInstanceCount": self.target.instance_count or 1,
            },
            "ModelConfiguration": {"EnvironmentParameters": []},
            "InvocationStartTime": as_time(self.run.started),
            "InvocationEndTime": as_time(self.run.ended),
        }

    def to_job(self) -> dict[str, Any]:
        """The test as DescribeInferenceRecommendationsJob answers a job that benchmarked an endpoint."""
        pattern = dict(self.traffic.pattern)
        pattern.setdefault("TrafficType", "STAIRS" if "Stairs" in pattern else "PHASES")
        input_config: dict[str, Any] = {
            "TrafficPattern": pattern,
            "Endpoints": [{"EndpointName": self.target.endpoint_name}],
        }
        if self.target.instance_type:
            input_config["EndpointConfigurations"] = [{"InstanceType": self.target.instance_type}]
        job: dict[str, Any] = {
            "JobName": self.name,
            "JobDescription": self.measured_by,
            "JobType": "Advanced",
            "JobArn": f"arn:aws:sagemaker:{self.region}:{LOCAL_ACCOUNT}:inference-recommendations-job/{self.name}",
            "RoleArn": f"arn:aws:iam::{LOCAL_ACCOUNT}:role/ircli-load-test",
            "Status": self.status,
            "CreationTime": as_time(self.run.started),
            "CompletionTime": as_time(self.run.ended),
            "LastModifiedTime": as_time(self.run.ended),
            "InputConfig": input_config,
            "StoppingConditions": self.traffic.conditions.to_request(),
            "EndpointPerformances": [
                {
                    "Metrics": {
                        "MaxInvocations": self.summary.max_invocations,
                        "ModelLatency": self.summary.model_latency_ms or 0,
                    },
                    "EndpointInfo": {"EndpointName": self.target.endpoint_name},
                }
            ],
        }
        if self.failure_reason:
            job["FailureReason"] = self.failure_reason
        recommendation = self.recommendation()
        if recommendation:
            job["InferenceRecommendations"] = [recommendation]
        return job
