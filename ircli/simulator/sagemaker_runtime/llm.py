"""What a simulated LLM endpoint answers: InvokeEndpoint and InvokeEndpointWithResponseStream as the serving
containers do (LMI/DJL, vLLM, Hugging Face TGI), with a generated text of the requested length.

An endpoint serves an LLM when the model it (or the named inference component) runs is an LLM container's:
its image, or the image of the model package it was created from, is an LMI (`djl-inference`, `djl-lmi`),
vLLM or TGI (`tgi-inference`, `text-generation-inference`) image. The request shapes read:
- TGI and LMI: `{"inputs": "...", "parameters": {"max_new_tokens": N}}`;
- OpenAI chat (LMI and vLLM's messages API): `{"messages": [...], "max_tokens": N}` (or `max_completion_tokens`);
- OpenAI completions: `{"prompt": "...", "max_tokens": N}`.
Without a length the containers' usual default applies (`DEFAULT_NEW_TOKENS`). The text is deterministic (the
same prompt gets the same words) and SIMULATED: the answer says so (`"simulated": true`), and it is no model's.

Timing: the first token after the time to first token, each next one after the inter-token latency, both at
the simulator's speed (instant answers at once); the figures come from the LLM performance model
(`sagemaker.llm_perf`: the model its data names, the instance's GPUs, the tensor-parallel degree its
environment states, one request) for a GPU instance, otherwise `FALLBACK_SPEEDS`.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ircli.simulator.common import speed_factor
from ircli.simulator.exceptions import SimulatorError, ValidationError

if TYPE_CHECKING:
    from ircli.simulator.models import Simulator
    from ircli.simulator.sagemaker_runtime.invocations import Runtime

LLM_IMAGE = re.compile(r"djl-inference|djl-lmi|[-/]lmi|vllm|tgi-inference|text-generation-inference", re.IGNORECASE)
DEFAULT_NEW_TOKENS = 128
MAX_NEW_TOKENS = 32768
# Until an instance's figures are known: an 8B model on one A10G-class GPU, about 61 tokens/s for one user
# (Hugging Face's Llama SageMaker benchmark: 7B on ml.g5.12xlarge, 1 concurrent request) and a prefill of
# about 0.1 ms per input token over a 40 ms floor.
FALLBACK_SPEEDS = {"ttft_floor_s": 0.040, "ttft_per_input_token_s": 0.0001, "itl_s": 1 / 61}
_VOCABULARY = (
    "the model answers with simulated tokens drawn from a fixed vocabulary so that every prompt reads back "
    "the same text each time ircli simulator serves it without weights latency throughput cost endpoint "
    "instance copy token stream request prompt answer inference component container deterministic"
)
WORDS = tuple(_VOCABULARY.split())

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class LlmTarget:
    """The LLM an invocation reaches: its image (which container answers) and where it runs."""

    image: str
    instance_type: str | None
    variant: str
    component: str | None = None
    model_uri: str | None = None
    environment: dict[str, str] | None = None

    @property
    def flavour(self) -> str:
        return "tgi" if re.search(r"tgi|text-generation-inference", self.image, re.IGNORECASE) else "lmi"


@dataclass(frozen=True)
class Prompt:
    text: str
    new_tokens: int
    shape: str  # "chat", "completion" or "inputs"
    stream: bool


def _uri(container: dict[str, Any]) -> str | None:
    source = (container.get("ModelDataSource") or {}).get("S3DataSource") or {}
    uri = source.get("S3Uri") or container.get("ModelDataUrl")
    return str(uri) if uri else None


def model_container(sim: Simulator, model_name: str | None) -> dict[str, Any] | None:
    """What a model runs: its container's image, model data and environment, or its model package's
    inference specification's (the model's own environment on top)."""
    if not model_name or not sim.models.exists(model_name):
        return None
    model = sim.models.describe_model({"ModelName": model_name})
    container = model.get("PrimaryContainer") or (model.get("Containers") or [{}])[0]
    environment = dict(container.get("Environment") or {})
    if container.get("Image"):
        return {"Image": str(container["Image"]), "ModelUri": _uri(container), "Environment": environment}
    package = container.get("ModelPackageName")
    if not package:
        return None
    try:
        described = sim.models.describe_model_package({"ModelPackageName": package})
    except SimulatorError:
        return None
    packaged = ((described.get("InferenceSpecification") or {}).get("Containers") or [{}])[0]
    if not packaged.get("Image"):
        return None
    environment = {**(packaged.get("Environment") or {}), **environment}
    return {"Image": str(packaged["Image"]), "ModelUri": _uri(packaged), "Environment": environment}


def model_image(sim: Simulator, model_name: str | None) -> str | None:
    container = model_container(sim, model_name)
    return None if container is None else str(container["Image"])


def parse_prompt(body: bytes) -> Prompt | None:
    """The prompt and the length asked for; None when the body is no LLM request the containers read."""
    try:
        document = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    stream = bool(document.get("stream"))
    if isinstance(document.get("messages"), list):
        text = " ".join(str(m.get("content", "")) for m in document["messages"] if isinstance(m, dict))
        asked = document.get("max_completion_tokens", document.get("max_tokens"))
        return Prompt(text, _length(asked), "chat", stream)
    if "prompt" in document:
        return Prompt(str(document["prompt"]), _length(document.get("max_tokens")), "completion", stream)
    if "inputs" in document:
        parameters: dict[str, Any] = document["parameters"] if isinstance(document.get("parameters"), dict) else {}
        return Prompt(str(document["inputs"]), _length(parameters.get("max_new_tokens")), "inputs", stream)
    return None


def _length(asked: Any) -> int:
    if asked is None:
        return DEFAULT_NEW_TOKENS
    if isinstance(asked, bool) or not isinstance(asked, int) or not 0 < asked <= MAX_NEW_TOKENS:
        raise container_refused(f"max_new_tokens must be an integer from 1 to {MAX_NEW_TOKENS}, not {asked!r}")
    return asked


def container_refused(why: str) -> SimulatorError:
    from ircli.simulator.sagemaker_runtime.payloads import container_refused as refused

    return refused(why)


def tokens(prompt: Prompt) -> list[str]:
    """The generated tokens: words chosen by the prompt's hash, each with its leading space."""
    seed = hashlib.sha256(prompt.text.encode("utf-8")).digest()
    out = []
    for index in range(prompt.new_tokens):
        digest = hashlib.blake2b(seed + index.to_bytes(4, "big"), digest_size=4).digest()
        out.append(" " + WORDS[int.from_bytes(digest, "big") % len(WORDS)])
    return out


def input_tokens(prompt: Prompt) -> int:
    """About 1.3 tokens a word, as Llama-family tokenizers count English."""
    return max(1, round(len(prompt.text.split()) * 1.3))


TP_VARIABLES = (
    "OPTION_TENSOR_PARALLEL_DEGREE",
    "SM_VLLM_TENSOR_PARALLEL_SIZE",
    "TENSOR_PARALLEL_DEGREE",
    "SM_NUM_GPUS",
)


def speeds(target: LlmTarget, prompt: Prompt) -> tuple[float, float]:
    """Time to first token and inter-token latency for one request, in the service's seconds: the LLM
    performance model's for the model and the instance (its tensor-parallel degree from the environment),
    `FALLBACK_SPEEDS` where the instance is no GPU instance the model knows."""
    from ircli.simulator.sagemaker import llm_models, llm_perf
    from ircli.simulator.sagemaker.gpus import gpu_instance

    tokens_in = input_tokens(prompt)
    instance = gpu_instance(target.instance_type or "")
    if instance is None:
        ttft = FALLBACK_SPEEDS["ttft_floor_s"] + FALLBACK_SPEEDS["ttft_per_input_token_s"] * tokens_in
        return ttft, FALLBACK_SPEEDS["itl_s"]
    environment = target.environment or {}
    degree = next((environment[key] for key in TP_VARIABLES if str(environment.get(key, "")).isdigit()), None)
    tensor_parallel = min(max(1, int(degree)) if degree else instance.count, instance.count)
    model = llm_models.identify(target.model_uri or "")
    speculative = any("SPECULATIVE" in key for key in environment)
    deployment = llm_perf.Deployment(
        model, instance, tensor_parallel, 1, optimization="SpeculativeDecoding" if speculative else None
    )
    performance = llm_perf.performance(deployment, 1, tokens_in, prompt.new_tokens)
    return performance.ttft_ms / 1000, performance.itl_ms / 1000


def whole_answer(target: LlmTarget, prompt: Prompt) -> bytes:
    """The non-streaming answer in the container's and request's shape."""
    text = "".join(tokens(prompt))
    if prompt.shape == "chat":
        document: Any = _openai(prompt, "chat.completion", {"message": {"role": "assistant", "content": text}})
    elif prompt.shape == "completion":
        document = _openai(prompt, "text_completion", {"text": text})
    elif target.flavour == "tgi":
        document = [{"generated_text": text, "simulated": True}]
    else:
        document = {"generated_text": text, "simulated": True}
    return json.dumps(document).encode("utf-8")


def _openai(prompt: Prompt, kind: str, choice: dict[str, Any]) -> dict[str, Any]:
    tokens_in = input_tokens(prompt)
    return {
        "id": "sim-" + hashlib.sha256(prompt.text.encode("utf-8")).hexdigest()[:24],
        "object": kind,
        "model": "simulated",
        "choices": [{"index": 0, **choice, "finish_reason": "length"}],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": prompt.new_tokens,
            "total_tokens": tokens_in + prompt.new_tokens,
        },
        "simulated": True,
    }


def stream_parts(target: LlmTarget, prompt: Prompt) -> Iterator[bytes]:
    """The streamed answer's parts, one a token, in the container's streaming format: server-sent events
    for OpenAI requests (ending `data: [DONE]`) and TGI, JSON lines for LMI."""
    generated = tokens(prompt)
    for index, token in enumerate(generated):
        last = index == len(generated) - 1
        if prompt.shape in ("chat", "completion"):
            choice: dict[str, Any] = {"delta": {"content": token}} if prompt.shape == "chat" else {"text": token}
            chunk = _openai(prompt, "chat.completion.chunk" if prompt.shape == "chat" else "text_completion", choice)
            chunk["choices"][0]["finish_reason"] = "length" if last else None
            if not last:
                chunk.pop("usage")
            yield b"data: " + json.dumps(chunk).encode("utf-8") + b"\n\n"
        else:
            item = {
                "token": {"id": index, "text": token, "logprob": 0.0, "special": False},
                "generated_text": "".join(generated) if last else None,
                "details": None,
                "simulated": True,
            }
            line = json.dumps(item).encode("utf-8")
            yield b"data:" + line + b"\n\n" if target.flavour == "tgi" else line + b"\n"
    if prompt.shape in ("chat", "completion"):
        yield b"data: [DONE]\n\n"


def paced(parts: Iterator[bytes], ttft: float, itl: float, *, speed: str | None, sleep: Sleep) -> Iterator[bytes]:
    """The parts at the modelled pace, scaled by the simulator's speed (instant: at once)."""
    factor = speed_factor(speed)
    for index, part in enumerate(parts):
        delay = (ttft if index == 0 else itl) * factor
        if delay > 0:
            sleep(delay)
        yield part


def answer(
    target: LlmTarget, body: bytes, *, stream: bool, speed: str | None, sleep: Sleep = time.sleep
) -> tuple[bytes | Iterator[bytes], str]:
    """The answer's body (whole, or its streamed parts) and its content type."""
    prompt = parse_prompt(body)
    if prompt is None:
        raise container_refused(
            "The LLM container reads a JSON object with inputs (and parameters.max_new_tokens), messages or prompt"
        )
    ttft, itl = speeds(target, prompt)
    if stream:
        lines = prompt.shape == "inputs" and target.flavour != "tgi"
        content_type = "application/jsonlines" if lines else "text/event-stream"
        return paced(stream_parts(target, prompt), ttft, itl, speed=speed, sleep=sleep), content_type
    total = (ttft + itl * max(0, prompt.new_tokens - 1)) * speed_factor(speed)
    if total > 0:
        sleep(total)
    return whole_answer(target, prompt), "application/json"


def component_required(endpoint_name: str) -> SimulatorError:
    return ValidationError(
        f"Inference Component Name header is required for endpoint {endpoint_name}, which hosts inference "
        "components (X-Amzn-SageMaker-Inference-Component)."
    )


def target_of(runtime: Runtime, request: dict[str, Any], body: bytes) -> LlmTarget | None:
    """The LLM the request reaches; None when the endpoint (or component) serves no LLM container."""
    from ircli.simulator.sagemaker_runtime.serving import SERVING_STATUSES, not_found

    sim, name = runtime.sim, request["EndpointName"]
    row = sim.endpoints.endpoint_row(name)
    if row is None:
        raise not_found(name)
    endpoint = sim.endpoints.materialized_endpoint(name, row)
    if endpoint["status"] not in SERVING_STATUSES:
        raise not_found(name)
    component_name = request.get("InferenceComponentName")
    production = [v for v in endpoint["variants"] if not v.get("shadow")]
    if component_name is None:
        if production and not any(v.get("model") for v in production):
            hosted = sim.inference_components.on_endpoint(endpoint["EndpointName"])
            if hosted:
                raise component_required(endpoint["EndpointName"])
        variant_name = runtime.pick_variant(endpoint, body, request.get("TargetVariant"))
        variant = next(v for v in production if v["VariantName"] == variant_name)
        container = model_container(sim, variant.get("model"))
        if container is None or not LLM_IMAGE.search(container["Image"]):
            return None
        return LlmTarget(
            container["Image"],
            variant.get("instance_type"),
            variant_name,
            model_uri=container["ModelUri"],
            environment=container["Environment"],
        )
    found = sim.inference_components.on_endpoint(endpoint["EndpointName"], component_name)
    if not found or found[0]["status"] not in ("InService", "Updating") or found[0]["placed"] == 0:
        raise ValidationError(
            f"Inference Component {component_name} was not found or has no copy in service on endpoint "
            f"{endpoint['EndpointName']}."
        )
    component = found[0]
    specification = component["Specification"]
    if "BaseInferenceComponentName" in specification:
        base_name = specification["BaseInferenceComponentName"]
        base = sim.inference_components.on_endpoint(endpoint["EndpointName"], base_name)
        specification = base[0]["Specification"] if base else specification
    own = specification.get("Container") or {}
    container = model_container(sim, specification.get("ModelName")) or {}
    image = own.get("Image") or container.get("Image")
    if image is None or not LLM_IMAGE.search(image):
        return None
    hosting: dict[str, Any] = next((v for v in production if v["VariantName"] == component["VariantName"]), {})
    return LlmTarget(
        image,
        hosting.get("instance_type"),
        component["VariantName"],
        component["InferenceComponentName"],
        model_uri=own.get("ArtifactUrl") or container.get("ModelUri"),
        environment={**(container.get("Environment") or {}), **(own.get("Environment") or {})},
    )
