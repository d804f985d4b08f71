"""What a load test is asked to do, from a CreateInferenceRecommendationsJob request document and flags
(flags win): the traffic and stopping conditions, the payloads and their content type, the target and the
test's name; then the spec the engine runs and, once it has run, the result."""

from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from ircli.errors import ConfigurationError, InputError
from ircli.lib.loadtest.measured import LoadTestResult, Target
from ircli.lib.loadtest.payloads import Payloads, load_payloads
from ircli.lib.loadtest.results import minutes, summarise
from ircli.lib.loadtest.run import Run
from ircli.lib.loadtest.store import NAME
from ircli.lib.loadtest.traffic import Traffic, traffic_from
from ircli.lib.shorthand import parse_shorthand

PING_TIMEOUT = 5.0
# One Locust process drives 1,800-3,300 requests a second on the development machine (benchmarks/load_test.py:
# 20 users against a no-op container); against an endpoint 30-50 ms away, that is about 100 closed loops.
# Traffic that needs more users than that is measured on one worker process a core, unless --workers says.
HEAVY_USERS = 100
# Against a simulated endpoint the schedule runs at the simulator's pace, but no level shorter than this in
# wall seconds: enough answers for its percentile, and Locust's shape changes users once a second.
MIN_LEVEL_WALL_SECONDS = 2.0


def pace_for(traffic: Traffic, time_scale: float) -> float:
    """Wall seconds per second of the traffic against a simulated endpoint whose time runs at `time_scale`
    (0: instant): as fast as the simulator, never faster than its shortest level allows, never slower than
    real time."""
    shortest = min((level.seconds for level in traffic.levels), default=1.0)
    return min(1.0, max(time_scale, MIN_LEVEL_WALL_SECONDS / max(shortest, 1e-9)))


@dataclass
class LoadTestFlags:
    """load-test's flags; None (or empty) means not given."""

    endpoint_name: str | None = None
    url: str | None = None
    payload: str | None = None
    content_type: str | None = None
    accept: str | None = None
    phases: list[str] = field(default_factory=list)
    stairs: str | None = None
    max_invocations: int | None = None
    model_latency_threshold: str | None = None
    flat_invocations: str | None = None
    name: str | None = None
    instance_type: str | None = None
    instance_count: int | None = None
    variant: str | None = None
    workers: int | None = None  # None: one process, or one worker a core for heavy traffic (default_workers)
    master_bind: str | None = None
    expect_workers: int | None = None


@dataclass(frozen=True)
class LoadTestPlan:
    name: str
    traffic: Traffic
    payloads: Payloads
    target: Target


def _dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where} must be an object.")
    return value


def _traffic(document: dict[str, Any], flags: LoadTestFlags) -> Traffic:
    config = _dict(document.get("InputConfig"), "InputConfig")
    pattern = dict(_dict(config.get("TrafficPattern"), "InputConfig.TrafficPattern"))
    if flags.phases:
        pattern = {"TrafficType": "PHASES", "Phases": [parse_shorthand("--phase", p) for p in flags.phases]}
    if flags.stairs:
        pattern = {"TrafficType": "STAIRS", "Stairs": parse_shorthand("--stairs", flags.stairs)}
    stopping = dict(_dict(document.get("StoppingConditions"), "StoppingConditions"))
    if flags.max_invocations is not None:
        stopping["MaxInvocations"] = flags.max_invocations
    if flags.model_latency_threshold:
        from ircli.lib.requests import latency_thresholds

        stopping["ModelLatencyThresholds"] = latency_thresholds(flags.model_latency_threshold)
    if flags.flat_invocations:
        stopping["FlatInvocations"] = flags.flat_invocations
    # A request file's TrafficType names one of the two; the load test needs only the one it names.
    if pattern.get("TrafficType") == "STAIRS":
        pattern.pop("Phases", None)
    elif pattern.get("TrafficType") == "PHASES":
        pattern.pop("Stairs", None)
    return traffic_from(pattern, stopping)


def _payloads(document: dict[str, Any], flags: LoadTestFlags) -> Payloads:
    container = _dict(_dict(document.get("InputConfig"), "InputConfig").get("ContainerConfig"), "ContainerConfig")
    payload_config = _dict(container.get("PayloadConfig"), "PayloadConfig")
    source = flags.payload
    sample_url = payload_config.get("SamplePayloadUrl")
    if source is None and isinstance(sample_url, str) and "://" not in sample_url:
        source = sample_url  # a local path in place of the job's S3 URL
    if source is None:
        raise InputError(
            "Give the payloads to send: --payload ARCHIVE.tar.gz, FOLDER or FILE.",
            hint="A job's SamplePayloadUrl is in S3; give a local copy of the same archive.",
        )
    types = payload_config.get("SupportedContentTypes")
    content_type = flags.content_type or (str(types[0]) if isinstance(types, list) and types else None)
    return load_payloads(source, content_type)


def _target(document: dict[str, Any], flags: LoadTestFlags) -> Target:
    config = _dict(document.get("InputConfig"), "InputConfig")
    endpoint = flags.endpoint_name
    endpoints = config.get("Endpoints")
    if endpoint is None and not flags.url and isinstance(endpoints, list) and endpoints:
        endpoint = str(_dict(endpoints[0], "InputConfig.Endpoints[0]").get("EndpointName") or "") or None
    if bool(endpoint) == bool(flags.url):
        raise InputError("Give one target: --endpoint-name NAME or --url http://HOST:PORT.")
    instance_type = flags.instance_type
    configurations = config.get("EndpointConfigurations")
    if instance_type is None and isinstance(configurations, list) and configurations:
        instance_type = _dict(configurations[0], "EndpointConfigurations[0]").get("InstanceType")
    if flags.url:
        parts = urlsplit(flags.url)
        if parts.scheme != "http" or not parts.hostname:
            raise InputError(f"Bad --url {flags.url!r}.", hint="Give the container's address: http://HOST:PORT.")
        return Target("url", flags.url.rstrip("/"), instance_type, flags.instance_count, variant=flags.variant)
    return Target("endpoint", str(endpoint), instance_type, flags.instance_count, variant=flags.variant)


def plan(document: dict[str, Any], flags: LoadTestFlags, now: datetime | None = None) -> LoadTestPlan:
    name = flags.name or document.get("JobName")
    if not name:
        name = f"load-test-{(now or datetime.now(timezone.utc)).strftime('%Y%m%d-%H%M%S')}"
    if not NAME.match(str(name)):
        raise InputError(f"Bad load test name {name!r}.", hint="Letters, digits and hyphens, at most 64.")
    traffic = _traffic(document, flags)
    target = _target(document, flags)
    return LoadTestPlan(str(name), traffic, _payloads(document, flags), target)


def with_instance(
    plan_: LoadTestPlan, instance_type: str | None, count: int | None, price: float | None
) -> LoadTestPlan:
    target = replace(
        plan_.target,
        instance_type=instance_type or plan_.target.instance_type,
        instance_count=count or plan_.target.instance_count,
        price_per_hour=price,
    )
    return replace(plan_, target=target)


def ping(url: str) -> None:
    """The container contract's health check: GET /ping must answer 200 before any load is sent."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/ping", timeout=PING_TIMEOUT) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ConfigurationError(
            f"The container at {url} did not answer GET /ping: {reason}.",
            hint="Start it first (e.g. docker run -p 8080:8080 IMAGE serve) and check the address.",
        ) from None
    if status != 200:
        raise ConfigurationError(
            f"The container at {url} answered GET /ping with {status}, not 200: it is not ready to serve.",
            hint="SageMaker sends traffic only to a container whose /ping answers 200.",
        )


def default_workers(traffic: Traffic, flags: LoadTestFlags, simulated: bool, cores: int | None) -> int | None:
    """The local workers to start when --workers is not given: one a core (`cores`, os.cpu_count()) when the
    traffic's most users are more than one process drives (HEAVY_USERS), else None (one process). Not for a
    simulated endpoint, whose figures do not depend on how fast the loops run, nor for a distributed test."""
    if flags.workers is not None or flags.master_bind or simulated:
        return None
    most = max((level.users for level in traffic.levels), default=0)
    return max(1, cores or 1) if most > HEAVY_USERS else None


def engine_spec(
    plan_: LoadTestPlan, flags: LoadTestFlags, runtime: dict[str, Any], simulated_scale: float | None = None
) -> dict[str, Any]:
    """What the engine runs; `simulated_scale` is a simulated endpoint's time scale (None: a real target)."""
    target: dict[str, Any] = {"kind": plan_.target.kind, "simulated": simulated_scale is not None}
    if plan_.target.kind == "url":
        target["url"] = plan_.target.name
    else:
        target.update(runtime, endpoint_name=plan_.target.name, variant=plan_.target.variant)
    return {
        "target": target,
        "payloads": [base64.b64encode(body).decode("ascii") for body in plan_.payloads.bodies],
        "content_type": plan_.payloads.content_type,
        "accept": flags.accept,
        "traffic": {
            "TrafficPattern": plan_.traffic.pattern,
            "StoppingConditions": plan_.traffic.conditions.to_request(),
        },
        "workers": flags.workers or 0,
        "master_bind": flags.master_bind,
        "expect_workers": flags.expect_workers,
        "pace": 1.0 if simulated_scale is None else pace_for(plan_.traffic, simulated_scale),
    }


def result_of(plan_: LoadTestPlan, run: Run, region: str = "us-east-1", generator: str = "") -> LoadTestResult:
    scale = run.time_scale if run.time_scale and run.time_scale > 0 else 1.0
    summary = summarise(run.measurements, plan_.traffic, run.ran, scale)
    series = tuple(minutes(run.measurements, plan_.traffic, scale, run.ran))
    return LoadTestResult(
        plan_.name,
        plan_.target,
        plan_.traffic,
        summary,
        series,
        run,
        socket.gethostname(),
        plan_.payloads.source,
        plan_.payloads.content_type,
        region,
        generator,
    )
