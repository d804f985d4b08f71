"""Rules the service enforces that the API model does not express.

Each rule names its source. `rule_violations(operation, request)` runs the rules of one operation (its
`OperationKey`, or a reference `find` resolves) over a request that may also break the schema: rules look
only at values of the right type and leave the rest to schema validation. The rules are keyed as the
registry is, by (service, operation).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from ircli.errors import MAX_COLLECTED, MAX_LISTED, Violation
from ircli.operations import OperationKey, Service, find

Path = tuple[str | int, ...]
Rule = Callable[[dict[str, Any]], Iterator[Violation]]

LOAD_TEST_GUIDE = "load-test guide"
PERCENTILES = ("P95", "P99")
JOB_API = "CreateInferenceRecommendationsJob API reference"
SERVERLESS_API = "ProductionVariantServerlessConfig API reference"
SCALING_API = "GetScalingConfigurationRecommendation API reference"


@cache
def known_instance_types() -> frozenset[str]:
    return frozenset(instance_types())


@cache
def instance_types() -> tuple[str, ...]:
    from ircli.schemas import load_schema

    enum: list[str] = load_schema("CreateEndpointConfig", "request")["$defs"]["ProductionVariantInstanceType"]["enum"]
    return tuple(enum)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _range(path: Path, value: Any, low: int, high: int, source: str) -> Iterator[Violation]:
    number = _int(value)
    if number is None:
        return
    if number < low:
        yield Violation(
            path=path,
            message=f"{number} is less than the minimum of {low} ({source})",
            rule="minimum",
            value=number,
            service_constraint=f"Member must have value greater than or equal to {low}",
        )
    elif number > high:
        yield Violation(
            path=path,
            message=f"{number} is greater than the maximum of {high} ({source})",
            rule="maximum",
            value=number,
            service_constraint=f"Member must have value less than or equal to {high}",
        )


def _serverless(path: Path, config: Any, *, provisioned_allowed: bool) -> Iterator[Violation]:
    config = _dict(config)
    memory = _int(config.get("MemorySizeInMB"))
    # "Valid values are in 1 GB increments: 1024 MB, 2048 MB, ... 6144 MB" (SERVERLESS_API).
    if memory is not None and memory % 1024:
        yield Violation(
            path=(*path, "MemorySizeInMB"),
            message=f"{memory} is not a multiple of 1024 ({SERVERLESS_API})",
            rule="multipleOf",
            value=memory,
            service_constraint="Member must be a multiple of 1024",
        )
    provisioned = _int(config.get("ProvisionedConcurrency"))
    maximum = _int(config.get("MaxConcurrency"))
    if provisioned is None:
        return
    if not provisioned_allowed:
        # "ProvisionedConcurrency is not supported in recommendation-job serverless configurations"
        # (ProductionVariantServerlessConfig API reference, 2023-05).
        yield Violation(
            path=(*path, "ProvisionedConcurrency"),
            message=f"is not supported in a recommendation job's endpoint configurations ({SERVERLESS_API})",
            rule="forbidden",
            value=provisioned,
            service_constraint="ProvisionedConcurrency is not supported for Inference Recommender jobs",
        )
    elif maximum is not None and provisioned > maximum:
        # "Should be less than or equal to MaxConcurrency" (SERVERLESS_API).
        yield Violation(
            path=(*path, "ProvisionedConcurrency"),
            message=f"{provisioned} is greater than MaxConcurrency ({maximum}) ({SERVERLESS_API})",
            rule="maximum",
            value=provisioned,
            service_constraint=f"Member must have value less than or equal to {maximum}",
        )


def create_job_rules(request: dict[str, Any]) -> Iterator[Violation]:
    config = _dict(request.get("InputConfig"))
    yield from _model_rules(request, config)
    yield from _traffic_rules(config)
    yield from _limit_rules(request, config)
    yield from _endpoint_configuration_rules(config)
    yield from _advanced_job_rules(request, config)
    yield from _threshold_rules(_dict(request.get("StoppingConditions")))
    yield from _container_rules(config)


def _model_rules(request: dict[str, Any], config: dict[str, Any]) -> Iterator[Violation]:
    base: Path = ("InputConfig",)
    # "You must specify either ModelPackageVersionArn or ModelName" (JOB_API, RecommendationJobInputConfig;
    # the 2023-01 change that added ModelName).
    has_arn, has_model = "ModelPackageVersionArn" in config, "ModelName" in config
    if "InputConfig" in request and has_arn == has_model:
        what = "both" if has_arn else "neither"
        yield Violation(
            path=base,
            message=f"give exactly one of ModelPackageVersionArn or ModelName ({what} given) ({JOB_API})",
            rule="oneOf",
            value=None,
            service_constraint="Exactly one of ModelPackageVersionArn or ModelName must be provided",
        )


def _phase_rules(at: Path, phase: dict[str, Any]) -> Iterator[Violation]:
    # "The value should be between 1 and 3" and, "for custom load tests, between 120 and 3600" (JOB_API,
    # Phase). SpawnRate ("how many new users to spawn in a minute") has only the model's minimum of 0: the
    # load-test guide's prose says 0-3, but its own CLI example spawns 60 a minute, and the reference
    # states no maximum.
    yield from _range((*at, "InitialNumberOfUsers"), phase.get("InitialNumberOfUsers"), 1, 3, JOB_API)
    yield from _range((*at, "DurationInSeconds"), phase.get("DurationInSeconds"), 120, 3600, JOB_API)


def _traffic_rules(config: dict[str, Any]) -> Iterator[Violation]:
    base: Path = ("InputConfig",)
    traffic = _dict(config.get("TrafficPattern"))
    tp_path: Path = (*base, "TrafficPattern")
    phases = _list(traffic.get("Phases"))
    for index, phase in enumerate(phases):
        yield from _phase_rules((*tp_path, "Phases", index), _dict(phase))
    # Stairs.DurationInSeconds is "how long each traffic step should be" (JOB_API) with the model's minimum of
    # 1; the load-test guide's 120-3600 is for the whole stairs, read as DurationInSeconds / NumberOfSteps a
    # step, which the reference does not say, so no range is taken from it.
    # TrafficType PHASES takes the Phases array, STAIRS the Stairs object (load-test guide).
    traffic_type = traffic.get("TrafficType")
    if traffic_type == "STAIRS" and "Stairs" not in traffic:
        yield Violation(
            path=(*tp_path, "Stairs"),
            message=f"is required when TrafficType is STAIRS ({LOAD_TEST_GUIDE})",
            rule="required",
            value=None,
            service_constraint="Member must not be null",
        )
    if traffic_type in (None, "PHASES") and "TrafficPattern" in config and not phases:
        yield Violation(
            path=(*tp_path, "Phases"),
            message=f"is required when TrafficType is PHASES ({LOAD_TEST_GUIDE})",
            rule="required",
            value=None,
            service_constraint="Member must not be null",
        )


def _limit_rules(request: dict[str, Any], config: dict[str, Any]) -> Iterator[Violation]:
    base: Path = ("InputConfig",)
    limits = _dict(config.get("ResourceLimit"))
    # MaxNumberOfTests and MaxParallelOfTests 1-10: load-test guide (the reference states only the minimum of 1
    # and does not contradict it).
    for name in ("MaxNumberOfTests", "MaxParallelOfTests"):
        yield from _range((*base, "ResourceLimit", name), limits.get(name), 1, 10, LOAD_TEST_GUIDE)

    stopping = _dict(request.get("StoppingConditions"))
    # MaxInvocations 1-30000 requests per minute: load-test guide (the reference states no range).
    yield from _range(
        ("StoppingConditions", "MaxInvocations"), stopping.get("MaxInvocations"), 1, 30000, LOAD_TEST_GUIDE
    )

    # "The maximum value is 18,000 seconds" (JOB_API, RecommendationJobInputConfig.JobDurationInSeconds).
    yield from _range((*base, "JobDurationInSeconds"), config.get("JobDurationInSeconds"), 1, 18000, JOB_API)
    # A phase's DurationInSeconds "should not exceed JobDurationInSeconds" (JOB_API, Phase); the job's duration
    # is the member named, as the one a user sets against the phases.
    phases = _list(_dict(config.get("TrafficPattern")).get("Phases"))
    longest = max((_int(_dict(p).get("DurationInSeconds")) or 0 for p in phases), default=0)
    job_duration = _int(config.get("JobDurationInSeconds"))
    if job_duration is not None and longest > job_duration:
        yield Violation(
            path=(*base, "JobDurationInSeconds"),
            message=f"{job_duration} is shorter than the longest traffic phase ({longest} seconds) ({JOB_API})",
            rule="minimum",
            value=job_duration,
            service_constraint=f"Member must have value greater than or equal to {longest}",
        )


def _endpoint_configuration_rules(config: dict[str, Any]) -> Iterator[Violation]:
    base: Path = ("InputConfig",)
    for index, endpoint in enumerate(_list(config.get("EndpointConfigurations"))):
        endpoint = _dict(endpoint)
        at = (*base, "EndpointConfigurations", index)
        # An endpoint configuration is either instance-based or serverless (JOB_API, EndpointInputConfiguration).
        if ("InstanceType" in endpoint) == ("ServerlessConfig" in endpoint):
            what = "both" if "InstanceType" in endpoint else "neither"
            yield Violation(
                path=at,
                message=f"give exactly one of InstanceType or ServerlessConfig ({what} given) ({JOB_API})",
                rule="oneOf",
                value=None,
                service_constraint="Exactly one of InstanceType or ServerlessConfig must be provided",
            )
        if "ServerlessConfig" in endpoint:
            yield from _serverless((*at, "ServerlessConfig"), endpoint["ServerlessConfig"], provisioned_allowed=False)


def _advanced_job_rules(request: dict[str, Any], config: dict[str, Any]) -> Iterator[Violation]:
    base: Path = ("InputConfig",)
    # A load test (Advanced job) needs a traffic pattern and stopping conditions (load-test guide:
    # "TrafficPattern ... StoppingConditions" are the parts of a load-test request).
    if request.get("JobType") == "Advanced":
        if "TrafficPattern" not in config:
            yield Violation(
                path=(*base, "TrafficPattern"),
                message=f"is required for an Advanced job ({LOAD_TEST_GUIDE})",
                rule="required",
                value=None,
                service_constraint="Member must not be null",
            )
        if "StoppingConditions" not in request:
            yield Violation(
                path=("StoppingConditions",),
                message=f"is required for an Advanced job ({LOAD_TEST_GUIDE})",
                rule="required",
                value=None,
                service_constraint="Member must not be null",
            )
        # A load test benchmarks the instances the user selects: the guide's every Advanced example lists
        # EndpointConfigurations ("select the instances you want to load test"); nothing says what the
        # service would benchmark without them, so the request is refused rather than guessed at.
        if not config.get("EndpointConfigurations") and not config.get("Endpoints"):
            yield Violation(
                path=(*base, "EndpointConfigurations"),
                message=f"is required for an Advanced job: the load test benchmarks the configurations you choose "
                f"({LOAD_TEST_GUIDE})",
                rule="required",
                value=None,
                service_constraint="Member must not be null",
            )


def _threshold_rules(stopping: dict[str, Any]) -> Iterator[Violation]:
    for index, threshold in enumerate(_list(stopping.get("ModelLatencyThresholds"))):
        # A latency is a positive number of milliseconds (the guide's "ValueInMilliseconds: the model
        # latency percentile value in milliseconds").
        yield from _range(
            ("StoppingConditions", "ModelLatencyThresholds", index, "ValueInMilliseconds"),
            _dict(threshold).get("ValueInMilliseconds"),
            1,
            2**31 - 1,
            LOAD_TEST_GUIDE,
        )
        percentile = _dict(threshold).get("Percentile")
        # P95 is the percentile of the API's and the guide's examples; the console's load test also offers P99.
        if isinstance(percentile, str) and percentile not in PERCENTILES:
            yield Violation(
                path=("StoppingConditions", "ModelLatencyThresholds", index, "Percentile"),
                message=f"{percentile!r} is not one of {', '.join(PERCENTILES)} ({LOAD_TEST_GUIDE})",
                rule="enum",
                value=percentile,
                service_constraint=f"Member must satisfy enum value set: [{', '.join(PERCENTILES)}]",
            )


def _container_rules(config: dict[str, Any]) -> Iterator[Violation]:
    base: Path = ("InputConfig",)
    container = _dict(config.get("ContainerConfig"))
    unknown = 0
    for index, name in enumerate(_list(container.get("SupportedInstanceTypes"))):
        # SupportedInstanceTypes is a list of plain strings in the model, but the service benchmarks them as
        # production-variant instance types, so only those are accepted.
        if isinstance(name, str) and name not in known_instance_types():
            unknown += 1
            close = []
            if unknown <= MAX_LISTED:  # a did-you-mean only where it will be read
                close = difflib.get_close_matches(name, instance_types(), n=3)
                if not close and not name.startswith("ml."):
                    close = difflib.get_close_matches("ml." + name, instance_types(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else " (see ircli schema show create-job)"
            yield Violation(
                path=(*base, "ContainerConfig", "SupportedInstanceTypes", index),
                message=f"{name!r} is not a SageMaker instance type{hint}",
                rule="enum",
                value=name,
                service_constraint=f"Member must satisfy enum value set: [{', '.join(instance_types())}]",
            )


def scaling_rules(request: dict[str, Any]) -> Iterator[Violation]:
    # "Specify either this field or the EndpointName field" (SCALING_API, RecommendationId).
    if ("RecommendationId" in request) == ("EndpointName" in request):
        what = "both" if "RecommendationId" in request else "neither"
        yield Violation(
            path=(),
            message=f"give exactly one of RecommendationId or EndpointName ({what} given) ({SCALING_API})",
            rule="oneOf",
            value=None,
            service_constraint="Exactly one of RecommendationId or EndpointName must be provided",
        )
    objective = _dict(request.get("ScalingPolicyObjective"))
    low, high = _int(objective.get("MinInvocationsPerMinute")), _int(objective.get("MaxInvocationsPerMinute"))
    # The objective is a range of expected traffic: its minimum cannot exceed its maximum (SCALING_API,
    # ScalingPolicyObjective: "the minimum ... and the maximum number of expected requests").
    if low is not None and high is not None and low > high:
        yield Violation(
            path=("ScalingPolicyObjective", "MinInvocationsPerMinute"),
            message=f"{low} is greater than MaxInvocationsPerMinute ({high}) ({SCALING_API})",
            rule="maximum",
            value=low,
            service_constraint=f"Member must have value less than or equal to {high}",
        )


def endpoint_config_rules(request: dict[str, Any]) -> Iterator[Violation]:
    for list_name in ("ProductionVariants", "ShadowProductionVariants"):
        for index, variant in enumerate(_list(request.get(list_name))):
            variant = _dict(variant)
            if "ServerlessConfig" in variant:
                yield from _serverless(
                    (list_name, index, "ServerlessConfig"), variant["ServerlessConfig"], provisioned_allowed=True
                )


def update_capacity_rules(request: dict[str, Any]) -> Iterator[Violation]:
    for index, desired in enumerate(_list(request.get("DesiredWeightsAndCapacities"))):
        update = _dict(_dict(desired).get("ServerlessUpdateConfig"))
        provisioned, maximum = _int(update.get("ProvisionedConcurrency")), _int(update.get("MaxConcurrency"))
        # "Should be less than or equal to MaxConcurrency" (ServerlessUpdateConfig API reference).
        if provisioned is not None and maximum is not None and provisioned > maximum:
            yield Violation(
                path=("DesiredWeightsAndCapacities", index, "ServerlessUpdateConfig", "ProvisionedConcurrency"),
                message=f"{provisioned} is greater than MaxConcurrency ({maximum}) ({SERVERLESS_API})",
                rule="maximum",
                value=provisioned,
                service_constraint=f"Member must have value less than or equal to {maximum}",
            )


def _generative_ai(operation: str) -> Rule:
    """The generative-AI operations' rules (`ai_rules`), imported only when one of them is checked."""

    def rule(request: dict[str, Any]) -> Iterator[Violation]:
        from ircli.lib import ai_rules

        yield from ai_rules.RULES[operation](request)

    return rule


def _sagemaker(name: str) -> OperationKey:
    return OperationKey(Service.SAGEMAKER, name)


RULES: dict[OperationKey, Rule] = {
    _sagemaker("CreateInferenceRecommendationsJob"): create_job_rules,
    _sagemaker("GetScalingConfigurationRecommendation"): scaling_rules,
    _sagemaker("CreateEndpointConfig"): endpoint_config_rules,
    _sagemaker("UpdateEndpointWeightsAndCapacities"): update_capacity_rules,
    **{
        _sagemaker(name): _generative_ai(name)
        for name in ("CreateAIWorkloadConfig", "CreateAIRecommendationJob", "CreateAIBenchmarkJob")
    },
}


def rule_violations(operation: str | OperationKey, request: dict[str, Any]) -> list[Violation]:
    try:
        key = find(operation).key
    except KeyError:  # not a registered operation: no rules of the service's to run
        return []
    rule = RULES.get(key)
    return list(itertools.islice(rule(request), MAX_COLLECTED)) if rule else []
