"""`ircli.testing.mock_ircli`: the simulator in process through botocore's `before-send` hook, with no socket,
beside moto's `mock_aws`, with its own state, speed, clock and environment."""

from __future__ import annotations

import copy
import os
import unittest
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from ircli.operations import Service
from ircli.testing import MockClock, mock_ircli, patch_client
from ircli.testing.mock import ROUTER
from ircli.testing.transport import Body, event_service_names
from tests.no_network import block_sockets
from tests.shapes import walk
from tests.valid_requests import ROLE, VALID_REQUESTS

DEFAULT_JOB = {
    "JobName": "default-1",
    "JobType": "Default",
    "RoleArn": ROLE,
    "InputConfig": {"ModelName": "churn-xgboost"},
}
MODEL = {
    "ModelName": "m-1",
    "ExecutionRoleArn": ROLE,
    "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"},
}


@pytest.fixture(autouse=True)
def no_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/ircli-test-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/ircli-test-credentials")


@pytest.fixture
def offline() -> Iterator[list[str]]:
    """Not even loopback: the mock must answer with no socket at all."""
    with block_sockets(loopback=False) as refused:
        yield refused


def sagemaker() -> Any:
    return boto3.client("sagemaker")


def test_a_default_job_is_created_and_described_in_process_with_no_socket(offline: list[str]) -> None:
    with mock_ircli():
        client = sagemaker()
        arn = client.create_inference_recommendations_job(**DEFAULT_JOB)["JobArn"]
        job = client.describe_inference_recommendations_job(JobName="default-1")
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/default-1"
    assert job["Status"] == "COMPLETED" and job["InferenceRecommendations"]
    shape = client.meta.service_model.operation_model("DescribeInferenceRecommendationsJob").output_shape
    assert walk(shape, job) == []
    assert offline == []


def test_every_served_service_answers_in_process(offline: list[str]) -> None:
    with mock_ircli():
        client = sagemaker()
        client.create_inference_recommendations_job(
            **copy.deepcopy(VALID_REQUESTS["CreateInferenceRecommendationsJob"])
        )
        client.create_endpoint_config(**copy.deepcopy(VALID_REQUESTS["CreateEndpointConfig"]))
        client.create_endpoint(EndpointName="endpoint-1", EndpointConfigName="config-1")
        invoked = boto3.client("sagemaker-runtime").invoke_endpoint(
            EndpointName="endpoint-1", ContentType="text/csv", Body=b"1,2,3\n"
        )
        events = boto3.client("logs").get_log_events(
            logGroupName="/aws/sagemaker/InferenceRecommendationsJobs", logStreamName="job-1/execution"
        )["events"]
        autoscaling = boto3.client("application-autoscaling")
        variant = client.describe_endpoint(EndpointName="endpoint-1")["ProductionVariants"][0]["VariantName"]
        autoscaling.register_scalable_target(
            ServiceNamespace="sagemaker",
            ResourceId=f"endpoint/endpoint-1/variant/{variant}",
            ScalableDimension="sagemaker:variant:DesiredInstanceCount",
            MinCapacity=1,
            MaxCapacity=3,
        )
        targets = autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert invoked["Body"].read()  # a streaming member, read as from a socket
    assert "job-1 created" in events[0]["message"]
    assert [target["MaxCapacity"] for target in targets] == [3]
    assert offline == []


def test_the_answered_services_are_the_registry_s_as_botocore_names_them_in_its_events() -> None:
    names = event_service_names()
    assert set(names.values()) == set(Service)
    session = boto3.session.Session(region_name="us-east-1")
    for service in Service:
        hyphenized = session.client(service.value).meta.service_model.service_id.hyphenize()
        assert names[hyphenized] is service


def test_other_services_pass_through_untouched() -> None:
    seen: list[str] = []

    def later_handler(request: Any, **_: Any) -> AWSResponse:
        seen.append(request.url)
        return AWSResponse(request.url, 200, {}, Body(b"<ListAllMyBucketsResult/>"))

    with mock_ircli():
        s3 = boto3.client("s3")
        s3.meta.events.register("before-send.s3", later_handler)
        assert s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert seen == ["https://s3.amazonaws.com/"]


def test_an_operation_the_simulator_does_not_serve_is_refused_without_moto(offline: list[str]) -> None:
    with mock_ircli(), pytest.raises(ClientError) as raised:
        sagemaker().list_training_jobs()
    assert raised.value.response["Error"]["Code"] == "UnknownOperationException"
    assert offline == []


def test_it_nests_inside_and_outside_moto_each_answering_its_own_services() -> None:
    from moto import mock_aws
    from moto.sagemaker.models import sagemaker_backends

    for outer, inner in ((mock_aws, mock_ircli), (mock_ircli, mock_aws)):
        with outer(), inner():
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket="models")
            s3.put_object(Bucket="models", Key="churn/model.tar.gz", Body=b"weights")
            client = sagemaker()
            client.create_model(**MODEL)
            client.create_inference_recommendations_job(**DEFAULT_JOB)
            assert client.describe_inference_recommendations_job(JobName="default-1")["Status"] == "COMPLETED"
            assert s3.get_object(Bucket="models", Key="churn/model.tar.gz")["Body"].read() == b"weights"
            assert client.list_training_jobs()["TrainingJobSummaries"] == []  # moto's: ircli does not serve it
            assert "m-1" not in sagemaker_backends["123456789012"]["us-east-1"].__dict__.get("_models", {})


def test_fake_credentials_and_region_are_set_only_while_it_runs_and_only_where_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = dict(os.environ)
    with mock_ircli():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing" and os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert dict(os.environ) == before
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDUSER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_ircli():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIDUSER"
        arn = sagemaker().create_model(**MODEL)["ModelArn"]
    assert arn.startswith("arn:aws:sagemaker:eu-west-1:")


def test_a_job_runs_on_the_mock_s_clock_at_the_speed_asked_for() -> None:
    with mock_ircli(speed="default", clock=1_800_000_000.0) as mock:
        client = sagemaker()
        client.create_inference_recommendations_job(**DEFAULT_JOB)
        assert client.describe_inference_recommendations_job(JobName="default-1")["Status"] == "PENDING"
        assert mock.running_jobs() == ["default-1"]
        assert mock.advance(3600) == 1_800_003_600.0
        job = client.describe_inference_recommendations_job(JobName="default-1")
        assert job["Status"] == "COMPLETED" and mock.running_jobs() == []
        # Its timestamps keep the service's pace (a Default job's 45 minutes), ending by the mock's clock.
        assert job["CreationTime"].timestamp() <= 1_800_000_000.0 < job["LastModifiedTime"].timestamp()
        assert (job["LastModifiedTime"] - job["CreationTime"]).total_seconds() >= 40 * 60
    with pytest.raises(ValueError):
        MockClock(0.0).advance(-1)


def test_each_start_is_a_fresh_state_removed_after_unless_one_is_kept(tmp_path: Path) -> None:
    with mock_ircli() as mock:
        sagemaker().create_model(**MODEL)
        temporary = mock.state_dir
        assert temporary.is_dir()
    assert not temporary.exists()
    with mock_ircli(), pytest.raises(ClientError):
        sagemaker().describe_model(ModelName="m-1")
    kept = tmp_path / "kept"
    with mock_ircli(state_dir=kept):
        sagemaker().create_model(**MODEL)
    with mock_ircli(state_dir=kept):
        assert sagemaker().describe_model(ModelName="m-1")["ModelName"] == "m-1"
    assert (kept / "state.db").exists()


def test_the_innermost_mock_answers_and_the_outer_one_again_after_it() -> None:
    with mock_ircli():
        sagemaker().create_model(**MODEL)
        with mock_ircli():
            assert "m-1" not in [model["ModelName"] for model in sagemaker().list_models()["Models"]]
        assert "m-1" in [model["ModelName"] for model in sagemaker().list_models()["Models"]]


def test_outside_a_mock_the_handler_answers_nothing() -> None:
    class Request:
        url = "https://api.sagemaker.us-east-1.amazonaws.com/"

    assert ROUTER(Request(), event_name="before-send.sagemaker.CreateModel") is None


def test_boto3_s_default_session_is_new_inside_and_back_after() -> None:
    boto3.setup_default_session(region_name="us-east-1")
    before = boto3.DEFAULT_SESSION
    with mock_ircli():
        assert boto3.DEFAULT_SESSION is None
        sagemaker().create_model(**MODEL)
    assert boto3.DEFAULT_SESSION is before


def test_a_client_made_without_the_handler_is_answered_once_patched(offline: list[str]) -> None:
    client = boto3.client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    client.meta.events.unregister("before-send", ROUTER)  # as a client made before ircli.testing was imported
    with mock_ircli():
        assert patch_client(client).create_model(**MODEL)["ModelArn"].endswith(":model/m-1")


@mock_ircli()
def decorated(name: str) -> list[str]:
    client = sagemaker()
    client.create_model(**{**MODEL, "ModelName": name})
    return [model["ModelName"] for model in client.list_models()["Models"] if model["ModelName"].startswith("m-")]


def test_a_decorated_function_gets_a_fresh_mock_each_call() -> None:
    assert decorated("m-a") == ["m-a"]
    assert decorated("m-b") == ["m-b"]


@mock_ircli()
class DecoratedTestCase(unittest.TestCase):
    def setUp(self) -> None:
        sagemaker().create_model(**MODEL)

    def test_set_up_and_the_test_share_one_simulator(self) -> None:
        self.assertEqual(sagemaker().describe_model(ModelName="m-1")["ModelName"], "m-1")


@mock_ircli()
class TestDecoratedPytestClass:
    def setup_method(self) -> None:
        self.arn = sagemaker().create_model(**MODEL)["ModelArn"]

    def test_setup_method_and_the_test_share_one_simulator(self) -> None:
        assert sagemaker().describe_model(ModelName="m-1")["ModelArn"] == self.arn

    def test_each_test_starts_fresh(self) -> None:
        assert [m["ModelName"] for m in sagemaker().list_models()["Models"]].count("m-1") == 1


def test_a_speed_that_is_not_one_is_refused_at_once() -> None:
    from ircli.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        mock_ircli(speed="warp")


def test_a_decorated_coroutine_runs_inside_a_fresh_mock() -> None:
    import asyncio

    @mock_ircli()
    async def create(name: str) -> str:
        await asyncio.sleep(0)
        return str(sagemaker().create_model(**{**MODEL, "ModelName": name})["ModelArn"])

    assert asyncio.run(create("m-async")).endswith(":model/m-async")
    assert asyncio.run(create("m-async")).endswith(":model/m-async")  # fresh state: no "already exists"
