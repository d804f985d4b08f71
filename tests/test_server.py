"""`ircli simulator serve` over HTTP on loopback, driven by real boto3 with botocore parsing every answer."""

from __future__ import annotations

import copy
import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ircli.simulator.models import Simulator
from ircli.simulator.protocols import MAX_INVOCATION_BODY_BYTES
from ircli.simulator.server import MAX_BODY_BYTES, RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.valid_requests import VALID_REQUESTS


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


def url(server: RunningServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture
def client(server: RunningServer) -> Any:
    return boto3.client(
        "sagemaker",
        endpoint_url=url(server),
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def test_every_operation_over_http(client: Any) -> None:
    requests = copy.deepcopy(VALID_REQUESTS)
    arn = client.create_inference_recommendations_job(**requests["CreateInferenceRecommendationsJob"])["JobArn"]
    assert arn.endswith(":inference-recommendations-job/job-1")
    job = client.describe_inference_recommendations_job(JobName="job-1")
    assert job["Status"] == "COMPLETED"
    assert job["CreationTime"].tzinfo is not None
    assert client.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"][0]["JobName"] == "job-1"
    steps = client.list_inference_recommendations_job_steps(JobName="job-1")["Steps"]
    assert len(steps) == 2  # MaxNumberOfTests caps three combinations at two
    serverless_job = {
        "JobName": "serverless",
        "JobType": "Default",
        "RoleArn": requests["CreateInferenceRecommendationsJob"]["RoleArn"],
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "EndpointConfigurations": [{"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}],
        },
    }
    client.create_inference_recommendations_job(**serverless_job)
    serverless = client.describe_inference_recommendations_job(JobName="serverless")["InferenceRecommendations"][0]
    assert serverless["Metrics"]["CpuUtilization"] == "NaN"  # botocore hands NaN to Python as the service's string
    instance = job["InferenceRecommendations"][0]
    scaling = client.get_scaling_configuration_recommendation(
        InferenceRecommendationsJobName="job-1", RecommendationId=instance["RecommendationId"]
    )
    assert scaling["DynamicScalingConfiguration"]["MinCapacity"] >= 1
    client.create_endpoint_config(**requests["CreateEndpointConfig"])
    assert (
        client.describe_endpoint_config(EndpointConfigName="config-1")["ProductionVariants"][1]["ServerlessConfig"][
            "ProvisionedConcurrency"
        ]
        == 2
    )
    client.create_endpoint(**requests["CreateEndpoint"])
    client.update_endpoint_weights_and_capacities(**requests["UpdateEndpointWeightsAndCapacities"])
    endpoint = client.describe_endpoint(EndpointName="endpoint-1")
    assert endpoint["ProductionVariants"][1]["CurrentServerlessConfig"]["ProvisionedConcurrency"] == 4
    client.create_inference_recommendations_job(**dict(requests["CreateInferenceRecommendationsJob"], JobName="job-2"))
    with pytest.raises(ClientError) as raised:
        client.stop_inference_recommendations_job(JobName="job-2")
    assert raised.value.response["Error"]["Code"] == "ValidationException"  # instant jobs are already COMPLETED
    client.delete_endpoint(EndpointName="endpoint-1")
    client.delete_endpoint_config(EndpointConfigName="config-1")


def test_errors_carry_the_services_codes(client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        client.describe_inference_recommendations_job(JobName="missing")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    client.create_inference_recommendations_job(**VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    with pytest.raises(ClientError) as raised:
        client.create_inference_recommendations_job(**VALID_REQUESTS["CreateInferenceRecommendationsJob"])
    assert raised.value.response["Error"]["Code"] == "ResourceInUse"
    bad = dict(VALID_REQUESTS["CreateInferenceRecommendationsJob"], JobName="job-3", JobType="Sometimes")
    with pytest.raises(ClientError) as raised:
        client.create_inference_recommendations_job(**bad)
    assert raised.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value 'Sometimes' at 'jobType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Default, Advanced]"
    )


def _raw(
    server: RunningServer, body: bytes, headers: dict[str, str], method: str = "POST"
) -> tuple[int, dict[str, Any]]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.request(method, "/", body=body, headers=headers)
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, payload


TARGET = {"X-Amz-Target": "SageMaker.DescribeInferenceRecommendationsJob", "Content-Type": "application/x-amz-json-1.1"}


def test_malformed_requests_get_error_responses_and_the_server_keeps_serving(server: RunningServer) -> None:
    assert _raw(server, b"{not json", TARGET) == (
        400,
        {"__type": "SerializationException", "message": "The request body is not valid JSON."},
    )
    assert _raw(server, b"[1, 2]", TARGET)[1]["__type"] == "SerializationException"
    assert (
        _raw(server, b"{}", {"Content-Type": "application/x-amz-json-1.1"})[1]["__type"] == "UnknownOperationException"
    )
    unknown = dict(TARGET, **{"X-Amz-Target": "SageMaker.CreateTrainingJob"})
    assert _raw(server, b"{}", unknown)[1]["__type"] == "UnknownOperationException"
    # A body larger than any request may be is refused from its Content-Length, before any of it is read.
    with socket.create_connection(server.server_address[:2], timeout=10) as raw:
        raw.sendall(
            b"POST / HTTP/1.1\r\nX-Amz-Target: SageMaker.DescribeEndpoint\r\n"
            + f"Content-Length: {MAX_INVOCATION_BODY_BYTES * 2}\r\n\r\n".encode()
            + b"x" * 1000
        )
        reply = raw.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 413")
    # A JSON request over the JSON limit gets the service's error shape.
    status, payload = _raw(server, b" " * (MAX_BODY_BYTES + 1), TARGET)
    assert status == 413 and payload["__type"] == "SerializationException"
    assert _raw(server, b"", TARGET, method="GET")[0] == 405
    assert _raw(server, b'{"JobName": "missing"}', TARGET) == (
        400,
        {"__type": "ResourceNotFound", "message": "Inference recommendations job missing does not exist."},
    )


def test_a_slow_client_does_not_block_others(server: RunningServer, client: Any) -> None:
    host, port = server.server_address[:2]
    slow = socket.create_connection((str(host), int(port)))
    slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")  # and then nothing
    started = time.monotonic()
    assert client.list_inference_recommendations_jobs()["InferenceRecommendationsJobs"] == []
    assert time.monotonic() - started < 5
    slow.close()


def test_the_server_says_how_fast_its_time_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ircli.backends.aws import AwsBackend

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "fast"), speed="60"))
    try:
        backend = AwsBackend(region="us-east-1", endpoint_url=url(running))
        assert backend.time_scale == 1.0  # the service's own time until told otherwise
        backend.call("ListInferenceRecommendationsJobs", {})
        assert backend.time_scale == 1 / 60
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)
