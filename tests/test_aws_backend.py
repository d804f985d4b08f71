"""The aws backend with botocore's Stubber (and botocore's own retry machinery for throttling)."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from ircli.backends.aws import AwsBackend
from ircli.errors import ConfigurationError, ExitStatus, ServiceError
from ircli.lib.service import RecommenderService
from tests.conftest import CliRunner
from tests.valid_requests import VALID_REQUESTS

ACCESS_KEY = "AKIAIRCLITESTSECRETKEY"
SECRET_KEY = "ircli-secret-access-key-never-printed"
SESSION_TOKEN = "ircli-session-token-never-printed-either"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make_client() -> Any:
    return boto3.client(
        "sagemaker", region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


RESPONSES: dict[str, dict[str, Any]] = {
    "CreateInferenceRecommendationsJob": {
        "JobArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/job-1"
    },
    "DescribeInferenceRecommendationsJob": {
        "JobName": "job-1",
        "JobType": "Default",
        "JobArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/job-1",
        "RoleArn": VALID_REQUESTS["CreateInferenceRecommendationsJob"]["RoleArn"],
        "Status": "COMPLETED",
        "CreationTime": NOW,
        "LastModifiedTime": NOW,
        "InputConfig": {"ModelName": "churn-xgboost"},
        "InferenceRecommendations": [
            {
                "RecommendationId": "job-1/abcd1234",
                "Metrics": {
                    "CostPerHour": 0.69,
                    "CostPerInference": 1.03e-05,
                    "MaxInvocations": 1113,
                    "ModelLatency": 100,
                    "CpuUtilization": float("nan"),
                    "MemoryUtilization": 12.5,
                },
                "EndpointConfiguration": {
                    "EndpointName": "e",
                    "VariantName": "v",
                    "InstanceType": "ml.c5d.xlarge",
                    "InitialInstanceCount": 3,
                },
                "ModelConfiguration": {},
            }
        ],
    },
    "ListInferenceRecommendationsJobs": {"InferenceRecommendationsJobs": []},
    "ListInferenceRecommendationsJobSteps": {"Steps": []},
    "StopInferenceRecommendationsJob": {},
    "GetScalingConfigurationRecommendation": {
        "InferenceRecommendationsJobName": "job-1",
        "RecommendationId": "job-1/abcd1234",
    },
    "CreateEndpointConfig": {"EndpointConfigArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/config-1"},
    "DescribeEndpointConfig": {
        "EndpointConfigName": "config-1",
        "EndpointConfigArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/config-1",
        "ProductionVariants": [{"VariantName": "AllTraffic"}],
        "CreationTime": NOW,
    },
    "DeleteEndpointConfig": {},
    "CreateEndpoint": {"EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/endpoint-1"},
    "DescribeEndpoint": {
        "EndpointName": "endpoint-1",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/endpoint-1",
        "EndpointStatus": "InService",
        "CreationTime": NOW,
        "LastModifiedTime": NOW,
    },
    "DeleteEndpoint": {},
    "UpdateEndpointWeightsAndCapacities": {
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/endpoint-1"
    },
}


@pytest.mark.parametrize("operation", list(VALID_REQUESTS))
def test_every_operation_through_the_stubber(operation: str) -> None:
    from botocore import xform_name

    client = make_client()
    service = RecommenderService(AwsBackend(client=client))
    with Stubber(client) as stubber:
        stubber.add_response(xform_name(operation), copy.deepcopy(RESPONSES[operation]), VALID_REQUESTS[operation])
        result = service.call(operation, copy.deepcopy(VALID_REQUESTS[operation]))
        stubber.assert_no_pending_responses()
    assert "ResponseMetadata" not in result
    if operation == "DescribeInferenceRecommendationsJob":
        # NaN is normalised to the service's string on the way in, so both backends agree.
        assert result["InferenceRecommendations"][0]["Metrics"]["CpuUtilization"] == "NaN"


@pytest.mark.parametrize(
    ("code", "status"), [("AccessDeniedException", 400), ("ResourceNotFound", 400), ("ValidationException", 400)]
)
def test_service_errors_become_exit_254(code: str, status: int) -> None:
    client = make_client()
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "describe_inference_recommendations_job",
            service_error_code=code,
            service_message=f"simulated {code}",
            http_status_code=status,
        )
        with pytest.raises(ServiceError) as raised:
            RecommenderService(AwsBackend(client=client)).describe_job("job-1")
    assert raised.value.exit_status == ExitStatus.SERVICE_ERROR == 254
    assert raised.value.message == (
        f"An error occurred ({code}) when calling the DescribeInferenceRecommendationsJob operation: simulated {code}"
    )


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def _throttle_first(times: int) -> tuple[Any, list[int]]:
    calls: list[int] = []

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        calls.append(1)
        if len(calls) <= times:
            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            return AWSResponse(request.url, 400, {"x-amzn-requestid": "r"}, _Body(body))
        body = json.dumps({"InferenceRecommendationsJobs": []}).encode()
        return AWSResponse(request.url, 200, {"x-amzn-requestid": "r"}, _Body(body))

    return handler, calls


def test_throttling_is_retried_before_it_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    backend = AwsBackend(region="us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    handler, calls = _throttle_first(2)
    backend.client.meta.events.register("before-send.sagemaker", handler)
    assert backend.call("ListInferenceRecommendationsJobs", {}) == {"InferenceRecommendationsJobs": []}
    assert len(calls) == 3


def test_throttling_that_outlasts_the_retries_is_a_service_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    backend = AwsBackend(region="us-east-1")
    handler, calls = _throttle_first(100)
    backend.client.meta.events.register("before-send.sagemaker", handler)
    with pytest.raises(ServiceError) as raised:
        backend.call("ListInferenceRecommendationsJobs", {})
    assert raised.value.code == "ThrottlingException"
    assert len(calls) == 5


@pytest.fixture
def no_aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SAGEMAKER",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)


def test_no_credentials_is_exit_253(no_aws_config: None, cli: CliRunner) -> None:
    result = cli("--backend", "aws", "--region", "us-east-1", "describe-job", "job-1", expect=253)
    assert result.code == 253
    assert "Unable to locate credentials" in result.err and "Traceback" not in result.err


def test_no_region_is_exit_253(no_aws_config: None, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    result = cli("describe-job", "job-1", "--backend", "aws", expect=253)
    assert result.code == 253
    assert "You must specify a region" in result.err


def test_unknown_profile_is_exit_253(no_aws_config: None, cli: CliRunner) -> None:
    result = cli("--backend", "aws", "--profile", "nobody", "describe-job", "job-1", expect=253)
    assert result.code == 253 and "nobody" in result.err


def test_credentials_never_appear_in_output_even_with_debug(
    no_aws_config: None, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    result = cli(
        "--backend",
        "aws",
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--debug",
        "list-jobs",
        expect=255,
    )
    assert result.code == 255
    assert "Traceback" in result.err and "Could not connect" in result.err
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN):
        assert secret not in result.err and secret not in result.out


def test_environment_endpoint_url_and_region_are_used() -> None:
    from ircli.backends import make_backend
    from ircli.lib.backend import BackendKind, BackendSettings

    environ = {"AWS_ENDPOINT_URL_SAGEMAKER": "http://127.0.0.1:4567", "AWS_REGION": "eu-west-1"}
    backend = make_backend(BackendSettings(kind=BackendKind.AWS, environ=environ))
    assert isinstance(backend, AwsBackend)
    assert (backend.service_endpoint("sagemaker"), backend.region) == ("http://127.0.0.1:4567", "eu-west-1")
    assert backend.service_endpoint("logs") is None
    everywhere = make_backend(BackendSettings(kind=BackendKind.AWS, environ={"AWS_ENDPOINT_URL": "http://h:1"}))
    assert isinstance(everywhere, AwsBackend)
    assert everywhere.service_endpoint("logs") == everywhere.service_endpoint("sagemaker-runtime") == "http://h:1"


def test_configuration_errors_have_the_environment_exit_code() -> None:
    assert ConfigurationError("x").exit_status == 253


NEW_OPERATIONS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    # operation: (service, request, response)
    "CreateModel": (
        "sagemaker",
        {
            "ModelName": "m",
            "PrimaryContainer": {"Image": "img"},
            "ExecutionRoleArn": "arn:aws:iam::123456789012:role/R",
        },
        {"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/m"},
    ),
    "DescribeModel": (
        "sagemaker",
        {"ModelName": "m"},
        {"ModelName": "m", "ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/m", "CreationTime": NOW},
    ),
    "ListEndpoints": ("sagemaker", {"StatusEquals": "InService"}, {"Endpoints": []}),
    "ListEndpointConfigs": ("sagemaker", {"NameContains": "c"}, {"EndpointConfigs": []}),
    "UpdateEndpoint": (
        "sagemaker",
        {"EndpointName": "e", "EndpointConfigName": "c"},
        {"EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e"},
    ),
    "GetLogEvents": (
        "logs",
        {"logGroupName": "/aws/sagemaker/InferenceRecommendationsJobs", "logStreamName": "j/execution"},
        {"events": [{"timestamp": 1, "message": "started", "ingestionTime": 1}], "nextForwardToken": "f/1"},
    ),
    "RegisterScalableTarget": (
        "application-autoscaling",
        {
            "ServiceNamespace": "sagemaker",
            "ResourceId": "endpoint/e/variant/AllTraffic",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "MinCapacity": 1,
            "MaxCapacity": 2,
        },
        {"ScalableTargetARN": "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/x"},
    ),
}


@pytest.mark.parametrize("operation", list(NEW_OPERATIONS))
def test_operations_of_every_service_go_to_that_services_client(operation: str) -> None:
    from botocore import xform_name

    service_name, request, response = NEW_OPERATIONS[operation]
    client = boto3.client(
        service_name, region_name="us-east-1", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )
    service = RecommenderService(AwsBackend(clients={service_name: client}))
    with Stubber(client) as stubber:
        stubber.add_response(xform_name(operation), copy.deepcopy(response), request)
        assert service.call(operation, copy.deepcopy(request)) == response
        stubber.assert_no_pending_responses()
