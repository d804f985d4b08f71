"""A job on a model package benchmarks the model the package describes, exactly as a ContainerConfig
would describe it: the package's container Framework, FrameworkVersion and NearestModelName, its Domain
and Task, and its SupportedRealtimeInferenceInstanceTypes as the Default job's candidates. CreateModel
naming a package that does not exist is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.exceptions import ValidationException
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.valid_requests import ROLE

PYTORCH_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:1.12.1-cpu-py38"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.5-1"
BERT = {
    "Container": {
        "Image": PYTORCH_IMAGE,
        "ModelDataUrl": "s3://bucket/bert/model.tar.gz",
        "Framework": "PYTORCH",
        "FrameworkVersion": "1.12.1",
        "NearestModelName": "bert-base-cased",
    },
    "Domain": "NATURAL_LANGUAGE_PROCESSING",
    "Task": "FILL_MASK",
    "InstanceTypes": ["ml.c5.xlarge", "ml.g4dn.xlarge", "ml.m5.xlarge"],
    "ContentTypes": ["application/json"],
}
XGBOOST = {
    "Container": {
        "Image": XGBOOST_IMAGE,
        "ModelDataUrl": "s3://bucket/xgb/model.tar.gz",
        "Framework": "XGBOOST",
        "FrameworkVersion": "1.5-1",
        "NearestModelName": "xgboost",
    },
    "Domain": "MACHINE_LEARNING",
    "Task": "CLASSIFICATION",
    "InstanceTypes": ["ml.c5.xlarge", "ml.g4dn.xlarge", "ml.m5.xlarge"],
    "ContentTypes": ["text/csv"],
}


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    simulator = Simulator(Store(tmp_path / "sim"), clock=lambda: 1_700_000_000.0, speed="instant")
    simulator.dispatch("CreateModelPackageGroup", {"ModelPackageGroupName": "zoo"})
    return simulator


def register(sim: Simulator, model: dict[str, Any]) -> str:
    package = sim.dispatch(
        "CreateModelPackage",
        {
            "ModelPackageGroupName": "zoo",
            "Domain": model["Domain"],
            "Task": model["Task"],
            "SamplePayloadUrl": "s3://bucket/payload.tar.gz",
            "InferenceSpecification": {
                "Containers": [model["Container"]],
                "SupportedContentTypes": model["ContentTypes"],
                "SupportedResponseMIMETypes": ["application/json"],
                "SupportedRealtimeInferenceInstanceTypes": model["InstanceTypes"],
            },
        },
    )
    return str(package["ModelPackageArn"])


def container_config(model: dict[str, Any]) -> dict[str, Any]:
    """The same model as a ContainerConfig states it."""
    container = model["Container"]
    return {
        "Domain": model["Domain"],
        "Task": model["Task"],
        "Framework": container["Framework"],
        "FrameworkVersion": container["FrameworkVersion"],
        "NearestModelName": container["NearestModelName"],
        "SupportedInstanceTypes": model["InstanceTypes"],
        "PayloadConfig": {
            "SamplePayloadUrl": "s3://bucket/payload.tar.gz",
            "SupportedContentTypes": model["ContentTypes"],
        },
    }


def figures(sim: Simulator, name: str, input_config: dict[str, Any]) -> list[dict[str, Any]]:
    """A Default job's recommendations without what names them (job, endpoint, variant, recommendation id)."""
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": input_config},
    )
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": name})
    assert job["Status"] == "COMPLETED", job.get("FailureReason")
    kept = []
    for recommendation in job["InferenceRecommendations"]:
        endpoint = dict(recommendation["EndpointConfiguration"])
        endpoint.pop("EndpointName", None)
        endpoint.pop("VariantName", None)
        kept.append({"Metrics": recommendation["Metrics"], "EndpointConfiguration": endpoint})
    # Serverless recommendations too (an unset SupportedEndpointType benchmarks both kinds): sorted whole.
    return sorted(kept, key=lambda r: json.dumps(r["EndpointConfiguration"], sort_keys=True))


def model_of(sim: Simulator, name: str, model: dict[str, Any]) -> str:
    sim.dispatch("CreateModel", {"ModelName": name, "ExecutionRoleArn": ROLE, "PrimaryContainer": model["Container"]})
    return name


@pytest.mark.parametrize("model", [BERT, XGBOOST], ids=["bert", "xgboost"])
def test_a_package_gives_the_figures_its_container_config_gives(sim: Simulator, model: dict[str, Any]) -> None:
    arn = register(sim, model)
    from_package = figures(sim, "from-package", {"ModelPackageVersionArn": arn})
    from_config = figures(
        sim,
        "from-config",
        {"ModelName": model_of(sim, "named", model), "ContainerConfig": container_config(model)},
    )
    assert json.dumps(from_package) == json.dumps(from_config)  # as text: a NaN utilisation equals no float
    # The Default job's candidates are the package's supported instance types, and only those.
    benchmarked = {r["EndpointConfiguration"].get("InstanceType") for r in from_package} - {None}
    assert benchmarked and benchmarked <= set(model["InstanceTypes"])


def test_packages_of_different_models_give_different_figures(sim: Simulator) -> None:
    bert = figures(sim, "bert", {"ModelPackageVersionArn": register(sim, BERT)})
    xgboost = figures(sim, "xgboost", {"ModelPackageVersionArn": register(sim, XGBOOST)})

    def on_c5(found: list[dict[str, Any]]) -> dict[str, Any]:
        return next(r["Metrics"] for r in found if r["EndpointConfiguration"].get("InstanceType") == "ml.c5.xlarge")

    assert on_c5(bert)["MaxInvocations"] != on_c5(xgboost)["MaxInvocations"]
    assert on_c5(bert)["ModelLatency"] > on_c5(xgboost)["ModelLatency"]  # BERT is heavier than trees on a CPU


def test_a_container_config_given_with_a_package_overrides_what_it_names(sim: Simulator) -> None:
    arn = register(sim, BERT)
    only = figures(
        sim,
        "narrowed",
        {"ModelPackageVersionArn": arn, "ContainerConfig": {"SupportedInstanceTypes": ["ml.m5.xlarge"]}},
    )
    # Serverless options too (SupportedEndpointType unset); one instance type, the one asked for.
    assert [
        r["EndpointConfiguration"]["InstanceType"] for r in only if "InstanceType" in r["EndpointConfiguration"]
    ] == ["ml.m5.xlarge"]
    # The rest still comes from the package: the same figures as the package alone on that type.
    alone = figures(sim, "alone", {"ModelPackageVersionArn": arn})
    on_m5 = [r for r in only if r["EndpointConfiguration"].get("InstanceType") == "ml.m5.xlarge"]
    assert on_m5 == [r for r in alone if r["EndpointConfiguration"].get("InstanceType") == "ml.m5.xlarge"]


def test_the_job_keeps_the_request_it_was_given(sim: Simulator) -> None:
    arn = register(sim, BERT)
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        {"JobName": "kept", "JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelPackageVersionArn": arn}},
    )
    described = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "kept"})
    assert described["InputConfig"] == {"ModelPackageVersionArn": arn}


@pytest.mark.parametrize("where", ["PrimaryContainer", "Containers"])
def test_create_model_refuses_a_package_that_does_not_exist(sim: Simulator, where: str) -> None:
    missing = "arn:aws:sagemaker:us-east-1:123456789012:model-package/zoo/9"
    container = {"ModelPackageName": missing}
    request = {
        "ModelName": "from-missing",
        "ExecutionRoleArn": ROLE,
        where: container if where == "PrimaryContainer" else [container],
    }
    with pytest.raises(ValidationException, match=f"ModelPackage {missing} does not exist."):
        sim.dispatch("CreateModel", request)
    with pytest.raises(ValidationException, match="Could not find model"):
        sim.dispatch("DescribeModel", {"ModelName": "from-missing"})
    # A package that exists is accepted.
    arn = register(sim, BERT)
    sim.dispatch(
        "CreateModel",
        {"ModelName": "from-package", "ExecutionRoleArn": ROLE, "PrimaryContainer": {"ModelPackageName": arn}},
    )
    assert sim.dispatch("DescribeModel", {"ModelName": "from-package"})["PrimaryContainer"] == {"ModelPackageName": arn}
