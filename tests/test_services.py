"""Every service the simulator serves, over HTTP on one port, driven by real boto3 clients: every answer
parses in botocore and walks clean against its operation's output shape; errors raise botocore's
modeled exceptions; members a client invents are never stored or echoed."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from ircli.simulator.models import Simulator
from ircli.simulator.server import RunningServer, serve_in_thread
from ircli.simulator.store import Store
from tests.shapes import walk

ROLE = "arn:aws:iam::123456789012:role/Role"
GROUP = "/aws/sagemaker/InferenceRecommendationsJobs"
TARGET = {
    "ServiceNamespace": "sagemaker",
    "ResourceId": "endpoint/e1/variant/AllTraffic",
    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running, _ = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()


class Checked:
    """A boto3 client whose every answer is walked against its operation's output shape."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.exceptions = client.exceptions
        self.operations: set[str] = set()

    def __getattr__(self, method: str) -> Any:
        function = getattr(self.client, method)
        model = self.client.meta.service_model
        operation = next(
            name for name in model.operation_names if self.client.meta.method_to_api_mapping.get(method) == name
        )

        def checked(**kwargs: Any) -> Any:
            response = function(**kwargs)
            shape = model.operation_model(operation).output_shape
            problems = walk(shape, response)
            assert problems == [], f"{operation}: {problems}"
            self.operations.add(operation)
            return response

        return checked


def client(server: RunningServer, service: str) -> Checked:
    return Checked(
        boto3.client(
            service,
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )
    )


def test_the_whole_workflow_answers_in_every_services_shapes(server: RunningServer) -> None:
    sagemaker, logs = client(server, "sagemaker"), client(server, "logs")
    runtime, scaling = client(server, "sagemaker-runtime"), client(server, "application-autoscaling")
    assert {m["ModelName"] for m in sagemaker.list_models()["Models"]} >= {"churn-xgboost", "resnet50"}
    sagemaker.create_model(
        ModelName="m1", PrimaryContainer={"Image": "img", "ModelDataUrl": "s3://b/m.tar.gz"}, ExecutionRoleArn=ROLE
    )
    assert sagemaker.describe_model(ModelName="m1")["ModelArn"].endswith(":model/m1")
    group = sagemaker.create_model_package_group(ModelPackageGroupName="g1")["ModelPackageGroupArn"]
    assert sagemaker.describe_model_package_group(ModelPackageGroupName="g1")["ModelPackageGroupArn"] == group
    assert "g1" in {
        g["ModelPackageGroupName"] for g in sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"]
    }
    specification = {
        "Containers": [{"Image": "img", "ModelDataUrl": "s3://b/p.tar.gz"}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }
    first = sagemaker.create_model_package(ModelPackageGroupName="g1", InferenceSpecification=specification)
    second = sagemaker.create_model_package(ModelPackageGroupName="g1", InferenceSpecification=specification)
    assert (first["ModelPackageArn"].endswith("/g1/1"), second["ModelPackageArn"].endswith("/g1/2")) == (True, True)
    package = sagemaker.describe_model_package(ModelPackageName=second["ModelPackageArn"])
    assert package["ModelPackageVersion"] == 2 and package["ModelApprovalStatus"] == "PendingManualApproval"
    assert len(sagemaker.list_model_packages(ModelPackageGroupName="g1")["ModelPackageSummaryList"]) == 2
    sagemaker.update_model_package(ModelPackageArn=second["ModelPackageArn"], ModelApprovalStatus="Approved")
    approved = sagemaker.list_model_packages(ModelPackageGroupName="g1", ModelApprovalStatus="Approved")
    assert [p["ModelPackageVersion"] for p in approved["ModelPackageSummaryList"]] == [2]
    assert sagemaker.list_model_metadata(MaxResults=1)["ModelMetadataSummaries"]

    sagemaker.create_inference_recommendations_job(
        JobName="j1",
        JobType="Default",
        RoleArn=ROLE,
        InputConfig={"ModelPackageVersionArn": second["ModelPackageArn"]},
        Tags=[{"Key": "team", "Value": "ml"}],
    )
    job = sagemaker.describe_inference_recommendations_job(JobName="j1")
    assert job["Status"] == "COMPLETED"
    assert sagemaker.list_tags(ResourceArn=job["JobArn"])["Tags"] == [{"Key": "team", "Value": "ml"}]
    events = logs.get_log_events(logGroupName=GROUP, logStreamName="j1/execution")
    messages = [e["message"] for e in events["events"]]
    assert messages[0].startswith("Inference recommendations job j1 created") and "COMPLETED" in messages[-1]
    assert any("MaxInvocations" in m for m in messages)
    again = logs.get_log_events(logGroupName=GROUP, logStreamName="j1/execution", nextToken=events["nextForwardToken"])
    assert again["events"] == [] and again["nextForwardToken"] == events["nextForwardToken"]
    assert logs.describe_log_streams(logGroupName=GROUP)["logStreams"][0]["logStreamName"] == "j1/execution"
    found = logs.filter_log_events(logGroupName=GROUP, filterPattern="completed")["events"]
    assert found and all("completed" in e["message"] for e in found)

    sagemaker.create_endpoint_config(
        EndpointConfigName="c1",
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": "m1", "InstanceType": "ml.c5.xlarge", "InitialInstanceCount": 1}
        ],
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName="c2",
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": "m1", "InstanceType": "ml.c5.2xlarge", "InitialInstanceCount": 2}
        ],
    )
    assert {c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]} == {"c1", "c2"}
    sagemaker.create_endpoint(EndpointName="e1", EndpointConfigName="c1")
    assert sagemaker.list_endpoints(StatusEquals="InService")["Endpoints"][0]["EndpointName"] == "e1"
    sagemaker.update_endpoint(EndpointName="e1", EndpointConfigName="c2")
    assert sagemaker.describe_endpoint(EndpointName="e1")["EndpointConfigName"] == "c2"

    answer = runtime.invoke_endpoint(EndpointName="e1", Body=b"1,2\n3,4\n", ContentType="text/csv")
    assert answer["ContentType"] == "text/csv" and answer["InvokedProductionVariant"] == "AllTraffic"
    values = answer["Body"].read().decode().split()
    assert len(values) == 2 and all(0 <= float(v) < 1 for v in values)
    as_json = runtime.invoke_endpoint(
        EndpointName="e1", Body=json.dumps([[1], [2], [3]]), ContentType="application/json"
    )
    document = json.loads(as_json["Body"].read())
    assert len(document["predictions"]) == 3 and document["simulated"] is True

    scaling.register_scalable_target(**TARGET, MinCapacity=1, MaxCapacity=4)
    assert scaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"][0]["MaxCapacity"] == 4
    policy = {
        "TargetValue": 250.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
        "ScaleInCooldown": 300,
        "ScaleOutCooldown": 300,
    }
    put = scaling.put_scaling_policy(
        PolicyName="p1", PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=policy, **TARGET
    )
    assert len(put["Alarms"]) == 2
    described = scaling.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"]
    assert described[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 250.0
    scaling.delete_scaling_policy(PolicyName="p1", **TARGET)
    scaling.deregister_scalable_target(**TARGET)

    endpoint_arn = sagemaker.describe_endpoint(EndpointName="e1")["EndpointArn"]
    sagemaker.add_tags(ResourceArn=endpoint_arn, Tags=[{"Key": "k", "Value": "v"}])
    sagemaker.delete_tags(ResourceArn=endpoint_arn, TagKeys=["k"])
    assert sagemaker.list_tags(ResourceArn=endpoint_arn)["Tags"] == []
    sagemaker.delete_endpoint(EndpointName="e1")
    sagemaker.delete_model_package(ModelPackageName=first["ModelPackageArn"])
    sagemaker.delete_model_package(ModelPackageName=second["ModelPackageArn"])
    sagemaker.delete_model_package_group(ModelPackageGroupName="g1")
    sagemaker.delete_model(ModelName="m1")
    served = sagemaker.operations | logs.operations | runtime.operations | scaling.operations
    from ircli.operations import OPERATIONS

    # Every operation this round added is exercised above (the job and endpoint-capacity ones have their own tests).
    older = {"GetScalingConfigurationRecommendation", "DescribeEndpointConfig", "DeleteEndpointConfig"}
    older |= {"UpdateEndpointWeightsAndCapacities", "StopInferenceRecommendationsJob"}
    older |= {key.name for key in OPERATIONS if "InferenceRecommendationsJob" in key.name}
    older |= {key.name for key in OPERATIONS if key.service.value == "cloudwatch"}  # tests/test_cloudwatch_served.py
    older |= {key.name for key in OPERATIONS if key.service.value == "pricing"}  # tests/test_prices_served.py
    older |= {
        key.name
        for key in OPERATIONS
        if key.name.startswith(("Create", "Describe", "List", "Stop", "Delete")) and "AI" in key.name
    }  # tests/test_ai_simulator.py
    # Inference components and the streamed invocation: tests/test_inference_components.py, test_llm_runtime.py.
    older |= {key.name for key in OPERATIONS if "InferenceComponent" in key.name}
    older |= {"InvokeEndpointWithResponseStream"}
    assert {key.name for key in OPERATIONS} - served - older == set()


def test_errors_raise_botocores_modeled_exceptions(server: RunningServer) -> None:
    sagemaker, logs = client(server, "sagemaker"), client(server, "logs")
    runtime, scaling = client(server, "sagemaker-runtime"), client(server, "application-autoscaling")
    with pytest.raises(
        sagemaker.exceptions.ClientError,
        match=r'Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/nope"',
    ):
        sagemaker.create_endpoint_config(
            EndpointConfigName="c",
            ProductionVariants=[
                {"VariantName": "v", "ModelName": "nope", "InstanceType": "ml.c5.large", "InitialInstanceCount": 1}
            ],
        )
    with pytest.raises(sagemaker.exceptions.ClientError, match="Could not find model"):
        sagemaker.create_inference_recommendations_job(
            JobName="j", JobType="Default", RoleArn=ROLE, InputConfig={"ModelName": "nope"}
        )
    with pytest.raises(sagemaker.exceptions.ClientError, match="does not exist"):
        sagemaker.create_inference_recommendations_job(
            JobName="j",
            JobType="Default",
            RoleArn=ROLE,
            InputConfig={"ModelPackageVersionArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/x/9"},
        )
    with pytest.raises(sagemaker.exceptions.ResourceNotFound):
        sagemaker.list_tags(ResourceArn="arn:aws:sagemaker:us-east-1:123456789012:endpoint/none")
    with pytest.raises(logs.exceptions.ResourceNotFoundException, match="log stream does not exist"):
        logs.get_log_events(logGroupName=GROUP, logStreamName="none/execution")
    with pytest.raises(logs.exceptions.ResourceNotFoundException, match="log group does not exist"):
        logs.describe_log_streams(logGroupName="/other")
    with pytest.raises(runtime.exceptions.ValidationError, match=r"Endpoint none of account 123456789012 not found\."):
        runtime.invoke_endpoint(EndpointName="none", Body=b"1", ContentType="text/csv")
    with pytest.raises(scaling.exceptions.ValidationException, match="does not exist"):
        scaling.register_scalable_target(**TARGET, MinCapacity=1, MaxCapacity=2)
    with pytest.raises(scaling.exceptions.ObjectNotFoundException):
        scaling.delete_scaling_policy(PolicyName="none", **TARGET)


def test_endpoints_fail_and_delete_through_visible_states(server: RunningServer) -> None:
    sagemaker = client(server, "sagemaker")
    sagemaker.create_endpoint_config(
        EndpointConfigName="c",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": "resnet50", "InstanceType": "ml.c5.large", "InitialInstanceCount": 1}
        ],
    )
    sagemaker.create_endpoint(
        EndpointName="broken", EndpointConfigName="c", Tags=[{"Key": "ircli:simulate", "Value": "fail-endpoint"}]
    )
    broken = sagemaker.describe_endpoint(EndpointName="broken")
    assert broken["EndpointStatus"] == "Failed" and "health check" in broken["FailureReason"]
    waiter = sagemaker.client.get_waiter("endpoint_in_service")
    with pytest.raises(Exception, match="Failed"):
        waiter.wait(EndpointName="broken", WaiterConfig={"Delay": 0.05, "MaxAttempts": 3})
    sagemaker.delete_endpoint(EndpointName="broken")
    sagemaker.client.get_waiter("endpoint_deleted").wait(EndpointName="broken", WaiterConfig={"Delay": 0.05})
    assert sagemaker.list_endpoints()["Endpoints"] == []


def test_deleting_is_visible_at_a_real_speed(tmp_path: Path) -> None:
    clock = [1000.0]
    simulator = Simulator(Store(tmp_path / "s"), speed="realtime", clock=lambda: clock[0])
    simulator.dispatch(
        "CreateEndpointConfig",
        {
            "EndpointConfigName": "c",
            "ProductionVariants": [
                {"VariantName": "v", "ModelName": "resnet50", "InstanceType": "ml.c5.large", "InitialInstanceCount": 1}
            ],
        },
    )
    simulator.dispatch("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
    clock[0] += 600
    simulator.dispatch("DeleteEndpoint", {"EndpointName": "e"})
    assert simulator.dispatch("DescribeEndpoint", {"EndpointName": "e"})["EndpointStatus"] == "Deleting"
    clock[0] += 600
    with pytest.raises(Exception, match="Could not find endpoint"):
        simulator.dispatch("DescribeEndpoint", {"EndpointName": "e"})


def test_invented_members_are_never_stored_or_echoed(server: RunningServer) -> None:
    host, port = server.server_address
    body = {
        "ModelName": "echo",
        "PrimaryContainer": {"Image": "img", "Invented": "<script>alert(1)</script>"},
        "ExecutionRoleArn": ROLE,
        "AlsoInvented": {"x": 1},
    }
    answers = {}
    for target, payload in (("CreateModel", body), ("DescribeModel", {"ModelName": "echo"})):
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request(
            "POST",
            "/",
            json.dumps(payload),
            {"X-Amz-Target": f"SageMaker.{target}", "Content-Type": "application/x-amz-json-1.1"},
        )
        response = connection.getresponse()
        answer = response.read().decode()
        connection.close()
        assert response.status == 200, (target, answer)  # created and described, not merely refused
        assert "Invented" not in answer and "<script>" not in answer
        answers[target] = json.loads(answer)
    assert answers["CreateModel"]["ModelArn"].endswith(":model/echo")
    described = answers["DescribeModel"]
    assert described["ModelName"] == "echo" and described["PrimaryContainer"] == {"Image": "img"}
    assert described["ExecutionRoleArn"] == ROLE and "AlsoInvented" not in described


def test_a_job_on_an_endpoint_without_a_name_is_refused_not_an_internal_error(tmp_path: Path) -> None:
    from ircli.simulator.exceptions import ValidationException

    simulator = Simulator(Store(tmp_path / "s"), speed="instant", clock=lambda: 1000.0)
    request = {
        "JobName": "unnamed-endpoint",
        "JobType": "Default",
        "RoleArn": "arn:aws:iam::123456789012:role/Role",
        "InputConfig": {"ModelName": "resnet50", "Endpoints": [{}]},
    }
    with pytest.raises(ValidationException, match=r"inputConfig\.endpoints\.member\.endpointName"):
        simulator.dispatch("CreateInferenceRecommendationsJob", request)
