"""Generative-AI inference recommendations in the core: a workload spec from flags, a recommendation's figures
read once (time to first token, tokens per second, cost per million tokens), the goal's winner and what it
trades, the requests that deploy a recommendation the documented way, and the AIPerf result document.

The developer guide deploys a recommendation with CreateModel (its ModelDetails: the model package and its
inference specification), an endpoint configuration for its instance type and count, CreateEndpoint, and,
when it runs more than one copy per instance, an inference component per the endpoint with the copies
(the endpoint's variant then names no model). Cost per million tokens: the recommendation's own figure when
it gives one, else its hourly price over the tokens an hour at its throughput.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ircli.errors import JobEndedUnsuccessfully, WaiterFailed, WaitTimedOut

if TYPE_CHECKING:
    from ircli.lib.ai_results import BenchmarkResults
    from ircli.lib.service import RecommenderService

KINDS = {
    "recommendation": ("DescribeAIRecommendationJob", "AIRecommendationJobName", "AIRecommendationJobStatus"),
    "benchmark": ("DescribeAIBenchmarkJob", "AIBenchmarkJobName", "AIBenchmarkJobStatus"),
}
AI_TERMINAL = ("Completed", "Failed", "Stopped")
GOALS = ("ttft-ms", "throughput", "cost")
# The metric names each figure is read from (the service's names, and AIPerf's).
FIGURES = {
    "ttft_ms": ("ttft-ms", "ttft", "time-to-first-token", "time_to_first_token"),
    "itl_ms": ("inter-token-latency-ms", "itl-ms", "inter-token-latency", "inter_token_latency"),
    "latency_ms": ("request-latency-ms", "request-latency", "request_latency"),
    "tokens_per_second": ("throughput", "output-token-throughput", "output_token_throughput"),
    "tokens_per_second_per_user": ("throughput-per-user", "output_token_throughput_per_user"),
    "requests_per_second": ("request-throughput", "request_throughput"),
    "cost_per_million_tokens": ("cost", "cost-per-million-tokens"),
    "price_per_hour": ("cost-per-hour", "price-per-hour"),
}
RESULT_FILE = "profile_export_aiperf.json"


def workload_spec(parameters: dict[str, Any], *, as_yaml: bool = True) -> str:
    """The `WorkloadSpec.Inline` document for AIPerf with the parameters given (None values left out)."""
    document = {"benchmark": {"type": "aiperf"}, "parameters": {k: v for k, v in parameters.items() if v is not None}}
    if not as_yaml:
        return json.dumps(document)
    import yaml

    text: str = yaml.safe_dump(document, sort_keys=False)
    return text


def parse_spec(inline: str | None) -> dict[str, Any]:
    """A stored workload spec as data (JSON or YAML); {} when it cannot be read."""
    if not inline:
        return {}
    try:
        parsed = json.loads(inline)
    except ValueError:
        import yaml

        try:
            parsed = yaml.safe_load(inline)
        except yaml.YAMLError:
            return {}
    return parsed if isinstance(parsed, dict) else {}


@dataclass(frozen=True)
class Option:
    """One recommendation, as a team choosing a deployment reads it."""

    rank: int
    instance_type: str
    instance_count: int
    copies_per_instance: int
    figures: dict[str, float] = field(default_factory=dict)
    optimizations: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def get(self, name: str) -> float | None:
        return self.figures.get(name)


def _number(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def figures_of(recommendation: dict[str, Any]) -> dict[str, float]:
    """The recommendation's ExpectedPerformance by figure (averages first when a metric has several stats)."""
    found: dict[str, float] = {}
    by_name = {alias: name for name, aliases in FIGURES.items() for alias in aliases}
    entries = sorted(
        recommendation.get("ExpectedPerformance") or [], key=lambda e: e.get("Stat") not in (None, "average", "avg")
    )
    for entry in entries:
        name = by_name.get(str(entry.get("Metric", "")).lower())
        value = _number(entry.get("Value"))
        if name is None or value is None or name in found:
            continue
        unit = str(entry.get("Unit", "")).lower()
        if name == "cost_per_million_tokens" and "hour" in unit:
            name = "price_per_hour"
        found[name] = value
    deployment = recommendation.get("DeploymentConfiguration") or {}
    if "price_per_hour" not in found:
        from ircli.lib.catalog import catalog

        record = catalog()["instances"].get(str(deployment.get("InstanceType", "")))
        if record and record.get("price_per_hour"):
            found["price_per_hour"] = float(record["price_per_hour"]) * int(deployment.get("InstanceCount") or 1)
    tokens = found.get("tokens_per_second")
    if "cost_per_million_tokens" not in found and tokens and "price_per_hour" in found:
        found["cost_per_million_tokens"] = found["price_per_hour"] / (tokens * 3600) * 1_000_000
    return found


def options(job: dict[str, Any]) -> list[Option]:
    """A job's recommendations in the service's order (ranked by its goal), numbered from 1."""
    made = []
    for index, recommendation in enumerate(job.get("Recommendations") or [], start=1):
        deployment = recommendation.get("DeploymentConfiguration") or {}
        optimizations = tuple(
            str(d.get("OptimizationType", "")) for d in recommendation.get("OptimizationDetails") or []
        )
        made.append(
            Option(
                rank=index,
                instance_type=str(deployment.get("InstanceType", "")),
                instance_count=int(deployment.get("InstanceCount") or 1),
                copies_per_instance=int(deployment.get("CopyCountPerInstance") or 1),
                figures=figures_of(recommendation),
                optimizations=optimizations,
                raw=recommendation,
            )
        )
    return made


def goal_of(job: dict[str, Any]) -> str:
    constraints = (job.get("PerformanceTarget") or {}).get("Constraints") or []
    return str(constraints[0].get("Metric")) if constraints else "cost"


# What each goal maximises or minimises, and the figures it trades against.
GOAL_FIGURE = {
    "ttft-ms": ("ttft_ms", False),
    "throughput": ("tokens_per_second", True),
    "cost": ("cost_per_million_tokens", False),
}


def winner(job: dict[str, Any]) -> tuple[Option, list[str]] | None:
    """The goal's best option and, against the best of the others on each other figure, what it trades."""
    made = options(job)
    if not made:
        return None
    figure, higher = GOAL_FIGURE.get(goal_of(job), GOAL_FIGURE["cost"])
    scored = [o for o in made if o.get(figure) is not None] or made
    best = (max if higher else min)(scored, key=lambda o: o.get(figure) or 0.0)
    trades = []
    for other_figure, other_higher, label in (
        ("ttft_ms", False, "time to first token"),
        ("tokens_per_second", True, "throughput"),
        ("cost_per_million_tokens", False, "cost per million tokens"),
    ):
        if other_figure == figure or best.get(other_figure) is None:
            continue
        rivals = [o for o in made if o is not best and o.get(other_figure) is not None]
        if not rivals:
            continue
        rival = (max if other_higher else min)(rivals, key=lambda o: o.get(other_figure) or 0.0)
        mine, theirs = best.get(other_figure) or 0.0, rival.get(other_figure) or 0.0
        worse = mine < theirs if other_higher else mine > theirs
        if worse and theirs:
            direction = "lower" if other_higher else "higher"
            trades.append(f"{label} {abs(mine - theirs) / theirs:.0%} {direction} than option {rival.rank}")
    return best, trades


@dataclass(frozen=True)
class DeployPlan:
    """The requests that deploy one recommendation, in order."""

    model: dict[str, Any]
    endpoint_config: dict[str, Any]
    endpoint: dict[str, Any]
    component: dict[str, Any] | None


def accelerators_per_copy(deployment: dict[str, Any]) -> int:
    """GPUs each copy needs: its tensor-parallel degree when the environment states it, else the instance's
    GPUs shared among its copies."""
    environment = deployment.get("EnvironmentVariables") or {}
    for key in (
        "OPTION_TENSOR_PARALLEL_DEGREE",
        "SM_VLLM_TENSOR_PARALLEL_SIZE",
        "TENSOR_PARALLEL_DEGREE",
        "SM_NUM_GPUS",
    ):
        value = _number(environment.get(key))
        if value and value >= 1:
            return int(value)
    from ircli.lib.catalog import catalog

    record = catalog()["instances"].get(str(deployment.get("InstanceType", ""))) or {}
    gpus = int((record.get("accelerator") or {}).get("count", 1))
    return max(1, gpus // max(1, int(deployment.get("CopyCountPerInstance") or 1)))


def deploy_plan(job: dict[str, Any], rank: int, *, name: str, role_arn: str | None = None) -> DeployPlan:
    """The documented deployment of the job's recommendation `rank` (1 = the goal's best), named `name`."""
    recommendations = job.get("Recommendations") or []
    if not 1 <= rank <= len(recommendations):
        from ircli.errors import InputError

        raise InputError(f"--rank {rank} is not a recommendation of this job: it has {len(recommendations)}.")
    recommendation = recommendations[rank - 1]
    details = recommendation.get("ModelDetails") or {}
    deployment = recommendation.get("DeploymentConfiguration") or {}
    role = role_arn or job.get("RoleArn")
    container: dict[str, Any] = {"ModelPackageName": details.get("ModelPackageArn")}
    if details.get("InferenceSpecificationName"):
        container["InferenceSpecificationName"] = details["InferenceSpecificationName"]
    model = {"ModelName": name, "PrimaryContainer": container, "ExecutionRoleArn": role}
    copies = int(deployment.get("CopyCountPerInstance") or 1)
    count = int(deployment.get("InstanceCount") or 1)
    variant: dict[str, Any] = {
        "VariantName": "AllTraffic",
        "InstanceType": deployment.get("InstanceType"),
        "InitialInstanceCount": count,
    }
    config: dict[str, Any] = {"EndpointConfigName": name, "ProductionVariants": [variant]}
    component = None
    if copies > 1:
        config["ExecutionRoleArn"] = role
        variant["RoutingConfig"] = {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}
        needs: dict[str, Any] = {
            "NumberOfAcceleratorDevicesRequired": accelerators_per_copy(deployment),
            "MinMemoryRequiredInMb": int(deployment.get("MinCpuMemoryRequiredInMb") or 1024),
        }
        component = {
            "InferenceComponentName": name,
            "EndpointName": name,
            "VariantName": "AllTraffic",
            "Specification": {"ModelName": name, "ComputeResourceRequirements": needs},
            "RuntimeConfig": {"CopyCount": copies * count},
        }
    else:
        variant["ModelName"] = name
    return DeployPlan(model, config, {"EndpointName": name, "EndpointConfigName": name}, component)


def result_uri(job: dict[str, Any]) -> str:
    """Where an AI benchmark job's AIPerf document is: OUTPUT/JOB/profile_export_aiperf.json."""
    output = str((job.get("OutputConfig") or {}).get("S3OutputLocation", "")).rstrip("/")
    return f"{output}/{job.get('AIBenchmarkJobName', '')}/{RESULT_FILE}"


STATS = ("avg", "min", "max", "p50", "p90", "p95", "p99")


def result_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """AIPerf's metrics (`profile_export_aiperf.json`): one row a metric with its unit and stats."""
    metrics = document.get("records") if isinstance(document.get("records"), dict) else document
    rows = []
    for name, values in (metrics or {}).items():
        if isinstance(values, dict) and any(stat in values for stat in STATS):
            rows.append({"metric": name, "unit": values.get("unit", ""), **{s: values.get(s) for s in STATS}})
    return rows


def wait_for_job(
    service: RecommenderService,
    kind: str,
    name: str,
    *,
    timeout: float,
    interval: float,
    on_update: Callable[[dict[str, Any], float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll an AI recommendation or benchmark job until it ends: Completed returns it; Failed or Stopped
    raise JobEndedUnsuccessfully; no end within `timeout` raises WaitTimedOut."""
    from ircli.lib.service import _poll

    operation, member, status_member = KINDS[kind]

    def observe(elapsed: Callable[[], float]) -> tuple[bool, dict[str, Any]]:
        job = service.call(operation, {member: name})
        if on_update is not None:
            on_update(job, elapsed())
        status = str(job.get(status_member, ""))
        if status == "Completed":
            return True, job
        if status in AI_TERMINAL:
            raise JobEndedUnsuccessfully(name, status, job.get("FailureReason"))
        return False, job

    def timed_out(job: dict[str, Any]) -> WaitTimedOut:
        return WaitTimedOut(
            f"AI {kind} job {name} is still {job.get(status_member)} after {timeout:g} seconds.",
            hint=f"Wait longer with --timeout, or look later: ircli ai-{kind} describe {name}.",
        )

    return _poll(observe, timed_out, timeout=timeout, interval=interval, sleep=sleep, clock=clock)


def wait_for_component(
    service: RecommenderService,
    name: str,
    *,
    timeout: float,
    interval: float,
    on_update: Callable[[dict[str, Any], float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll an inference component until it is InService (Failed raises WaiterFailed)."""
    from ircli.lib.service import _poll

    def observe(elapsed: Callable[[], float]) -> tuple[bool, dict[str, Any]]:
        component = service.call("DescribeInferenceComponent", {"InferenceComponentName": name})
        if on_update is not None:
            on_update(component, elapsed())
        status = component.get("InferenceComponentStatus")
        if status == "Failed":
            raise WaiterFailed(f"Inference component {name} is Failed: {component.get('FailureReason', '')}")
        return status == "InService", component

    def timed_out(component: dict[str, Any]) -> WaitTimedOut:
        return WaitTimedOut(
            f"Inference component {name} is still {component.get('InferenceComponentStatus')} after {timeout:g} s."
        )

    return _poll(observe, timed_out, timeout=timeout, interval=interval, sleep=sleep, clock=clock)


def read_results(service: RecommenderService, name: str | None) -> BenchmarkResults:
    """A completed benchmark job's AIPerf results: its location and, for each concurrency level the workload
    names, AIPerf's `profile_export_aiperf.json` (`ai_results` reads them through the backend: the
    simulator's own S3 locally, S3 with the same credentials on aws)."""
    from ircli.errors import InputError
    from ircli.lib.ai_results import benchmark_results

    if not name:
        raise InputError("Give the benchmark job's name: ircli ai-benchmark results NAME.")
    return benchmark_results(service, name)
