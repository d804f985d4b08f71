"""Rules the service enforces on the generative-AI operations that botocore's model does not express, each
naming its source (see `rules` for how they run)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ircli.errors import Violation
from ircli.lib import workload_spec

GUIDE = "generative-AI inference recommendations guide"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _required(path: tuple[str | int, ...], why: str) -> Violation:
    return Violation(path=path, message=f"is required: {why} ({GUIDE})", rule="required", value=None,
                     service_constraint="Member must not be null")  # fmt: skip


def workload_config_rules(request: dict[str, Any]) -> Iterator[Violation]:
    """A workload configuration: a workload spec, a dataset, or both (the guide's two ways), and a spec the
    service accepts (`workload_spec`)."""
    if "AIWorkloadConfigs" not in request and "DatasetConfig" not in request:
        yield Violation(
            path=("AIWorkloadConfigs",),
            message=f"give AIWorkloadConfigs (an inline workload spec) or DatasetConfig ({workload_spec.GUIDE})",
            rule="required",
            value=None,
            service_constraint="Either AIWorkloadConfigs or DatasetConfig must be provided",
        )
    spec = _dict(_dict(request.get("AIWorkloadConfigs")).get("WorkloadSpec"))
    yield from workload_spec.violations(spec.get("Inline"))


def recommendation_job_rules(request: dict[str, Any]) -> Iterator[Violation]:
    """A recommendation job: a HuggingFace checkpoint in S3, somewhere to write, one goal (the guide: a job
    optimises for one of cost, latency or throughput), distinct instance types."""
    if isinstance(request.get("ModelSource"), dict) and not _dict(request["ModelSource"].get("S3")).get("S3Uri"):
        yield _required(("ModelSource", "S3", "S3Uri"), "the model's HuggingFace checkpoint in S3")
    if isinstance(request.get("OutputConfig"), dict) and not request["OutputConfig"].get("S3OutputLocation"):
        yield _required(("OutputConfig", "S3OutputLocation"), "where the job writes its recommendations")
    constraints = _dict(request.get("PerformanceTarget")).get("Constraints")
    if isinstance(constraints, list) and len(constraints) != 1:
        yield Violation(
            path=("PerformanceTarget", "Constraints"),
            message=f"give exactly one goal (ttft-ms, throughput or cost), not {len(constraints)} ({GUIDE})",
            rule="maxItems" if constraints else "minItems",
            value=len(constraints),
            service_constraint="Member must have length equal to 1",
        )
    types = _dict(request.get("ComputeSpec")).get("InstanceTypes")
    if isinstance(types, list):
        seen: set[Any] = set()
        for index, name in enumerate(types):
            if isinstance(name, str) and name in seen:
                yield Violation(
                    path=("ComputeSpec", "InstanceTypes", index),
                    message=f"{name!r} is listed twice ({GUIDE})",
                    rule="uniqueItems",
                    value=name,
                    service_constraint="Member must have unique items",
                )
            seen.add(name)


def benchmark_job_rules(request: dict[str, Any]) -> Iterator[Violation]:
    """A benchmark job measures an endpoint: BenchmarkTarget names one."""
    target = request.get("BenchmarkTarget")
    if isinstance(target, dict) and not _dict(target.get("Endpoint")).get("Identifier"):
        yield _required(("BenchmarkTarget", "Endpoint"), "the endpoint the benchmark measures")


RULES = {
    "CreateAIWorkloadConfig": workload_config_rules,
    "CreateAIRecommendationJob": recommendation_job_rules,
    "CreateAIBenchmarkJob": benchmark_job_rules,
}
