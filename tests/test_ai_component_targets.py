"""Inference components as the service treats them, completing the generative-AI path: an AI benchmark
whose target is an endpoint with inference components measures the component's model (its GPUs per copy,
its copies in service), so it measures what the recommendation predicted; a target naming a component the
endpoint does not host is refused; and DeleteEndpoint is refused while components are on the endpoint
(the developer guide's "Delete Endpoints and Resources": delete the inference components first), then
accepted once they are gone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.exceptions import SimulatorError
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.conftest import CliRunner
from tests.test_inference_components import LMI, ROLE, Clock, answer, component

BENCH = ("--workload", "chat", "--output-s3-uri", "s3://bucket/bench/", "--role-arn", ROLE)


@pytest.fixture
def deployed(cli: CliRunner) -> dict[str, Any]:
    """A cost job on ml.g5.12xlarge, its first option with two copies per instance deployed as `llama`."""
    assert (
        cli(
            "ai-workload",
            "create",
            "--name",
            "chat",
            "--input-tokens-mean",
            "550",
            "--output-tokens-mean",
            "150",
            "--concurrency",
            "1",
            "--concurrency",
            "8",
            "--concurrency",
            "32",
            "--streaming",
        ).code
        == 0
    )
    assert cli("ai-recommendation", "create", "--name", "cheap", "--model-s3-uri", "s3://bucket/models/llama-3-8b/",
               "--output-s3-uri", "s3://bucket/out/", "--workload", "chat", "--goal", "cost",
               "--instance-type", "ml.g5.12xlarge", "--role-arn", ROLE).code == 0  # fmt: skip
    assert cli("ai-recommendation", "wait", "cheap").code == 0
    job = cli("ai-recommendation", "describe", "cheap", "--curves", "--output", "json").json
    rank = next(i for i, r in enumerate(job["Recommendations"], 1)
                if r["DeploymentConfiguration"].get("CopyCountPerInstance", 1) > 1)  # fmt: skip
    made = cli("ai-recommendation", "deploy", "cheap", "--rank", str(rank), "--endpoint-name", "llama", "--wait")
    assert made.code == 0, made.err
    return {"rank": rank, "curve": job["Curves"][rank - 1], "one_copy": job["Curves"][0]}


def measured(cli: CliRunner, name: str) -> dict[int, tuple[float, float]]:
    levels = cli("ai-benchmark", "results", name, "--output", "json").json["ConcurrencyLevels"]
    return {
        int(level["Concurrency"]): (
            level["Results"]["time_to_first_token"]["avg"],
            level["Results"]["output_token_throughput"]["avg"],
        )
        for level in levels
    }


@pytest.mark.parametrize("named", [True, False], ids=["component-named", "the-only-component"])
def test_a_benchmark_on_components_measures_what_the_recommendation_predicted(
    cli: CliRunner, deployed: dict[str, Any], named: bool
) -> None:
    target = ("--inference-component", "llama") if named else ()
    assert cli("ai-benchmark", "create", "--name", "bench", "--endpoint", "llama", *target, *BENCH).code == 0
    assert cli("ai-benchmark", "wait", "bench").code == 0
    found = measured(cli, "bench")
    predicted = {int(p["concurrency"]): p for p in deployed["curve"]}
    other = {int(p["concurrency"]): p for p in deployed["one_copy"] if deployed["rank"] != 1}
    for level, (ttft, tokens) in found.items():
        assert ttft == pytest.approx(predicted[level]["ttft_ms"], rel=0.08), level
        assert tokens == pytest.approx(predicted[level]["output_tokens_per_second"], rel=0.08), level
    # The one-copy option's curve differs from it (by more than the noise): the component was measured.
    if other:
        ttft, tokens = found[32]
        assert abs(tokens - other[32]["output_tokens_per_second"]) / tokens > 0.15


def test_a_component_the_endpoint_does_not_host_is_refused(cli: CliRunner, deployed: dict[str, Any]) -> None:
    refused = cli("ai-benchmark", "create", "--name", "bench", "--endpoint", "llama", "--inference-component",
                  "elsewhere", *BENCH, expect=254)  # fmt: skip
    assert "ResourceNotFound" in refused.err and "elsewhere" in refused.err


def test_delete_endpoint_is_refused_until_its_components_are_gone(cli: CliRunner, deployed: dict[str, Any]) -> None:
    refused = cli("endpoint-config", "delete-endpoint", "llama", expect=254)
    assert "ValidationException" in refused.err and "hosts inference components (llama)" in refused.err
    assert (
        cli("endpoint-config", "describe-endpoint", "llama", "--output", "json").json["EndpointStatus"] == "InService"
    )
    import os

    from ircli.backends import default_state_dir
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService

    service = RecommenderService(LocalBackend(default_state_dir(os.environ), speed="instant"))
    service.call("DeleteInferenceComponent", {"InferenceComponentName": "llama"})
    assert cli("endpoint-config", "delete-endpoint", "llama").code == 0


def test_a_deleting_component_still_holds_the_endpoint(tmp_path: Path) -> None:
    clock = Clock()
    sim = Simulator(Store(tmp_path / "state"), clock=clock, speed="realtime")
    sim.dispatch("CreateModel", {"ModelName": "llm", "PrimaryContainer": {"Image": LMI}, "ExecutionRoleArn": ROLE})
    variant = {"VariantName": "AllTraffic", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": "ic", "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": "ep", "EndpointConfigName": "ic"})
    clock.now += 301
    answer(sim, "CreateInferenceComponent", **component())
    clock.now += 181
    answer(sim, "DeleteInferenceComponent", InferenceComponentName="llm-ic")
    with pytest.raises(SimulatorError, match=r"hosts inference components \(llm-ic\)") as raised:
        sim.dispatch("DeleteEndpoint", {"EndpointName": "ep"})
    assert raised.value.code == "ValidationException"
    clock.now += 181  # the component is gone
    answer(sim, "DeleteEndpoint", EndpointName="ep")
    assert answer(sim, "DescribeEndpoint", EndpointName="ep")["EndpointStatus"] == "Deleting"


def test_a_benchmark_of_an_endpoint_with_two_unnamed_components_fails_with_its_reason(
    cli: CliRunner, deployed: dict[str, Any]
) -> None:
    import os

    from ircli.backends import default_state_dir
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService

    service = RecommenderService(LocalBackend(default_state_dir(os.environ), speed="instant"))
    first = service.call("DescribeInferenceComponent", {"InferenceComponentName": "llama"})
    second = {
        "InferenceComponentName": "llama-b",
        "EndpointName": "llama",
        "VariantName": "AllTraffic",
        "Specification": {
            "ModelName": first["Specification"]["ModelName"],
            "ComputeResourceRequirements": {"NumberOfAcceleratorDevicesRequired": 1, "MinMemoryRequiredInMb": 1024},
        },
        "RuntimeConfig": {"CopyCount": 1},
    }
    service.call("UpdateInferenceComponent", {"InferenceComponentName": "llama", "RuntimeConfig": {"CopyCount": 1}})
    service.call("CreateInferenceComponent", second)
    assert cli("ai-benchmark", "create", "--name", "bench", "--endpoint", "llama", *BENCH).code == 0
    ended = cli("ai-benchmark", "wait", "bench", expect=255)
    described = cli("ai-benchmark", "describe", "bench", "--output", "json").json
    assert described["AIBenchmarkJobStatus"] == "Failed", ended.err
    assert "hosts 2 inference components (llama, llama-b): name the one to measure" in described["FailureReason"]


def test_undeploy_deletes_the_components_waits_until_they_are_gone_then_the_rest(
    cli: CliRunner, deployed: dict[str, Any], tmp_path: Path
) -> None:
    import os
    import time

    from ircli.backends import default_state_dir
    from ircli.backends.local import LocalBackend
    from ircli.lib.service import RecommenderService
    from ircli.lib.undeploy_ai import undeploy

    # At the service's own pace: the component is Deleting for minutes, during which DeleteEndpoint is refused.
    backend = LocalBackend(default_state_dir(os.environ), speed="realtime")
    now = [time.time()]
    backend.simulator.clock = lambda: now[0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    service = RecommenderService(backend)
    model = service.call("DescribeInferenceComponent", {"InferenceComponentName": "llama"})["Specification"]
    result = undeploy(service, "llama", interval=15, sleep=sleep, clock=lambda: now[0])
    assert result["DeletedInferenceComponents"] == ["llama"] and slept  # it waited for the component
    assert result["DeletedEndpointConfig"] == "llama" and result["DeletedModels"] == [model["ModelName"]]
    assert service.call("DescribeEndpoint", {"EndpointName": "llama"})["EndpointStatus"] == "Deleting"
    assert service.paginate("ListInferenceComponents", {}).get("InferenceComponents") == []
    assert cli("model", "list", "--output", "json", "--query", "Models[?ModelName=='llama']").json == []


def test_undeploy_of_a_one_copy_endpoint_on_the_command_line(cli: CliRunner, deployed: dict[str, Any]) -> None:
    assert cli("ai-recommendation", "deploy", "cheap", "--rank", "1", "--endpoint-name", "solo", "--wait").code == 0
    done = cli("ai-recommendation", "undeploy", "solo", "--keep-models", "--wait", "--output", "json").json
    assert done == {"EndpointName": "solo", "DeletedInferenceComponents": [], "DeletedEndpointConfig": "solo",
                    "DeletedModels": [], "EndpointStatus": "Deleted"}  # fmt: skip
    assert cli("model", "describe", "solo", "--output", "json").json["ModelName"] == "solo"
    assert "Give the endpoint's name" in cli("ai-recommendation", "undeploy", expect=252).err
