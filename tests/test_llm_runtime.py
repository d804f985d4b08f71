"""A simulated LLM endpoint answers like its container: a deterministic text of the requested length in the
request's shape (TGI/LMI `inputs`, OpenAI chat and completions), streamed token by token as the AWS event
stream at the modelled pace scaled by the simulator's speed; inference components are addressed by name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import ClientError

from ircli.simulator.exceptions import SimulatorError
from ircli.simulator.models import Simulator
from ircli.simulator.protocols import eventstream
from ircli.simulator.sagemaker_runtime import llm
from ircli.simulator.server import serve_in_thread
from ircli.simulator.store import Store

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"
LMI = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128"
TGI = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311"
VLLM = "763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:0.8.5-gpu-py312"


def deploy(sim: Simulator, name: str, image: str | None = None, *, package: str | None = None) -> None:
    container: dict[str, Any] = {"Image": image} if image else {"ModelPackageName": package}
    sim.dispatch("CreateModel", {"ModelName": name, "PrimaryContainer": container, "ExecutionRoleArn": ROLE})
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": name,
        "InstanceType": "ml.g5.2xlarge",
        "InitialInstanceCount": 1,
    }
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": name, "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": name, "EndpointConfigName": name})


@pytest.fixture
def sim(tmp_path: Path) -> Simulator:
    simulator = Simulator(Store(tmp_path / "state"), speed="instant")
    deploy(simulator, "lmi", LMI)
    deploy(simulator, "tgi", TGI)
    return simulator


def invoke(sim: Simulator, endpoint: str, document: Any, **headers: str) -> dict[str, Any]:
    request = {"EndpointName": endpoint, "Body": json.dumps(document).encode(), **headers}
    return sim.dispatch("InvokeEndpoint", request, validated=True)  # as the runtime protocol sends it


def streamed(sim: Simulator, endpoint: str, document: Any, **headers: str) -> list[bytes]:
    request = {"EndpointName": endpoint, "Body": json.dumps(document).encode(), **headers}
    answer = sim.dispatch("InvokeEndpointWithResponseStream", request, validated=True)
    return [event["PayloadPart"]["Bytes"] for event in answer["Body"]]


def test_an_lmi_endpoint_generates_the_requested_number_of_tokens(sim: Simulator) -> None:
    answer = invoke(sim, "lmi", {"inputs": "What is SageMaker?", "parameters": {"max_new_tokens": 17}})
    document = json.loads(answer["Body"])
    assert document["simulated"] is True
    assert len(document["generated_text"].split()) == 17
    again = invoke(sim, "lmi", {"inputs": "What is SageMaker?", "parameters": {"max_new_tokens": 17}})
    assert again["Body"] == answer["Body"]  # deterministic
    other = invoke(sim, "lmi", {"inputs": "Something else", "parameters": {"max_new_tokens": 17}})
    assert other["Body"] != answer["Body"]


def test_tgi_answers_a_list_and_chat_requests_get_openai_completions(sim: Simulator) -> None:
    tgi = json.loads(invoke(sim, "tgi", {"inputs": "hi", "parameters": {"max_new_tokens": 3}})["Body"])
    assert isinstance(tgi, list) and len(tgi[0]["generated_text"].split()) == 3
    chat = json.loads(invoke(sim, "lmi", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 9})["Body"])
    assert chat["object"] == "chat.completion"
    assert chat["usage"]["completion_tokens"] == 9
    assert len(chat["choices"][0]["message"]["content"].split()) == 9
    completion = json.loads(invoke(sim, "lmi", {"prompt": "hi", "max_tokens": 4})["Body"])
    assert len(completion["choices"][0]["text"].split()) == 4
    default = json.loads(invoke(sim, "lmi", {"inputs": "hi"})["Body"])
    assert len(default["generated_text"].split()) == llm.DEFAULT_NEW_TOKENS


def test_the_stream_carries_one_token_a_part_and_the_same_text(sim: Simulator) -> None:
    document = {"inputs": "Tell me a story", "parameters": {"max_new_tokens": 6}}
    whole = json.loads(invoke(sim, "lmi", document)["Body"])["generated_text"]
    parts = streamed(sim, "lmi", document)
    lines = [json.loads(part) for part in parts]
    assert len(lines) == 6
    assert "".join(line["token"]["text"] for line in lines) == whole
    assert lines[-1]["generated_text"] == whole
    chat = streamed(sim, "lmi", {"messages": [{"role": "user", "content": "x"}], "max_tokens": 4, "stream": True})
    assert chat[-1] == b"data: [DONE]\n\n" and len(chat) == 5
    assert all(part.startswith(b"data: ") for part in chat)


def test_a_model_from_a_package_with_an_llm_image_answers_as_an_llm(sim: Simulator) -> None:
    spec = {"Containers": [{"Image": VLLM}], "SupportedContentTypes": ["application/json"]}
    spec["SupportedResponseMIMETypes"] = ["application/json"]
    arn = sim.dispatch("CreateModelPackage", {"ModelPackageName": "rec", "InferenceSpecification": spec})
    deploy(sim, "packaged", package=arn["ModelPackageArn"])
    answer = json.loads(invoke(sim, "packaged", {"inputs": "hi", "parameters": {"max_new_tokens": 2}})["Body"])
    assert len(answer["generated_text"].split()) == 2


def test_a_classic_endpoint_still_answers_predictions(sim: Simulator) -> None:
    deploy(sim, "classic", "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1")
    answer = json.loads(invoke(sim, "classic", {"inputs": "hi"})["Body"])
    assert "predictions" in answer
    assert len(streamed(sim, "classic", [1, 2])) == 1  # a container that does not stream sends one part


@pytest.mark.parametrize("asked", [0, -1, "many", 10**9, True])
def test_a_length_the_container_refuses_is_a_model_error(sim: Simulator, asked: Any) -> None:
    with pytest.raises(SimulatorError) as raised:
        invoke(sim, "lmi", {"inputs": "hi", "parameters": {"max_new_tokens": asked}})
    assert raised.value.code == "ModelError"


def test_tokens_come_at_the_modelled_pace_scaled_by_the_speed(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    sim = Simulator(Store(tmp_path / "paced"), speed="10", clock=lambda: now[0])
    deploy(sim, "lmi", LMI)
    now[0] += 60  # InService
    slept: list[float] = []
    sim.runtime.sleep = slept.append  # type: ignore[method-assign]
    target = llm.LlmTarget(LMI, "ml.g5.2xlarge", "AllTraffic")
    prompt = llm.Prompt("four words of prompt", 5, "inputs", True)
    ttft, itl = llm.speeds(target, prompt)
    assert ttft > 0 and itl > 0
    streamed(sim, "lmi", {"inputs": "four words of prompt", "parameters": {"max_new_tokens": 5}})
    assert slept == pytest.approx([ttft / 10] + [itl / 10] * 4)
    slept.clear()
    invoke(sim, "lmi", {"inputs": "four words of prompt", "parameters": {"max_new_tokens": 5}})
    assert slept == pytest.approx([(ttft + 4 * itl) / 10])


def test_instant_answers_do_not_wait(sim: Simulator) -> None:
    slept: list[float] = []
    sim.runtime.sleep = slept.append  # type: ignore[method-assign]
    streamed(sim, "lmi", {"inputs": "hi", "parameters": {"max_new_tokens": 50}})
    invoke(sim, "lmi", {"inputs": "hi", "parameters": {"max_new_tokens": 50}})
    assert slept == []


def components(sim: Simulator) -> None:
    variant = {"VariantName": "AllTraffic", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}
    sim.dispatch("CreateEndpointConfig", {"EndpointConfigName": "ics", "ProductionVariants": [variant]})
    sim.dispatch("CreateEndpoint", {"EndpointName": "ics", "EndpointConfigName": "ics"})
    needs = {"NumberOfAcceleratorDevicesRequired": 1, "MinMemoryRequiredInMb": 1024}
    sim.dispatch(
        "CreateInferenceComponent",
        {
            "InferenceComponentName": "chat",
            "EndpointName": "ics",
            "Specification": {"ModelName": "lmi", "ComputeResourceRequirements": needs},
            "RuntimeConfig": {"CopyCount": 2},
        },
    )


def test_an_inference_component_is_invoked_by_name_and_required_on_its_endpoint(sim: Simulator) -> None:
    components(sim)
    answer = invoke(sim, "ics", {"inputs": "hi", "parameters": {"max_new_tokens": 3}}, InferenceComponentName="chat")
    assert len(json.loads(answer["Body"])["generated_text"].split()) == 3
    with pytest.raises(SimulatorError, match="Inference Component Name header is required") as raised:
        invoke(sim, "ics", {"inputs": "hi"})
    assert raised.value.code == "ValidationError"
    with pytest.raises(SimulatorError, match="Inference Component other was not found"):
        invoke(sim, "ics", {"inputs": "hi"}, InferenceComponentName="other")


def test_the_event_stream_is_what_botocore_reads() -> None:
    encoded = b"".join(eventstream.encode([{"PayloadPart": {"Bytes": b"one"}}, {"PayloadPart": {"Bytes": b"two"}}]))
    buffer = EventStreamBuffer()
    buffer.add_data(encoded)
    messages = list(buffer)
    assert [m.payload for m in messages] == [b"one", b"two"]
    assert messages[0].headers[":event-type"] == "PayloadPart"
    assert [payload for _, payload in eventstream.decode(encoded)] == [b"one", b"two"]
    corrupt = encoded[:-1] + bytes([encoded[-1] ^ 1])
    with pytest.raises(ValueError, match="CRC"):
        eventstream.decode(corrupt)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Any, Simulator]]:
    simulator = Simulator(Store(tmp_path / "served"), speed="instant")
    deploy(simulator, "lmi", LMI)
    components(simulator)
    running, thread = serve_in_thread(simulator)
    client = boto3.client(
        "sagemaker-runtime",
        endpoint_url=running.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )
    yield client, simulator
    running.shutdown()
    thread.join(timeout=5)


@pytest.mark.slow
def test_boto3_reads_the_streamed_answer_over_http(served: tuple[Any, Simulator]) -> None:
    client, _ = served
    body = json.dumps({"inputs": "hi", "parameters": {"max_new_tokens": 8}})
    answer = client.invoke_endpoint_with_response_stream(
        EndpointName="ics", InferenceComponentName="chat", Body=body, ContentType="application/json"
    )
    assert answer["ContentType"] == "application/jsonlines"
    assert answer["InvokedProductionVariant"] == "AllTraffic"
    parts = [json.loads(event["PayloadPart"]["Bytes"]) for event in answer["Body"]]
    whole = client.invoke_endpoint(EndpointName="lmi", Body=body, ContentType="application/json")
    assert "".join(p["token"]["text"] for p in parts) == json.loads(whole["Body"].read())["generated_text"]
    with pytest.raises(ClientError) as raised:
        client.invoke_endpoint_with_response_stream(EndpointName="ics", Body=body, ContentType="application/json")
    assert raised.value.response["Error"]["Code"] == "ValidationError"


@pytest.mark.slow
def test_a_stream_sends_each_part_as_it_is_made_while_the_server_answers_others(tmp_path: Path) -> None:
    import threading

    now = [1_800_000_000.0]
    sim = Simulator(Store(tmp_path / "paced"), speed="realtime", clock=lambda: now[0])
    deploy(sim, "lmi", LMI)
    now[0] += 600  # InService
    released, waiting = threading.Event(), threading.Event()
    calls: list[float] = []
    stuck: list[bool] = []

    def sleep(seconds: float) -> None:  # the second token waits until the test has read the first
        calls.append(seconds)
        if len(calls) == 2:
            waiting.set()
            stuck.append(not released.wait(10))  # a server that holds the first part back never releases

    sim.runtime.sleep = sleep  # type: ignore[method-assign]
    running, thread = serve_in_thread(sim)
    settings = {
        "endpoint_url": running.url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "config": Config(retries={"max_attempts": 1}, read_timeout=30),
    }
    try:
        runtime, sagemaker = boto3.client("sagemaker-runtime", **settings), boto3.client("sagemaker", **settings)
        body = json.dumps({"inputs": "hi", "parameters": {"max_new_tokens": 3}})
        answer = runtime.invoke_endpoint_with_response_stream(EndpointName="lmi", Body=body)
        events = iter(answer["Body"])
        first = next(events)  # arrives while the server is still making the second
        assert waiting.wait(30) and not released.is_set()
        assert sagemaker.describe_endpoint(EndpointName="lmi")["EndpointStatus"] == "InService"  # not blocked
        released.set()
        rest = list(events)
        assert len([first, *rest]) == 3
        assert stuck == [False], "the first part reached the client only after the second was made"
    finally:
        released.set()
        running.shutdown()
        thread.join(timeout=5)
