"""Inference components in the simulator: copies placed on an endpoint's variant as the instances allow,
Creating then InService, updates and deletion over time, the refusals, listings; every answer walks clean
against botocore's output shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest

from ircli.simulator.exceptions import SimulatorError
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.shapes import walk

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"
LMI = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def answer(sim: Simulator, operation: str, **request: Any) -> dict[str, Any]:
    response = sim.dispatch(operation, request)
    shape = botocore.session.get_session().get_service_model("sagemaker").operation_model(operation).output_shape
    assert walk(shape, response) == []
    return response


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(tmp_path: Path, clock: Clock) -> Simulator:
    simulator = Simulator(Store(tmp_path / "state"), clock=clock, speed="realtime")
    simulator.dispatch(
        "CreateModel", {"ModelName": "llm", "PrimaryContainer": {"Image": LMI}, "ExecutionRoleArn": ROLE}
    )
    variant = {"VariantName": "AllTraffic", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}
    simulator.dispatch("CreateEndpointConfig", {"EndpointConfigName": "ic", "ProductionVariants": [variant]})
    simulator.dispatch("CreateEndpoint", {"EndpointName": "ep", "EndpointConfigName": "ic"})
    clock.now += 301  # the endpoint is InService
    return simulator


def component(copies: int = 2, gpus: float = 2, **extra: Any) -> dict[str, Any]:
    needs = {"NumberOfAcceleratorDevicesRequired": gpus, "MinMemoryRequiredInMb": 4096}
    return {
        "InferenceComponentName": "llm-ic",
        "EndpointName": "ep",
        "VariantName": "AllTraffic",
        "Specification": {"ModelName": "llm", "ComputeResourceRequirements": needs},
        "RuntimeConfig": {"CopyCount": copies},
        **extra,
    }


def test_a_component_is_creating_then_in_service_with_its_copies(sim: Simulator, clock: Clock) -> None:
    arn = answer(sim, "CreateInferenceComponent", **component())["InferenceComponentArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:123456789012:inference-component/llm-ic"
    creating = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert creating["InferenceComponentStatus"] == "Creating"
    assert creating["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 0}
    clock.now += 181
    ready = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert ready["InferenceComponentStatus"] == "InService"
    assert ready["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 2}
    assert ready["Specification"]["ModelName"] == "llm"


def test_copies_beyond_the_instances_accelerators_are_not_placed(sim: Simulator, clock: Clock) -> None:
    # ml.g5.12xlarge has 4 A10G GPUs: two copies of 2 GPUs fit, a third does not.
    answer(sim, "CreateInferenceComponent", **component(copies=3))
    clock.now += 181
    described = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 3, "CurrentCopyCount": 2}


def test_a_component_no_copy_of_which_fits_fails_with_its_reason(sim: Simulator, clock: Clock) -> None:
    answer(sim, "CreateInferenceComponent", **component(copies=1, gpus=8))
    clock.now += 181
    described = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert described["InferenceComponentStatus"] == "Failed"
    assert "Insufficient capacity" in described["FailureReason"]


def test_managed_instance_scaling_places_copies_up_to_its_maximum(sim: Simulator, clock: Clock) -> None:
    variant = {
        "VariantName": "AllTraffic",
        "InstanceType": "ml.g5.12xlarge",
        "InitialInstanceCount": 1,
        "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 2},
    }
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": "scaled", "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": "scaled", "EndpointConfigName": "scaled"})
    clock.now += 301
    answer(sim, "CreateInferenceComponent", **dict(component(copies=5), EndpointName="scaled"))
    clock.now += 181
    described = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert described["RuntimeConfig"]["CurrentCopyCount"] == 4


def test_an_update_changes_the_copies_after_updating(sim: Simulator, clock: Clock) -> None:
    answer(sim, "CreateInferenceComponent", **component(copies=1))
    clock.now += 181
    answer(sim, "UpdateInferenceComponent", InferenceComponentName="llm-ic", RuntimeConfig={"CopyCount": 2})
    updating = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert updating["InferenceComponentStatus"] == "Updating"
    assert updating["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 1}
    with pytest.raises(SimulatorError, match="in-progress"):
        sim.dispatch(
            "UpdateInferenceComponent", {"InferenceComponentName": "llm-ic", "RuntimeConfig": {"CopyCount": 1}}
        )
    clock.now += 181
    updated = answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")
    assert (updated["InferenceComponentStatus"], updated["RuntimeConfig"]["CurrentCopyCount"]) == ("InService", 2)


def test_delete_is_deleting_then_gone(sim: Simulator, clock: Clock) -> None:
    answer(sim, "CreateInferenceComponent", **component())
    clock.now += 181
    answer(sim, "DeleteInferenceComponent", InferenceComponentName="llm-ic")
    assert answer(sim, "DescribeInferenceComponent", InferenceComponentName="llm-ic")["InferenceComponentStatus"] == (
        "Deleting"
    )
    clock.now += 181
    with pytest.raises(SimulatorError, match="Could not find inference component"):
        sim.dispatch("DescribeInferenceComponent", {"InferenceComponentName": "llm-ic"})
    assert answer(sim, "ListInferenceComponents")["InferenceComponents"] == []
    answer(sim, "CreateInferenceComponent", **component())  # the name is free again


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"EndpointName": "nowhere"},
            'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nowhere"',
        ),
        ({"VariantName": "Other"}, 'Variant "Other" was not found'),
        (
            {"Specification": {"ModelName": "missing", "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}}},
            'Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/missing"',
        ),
        ({"Specification": {"ModelName": "llm"}}, "ComputeResourceRequirements is required"),
        ({"RuntimeConfig": None}, "RuntimeConfig"),
    ],
)
def test_the_services_refusals(sim: Simulator, change: dict[str, Any], message: str) -> None:
    request = {k: v for k, v in dict(component(), **change).items() if v is not None}
    with pytest.raises(SimulatorError, match=message) as raised:
        sim.dispatch("CreateInferenceComponent", request)
    assert raised.value.code == "ValidationException"


def test_a_variant_with_its_own_model_cannot_host_components(sim: Simulator, clock: Clock) -> None:
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "llm",
        "InstanceType": "ml.g5.2xlarge",
        "InitialInstanceCount": 1,
    }
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": "classic", "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": "classic", "EndpointConfigName": "classic"})
    clock.now += 301
    with pytest.raises(SimulatorError, match="cannot host inference components"):
        sim.dispatch("CreateInferenceComponent", dict(component(), EndpointName="classic"))


def test_a_taken_name_is_refused(sim: Simulator) -> None:
    sim.dispatch("CreateInferenceComponent", component())
    with pytest.raises(SimulatorError, match="Cannot create already existing inference component"):
        sim.dispatch("CreateInferenceComponent", component())


def test_listing_filters_by_endpoint_and_status_and_sorts(sim: Simulator, clock: Clock) -> None:
    sim.dispatch("CreateInferenceComponent", component())
    clock.now += 200
    sim.dispatch("CreateInferenceComponent", dict(component(), InferenceComponentName="second"))
    listed = answer(sim, "ListInferenceComponents", SortBy="Name", SortOrder="Ascending")["InferenceComponents"]
    assert [item["InferenceComponentName"] for item in listed] == ["llm-ic", "second"]
    creating = answer(sim, "ListInferenceComponents", StatusEquals="Creating")["InferenceComponents"]
    assert [item["InferenceComponentName"] for item in creating] == ["second"]
    assert answer(sim, "ListInferenceComponents", EndpointNameEquals="other")["InferenceComponents"] == []
    page = answer(sim, "ListInferenceComponents", MaxResults=1)
    assert len(page["InferenceComponents"]) == 1 and "NextToken" in page


def test_components_take_tags(sim: Simulator) -> None:
    arn = sim.dispatch("CreateInferenceComponent", component(Tags=[{"Key": "team", "Value": "llm"}]))
    tags = sim.dispatch("ListTags", {"ResourceArn": arn["InferenceComponentArn"]})["Tags"]
    assert tags == [{"Key": "team", "Value": "llm"}]
