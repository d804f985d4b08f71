"""The service's rules that the model does not express, each checked on its own."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ircli.lib.rules import rule_violations
from tests.valid_requests import VALID_REQUESTS

JOB = "CreateInferenceRecommendationsJob"


def job(**changes: Any) -> dict[str, Any]:
    request = copy.deepcopy(VALID_REQUESTS[JOB])
    for dotted, value in changes.items():
        node = request
        *parents, last = dotted.split("__")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return request


def found(request: dict[str, Any], operation: str = JOB) -> list[str]:
    return [str(v) for v in rule_violations(operation, request)]


@pytest.mark.parametrize(("member", "low", "high"), [("InitialNumberOfUsers", 1, 3), ("DurationInSeconds", 120, 3600)])
def test_phase_ranges(member: str, low: int, high: int) -> None:
    path = f"InputConfig.TrafficPattern.Phases[0].{member}"
    assert found(job(**{f"InputConfig__TrafficPattern__Phases__0__{member}": low})) == []
    assert found(job(**{f"InputConfig__TrafficPattern__Phases__0__{member}": high})) == []
    assert found(job(**{f"InputConfig__TrafficPattern__Phases__0__{member}": high + 1})) == [
        f"{path}: {high + 1} is greater than the maximum of {high} (CreateInferenceRecommendationsJob API reference)"
    ]
    assert found(job(**{f"InputConfig__TrafficPattern__Phases__0__{member}": low - 1}))[0].startswith(
        f"{path}: {low - 1} is less than the minimum of {low}"
    )


def test_spawn_rate_has_the_reference_s_minimum_only() -> None:
    # The load-test guide's own CLI example spawns 60 users a minute; its prose's 0-3 is not the reference's.
    assert found(job(InputConfig__TrafficPattern__Phases__0__SpawnRate=60)) == []
    assert found(job(InputConfig__TrafficPattern__Phases__0__SpawnRate=0)) == []


def test_job_duration_has_the_documented_maximum() -> None:
    assert found(job(InputConfig__JobDurationInSeconds=18000)) == []
    assert found(job(InputConfig__JobDurationInSeconds=20000)) == [
        "InputConfig.JobDurationInSeconds: 20000 is greater than the maximum of 18000 "
        "(CreateInferenceRecommendationsJob API reference)"
    ]


def test_stairs_steps_take_no_range_from_prose_and_need_their_type() -> None:
    request = job(
        InputConfig__TrafficPattern={
            "TrafficType": "STAIRS",
            "Stairs": {"DurationInSeconds": 60, "NumberOfSteps": 2, "UsersPerStep": 1},
        }
    )
    assert found(request) == []  # 60 s a step ("how long each traffic step should be", the reference)
    assert found(job(InputConfig__TrafficPattern={"TrafficType": "STAIRS"})) == [
        "InputConfig.TrafficPattern.Stairs: is required when TrafficType is STAIRS (load-test guide)"
    ]


@pytest.mark.parametrize("member", ["MaxNumberOfTests", "MaxParallelOfTests"])
def test_resource_limits(member: str) -> None:
    assert found(job(**{f"InputConfig__ResourceLimit__{member}": 10})) == []
    assert found(job(**{f"InputConfig__ResourceLimit__{member}": 11})) == [
        f"InputConfig.ResourceLimit.{member}: 11 is greater than the maximum of 10 (load-test guide)"
    ]


def test_max_invocations_range() -> None:
    assert found(job(StoppingConditions__MaxInvocations=30000)) == []
    assert found(job(StoppingConditions__MaxInvocations=30001)) == [
        "StoppingConditions.MaxInvocations: 30001 is greater than the maximum of 30000 (load-test guide)"
    ]


def test_exactly_one_model_reference() -> None:
    both = job(InputConfig__ModelPackageVersionArn="arn:aws:sagemaker:us-east-1:123456789012:model-package/m/1")
    assert "both given" in found(both)[0]
    assert "neither given" in found(job(InputConfig__ModelName=None))[0]


def test_exactly_one_of_recommendation_or_endpoint() -> None:
    request = copy.deepcopy(VALID_REQUESTS["GetScalingConfigurationRecommendation"])
    assert found(request, "GetScalingConfigurationRecommendation") == []
    request["EndpointName"] = "ep"
    assert "both given" in found(request, "GetScalingConfigurationRecommendation")[0]
    del request["EndpointName"], request["RecommendationId"]
    assert "neither given" in found(request, "GetScalingConfigurationRecommendation")[0]


def test_serverless_memory_multiple_of_1024_and_no_provisioned_concurrency_in_jobs() -> None:
    request = job(
        InputConfig__EndpointConfigurations__1__ServerlessConfig={
            "MemorySizeInMB": 1500,
            "MaxConcurrency": 5,
            "ProvisionedConcurrency": 1,
        }
    )
    messages = found(request)
    assert any("MemorySizeInMB: 1500 is not a multiple of 1024" in m for m in messages)
    assert any("ProvisionedConcurrency: is not supported in a recommendation job" in m for m in messages)


def test_provisioned_concurrency_at_most_max_concurrency() -> None:
    config = copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"])
    config["ProductionVariants"][1]["ServerlessConfig"]["ProvisionedConcurrency"] = 11
    assert found(config, "CreateEndpointConfig") == [
        "ProductionVariants[1].ServerlessConfig.ProvisionedConcurrency: 11 is greater than MaxConcurrency (10) "
        "(ProductionVariantServerlessConfig API reference)"
    ]
    update = copy.deepcopy(VALID_REQUESTS["UpdateEndpointWeightsAndCapacities"])
    update["DesiredWeightsAndCapacities"][0]["ServerlessUpdateConfig"]["ProvisionedConcurrency"] = 12
    assert len(found(update, "UpdateEndpointWeightsAndCapacities")) == 1


def test_each_phase_fits_in_the_job_duration() -> None:
    request = job(InputConfig__JobDurationInSeconds=100)
    assert found(request) == [
        "InputConfig.JobDurationInSeconds: 100 is shorter than the longest traffic phase (120 seconds) "
        "(CreateInferenceRecommendationsJob API reference)"
    ]


def test_advanced_jobs_need_traffic_and_stopping_conditions() -> None:
    request = job(StoppingConditions=None, InputConfig__TrafficPattern=None)
    assert found(request) == [
        "InputConfig.TrafficPattern: is required for an Advanced job (load-test guide)",
        "StoppingConditions: is required for an Advanced job (load-test guide)",
    ]
    request["JobType"] = "Default"
    assert found(request) == []


def test_endpoint_configuration_is_instance_or_serverless() -> None:
    request = job(
        InputConfig__EndpointConfigurations=[
            {"InstanceType": "ml.c5.large", "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 1}}
        ]
    )
    assert "both given" in found(request)[0]


def test_rules_ignore_values_of_the_wrong_type() -> None:
    request = job(InputConfig__TrafficPattern={"Phases": "nonsense"}, StoppingConditions=[1])
    assert found(request) == [
        "InputConfig.TrafficPattern.Phases: is required when TrafficType is PHASES (load-test guide)"
    ]
