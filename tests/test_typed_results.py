"""The core's results are typed dataclasses: a cost estimate's parts, and the writer printing a result's
document while its view reads the result itself."""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ircli.cli.output.formats import OutputFormat, Screen
from ircli.cli.output.model import Column, TableData
from ircli.cli.output.views import View
from ircli.cli.output.writer import Writer
from ircli.lib.catalog import serverless_prices
from ircli.lib.cost import HOURS_PER_MONTH, Options, estimate_costs
from ircli.lib.cost_results import CostEstimate, Estimate, InstanceFigures, ServerlessFigures
from ircli.lib.service import RecommenderService
from ircli.lib.traffic import TrafficProfile

JOB = {
    "JobName": "j",
    "InferenceRecommendations": [
        {
            "RecommendationId": "j/instance",
            "EndpointConfiguration": {"InstanceType": "ml.c5.large", "InitialInstanceCount": 1},
            "Metrics": {"CostPerHour": 0.1, "MaxInvocations": 600, "ModelLatency": 20},
        },
        {
            "RecommendationId": "j/serverless",
            "EndpointConfiguration": {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
            "Metrics": {"CostPerInference": 2e-6, "MaxInvocations": 400, "ModelLatency": 30, "ModelSetupTime": 2e6},
        },
        {
            "RecommendationId": "j/broken",
            "EndpointConfiguration": {"InstanceType": "ml.m5.large", "InitialInstanceCount": 1},
            "Metrics": {"CostPerHour": "NaN", "MaxInvocations": 600, "ModelLatency": 20},
        },
    ],
}
SCALING = {
    rid: {
        "DynamicScalingConfiguration": {
            "MinCapacity": 1,
            "MaxCapacity": 4,
            "ScalingPolicies": [{"TargetTracking": {"TargetValue": 300.0}}],
        }
    }
    for rid in ("j/instance", "j/broken")
}
TRAFFIC = TrafficProfile(per_minute=(0.0, 100.0, 900.0, 300.0), source="four hours")


@pytest.fixture
def estimate() -> CostEstimate:
    return estimate_costs(JOB, SCALING, TRAFFIC, Options(max_latency_ms=100))


def test_a_cost_estimate_is_made_of_dataclasses_not_dicts(estimate: CostEstimate) -> None:
    assert all(isinstance(e, Estimate) for e in estimate.estimates)
    kinds = {e.recommendation_id: type(e.figures) for e in estimate.estimates}
    assert kinds == {"j/instance": InstanceFigures, "j/serverless": ServerlessFigures}
    assert [e.rank for e in estimate.estimates] == [1, 2]
    assert [(n.recommendation_id, n.reason) for n in estimate.not_priced] == [
        ("j/broken", "the service reported CostPerHour as NaN")
    ]
    assert estimate.break_even is not None and estimate.break_even.real_time == "j/instance"
    assert estimate.assumptions[0].assumption == "Hours in a month"


def test_each_options_cost_at_steady_traffic_follows_its_figures(estimate: CostEstimate) -> None:
    by_id = {e.recommendation_id: e for e in estimate.estimates}
    fleet = by_id["j/instance"].figures
    assert isinstance(fleet, InstanceFigures)
    # Instances: one more every TargetValue (300) invocations a minute, never fewer than MinCapacity.
    assert fleet.instances_by_hour == (1, 1, 3, 1)
    assert by_id["j/instance"].monthly_cost_at(0) == pytest.approx(0.1 * HOURS_PER_MONTH)
    assert by_id["j/instance"].monthly_cost_at(601) == pytest.approx(0.1 * 3 * HOURS_PER_MONTH)
    pay = by_id["j/serverless"].figures
    assert isinstance(pay, ServerlessFigures)
    price = serverless_prices()["price_per_gb_second"]
    seconds = 2e-6 / (2 * price)  # the billed duration CostPerInference implies
    assert pay.billed_seconds_per_invocation == pytest.approx(seconds)
    assert by_id["j/serverless"].monthly_cost_at(50) == pytest.approx(50 * 60 * HOURS_PER_MONTH * 2e-6)
    # Traffic starts once a day after an idle hour: cold starts, each waiting ModelSetupTime.
    assert pay.cold_starts.per_month == round(HOURS_PER_MONTH / 4)
    assert pay.cold_starts.first_request_latency_ms_after_idle == pytest.approx(30 + 2000)
    assert 1 in by_id["j/serverless"].hours_over_latency_limit  # the cold start breaks the 100 ms limit


def test_the_document_keeps_the_printed_keys_in_their_order(estimate: CostEstimate) -> None:
    document = estimate.to_document()
    assert list(document) == [
        "JobName", "PriceSource", "Traffic", "MaxLatencyMs", "Estimates", "NotPriced", "BreakEven", "Assumptions"
    ]  # fmt: skip
    instance, serverless = document["Estimates"]
    assert list(instance) == [
        "RecommendationId", "EndpointConfiguration", "Kind", "UnitPricePerHour", "PriceSource",
        "TargetInvocationsPerInstance", "MinCapacity", "MaxCapacity", "InstancesByHour", "MonthlyCostFixedAtPeak",
        "MonthlyCost", "CapacityPerMinute", "LatencyMsByHour", "LatencyMsAtPeak", "HoursOverCapacity",
        "HoursOverLatencyLimit", "WithinLimits", "Rank",
    ]  # fmt: skip
    assert list(serverless)[:5] == [
        "RecommendationId", "EndpointConfiguration", "ColdStartsPerMonth", "ColdStartSeconds",
        "FirstRequestLatencyMsAfterIdle",
    ]  # fmt: skip
    assert serverless["MonthlyCostFixedAtPeak"] is None
    assert document["Traffic"]["InvocationsPerMonth"] == pytest.approx(325 * 60 * HOURS_PER_MONTH)
    # Plain JSON all the way down: lists, not tuples; no dataclass left in it.
    assert json.loads(json.dumps(document)) == document
    assert all(math.isfinite(v) for v in instance["LatencyMsByHour"] if v is not None)


@dataclass(frozen=True)
class Result:
    figure: float

    def to_document(self) -> dict[str, Any]:
        return {"Figure": self.figure}


def test_the_writer_prints_a_results_document_and_hands_the_view_the_result() -> None:
    seen: list[Any] = []

    def tables(data: Any) -> list[TableData]:
        seen.append(data)
        return [TableData("Result", [Column("Figure")], [[f"{data.figure:g}"]])]

    def shown(output: OutputFormat, query: str | None = None) -> str:
        stream = io.StringIO()
        Writer(output, Screen(stream), io.StringIO(), query=query).emit(Result(2.5), View(tables=tables))
        return stream.getvalue()

    assert json.loads(shown(OutputFormat.JSON)) == {"Figure": 2.5}
    assert seen == []  # the json path never asks the view
    assert shown(OutputFormat.CSV).splitlines() == ["Figure", "2.5"]
    assert seen == [Result(2.5)]  # the table's view got the dataclass itself
    assert json.loads(shown(OutputFormat.JSON, query="Figure")) == 2.5


@pytest.fixture
def ai_job(tmp_path: Path) -> RecommenderService:
    """A completed generative-AI recommendation job "r" on a workload "w" of 120 output tokens a request."""
    from ircli.backends.local import LocalBackend

    service = RecommenderService(LocalBackend(tmp_path / "state", speed="instant"))
    inline = json.dumps({"benchmark": {"type": "aiperf"}, "parameters": {"output_tokens_mean": 120, "concurrency": 4}})
    service.call(
        "CreateAIWorkloadConfig",
        {"AIWorkloadConfigName": "w", "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": inline}}},
    )
    service.call(
        "CreateAIRecommendationJob",
        {
            "AIRecommendationJobName": "r",
            "ModelSource": {"S3": {"S3Uri": "s3://bucket/mistralai/Mistral-7B-Instruct-v0.3/"}},
            "OutputConfig": {"S3OutputLocation": "s3://bucket/out"},
            "AIWorkloadConfigIdentifier": "w",
            "PerformanceTarget": {"Constraints": [{"Metric": "cost"}]},
            "RoleArn": "arn:aws:iam::123456789012:role/ExampleRole",
        },
    )
    return service


def test_an_ai_cost_estimate_is_one_core_call_returning_a_dataclass(ai_job: RecommenderService) -> None:
    from ircli.lib.ai_costs import TokenCost, TokenCostEstimate, cost_estimate

    found = cost_estimate(ai_job, "r", requests_per_minute=600, output_tokens=None)
    assert isinstance(found, TokenCostEstimate) and found.output_tokens_mean == 120  # the workload's mean
    assert found.options and all(isinstance(option, TokenCost) for option in found.options)
    assert [o.monthly for o in found.options] == sorted(o.monthly for o in found.options)
    document = found.to_document()
    assert list(document) == ["AIRecommendationJobName", "RequestsPerMinute", "OutputTokensMean", "Options"]
    assert document["Options"][0]["MonthlyCost"] == round(found.options[0].monthly, 2)
    assert cost_estimate(ai_job, "r", requests_per_minute=600, output_tokens=600).output_tokens_mean == 600


def test_an_ai_deployment_returns_what_it_made_as_a_dataclass(ai_job: RecommenderService) -> None:
    from ircli.lib.deploy_ai import AiDeployment, deploy

    made = deploy(ai_job, "r", rank=1, name="e", wait=True, timeout=60)
    assert isinstance(made, AiDeployment) and made.endpoint_name == "e" and made.endpoint_status == "InService"
    described = ai_job.call("DescribeEndpoint", {"EndpointName": "e"})
    assert described["EndpointArn"] == made.endpoint_arn and described["EndpointStatus"] == "InService"
    document = made.to_document()
    assert list(document)[:8] == [
        "ModelArn", "EndpointConfigArn", "EndpointArn", "EndpointName", "InstanceType", "InstanceCount",
        "CopyCountPerInstance", "EndpointStatus",
    ]  # fmt: skip
    # A component only where the recommendation puts more than one copy on an instance.
    assert ("InferenceComponentArn" in document) == (made.copy_count_per_instance > 1)


class RecordingService:
    """The calls a core function makes, answered from one job with an instance and a serverless option."""

    JOB: ClassVar[dict[str, Any]] = {
        "JobName": "j",
        "RoleArn": "arn:aws:iam::123456789012:role/r",
        "InputConfig": {"ModelName": "m"},
        "InferenceRecommendations": [
            {
                "RecommendationId": "j/a",
                "EndpointConfiguration": {"InstanceType": "ml.c5.large", "InitialInstanceCount": 1},
            },
            {
                "RecommendationId": "j/b",
                "EndpointConfiguration": {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
            },
        ],
    }

    def __init__(self) -> None:
        self.calls: list[str] = []

    def recommendation(self, job_name: str, *ids: str) -> dict[str, Any]:
        self.calls.append("recommendation")
        return next(r for r in self.describe_job(job_name)["InferenceRecommendations"] if r["RecommendationId"] in ids)

    def describe_job(self, job_name: str) -> dict[str, Any]:
        self.calls.append("DescribeInferenceRecommendationsJob")
        return self.JOB

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(operation)
        if operation == "DescribeModel":
            return {"ModelName": "m", "PrimaryContainer": {"Image": "image"}, "ExecutionRoleArn": "arn:role"}
        return {"DynamicScalingConfiguration": SCALING["j/instance"]["DynamicScalingConfiguration"]}


def test_a_recommendations_template_is_one_core_call_returning_the_typed_deployment() -> None:
    from ircli.errors import InputError
    from ircli.lib.iac import Deployment, Names, recommended_deployment

    service = RecordingService()
    options: dict[str, Any] = {"names": Names(), "model_name": None, "provisioned_concurrency": None}
    found = recommended_deployment(service, "j", ("a", "j/a"), objective={"MaxInvocationsPerMinute": 900}, **options)  # type: ignore[arg-type]
    assert isinstance(found, Deployment) and found.scaling is not None and found.scaling.max_capacity == 4
    assert found.endpoint_name == "j-a" and found.role_arn == "arn:role"
    assert service.calls[-2:] == ["DescribeModel", "GetScalingConfigurationRecommendation"]
    service.calls.clear()
    with pytest.raises(InputError, match="applies to instance recommendations"):
        recommended_deployment(service, "j", ("j/b",), objective={}, **options)  # type: ignore[arg-type]
    assert "GetScalingConfigurationRecommendation" not in service.calls
