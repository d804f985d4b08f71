"""Requests from command-line flags, as data and small builders that need no typer: each command's
flags become the members of its request, merged over the input document (`merge`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ircli.errors import InputError
from ircli.lib.shorthand import parse_pair, parse_scalar, parse_shorthand


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Overrides win; nested objects merge member by member; None in overrides means not given."""
    result = dict(base)
    for key, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        elif isinstance(value, dict):
            cleaned = merge({}, value)
            if cleaned:
                result[key] = cleaned
        else:
            result[key] = value
    return result


def timestamp(value: str | None) -> Any:
    """A time flag's value as a request member: epoch seconds as a number, anything else (ISO-8601) as given."""
    if value is None:
        return None
    return float(value) if value.replace(".", "", 1).isdigit() else value


def scaling_request(
    job_name: str, recommendation_id: str, *, objective: dict[str, Any] | None = None, target_cpu: int | None = None
) -> dict[str, Any]:
    """A GetScalingConfigurationRecommendation request for one of a job's recommendations."""
    request: dict[str, Any] = {"InferenceRecommendationsJobName": job_name, "RecommendationId": recommendation_id}
    if objective is not None:
        request["ScalingPolicyObjective"] = objective
    if target_cpu is not None:
        request["TargetCpuUtilizationPerCore"] = target_cpu
    return request


def environment_ranges(values: list[str]) -> dict[str, Any] | None:
    if not values:
        return None
    ranges = []
    for value in values:
        name, choices = parse_pair("--environment-parameter-range", value)
        ranges.append({"Name": name, "Value": [c for c in choices.split(",") if c]})
    return {"CategoricalParameterRanges": ranges}


def latency_thresholds(value: str | None) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    percentile, threshold = parse_pair("--model-latency-threshold", value)
    return [{"Percentile": percentile, "ValueInMilliseconds": parse_scalar(threshold)}]


@dataclass
class CreateJobFlags:
    """create-job's flags; None (or empty) means not given."""

    job_name: str | None = None
    job_type: str | None = None
    role_arn: str | None = None
    job_description: str | None = None
    model_package_version_arn: str | None = None
    model_name: str | None = None
    domain: str | None = None
    task: str | None = None
    framework: str | None = None
    framework_version: str | None = None
    nearest_model_name: str | None = None
    sample_payload_url: str | None = None
    supported_content_types: list[str] = field(default_factory=list)
    supported_instance_types: list[str] = field(default_factory=list)
    instance_types: list[str] = field(default_factory=list)
    serverless_configs: list[str] = field(default_factory=list)
    environment_parameter_ranges: list[str] = field(default_factory=list)
    endpoint_name: str | None = None
    traffic_type: str | None = None
    phases: list[str] = field(default_factory=list)
    stairs: str | None = None
    job_duration_in_seconds: int | None = None
    max_number_of_tests: int | None = None
    max_parallel_of_tests: int | None = None
    max_invocations: int | None = None
    model_latency_threshold: str | None = None
    flat_invocations: str | None = None


def create_job_members(flags: CreateJobFlags) -> dict[str, Any]:
    """The CreateInferenceRecommendationsJob members the flags give (None where a flag was not given)."""
    endpoints: list[dict[str, Any]] = [{"InstanceType": t} for t in flags.instance_types]
    endpoints += [{"ServerlessConfig": parse_shorthand("--serverless-config", s)} for s in flags.serverless_configs]
    ranges = environment_ranges(flags.environment_parameter_ranges)
    if ranges:
        if not endpoints:
            raise InputError(
                "--environment-parameter-range applies to the configurations given with "
                "--instance-type or --serverless-config; give at least one."
            )
        for endpoint in endpoints:
            endpoint["EnvironmentParameterRanges"] = ranges
    traffic: dict[str, Any] = {
        "TrafficType": flags.traffic_type,
        "Phases": [parse_shorthand("--phase", p) for p in flags.phases] or None,
        "Stairs": parse_shorthand("--stairs", flags.stairs) if flags.stairs else None,
    }
    if traffic["Stairs"] and not flags.traffic_type:
        traffic["TrafficType"] = "STAIRS"
    container: dict[str, Any] = {
        "Domain": flags.domain,
        "Task": flags.task,
        "Framework": flags.framework,
        "FrameworkVersion": flags.framework_version,
        "NearestModelName": flags.nearest_model_name,
        "PayloadConfig": {
            "SamplePayloadUrl": flags.sample_payload_url,
            "SupportedContentTypes": flags.supported_content_types or None,
        },
        "SupportedInstanceTypes": flags.supported_instance_types or None,
    }
    return {
        "JobName": flags.job_name,
        "JobType": flags.job_type,
        "RoleArn": flags.role_arn,
        "JobDescription": flags.job_description,
        "InputConfig": {
            "ModelPackageVersionArn": flags.model_package_version_arn,
            "ModelName": flags.model_name,
            "ContainerConfig": container,
            "EndpointConfigurations": endpoints or None,
            "Endpoints": [{"EndpointName": flags.endpoint_name}] if flags.endpoint_name else None,
            "TrafficPattern": traffic,
            "JobDurationInSeconds": flags.job_duration_in_seconds,
            "ResourceLimit": {
                "MaxNumberOfTests": flags.max_number_of_tests,
                "MaxParallelOfTests": flags.max_parallel_of_tests,
            },
        },
        "StoppingConditions": {
            "MaxInvocations": flags.max_invocations,
            "ModelLatencyThresholds": latency_thresholds(flags.model_latency_threshold),
            "FlatInvocations": flags.flat_invocations,
        },
    }


def desired_capacity(
    request: dict[str, Any],
    *,
    variant_name: str | None,
    desired_weight: float | None,
    desired_instance_count: int | None,
    max_concurrency: int | None,
    provisioned_concurrency: int | None,
) -> dict[str, Any]:
    """UpdateEndpointWeightsAndCapacities with the flags' variant entry in place of any for that variant."""
    flags_given = any(
        v is not None for v in (desired_weight, desired_instance_count, max_concurrency, provisioned_concurrency)
    )
    if flags_given and not variant_name:
        raise InputError("--variant-name names the variant to update; give it with the capacity flags.")
    if not variant_name:
        return request
    desired = merge(
        {},
        {
            "VariantName": variant_name,
            "DesiredWeight": desired_weight,
            "DesiredInstanceCount": desired_instance_count,
            "ServerlessUpdateConfig": {
                "MaxConcurrency": max_concurrency,
                "ProvisionedConcurrency": provisioned_concurrency,
            },
        },
    )
    entries = [e for e in request.get("DesiredWeightsAndCapacities", []) if e.get("VariantName") != variant_name]
    return {**request, "DesiredWeightsAndCapacities": [*entries, desired]}


def production_variant_from_recommendation(
    recommendation: dict[str, Any], *, model_name: str, variant_name: str, provisioned_concurrency: int | None = None
) -> dict[str, Any]:
    """Turn a recommendation's endpoint configuration into a CreateEndpointConfig ProductionVariant."""
    configuration = recommendation.get("EndpointConfiguration", {})
    variant: dict[str, Any] = {"VariantName": variant_name, "ModelName": model_name}
    if "ServerlessConfig" in configuration:
        serverless = {
            k: v for k, v in configuration["ServerlessConfig"].items() if k in ("MemorySizeInMB", "MaxConcurrency")
        }
        if provisioned_concurrency is not None:
            serverless["ProvisionedConcurrency"] = provisioned_concurrency
        variant["ServerlessConfig"] = serverless
    else:
        if provisioned_concurrency is not None:
            raise InputError("--provisioned-concurrency applies to serverless recommendations only.")
        variant["InstanceType"] = configuration["InstanceType"]
        variant["InitialInstanceCount"] = configuration.get("InitialInstanceCount", 1)
        variant["InitialVariantWeight"] = 1.0
    return variant


def with_provisioned_concurrency(request: dict[str, Any], provisioned_concurrency: int) -> dict[str, Any]:
    """A CreateEndpointConfig request with `--provisioned-concurrency` on its first serverless variant."""
    variants = request.get("ProductionVariants") or []
    first = next(
        (i for i, v in enumerate(variants) if isinstance(v, dict) and isinstance(v.get("ServerlessConfig"), dict)),
        None,
    )
    if first is None:
        raise InputError("--provisioned-concurrency needs a serverless variant.")
    serverless = {**variants[first]["ServerlessConfig"], "ProvisionedConcurrency": provisioned_concurrency}
    changed = [*variants[:first], {**variants[first], "ServerlessConfig": serverless}, *variants[first + 1 :]]
    return {**request, "ProductionVariants": changed}


def application_autoscaling_inputs(scaling: dict[str, Any], *, endpoint_name: str, variant_name: str) -> dict[str, Any]:
    """The RegisterScalableTarget and PutScalingPolicy inputs that apply a scaling recommendation."""
    dynamic = scaling.get("DynamicScalingConfiguration", {})
    resource_id = f"endpoint/{endpoint_name}/variant/{variant_name}"
    dimension = "sagemaker:variant:DesiredInstanceCount"
    policies = []
    for index, policy in enumerate(dynamic.get("ScalingPolicies", [])):
        tracking = policy.get("TargetTracking", {})
        specification = tracking.get("MetricSpecification", {})
        configuration: dict[str, Any] = {"TargetValue": tracking.get("TargetValue")}
        if "Predefined" in specification:
            configuration["PredefinedMetricSpecification"] = {
                "PredefinedMetricType": specification["Predefined"]["PredefinedMetricType"]
            }
        elif "Customized" in specification:
            configuration["CustomizedMetricSpecification"] = specification["Customized"]
        for key in ("ScaleInCooldown", "ScaleOutCooldown"):
            if key in dynamic:
                configuration[key] = dynamic[key]
        policies.append(
            {
                "PolicyName": f"{endpoint_name}-{variant_name}-target-tracking-{index + 1}",
                "ServiceNamespace": "sagemaker",
                "ResourceId": resource_id,
                "ScalableDimension": dimension,
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": configuration,
            }
        )
    return {
        "RegisterScalableTarget": {
            "ServiceNamespace": "sagemaker",
            "ResourceId": resource_id,
            "ScalableDimension": dimension,
            "MinCapacity": dynamic.get("MinCapacity"),
            "MaxCapacity": dynamic.get("MaxCapacity"),
        },
        "PutScalingPolicy": policies,
    }
