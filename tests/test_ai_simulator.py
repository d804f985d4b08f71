"""The generative-AI inference recommendation APIs as the simulator answers them: workload configurations
(the service's checks of the inline AIPerf spec, the same locally), recommendation jobs (timeline, errors,
recommendations ranked by their goal, shaped as botocore defines them, deployable the documented way),
benchmark jobs (AIPerf's result document in the simulator's S3, read back through the core; their logs),
list filters and pagination, the migration of an older store; and a developer-guide script driven by real
boto3 against the served simulator, every answer walked against botocore's output shapes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

from ircli.lib.validation import request_violations
from ircli.simulator.exceptions import ResourceInUse, ResourceNotFound, SimulatorError, ValidationException
from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.shapes import walk

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"
MODEL_URI = "s3://DOC-EXAMPLE-BUCKET/models/meta-llama/Llama-3.1-8B-Instruct/"
MODEL = botocore.session.get_session().get_service_model("sagemaker")


def spec(**parameters: Any) -> str:
    return json.dumps({"benchmark": {"type": "aiperf"}, "parameters": parameters})


def workload_request(name: str = "w1", **parameters: Any) -> dict[str, Any]:
    parameters = parameters or {"prompt_input_tokens_mean": 550, "output_tokens_mean": 150}
    return {"AIWorkloadConfigName": name, "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": spec(**parameters)}}}


def job_request(name: str, goal: str = "cost", **extra: Any) -> dict[str, Any]:
    return {
        "AIRecommendationJobName": name,
        "ModelSource": {"S3": {"S3Uri": MODEL_URI}},
        "OutputConfig": {"S3OutputLocation": "s3://DOC-EXAMPLE-BUCKET/recommendations/"},
        "AIWorkloadConfigIdentifier": "w1",
        "PerformanceTarget": {"Constraints": [{"Metric": goal}]},
        "RoleArn": ROLE,
        **extra,
    }


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(tmp_path: Path, clock: Clock) -> Simulator:
    return Simulator(Store(tmp_path / "state"), clock=clock, speed="default")


def answer(sim: Simulator, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """Dispatch, and walk the answer against botocore's output shape."""
    response = sim.dispatch(operation, request)
    problems = walk(MODEL.operation_model(operation).output_shape, response)
    assert problems == [], f"{operation}: {problems}"
    return response


def finish(sim: Simulator, clock: Clock, operation: str, member: str, name: str) -> dict[str, Any]:
    """Move the clock on until the job has ended; its description then."""
    for _ in range(1000):
        described = answer(sim, operation, {member: name})
        if described[member.replace("Name", "Status")] not in ("InProgress", "Stopping"):
            return described
        clock.now += 5
    raise AssertionError(f"{name} never ended")


# -- workload configurations ------------------------------------------------------------------------------


def test_a_workload_config_is_created_described_listed_and_deleted(sim: Simulator) -> None:
    arn = answer(sim, "CreateAIWorkloadConfig", {**workload_request(), "Tags": [{"Key": "team", "Value": "a"}]})
    assert arn["AIWorkloadConfigArn"] == "arn:aws:sagemaker:us-east-1:123456789012:ai-workload-config/w1"
    described = answer(sim, "DescribeAIWorkloadConfig", {"AIWorkloadConfigName": "w1"})
    assert (
        json.loads(described["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"])["parameters"]["output_tokens_mean"] == 150
    )
    assert described["Tags"] == [{"Key": "team", "Value": "a"}]
    with pytest.raises(ResourceInUse):
        sim.dispatch("CreateAIWorkloadConfig", workload_request())
    assert [c["AIWorkloadConfigName"] for c in answer(sim, "ListAIWorkloadConfigs", {})["AIWorkloadConfigs"]] == ["w1"]
    answer(sim, "DeleteAIWorkloadConfig", {"AIWorkloadConfigName": "w1"})
    with pytest.raises(ResourceNotFound):
        sim.dispatch("DescribeAIWorkloadConfig", {"AIWorkloadConfigName": "w1"})


def test_a_yaml_spec_and_a_dataset_are_accepted(sim: Simulator) -> None:
    yaml_spec = "benchmark:\n  type: aiperf\nparameters:\n  prompt_input_tokens_mean: 1000\n  concurrency: [1, 10]\n"
    sim.dispatch(
        "CreateAIWorkloadConfig",
        {"AIWorkloadConfigName": "y", "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": yaml_spec}}},
    )
    dataset = {
        "InputDataConfig": [{"ChannelName": "prompts", "DataSource": {"S3DataSource": {"S3Uri": "s3://b/d.jsonl"}}}]
    }
    sim.dispatch("CreateAIWorkloadConfig", {"AIWorkloadConfigName": "d", "DatasetConfig": dataset})
    with pytest.raises(ValidationException, match="AIWorkloadConfigs"):
        sim.dispatch("CreateAIWorkloadConfig", {"AIWorkloadConfigName": "neither"})


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"benchmark": {"type": "genai-perf"}, "parameters": {}}, "benchmark type 'genai-perf' is not supported"),
        ({"benchmark": {"type": "aiperf"}, "parameters": {}, "extra": 1}, "unknown key 'extra'"),
        ({"benchmark": {"type": "aiperf", "version": "1"}}, "unknown key 'version'"),
        ({"benchmark": {"type": "aiperf"}, "parameters": {"concurency": 4}}, "did you mean concurrency"),
        ({"benchmark": {"type": "aiperf"}, "parameters": {"concurrency": 0}}, "less than the minimum of 1"),
        (
            {"benchmark": {"type": "aiperf"}, "parameters": {"concurrency": [1, 5000]}},
            "greater than the maximum of 1024",
        ),
        ({"benchmark": {"type": "aiperf"}, "parameters": {"output_tokens_mean": 2.5}}, "must be an integer"),
        ({"benchmark": {"type": "aiperf"}, "parameters": {"streaming": "yes"}}, "must be true or false"),
        ({"benchmark": {"type": "aiperf"}, "parameters": {"ttft_sla_ms": 200}}, "ttft_sla_ms requires streaming"),
        ({"benchmark": {"type": "aiperf"}, "parameters": {"search_stat": "p42"}}, "search_stat 'p42'"),
        ({"parameters": {}}, "'benchmark' with a 'type'"),
    ],
)
def test_the_service_refuses_a_spec_it_would_reject_and_ircli_refuses_it_locally(
    sim: Simulator, document: dict[str, Any], words: str
) -> None:
    request = {"AIWorkloadConfigName": "bad", "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": json.dumps(document)}}}
    local = request_violations("CreateAIWorkloadConfig", request)
    assert any(words in violation.message for violation in local), local
    assert all(violation.path[:3] == ("AIWorkloadConfigs", "WorkloadSpec", "Inline") for violation in local)
    with pytest.raises(ValidationException, match=words.replace("(", r"\(")):
        sim.dispatch("CreateAIWorkloadConfig", request)
    # Even a caller that says it has validated gets the service's refusal.
    with pytest.raises(ValidationException):
        sim.dispatch("CreateAIWorkloadConfig", request, validated=True)


def test_a_spec_that_is_neither_json_nor_yaml_is_refused(sim: Simulator) -> None:
    request = {"AIWorkloadConfigName": "bad", "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": "{not: [valid"}}}
    with pytest.raises(ValidationException, match="neither JSON nor YAML"):
        sim.dispatch("CreateAIWorkloadConfig", request)


# -- recommendation jobs ------------------------------------------------------------------------------------


def test_a_recommendation_job_runs_in_progress_then_completed_and_deletes_only_when_ended(
    sim: Simulator, clock: Clock
) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    arn = answer(sim, "CreateAIRecommendationJob", job_request("r1"))["AIRecommendationJobArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:ai-recommendation-job/r1"
    job = answer(sim, "DescribeAIRecommendationJob", {"AIRecommendationJobName": "r1"})
    assert job["AIRecommendationJobStatus"] == "InProgress" and "Recommendations" not in job and "EndTime" not in job
    with pytest.raises(ResourceInUse):
        sim.dispatch("CreateAIRecommendationJob", job_request("r1"))
    with pytest.raises(ValidationException, match="Stop it first"):
        sim.dispatch("DeleteAIRecommendationJob", {"AIRecommendationJobName": "r1"})
    with pytest.raises(ResourceInUse, match="in use by AI recommendation job r1"):
        sim.dispatch("DeleteAIWorkloadConfig", {"AIWorkloadConfigName": "w1"})
    done = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "r1")
    assert done["AIRecommendationJobStatus"] == "Completed" and done["EndTime"] > done["CreationTime"]
    assert done["Recommendations"]
    answer(sim, "DeleteAIRecommendationJob", {"AIRecommendationJobName": "r1"})
    with pytest.raises(ResourceNotFound):
        sim.dispatch("DescribeAIRecommendationJob", {"AIRecommendationJobName": "r1"})
    with pytest.raises(ResourceNotFound):
        sim.dispatch("StopAIRecommendationJob", {"AIRecommendationJobName": "r1"})


def test_a_stopped_job_goes_stopping_then_stopped_and_writes_nothing(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    sim.dispatch("CreateAIRecommendationJob", job_request("r2"))
    answer(sim, "StopAIRecommendationJob", {"AIRecommendationJobName": "r2"})
    assert (
        sim.dispatch("DescribeAIRecommendationJob", {"AIRecommendationJobName": "r2"})["AIRecommendationJobStatus"]
        == "Stopping"
    )
    with pytest.raises(ValidationException, match="Stopping and cannot be stopped"):
        sim.dispatch("StopAIRecommendationJob", {"AIRecommendationJobName": "r2"})
    stopped = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "r2")
    assert stopped["AIRecommendationJobStatus"] == "Stopped" and "Recommendations" not in stopped
    clock.now += 100_000
    assert sim.objects.keys("DOC-EXAMPLE-BUCKET", "recommendations/r2") == []


def test_a_model_that_fits_no_instance_asked_fails_the_job_saying_why(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    request = job_request("big", ComputeSpec={"InstanceTypes": ["ml.g5.2xlarge", "ml.g6.2xlarge"]})
    request["ModelSource"] = {"S3": {"S3Uri": "s3://b/meta-llama/Llama-3.1-70B-Instruct/"}}
    sim.dispatch("CreateAIRecommendationJob", request)
    failed = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "big")
    assert failed["AIRecommendationJobStatus"] == "Failed"
    assert "Llama-3.1-70B" in failed["FailureReason"] and "weights take" in failed["FailureReason"]


def test_the_simulate_tag_fails_a_job(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    sim.dispatch("CreateAIRecommendationJob", job_request("f", Tags=[{"Key": "ircli:simulate", "Value": "fail-job"}]))
    failed = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "f")
    assert failed["AIRecommendationJobStatus"] == "Failed" and "simulated" in failed["FailureReason"]


def test_references_to_what_does_not_exist_are_refused(sim: Simulator) -> None:
    with pytest.raises(ResourceNotFound):
        sim.dispatch("CreateAIRecommendationJob", job_request("r"))
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    request = job_request("r", OutputConfig={"S3OutputLocation": "s3://b/o/", "ModelPackageGroupIdentifier": "nope"})
    with pytest.raises(ResourceNotFound, match="nope"):
        sim.dispatch("CreateAIRecommendationJob", request)
    benchmark = {
        "AIBenchmarkJobName": "b",
        "BenchmarkTarget": {"Endpoint": {"Identifier": "no-such-endpoint"}},
        "OutputConfig": {"S3OutputLocation": "s3://b/bench/"},
        "AIWorkloadConfigIdentifier": "arn:aws:sagemaker:us-east-1:123456789012:ai-workload-config/w1",
        "RoleArn": ROLE,
    }
    with pytest.raises(ResourceNotFound, match="no-such-endpoint"):
        sim.dispatch("CreateAIBenchmarkJob", benchmark)


def _perf(recommendation: dict[str, Any], stat: str = "average") -> dict[str, float]:
    return {e["Metric"]: float(e["Value"]) for e in recommendation["ExpectedPerformance"] if e["Stat"] == stat}


def test_p90s_follow_the_token_distributions(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request("spread", prompt_input_tokens_mean=550,
                 prompt_input_tokens_stddev=150, output_tokens_mean=150, output_tokens_stddev=50))  # fmt: skip
    sim.dispatch(
        "CreateAIWorkloadConfig", workload_request("fixed", prompt_input_tokens_mean=550, output_tokens_mean=150)
    )
    for name in ("spread", "fixed"):
        request = {
            **job_request(name, ComputeSpec={"InstanceTypes": ["ml.g6e.2xlarge"]}),
            "AIWorkloadConfigIdentifier": name,
        }
        sim.dispatch("CreateAIRecommendationJob", request)
    spread = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "spread")["Recommendations"][
        0
    ]
    fixed = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "fixed")["Recommendations"][0]
    assert _perf(spread, "p90")["ttft-ms"] > _perf(spread)["ttft-ms"] * 1.2
    assert _perf(spread, "p90")["request-latency-ms"] > _perf(spread)["request-latency-ms"] * 1.3
    assert _perf(fixed, "p90")["ttft-ms"] == _perf(fixed)["ttft-ms"]


@pytest.mark.parametrize(
    ("goal", "metric", "best"), [("ttft-ms", "ttft-ms", min), ("throughput", "throughput", max), ("cost", "cost", min)]
)
def test_recommendations_are_ranked_by_the_goal_and_shaped_as_the_service_returns_them(
    sim: Simulator, clock: Clock, goal: str, metric: str, best: Any
) -> None:
    sim.dispatch(
        "CreateAIWorkloadConfig", workload_request(prompt_input_tokens_mean=550, output_tokens_mean=150, concurrency=8)
    )
    types = ["ml.g5.2xlarge", "ml.g6e.12xlarge", "ml.p4d.24xlarge"]
    sim.dispatch("CreateAIRecommendationJob", job_request("g", goal, ComputeSpec={"InstanceTypes": types}))
    recommendations = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "g")[
        "Recommendations"
    ]
    values = [_perf(r)[metric] for r in recommendations]
    assert values[0] == best(values) and values == sorted(values, reverse=best is max)
    assert {r["DeploymentConfiguration"]["InstanceType"] for r in recommendations} == set(types)
    for recommendation in recommendations:
        assert "OptimizationDetails" not in recommendation  # OptimizeModel was not asked for
        assert {e["Unit"] for e in recommendation["ExpectedPerformance"] if e["Metric"] == "ttft-ms"} == {"ms"}
        deployment = recommendation["DeploymentConfiguration"]
        instance = recommendation["ModelDetails"]["InstanceDetails"][0]
        assert instance["CopyCountPerInstance"] == deployment["CopyCountPerInstance"] >= 1
        tp = int(deployment["EnvironmentVariables"]["OPTION_TENSOR_PARALLEL_DEGREE"])
        assert (
            tp * deployment["CopyCountPerInstance"]
            <= {"ml.g5.2xlarge": 1, "ml.g6e.12xlarge": 4, "ml.p4d.24xlarge": 8}[deployment["InstanceType"]]
        )
        package = sim.dispatch(
            "DescribeModelPackage", {"ModelPackageName": recommendation["ModelDetails"]["ModelPackageArn"]}
        )
        names = [s["Name"] for s in package["AdditionalInferenceSpecifications"]]
        assert recommendation["ModelDetails"]["InferenceSpecificationName"] in names
        assert deployment["MinCpuMemoryRequiredInMb"] > 15 * 1024  # the 8B model's 15 GiB of weights pass through


def test_optimisation_adds_what_the_goal_calls_for(sim: Simulator, clock: Clock) -> None:
    sim.dispatch(
        "CreateAIWorkloadConfig", workload_request(prompt_input_tokens_mean=550, output_tokens_mean=150, concurrency=1)
    )
    for name, goal, kind in (("t", "ttft-ms", "KernelTuning"), ("s", "throughput", "SpeculativeDecoding")):
        request = job_request(name, goal, OptimizeModel=True, ComputeSpec={"InstanceTypes": ["ml.g6e.2xlarge"]})
        sim.dispatch("CreateAIRecommendationJob", request)
        recommendations = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", name)[
            "Recommendations"
        ]
        optimized = [r for r in recommendations if "OptimizationDetails" in r]
        plain = [r for r in recommendations if "OptimizationDetails" not in r]
        assert optimized and plain and optimized[0]["OptimizationDetails"][0]["OptimizationType"] == kind
        assert recommendations[0] is optimized[0]  # the optimisation wins its own goal
        assert (
            _perf(optimized[0])[{"ttft-ms": "ttft-ms", "throughput": "throughput"}[goal]]
            != _perf(plain[0])[goal if goal != "ttft-ms" else "ttft-ms"]
        )


def test_instance_types_are_chosen_when_none_is_asked(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    sim.dispatch("CreateAIRecommendationJob", job_request("c"))
    recommendations = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "c")[
        "Recommendations"
    ]
    chosen = {r["DeploymentConfiguration"]["InstanceType"] for r in recommendations}
    assert 1 <= len(chosen) <= 3 and all(t.startswith("ml.") for t in chosen)


def test_a_recommendation_deploys_the_documented_way_and_a_benchmark_measures_it(sim: Simulator, clock: Clock) -> None:
    sim.dispatch(
        "CreateAIWorkloadConfig",
        workload_request(prompt_input_tokens_mean=550, output_tokens_mean=150, concurrency=[1, 16], streaming=True),
    )
    sim.dispatch(
        "CreateAIRecommendationJob", job_request("d", "cost", ComputeSpec={"InstanceTypes": ["ml.g6e.2xlarge"]})
    )
    best = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "d")["Recommendations"][0]
    details, deployment = best["ModelDetails"], best["DeploymentConfiguration"]
    container = {
        "ModelPackageName": details["ModelPackageArn"],
        "InferenceSpecificationName": details["InferenceSpecificationName"],
    }
    sim.dispatch("CreateModel", {"ModelName": "llm", "ExecutionRoleArn": ROLE, "PrimaryContainer": container})
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "llm",
        "InstanceType": deployment["InstanceType"],
        "InitialInstanceCount": deployment["InstanceCount"],
    }
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": "llm", "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": "llm", "EndpointConfigName": "llm"})
    benchmark = {
        "AIBenchmarkJobName": "b1",
        "BenchmarkTarget": {"Endpoint": {"Identifier": "llm"}},
        "OutputConfig": {"S3OutputLocation": "s3://DOC-EXAMPLE-BUCKET/benchmarks"},
        "AIWorkloadConfigIdentifier": "w1",
        "RoleArn": ROLE,
    }
    with pytest.raises(ValidationException, match="Creating"):
        sim.dispatch("CreateAIBenchmarkJob", benchmark)
    clock.now += 3600
    answer(sim, "CreateAIBenchmarkJob", benchmark)
    assert sim.objects.keys("DOC-EXAMPLE-BUCKET", "benchmarks/b1") == []  # nothing until the job ends
    with pytest.raises(ResourceInUse, match="AI benchmark job b1"):
        sim.dispatch("DeleteAIWorkloadConfig", {"AIWorkloadConfigName": "w1"})
    done = finish(sim, clock, "DescribeAIBenchmarkJob", "AIBenchmarkJobName", "b1")
    assert done["AIBenchmarkJobStatus"] == "Completed"
    assert done["OutputConfig"]["CloudWatchLogs"][0]["LogStreamName"] == "b1/aiperf"
    keys = sim.objects.keys("DOC-EXAMPLE-BUCKET", "benchmarks/b1")
    assert keys == [f"benchmarks/b1/concurrency_{c}/profile_export_aiperf.json" for c in (1, 16)] + [
        "benchmarks/b1/profile_export_aiperf.json"
    ]
    low = json.loads(
        sim.objects.get("DOC-EXAMPLE-BUCKET", "benchmarks/b1/concurrency_1/profile_export_aiperf.json") or b""
    )
    high = json.loads(
        sim.objects.get("DOC-EXAMPLE-BUCKET", "benchmarks/b1/concurrency_16/profile_export_aiperf.json") or b""
    )
    for block in ("time_to_first_token", "inter_token_latency", "request_latency"):
        stats = low[block]
        assert (
            stats["unit"] == "ms"
            and stats["min"] <= stats["p50"] <= stats["p90"] <= stats["p95"] <= stats["p99"] <= stats["max"]
        )
        assert stats["count"] == 100
    # Measured as recommended: the benchmark's TTFT at the recommendation's concurrency is what it expected.
    expected = _perf(best)
    assert abs(high["time_to_first_token"]["avg"] - expected["ttft-ms"]) / expected["ttft-ms"] < 0.15
    assert high["output_token_throughput"]["avg"] > 4 * low["output_token_throughput"]["avg"]
    assert high["inter_token_latency"]["avg"] > low["inter_token_latency"]["avg"]
    events = sim.dispatch(
        "GetLogEvents", {"logGroupName": "/aws/sagemaker/AIBenchmarkJobs", "logStreamName": "b1/aiperf"}
    )["events"]
    messages = [e["message"] for e in events]
    assert any("concurrency 16" in m and "TTFT avg" in m for m in messages) and messages[-1].startswith(
        "Job b1 Completed"
    )
    listed = answer(sim, "ListAIBenchmarkJobs", {})["AIBenchmarkJobs"]
    assert listed[0]["AIWorkloadConfigName"] == "w1"

    from ircli.backends.local import LocalBackend
    from ircli.lib.ai_results import benchmark_results
    from ircli.lib.service import RecommenderService

    backend = LocalBackend.__new__(LocalBackend)
    backend.simulator, backend.time_scale = sim, 0.0
    results = benchmark_results(RecommenderService(backend), "b1")
    assert sorted(results.documents) == [1, 16]
    assert results.metric(16, "time_to_first_token", "p99") == high["time_to_first_token"]["p99"]
    assert results.location == "s3://DOC-EXAMPLE-BUCKET/benchmarks/b1/profile_export_aiperf.json"


def test_a_benchmark_of_an_endpoint_without_a_gpu_fails_saying_why(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    sim.dispatch(
        "CreateEndpointConfig",
        {
            "EndpointConfigName": "cpu",
            "ProductionVariants": [
                {
                    "VariantName": "v",
                    "ModelName": "churn-xgboost",
                    "InstanceType": "ml.c5.xlarge",
                    "InitialInstanceCount": 1,
                }
            ],
        },
    )
    sim.dispatch("CreateEndpoint", {"EndpointName": "cpu", "EndpointConfigName": "cpu"})
    clock.now += 3600
    request = {
        "AIBenchmarkJobName": "cpu",
        "BenchmarkTarget": {"Endpoint": {"Identifier": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/cpu"}},
        "OutputConfig": {"S3OutputLocation": "s3://b/bench/"},
        "AIWorkloadConfigIdentifier": "w1",
        "RoleArn": ROLE,
    }
    sim.dispatch("CreateAIBenchmarkJob", request)
    failed = finish(sim, clock, "DescribeAIBenchmarkJob", "AIBenchmarkJobName", "cpu")
    assert failed["AIBenchmarkJobStatus"] == "Failed" and "ml.c5.xlarge" in failed["FailureReason"]


def test_listings_filter_sort_and_page_as_botocore_models_them(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    for index, name in enumerate(("alpha", "beta", "gamma", "delta")):
        sim.dispatch("CreateAIRecommendationJob", job_request(name))
        clock.now += 0.1  # less than the stop's 60 s at the default speed (0.67 s): beta is still Stopping
        if index == 1:
            sim.dispatch("StopAIRecommendationJob", {"AIRecommendationJobName": name})
    listed = answer(sim, "ListAIRecommendationJobs", {})["AIRecommendationJobs"]
    assert [j["AIRecommendationJobName"] for j in listed] == ["delta", "gamma", "beta", "alpha"]  # newest first
    by_name = answer(sim, "ListAIRecommendationJobs", {"SortBy": "Name", "SortOrder": "Ascending"})
    assert [j["AIRecommendationJobName"] for j in by_name["AIRecommendationJobs"]] == [
        "alpha",
        "beta",
        "delta",
        "gamma",
    ]
    stopping = answer(sim, "ListAIRecommendationJobs", {"StatusEquals": "Stopping"})["AIRecommendationJobs"]
    assert [j["AIRecommendationJobName"] for j in stopping] == ["beta"]
    assert [
        j["AIRecommendationJobName"]
        for j in answer(sim, "ListAIRecommendationJobs", {"NameContains": "TA"})["AIRecommendationJobs"]
    ] == ["delta", "beta"]
    pages, token = [], None
    while True:
        page = answer(sim, "ListAIRecommendationJobs", {"MaxResults": 3, **({"NextToken": token} if token else {})})
        pages.append([j["AIRecommendationJobName"] for j in page["AIRecommendationJobs"]])
        token = page.get("NextToken")
        if not token:
            break
    assert pages == [["delta", "gamma", "beta"], ["alpha"]]
    with pytest.raises(ValidationException, match="pagination token"):
        sim.dispatch("ListAIRecommendationJobs", {"NextToken": token or "bogus"})


def test_tags_of_the_new_resources_are_managed_like_any_other(sim: Simulator) -> None:
    arn = sim.dispatch("CreateAIWorkloadConfig", workload_request())["AIWorkloadConfigArn"]
    sim.dispatch("AddTags", {"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]})
    assert sim.dispatch("ListTags", {"ResourceArn": arn})["Tags"] == [{"Key": "k", "Value": "v"}]
    sim.dispatch("DeleteAIWorkloadConfig", {"AIWorkloadConfigName": "w1"})
    with pytest.raises(ResourceNotFound):
        sim.dispatch("ListTags", {"ResourceArn": arn})


def test_a_store_of_layout_3_gains_the_new_tables(tmp_path: Path) -> None:
    from ircli.simulator.layouts import MIGRATIONS, SCHEMA_VERSION, apply

    tmp_path.chmod(0o700)
    connection = sqlite3.connect(tmp_path / "state.db")
    for layout in MIGRATIONS[:3]:
        apply(connection, layout)
    connection.execute("PRAGMA user_version=3")
    connection.commit()
    connection.close()
    sim = Simulator(Store(tmp_path), speed="instant")
    assert sim.store.read().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    assert sim.dispatch("ListAIWorkloadConfigs", {})["AIWorkloadConfigs"][0]["AIWorkloadConfigName"] == "w1"


def test_errors_carry_the_service_codes(sim: Simulator) -> None:
    for operation, member in (
        ("DescribeAIRecommendationJob", "AIRecommendationJobName"),
        ("DescribeAIBenchmarkJob", "AIBenchmarkJobName"),
        ("DeleteAIBenchmarkJob", "AIBenchmarkJobName"),
        ("StopAIBenchmarkJob", "AIBenchmarkJobName"),
        ("DeleteAIWorkloadConfig", "AIWorkloadConfigName"),
    ):
        with pytest.raises(SimulatorError) as raised:
            sim.dispatch(operation, {member: "missing"})
        assert raised.value.code == "ResourceNotFound"


# -- served, with real boto3 ----------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[RunningServer]:
    simulator = Simulator(Store(tmp_path / "served"), clock=clock, speed="default", region="us-west-2")
    running, _ = serve_in_thread(simulator)
    yield running
    running.shutdown()


def test_a_developer_guide_script_runs_unmodified_against_the_served_simulator(
    server: RunningServer, clock: Clock
) -> None:
    from tests.test_services import Checked

    client = Checked(
        boto3.client(
            "sagemaker",
            endpoint_url=server.url,
            region_name="us-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )
    )
    workload_spec = {
        "benchmark": {"type": "aiperf"},
        "parameters": {
            "prompt_input_tokens_mean": 550,
            "prompt_input_tokens_stddev": 150,
            "output_tokens_mean": 150,
            "output_tokens_stddev": 50,
        },
    }
    arn = client.create_ai_workload_config(
        AIWorkloadConfigName="my-workload-config",
        AIWorkloadConfigs={"WorkloadSpec": {"Inline": json.dumps(workload_spec)}},
    )["AIWorkloadConfigArn"]
    assert arn.startswith("arn:aws:sagemaker:us-west-2:")
    client.create_ai_workload_config(
        AIWorkloadConfigName="my-dataset-workload",
        DatasetConfig={
            "InputDataConfig": [
                {
                    "ChannelName": "prompts",
                    "DataSource": {"S3DataSource": {"S3Uri": "s3://DOC-EXAMPLE-BUCKET/datasets/prompts.jsonl"}},
                }
            ]
        },
    )
    with pytest.raises(client.exceptions.ResourceInUse):
        client.create_ai_workload_config(
            AIWorkloadConfigName="my-workload-config",
            AIWorkloadConfigs={"WorkloadSpec": {"Inline": json.dumps(workload_spec)}},
        )
    bad = {"benchmark": {"type": "locust"}, "parameters": {}}
    with pytest.raises(client.exceptions.ClientError, match="ValidationException"):
        client.create_ai_workload_config(
            AIWorkloadConfigName="bad", AIWorkloadConfigs={"WorkloadSpec": {"Inline": json.dumps(bad)}}
        )
    for name, goal, optimize in (("cost-job", "cost", False), ("ttft-job", "ttft-ms", True)):
        client.create_ai_recommendation_job(
            AIRecommendationJobName=name,
            ModelSource={"S3": {"S3Uri": MODEL_URI}},
            OutputConfig={"S3OutputLocation": "s3://DOC-EXAMPLE-BUCKET/recommendations/"},
            PerformanceTarget={"Constraints": [{"Metric": goal}]},
            AIWorkloadConfigIdentifier="my-workload-config",
            RoleArn=ROLE,
            OptimizeModel=optimize,
            ComputeSpec={"InstanceTypes": ["ml.g5.12xlarge", "ml.g6e.2xlarge"]},
        )
    client.create_ai_recommendation_job(
        **{**job_request("stopped-job"), "AIWorkloadConfigIdentifier": "my-workload-config"}
    )
    client.stop_ai_recommendation_job(AIRecommendationJobName="stopped-job")
    clock.now += 3600  # the simulator's clock: the jobs run their course
    assert (
        client.describe_ai_recommendation_job(AIRecommendationJobName="stopped-job")["AIRecommendationJobStatus"]
        == "Stopped"
    )
    ttft = client.describe_ai_recommendation_job(AIRecommendationJobName="ttft-job")
    assert ttft["AIRecommendationJobStatus"] == "Completed"
    assert any(r.get("OptimizationDetails") for r in ttft["Recommendations"])
    best = client.describe_ai_recommendation_job(AIRecommendationJobName="cost-job")["Recommendations"][0]
    for entry in best["ExpectedPerformance"]:
        assert isinstance(entry["Value"], str) and float(entry["Value"]) > 0
    client.create_model(
        ModelName="my-llm",
        ExecutionRoleArn=ROLE,
        PrimaryContainer={
            "ModelPackageName": best["ModelDetails"]["ModelPackageArn"],
            "InferenceSpecificationName": best["ModelDetails"]["InferenceSpecificationName"],
        },
    )
    deployment = best["DeploymentConfiguration"]
    client.create_endpoint_config(
        EndpointConfigName="my-llm-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "my-llm",
                "InstanceType": deployment["InstanceType"],
                "InitialInstanceCount": deployment["InstanceCount"],
            }
        ],
    )
    client.create_endpoint(EndpointName="my-llm-endpoint", EndpointConfigName="my-llm-config")
    clock.now += 600
    client.client.get_waiter("endpoint_in_service").wait(EndpointName="my-llm-endpoint", WaiterConfig={"Delay": 1})
    client.create_ai_benchmark_job(
        AIBenchmarkJobName="my-benchmark",
        BenchmarkTarget={"Endpoint": {"Identifier": "my-llm-endpoint"}},
        OutputConfig={"S3OutputLocation": "s3://DOC-EXAMPLE-BUCKET/benchmarks/"},
        AIWorkloadConfigIdentifier=arn,
        RoleArn=ROLE,
    )
    client.create_ai_benchmark_job(
        AIBenchmarkJobName="stopped-benchmark",
        BenchmarkTarget={"Endpoint": {"Identifier": "my-llm-endpoint"}},
        OutputConfig={"S3OutputLocation": "s3://DOC-EXAMPLE-BUCKET/benchmarks/"},
        AIWorkloadConfigIdentifier="my-workload-config",
        RoleArn=ROLE,
    )
    assert client.describe_ai_benchmark_job(AIBenchmarkJobName="my-benchmark")["AIBenchmarkJobStatus"] == "InProgress"
    client.stop_ai_benchmark_job(AIBenchmarkJobName="stopped-benchmark")
    with pytest.raises(client.exceptions.ResourceInUse):  # an active benchmark uses it
        client.delete_ai_workload_config(AIWorkloadConfigName="my-workload-config")
    clock.now += 3600
    assert client.describe_ai_benchmark_job(AIBenchmarkJobName="my-benchmark")["AIBenchmarkJobStatus"] == "Completed"
    assert [
        j["AIBenchmarkJobName"] for j in client.list_ai_benchmark_jobs(StatusEquals="Completed")["AIBenchmarkJobs"]
    ] == ["my-benchmark"]
    names = [
        j["AIRecommendationJobName"]
        for j in client.list_ai_recommendation_jobs(SortBy="Name", SortOrder="Ascending")["AIRecommendationJobs"]
    ]
    assert names == ["cost-job", "stopped-job", "ttft-job"]
    assert len(client.list_ai_workload_configs(MaxResults=1)["AIWorkloadConfigs"]) == 1
    with pytest.raises(client.exceptions.ClientError, match="ValidationException"):
        client.stop_ai_recommendation_job(AIRecommendationJobName="cost-job")  # Completed: nothing to stop
    with pytest.raises(client.exceptions.ResourceNotFound):
        client.describe_ai_benchmark_job(AIBenchmarkJobName="missing")
    logs = Checked(
        boto3.client(
            "logs", endpoint_url=server.url, region_name="us-west-2", aws_access_key_id="t", aws_secret_access_key="t"
        )
    )
    stream = client.describe_ai_benchmark_job(AIBenchmarkJobName="my-benchmark")["OutputConfig"]["CloudWatchLogs"][0]
    group = stream["LogGroupArn"].split(":log-group:")[1]
    events = logs.get_log_events(logGroupName=group, logStreamName=stream["LogStreamName"], startFromHead=True)[
        "events"
    ]
    assert events[0]["message"] == "AI benchmark job my-benchmark created." and "Completed" in events[-1]["message"]
    assert [s["logStreamName"] for s in logs.describe_log_streams(logGroupName=group)["logStreams"]] == [
        "my-benchmark/aiperf",
        "stopped-benchmark/aiperf",
    ]
    client.delete_ai_benchmark_job(AIBenchmarkJobName="my-benchmark")
    client.delete_ai_benchmark_job(AIBenchmarkJobName="stopped-benchmark")
    client.delete_ai_recommendation_job(AIRecommendationJobName="stopped-job")
    client.delete_ai_recommendation_job(AIRecommendationJobName="cost-job")
    client.delete_ai_recommendation_job(AIRecommendationJobName="ttft-job")
    client.delete_ai_workload_config(AIWorkloadConfigName="my-workload-config")
    client.describe_ai_workload_config(AIWorkloadConfigName="my-dataset-workload")
    client.delete_ai_workload_config(AIWorkloadConfigName="my-dataset-workload")
    ai = {o for o in client.operations if "AI" in o}
    assert ai == {
        o for o in MODEL.operation_names if "AIWorkload" in o or "AIRecommendation" in o or "AIBenchmark" in o
    }


def test_lora_adapters_are_detailed_by_package_and_by_s3_location(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    adapters = {"S3Uris": [{"AdapterId": "support-bot", "S3Uri": "s3://b/adapters/support-bot/"}]}
    sim.dispatch("CreateAIRecommendationJob", job_request("lora", AdapterSource=adapters))
    job = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "lora")
    assert job["AdapterSource"] == adapters
    details = job["Recommendations"][0]["AdapterDetails"]
    assert details["S3Uris"] == adapters["S3Uris"]
    (registered,) = details["ModelPackageArns"]
    package = sim.dispatch("DescribeModelPackage", {"ModelPackageName": registered["ModelPackageArn"]})
    assert registered["AdapterId"] == "support-bot"
    assert package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == "s3://b/adapters/support-bot/"
    # Given as a package, the adapter's S3 location comes from the registry.
    by_package = {"ModelPackageArns": [{"AdapterId": "again", "ModelPackageArn": registered["ModelPackageArn"]}]}
    sim.dispatch("CreateAIRecommendationJob", job_request("lora2", AdapterSource=by_package))
    again = finish(sim, clock, "DescribeAIRecommendationJob", "AIRecommendationJobName", "lora2")
    assert again["Recommendations"][0]["AdapterDetails"]["S3Uris"] == [
        {"AdapterId": "again", "S3Uri": "s3://b/adapters/support-bot/"}
    ]


def test_the_simulate_tag_refuses_a_create_as_an_account_at_its_limit(sim: Simulator) -> None:
    limited = [{"Key": "ircli:simulate", "Value": "limit-exceeded"}]
    with pytest.raises(SimulatorError) as raised:
        sim.dispatch("CreateAIWorkloadConfig", {**workload_request(), "Tags": limited})
    assert raised.value.code == "ResourceLimitExceeded"
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    with pytest.raises(SimulatorError) as raised:
        sim.dispatch("CreateAIRecommendationJob", job_request("x", Tags=limited))
    assert raised.value.code == "ResourceLimitExceeded"
    assert sim.dispatch("ListAIRecommendationJobs", {})["AIRecommendationJobs"] == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"PerformanceTarget": {"Constraints": [{"Metric": "cost"}, {"Metric": "ttft-ms"}]}},
            ("PerformanceTarget", "Constraints"),
        ),
        ({"PerformanceTarget": {"Constraints": []}}, ("PerformanceTarget", "Constraints")),
        ({"ComputeSpec": {"InstanceTypes": ["ml.g5.2xlarge", "ml.g5.2xlarge"]}}, ("ComputeSpec", "InstanceTypes", 1)),
        ({"ModelSource": {}}, ("ModelSource", "S3", "S3Uri")),
        ({"OutputConfig": {"ModelPackageGroupIdentifier": "g"}}, ("OutputConfig", "S3OutputLocation")),
    ],
)
def test_a_recommendation_job_the_service_would_refuse_is_refused_locally_and_by_the_simulator(
    sim: Simulator, change: dict[str, Any], path: tuple[Any, ...]
) -> None:
    sim.dispatch("CreateAIWorkloadConfig", workload_request())
    request = {**job_request("refused"), **change}
    assert path in [v.path for v in request_violations("CreateAIRecommendationJob", request)]
    with pytest.raises(ValidationException):
        sim.dispatch("CreateAIRecommendationJob", request)


def test_a_benchmark_needs_an_endpoint_to_measure() -> None:
    request = {
        "AIBenchmarkJobName": "b",
        "BenchmarkTarget": {},
        "OutputConfig": {"S3OutputLocation": "s3://b/o/"},
        "AIWorkloadConfigIdentifier": "w",
        "RoleArn": ROLE,
    }
    assert ("BenchmarkTarget", "Endpoint") in [v.path for v in request_violations("CreateAIBenchmarkJob", request)]


def test_a_request_rate_keeps_fewer_requests_in_flight_than_the_concurrency_ceiling(
    sim: Simulator, clock: Clock
) -> None:
    from ircli.lib.workload_spec import workload
    from ircli.simulator.sagemaker import aiperf_results, llm_perf
    from ircli.simulator.sagemaker.gpus import gpu_instance
    from ircli.simulator.sagemaker.llm_models import KNOWN

    instance = gpu_instance("ml.g6e.2xlarge")
    assert instance is not None
    deployment = llm_perf.Deployment(KNOWN["meta-llama/Llama-3.1-8B"], instance, 1, 1)
    slow = workload(spec(concurrency=64, request_rate=1.0, request_count=50, streaming=True))
    closed = workload(spec(concurrency=64, request_count=50, streaming=True))
    flight = aiperf_results.in_flight(deployment, slow, 64)
    assert 1 <= flight < 16  # one request a second, each a few seconds long
    rng = aiperf_results.random.Random(1)
    rated = aiperf_results.document(deployment, slow, 64, rng, 0.0, 1.0)
    full = aiperf_results.document(deployment, closed, 64, rng, 0.0, 1.0)
    assert rated["request_throughput"]["avg"] == pytest.approx(1.0, rel=0.05)
    assert rated["time_to_first_token"]["avg"] < full["time_to_first_token"]["avg"]
