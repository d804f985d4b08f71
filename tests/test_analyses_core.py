"""The core's orchestration (`ircli.lib.analyses`) against a fake service: what it asks for, in what order."""

from __future__ import annotations

from typing import Any

import pytest

from ircli.errors import InputError
from ircli.lib.analyses import cost_estimate, instance_scaling
from ircli.lib.cost import Options
from ircli.lib.traffic import from_average_and_peak

JOB = {
    "JobName": "j",
    "Status": "COMPLETED",
    "InferenceRecommendations": [
        {"RecommendationId": "j/a", "EndpointConfiguration": {"InstanceType": "ml.c5.large"}},
        {"RecommendationId": "j/b", "EndpointConfiguration": {"ServerlessConfig": {"MemorySizeInMB": 2048}}},
        {"RecommendationId": "j/c", "EndpointConfiguration": {"InstanceType": "ml.m5.large"}},
    ],
}


class FakeService:
    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def describe_job(self, job_name: str) -> dict[str, Any]:
        self.calls.append(("DescribeInferenceRecommendationsJob", {"JobName": job_name}))
        return self.job

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        self.calls.append((operation, request))
        return {"DynamicScalingConfiguration": {}}


def test_the_scaling_fan_out_asks_once_per_instance_recommendation() -> None:
    service = FakeService(JOB)
    objective = {"MinInvocationsPerMinute": 1, "MaxInvocationsPerMinute": 9}
    scaling = instance_scaling(service, JOB, objective, 70)
    assert list(scaling) == ["j/a", "j/c"]
    assert service.calls == [
        (
            "GetScalingConfigurationRecommendation",
            {
                "InferenceRecommendationsJobName": "j",
                "RecommendationId": rid,
                "ScalingPolicyObjective": objective,
                "TargetCpuUtilizationPerCore": 70,
            },
        )
        for rid in ("j/a", "j/c")
    ]


def test_a_job_without_recommendations_is_refused_before_any_scaling_call() -> None:
    service = FakeService({"JobName": "j", "Status": "IN_PROGRESS"})
    with pytest.raises(InputError, match="IN_PROGRESS and has no recommendations to price"):
        cost_estimate(service, "j", from_average_and_peak(10, 20), Options())
    assert [operation for operation, _ in service.calls] == ["DescribeInferenceRecommendationsJob"]
