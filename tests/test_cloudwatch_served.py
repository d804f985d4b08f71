"""CloudWatch served over HTTP on loopback to real boto3 in each of the three protocols its model lists
(JSON 1.0, as botocore 1.42.9 and newer send; query with XML answers, as older pins send; RPCv2-CBOR, as
SDKs that prefer it send): botocore picks the protocol from the model, so each client reads a copy of the
model that lists only one. Every answer parses in botocore and walks clean against its output shape;
errors arrive as botocore's modeled exceptions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.loaders import Loader

from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.shapes import walk
from tests.valid_requests import ROLE

pytestmark = pytest.mark.slow  # a server thread per test, and a botocore model per protocol

PROTOCOLS = ("json", "query", "smithy-rpc-v2-cbor")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=5)


def session_speaking(protocol: str, root: Path) -> Any:
    """A botocore session whose CloudWatch model lists only `protocol`."""
    model = botocore.session.get_session().get_component("data_loader").load_service_model("cloudwatch", "service-2")
    model = json.loads(json.dumps(model))
    model["metadata"]["protocol"], model["metadata"]["protocols"] = protocol, [protocol]
    folder = root / protocol / "cloudwatch" / model["metadata"]["apiVersion"]
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model), "utf-8")
    session = botocore.session.Session()
    # A loader of its own: the tests share one (conftest), which must not learn this model.
    session.register_component("data_loader", Loader(extra_search_paths=[str(root / protocol)]))
    return session


def clients(server: RunningServer, protocol: str, root: Path) -> tuple[Any, Any]:
    options = {
        "endpoint_url": server.url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "config": Config(retries={"max_attempts": 1}),
    }
    cloudwatch = boto3.session.Session(botocore_session=session_speaking(protocol, root)).client(
        "cloudwatch", **options
    )
    return boto3.client("sagemaker", **options), cloudwatch


def checked(client: Any, operation: str, **members: Any) -> Any:
    response = getattr(client, botocore.xform_name(operation))(**members)
    shape = client.meta.service_model.operation_model(operation).output_shape
    assert walk(shape, response) == [], operation
    return response


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_cloudwatch_answers_in_each_protocol(server: RunningServer, tmp_path: Path, protocol: str) -> None:
    sagemaker, cloudwatch = clients(server, protocol, tmp_path)
    assert cloudwatch.meta.service_model.protocol == protocol
    sagemaker.create_inference_recommendations_job(
        JobName="cw", JobType="Default", RoleArn=ROLE, InputConfig={"ModelName": "churn-xgboost"}
    )
    job = sagemaker.describe_inference_recommendations_job(JobName="cw")
    recommendation = job["InferenceRecommendations"][0]
    name = recommendation["EndpointConfiguration"]["EndpointName"]
    dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": name}]
    window = {"StartTime": job["CreationTime"], "EndTime": job["LastModifiedTime"]}
    target = {"Namespace": "AWS/SageMaker", "Dimensions": dims, **window}
    invocations = checked(
        cloudwatch,
        "GetMetricStatistics",
        MetricName="Invocations",
        Period=60,
        Statistics=["Sum"],
        Unit="None",
        **target,
    )
    assert max(p["Sum"] for p in invocations["Datapoints"]) == recommendation["Metrics"]["MaxInvocations"]
    assert all(window["StartTime"] <= p["Timestamp"] < window["EndTime"] for p in invocations["Datapoints"])
    latency = checked(
        cloudwatch, "GetMetricStatistics", MetricName="ModelLatency", Period=30, ExtendedStatistics=["p99"], **target
    )
    assert latency["Datapoints"] and {p["Unit"] for p in latency["Datapoints"]} == {"Microseconds"}
    assert all(p["ExtendedStatistics"]["p99"] > 0 for p in latency["Datapoints"])
    listed = checked(cloudwatch, "ListMetrics", Namespace="/aws/sagemaker/InferenceRecommendationsJobs")
    assert {m["MetricName"] for m in listed["Metrics"]} == {
        "ClientInvocations",
        "ClientInvocationErrors",
        "ClientLatency",
        "NumberOfUsers",
    }
    query = {"Namespace": "AWS/SageMaker", "MetricName": "Invocations", "Dimensions": dims}
    data = checked(
        cloudwatch,
        "GetMetricData",
        MetricDataQueries=[
            {"Id": "m1", "MetricStat": {"Metric": query, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
            {"Id": "e1", "Expression": "m1 / 60", "Label": "per second"},
        ],
        **window,
    )
    [result] = data["MetricDataResults"]
    assert result["Label"] == "per second" and result["StatusCode"] == "Complete"
    assert max(result["Values"]) == pytest.approx(recommendation["Metrics"]["MaxInvocations"] / 60)
    widget = {"metrics": [["AWS/SageMaker", "Invocations", "EndpointName", name, "VariantName", name]], "period": 60}
    widget.update(start=job["CreationTime"].isoformat(), end=job["LastModifiedTime"].isoformat())
    image = checked(cloudwatch, "GetMetricWidgetImage", MetricWidget=json.dumps(widget))["MetricWidgetImage"]
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(cloudwatch.exceptions.InvalidParameterValueException):
        cloudwatch.get_metric_statistics(MetricName="Invocations", Period=45, Statistics=["Sum"], **target)
    with pytest.raises(cloudwatch.exceptions.InvalidParameterCombinationException) as refused:
        later = {**target, "EndTime": job["CreationTime"] + timedelta(days=3)}
        cloudwatch.get_metric_statistics(MetricName="Invocations", Period=60, Statistics=["Sum"], **later)
    assert "which exceeds the limit of 1440" in refused.value.response["Error"]["Message"]
