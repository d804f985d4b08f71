"""Reading back what generative-AI jobs wrote, through the core (`ircli.lib.ai_results`) and either backend:
the local backend reads the simulator's own S3, the aws backend S3 itself (here a stubbed client)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ircli.backends.aws import AwsBackend
from ircli.backends.local import LocalBackend
from ircli.errors import ConfigurationError, InputError
from ircli.lib.ai_results import benchmark_results, recommendation_curves
from ircli.lib.service import RecommenderService

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"


def spec(**parameters: Any) -> str:
    return json.dumps({"benchmark": {"type": "aiperf"}, "parameters": parameters})


@pytest.fixture
def service(tmp_path: Path) -> RecommenderService:
    return RecommenderService(LocalBackend(tmp_path / "state", speed="instant"))


def deployed(service: RecommenderService) -> None:
    """A workload of two concurrency levels, a recommendation for it and its deployment."""
    inline = spec(prompt_input_tokens_mean=300, output_tokens_mean=100, concurrency=[2, 8], streaming=True)
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
            "PerformanceTarget": {"Constraints": [{"Metric": "throughput"}]},
            "RoleArn": ROLE,
            "ComputeSpec": {"InstanceTypes": ["ml.g6e.2xlarge"]},
        },
    )
    best = service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": "r"})["Recommendations"][0]
    details = best["ModelDetails"]
    service.call(
        "CreateModel",
        {
            "ModelName": "m",
            "ExecutionRoleArn": ROLE,
            "PrimaryContainer": {
                "ModelPackageName": details["ModelPackageArn"],
                "InferenceSpecificationName": details["InferenceSpecificationName"],
            },
        },
    )
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "m",
        "InstanceType": "ml.g6e.2xlarge",
        "InitialInstanceCount": 1,
    }
    service.call("CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": [variant]})
    service.call("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})


def test_a_benchmarks_documents_are_read_back_by_level_through_the_local_backend(service: RecommenderService) -> None:
    deployed(service)
    request = {
        "AIBenchmarkJobName": "b",
        "BenchmarkTarget": {"Endpoint": {"Identifier": "e"}},
        "OutputConfig": {"S3OutputLocation": "s3://bucket/bench/"},
        "AIWorkloadConfigIdentifier": "w",
        "RoleArn": ROLE,
    }
    service.call("CreateAIBenchmarkJob", request)
    results = benchmark_results(service, "b")
    assert sorted(results.documents) == [2, 8]
    assert results.documents[8]["input_config"]["loadgen"]["concurrency"] == 8
    assert results.documents[8]["input_config"]["endpoint"]["model_names"] == ["mistralai/Mistral-7B"]
    low, high = results.metric(2, "output_token_throughput"), results.metric(8, "output_token_throughput")
    assert low is not None and high is not None and high > 2 * low
    assert results.metric(2, "no_such_metric") is None
    curves = recommendation_curves(service, "r")
    assert curves is not None and curves["model"]["name"] == "mistralai/Mistral-7B"
    levels = [point["concurrency"] for point in curves["recommendations"][0]["Curve"]]
    assert levels == sorted(levels) and {2, 8} <= set(levels)


def test_a_benchmark_that_has_not_completed_has_no_results(service: RecommenderService) -> None:
    deployed(service)
    request = {
        "AIBenchmarkJobName": "failing",
        "BenchmarkTarget": {"Endpoint": {"Identifier": "e"}},
        "OutputConfig": {"S3OutputLocation": "s3://bucket/bench/"},
        "AIWorkloadConfigIdentifier": "w",
        "RoleArn": ROLE,
        "Tags": [{"Key": "ircli:simulate", "Value": "fail-job"}],
    }
    service.call("CreateAIBenchmarkJob", request)
    with pytest.raises(ConfigurationError, match="is Failed: only a Completed job has results"):
        benchmark_results(service, "failing")


def test_the_local_backend_refuses_what_is_not_an_s3_uri(service: RecommenderService) -> None:
    with pytest.raises(InputError):
        service.backend.read_object("ftp://nowhere/x")
    assert service.backend.read_object("s3://bucket/nothing-here.json") is None


def test_the_aws_backend_reads_s3_with_its_own_client() -> None:
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
    body = b'{"request_latency": {"unit": "ms", "avg": 1.0}}'
    with Stubber(s3) as stub:
        stub.add_response(
            "get_object",
            {"Body": StreamingBody(io.BytesIO(body), len(body))},
            {"Bucket": "bucket", "Key": "bench/b/profile_export_aiperf.json"},
        )
        stub.add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)
        backend = AwsBackend(region="us-east-1", clients={"s3": s3})
        assert backend.read_object("s3://bucket/bench/b/profile_export_aiperf.json") == body
        assert backend.read_object("s3://bucket/missing.json") is None
    with pytest.raises(InputError):
        backend.read_object("not-a-uri")


def test_the_aws_backend_takes_s3s_endpoint_from_its_variables_never_from_endpoint_url() -> None:
    backend = AwsBackend(
        region="us-east-1", endpoint_url="http://127.0.0.1:1", environ={"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"}
    )
    assert backend.service_endpoint("s3") == "http://127.0.0.1:9000"
    assert AwsBackend(region="us-east-1", endpoint_url="http://127.0.0.1:1").service_endpoint("s3") is None
