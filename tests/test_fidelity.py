"""The simulator's answers in the service's shapes and words: the published ModelConfiguration, millisecond
timestamps, scaling by a recommendation's endpoint name, failed jobs' steps, jobs on existing endpoints,
documented percentiles, and validation messages in the service's form."""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.exceptions import ValidationException
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.valid_requests import ROLE, VALID_REQUESTS


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    return Simulator(Store(tmp_path / "sim"), speed="instant")


def job(name: str = "job-1", **input_config: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"ModelName": "churn-xgboost", "ContainerConfig": {"NearestModelName": "xgboost"}}
    config.update(input_config)
    return {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": config}


def test_model_configuration_always_lists_environment_parameters(sim: Simulator) -> None:
    sim.dispatch("CreateInferenceRecommendationsJob", job(ContainerConfig={"SupportedInstanceTypes": ["ml.c5.large"]}))
    recommendation = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})[
        "InferenceRecommendations"
    ][0]
    assert recommendation["ModelConfiguration"] == {"EnvironmentParameters": []}


def test_timestamps_carry_milliseconds_and_filter_as_the_service_does(sim: Simulator) -> None:
    sim.dispatch("CreateInferenceRecommendationsJob", job())
    created = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})["CreationTime"]
    assert created.microsecond % 1000 == 0
    before = sim.dispatch("ListInferenceRecommendationsJobs", {"CreationTimeBefore": created})
    assert before["InferenceRecommendationsJobs"] == []
    after = sim.dispatch("ListInferenceRecommendationsJobs", {"CreationTimeAfter": created - timedelta(milliseconds=1)})
    assert [j["JobName"] for j in after["InferenceRecommendationsJobs"]] == ["job-1"]


def test_scaling_takes_the_recommendations_own_endpoint_name(sim: Simulator) -> None:
    sim.dispatch("CreateInferenceRecommendationsJob", job(ContainerConfig={"SupportedInstanceTypes": ["ml.c5.large"]}))
    recommendation = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})[
        "InferenceRecommendations"
    ][0]
    endpoint_name = recommendation["EndpointConfiguration"]["EndpointName"]
    by_name = sim.dispatch(
        "GetScalingConfigurationRecommendation",
        {"InferenceRecommendationsJobName": "job-1", "EndpointName": endpoint_name},
    )
    by_id = sim.dispatch(
        "GetScalingConfigurationRecommendation",
        {"InferenceRecommendationsJobName": "job-1", "RecommendationId": recommendation["RecommendationId"]},
    )
    assert by_name["DynamicScalingConfiguration"] == by_id["DynamicScalingConfiguration"]
    assert by_name["EndpointName"] == endpoint_name


def test_a_job_on_existing_endpoints_measures_them_and_recommends_nothing_unasked(sim: Simulator) -> None:
    for operation in ("CreateEndpointConfig", "CreateEndpoint"):
        sim.dispatch(operation, copy.deepcopy(VALID_REQUESTS[operation]))
    sim.dispatch("CreateInferenceRecommendationsJob", job(Endpoints=[{"EndpointName": "endpoint-1"}]))
    described = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    assert [p["EndpointInfo"]["EndpointName"] for p in described["EndpointPerformances"]] == ["endpoint-1"]
    assert "InferenceRecommendations" not in described


def test_advanced_jobs_need_their_configurations_and_percentiles_are_the_documented_ones(sim: Simulator) -> None:
    advanced = job(
        TrafficPattern={
            "TrafficType": "PHASES",
            "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}],
        }
    )
    advanced.update(
        JobType="Advanced",
        StoppingConditions={"ModelLatencyThresholds": [{"Percentile": "P42", "ValueInMilliseconds": 100}]},
    )
    with pytest.raises(ValidationException) as refused:
        sim.dispatch("CreateInferenceRecommendationsJob", advanced)
    assert str(refused.value) == (
        "2 validation errors detected: Value null at 'inputConfig.endpointConfigurations' failed to satisfy "
        "constraint: Member must not be null; Value 'P42' at "
        "'stoppingConditions.modelLatencyThresholds.1.member.percentile' failed to satisfy constraint: Member "
        "must satisfy enum value set: [P95, P99]"
    )


def test_an_instance_type_typo_is_the_services_validation_error_not_an_internal_one(sim: Simulator) -> None:
    with pytest.raises(ValidationException) as refused:
        sim.dispatch(
            "CreateInferenceRecommendationsJob", job(ContainerConfig={"SupportedInstanceTypes": ["ml.c5.lrage"]})
        )
    message = str(refused.value)
    assert message.startswith(
        "1 validation error detected: Value 'ml.c5.lrage' at "
        "'inputConfig.containerConfig.supportedInstanceTypes.1.member' failed to satisfy constraint: Member must "
        "satisfy enum value set: [ml.t2.medium, "
    )
    assert "{" not in message and "Value null at ''" not in message
