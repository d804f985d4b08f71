"""The simulator's LLM performance model: what a generative-AI deployment (a model, an instance type, a
serving framework, a tensor-parallel degree and copies per instance) does at a concurrency and token
distribution: whether it fits at all, time to first token, inter-token latency, request latency, output
tokens per second per user and in all, request throughput and cost per million output tokens.

Relations, each with its source (tests/test_llm_expert_table.py holds one row per relation):
- Memory fit: weights take 2 bytes a parameter (BF16 SafeTensors, the model's config.json); the KV cache
  2 x layers x KV heads x head dim x 2 bytes per token; the server claims 90% of each GPU's memory
  (vLLM's `gpu_memory_utilization` default 0.9) and keeps 1 GiB per GPU for activations and CUDA graphs.
  A configuration runs only if its weights and one full request's KV cache fit; the KV cache left bounds
  how many requests run at once (vLLM's PagedAttention scheduler), the rest queue.
- A step (inter-token latency): every running request decodes one token while the step carries chunks of
  the other requests' prompts (continuous batching with chunked prefill, as vLLM and LMI schedule): it is
  memory-bound (the roofline of LLM inference, NVIDIA's "Mastering LLM Techniques: Inference
  Optimization") reading the weights once and every running request's KV cache at 80% of the GPU's memory
  bandwidth, or compute-bound at 50% of its dense FP16 tensor throughput once the tokens it carries need
  more; plus two all-reduces per layer across the tensor-parallel GPUs (NCCL: a fixed cost per call over
  NVLink or PCIe, plus the bytes over the link), plus 1.5 ms of scheduling and sampling (vLLM v0.6.0's
  release notes measure the CPU's share of a step). At batch 1 this reads the weights at about 64% of peak
  bandwidth, what Databricks measured (MBU ~60%, "LLM Inference Performance Engineering", 2023).
- Prefill (time to first token): compute-bound, 2 x active parameters x input tokens FLOPs (plus the
  attention's quadratic term) at 50% of the GPUs' dense FP16 throughput, plus the all-reduces of the
  prompt's activations; under load it slows by the share of the GPUs' compute the steps already take.
- Requests: a closed loop of `concurrency` users (AIPerf's concurrency mode), spread evenly over the copies:
  request latency = TTFT + (output tokens - 1) x ITL; throughput = users x output tokens / request latency;
  users beyond what the KV cache holds wait for a running request to end.
- Frameworks: LMI (v15 on) serves through the vLLM engine (AWS's LMI release notes), so both run the same
  model; LMI's image differs and so does its environment (OPTION_* variables).
- Speculative decoding multiplies decode speed by up to 2.0 at one request, falling linearly to none at 32
  concurrent requests per copy (AWS's inference optimization toolkit launch: "up to ~2x higher throughput";
  vLLM's speculative-decoding post: gains at low load that vanish at high load).
- Kernel tuning: no figure is published for SageMaker's; ircli assumes 15% faster prefill and 5% faster
  decode (stated as ircli's).
Calibrated against Hugging Face's Llama 2 SageMaker benchmark (the ratio of g5.12xlarge's throughput at 20
users to its speed at 1; p4d against g5.12xlarge for 13B), see the expert table for bands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ircli.simulator.sagemaker.gpus import GpuInstance
from ircli.simulator.sagemaker.llm_models import LlmSpec

GIB = 1024**3
MEMORY_UTILIZATION = 0.90
RESERVED_GIB_PER_GPU = 1.0
BANDWIDTH_EFFICIENCY = 0.80
PREFILL_MFU = 0.50
DECODE_MFU = 0.50
STEP_OVERHEAD_MS = 1.5
SPECULATIVE_SPEEDUP = 2.0
SPECULATIVE_FADE_BATCH = 32
KERNEL_TUNING = {"prefill": 0.85, "decode": 0.95}
FRAMEWORKS = ("LMI", "VLLM")


@dataclass(frozen=True)
class Deployment:
    model: LlmSpec
    instance: GpuInstance
    tensor_parallel: int
    copies: int  # per instance
    framework: str = "LMI"
    instances: int = 1
    optimization: str | None = None  # "SpeculativeDecoding" | "KernelTuning"

    @property
    def gpu_memory_bytes(self) -> float:
        return self.instance.memory_gib * GIB


@dataclass(frozen=True)
class Fit:
    fits: bool
    weights_gib_per_gpu: float
    kv_cache_gib: float  # per copy
    max_tokens: int  # KV cache tokens per copy
    max_batch: int  # requests of the workload's size that run at once per copy
    reason: str


@dataclass(frozen=True)
class Performance:
    concurrency: int
    ttft_ms: float
    itl_ms: float
    request_latency_ms: float
    tokens_per_second_per_user: float
    output_tokens_per_second: float
    requests_per_second: float
    cost_per_million_tokens: float
    price_per_hour: float
    running_per_copy: float  # requests the copy runs at once (the rest queue)


def fit(deployment: Deployment, input_tokens: int, output_tokens: int) -> Fit:
    """Whether the model runs on its share of the instance, and how many requests of this size at once."""
    model, tp = deployment.model, deployment.tensor_parallel
    weights_per_gpu = model.weight_bytes / tp
    usable = deployment.gpu_memory_bytes * MEMORY_UTILIZATION - RESERVED_GIB_PER_GPU * GIB
    kv_bytes = max(0.0, (usable - weights_per_gpu) * tp)
    tokens = int(kv_bytes // model.kv_bytes_per_token)
    sequence = input_tokens + output_tokens
    batch = tokens // sequence if sequence else 0
    if deployment.copies * tp > deployment.instance.count:
        reason = f"{deployment.copies} copies x TP {tp} need more than the instance's {deployment.instance.count} GPUs"
        return Fit(False, weights_per_gpu / GIB, kv_bytes / GIB, tokens, 0, reason)
    if weights_per_gpu > usable:
        reason = (
            f"weights take {weights_per_gpu / GIB:.1f} GiB per GPU at TP {tp}; "
            f"{usable / GIB:.1f} GiB of each {deployment.instance.memory_gib:.1f} GiB GPU is usable"
        )
        return Fit(False, weights_per_gpu / GIB, 0.0, 0, 0, reason)
    if batch < 1:
        reason = f"the KV cache left ({kv_bytes / GIB:.2f} GiB) holds {tokens} tokens: less than one request"
        return Fit(False, weights_per_gpu / GIB, kv_bytes / GIB, tokens, 0, reason)
    return Fit(True, weights_per_gpu / GIB, kv_bytes / GIB, tokens, int(batch), "fits")


def _allreduce_ms(deployment: Deployment, tokens: float) -> float:
    """Two all-reduces per layer of `tokens` tokens' activations across the tensor-parallel GPUs."""
    tp = deployment.tensor_parallel
    if tp == 1:
        return 0.0
    gpu = deployment.instance.gpu
    payload = tokens * deployment.model.hidden * 2 * 2 * (tp - 1) / tp  # ring all-reduce moves 2(n-1)/n
    per_call = gpu.link_latency_us / 1000 + payload / (gpu.link_gbs * 1e9) * 1000
    return 2 * deployment.model.layers * per_call


def prefill_ms(deployment: Deployment, input_tokens: float) -> float:
    """One request's prefill on an otherwise idle copy."""
    model, tp, gpu = deployment.model, deployment.tensor_parallel, deployment.instance.gpu
    flops = 2 * model.active_params * input_tokens + 2 * model.layers * input_tokens**2 * model.heads * model.head_dim
    compute = flops / (tp * gpu.tflops * 1e12 * PREFILL_MFU) * 1000
    weights = model.weight_bytes / tp / (gpu.bandwidth_gbs * 1e9 * BANDWIDTH_EFFICIENCY) * 1000
    time = max(compute, weights) + _allreduce_ms(deployment, input_tokens) + STEP_OVERHEAD_MS
    return time * (KERNEL_TUNING["prefill"] if deployment.optimization == "KernelTuning" else 1.0)


def decode_step_ms(deployment: Deployment, batch: float, context: float, prefill_tokens: float = 0.0) -> float:
    """One step of `batch` running requests whose context averages `context` tokens, carrying
    `prefill_tokens` of other requests' prompts (chunked prefill): memory- or compute-bound, whichever
    takes longer, plus the all-reduces and the step's fixed cost."""
    return _step(deployment, batch, context, prefill_tokens)[0]


def _step(deployment: Deployment, batch: float, context: float, prefill_tokens: float) -> tuple[float, float]:
    """The step's time and the share of it the GPUs' compute is busy."""
    model, tp, gpu = deployment.model, deployment.tensor_parallel, deployment.instance.gpu
    bandwidth = gpu.bandwidth_gbs * 1e9 * BANDWIDTH_EFFICIENCY
    memory = (model.weight_bytes / tp + batch * context * model.kv_bytes_per_token / tp) / bandwidth * 1000
    compute = 2 * model.active_params * (batch + prefill_tokens) / (tp * gpu.tflops * 1e12 * DECODE_MFU) * 1000
    busy = max(memory, compute)
    step = busy + _allreduce_ms(deployment, batch + prefill_tokens) + STEP_OVERHEAD_MS
    if deployment.optimization == "KernelTuning":
        step *= KERNEL_TUNING["decode"]
    return step, compute / busy


def speculative_speedup(batch: float) -> float:
    """Decode speed-up of speculative decoding at `batch` requests per copy."""
    return 1.0 + (SPECULATIVE_SPEEDUP - 1.0) * max(0.0, 1.0 - batch / SPECULATIVE_FADE_BATCH)


def performance(deployment: Deployment, concurrency: int, input_tokens: int, output_tokens: int) -> Performance:
    """The deployment under `concurrency` users, each sending requests of these token counts back to back.

    Each copy runs the requests its KV cache holds at once; each step decodes one token of each and carries
    the others' prompts in chunks (every running request's prompt once per its output length), so the
    inter-token latency is the step's time and a prompt's prefill slows by how busy the GPUs' compute is."""
    capacity = fit(deployment, input_tokens, output_tokens)
    users = concurrency / (deployment.copies * deployment.instances)  # per copy
    running = min(users, float(max(capacity.max_batch, 1)))
    others_prefill = (running - 1) * input_tokens / (output_tokens + 1)
    itl, busy = _step(deployment, running, input_tokens + output_tokens / 2, others_prefill)
    if deployment.optimization == "SpeculativeDecoding":
        itl /= speculative_speedup(running)
    ttft = prefill_ms(deployment, input_tokens) * (1 + busy if running > 1 else 1.0)
    latency = ttft + max(output_tokens - 1, 0) * itl
    if users > running:  # the rest wait for a running request to finish
        latency_queued = latency * users / running
        ttft += latency_queued - latency
        latency = latency_queued
    requests_per_second = concurrency / (latency / 1000)
    tokens = requests_per_second * output_tokens
    price = deployment.instance.price_per_hour * deployment.instances
    return Performance(
        concurrency=concurrency,
        ttft_ms=ttft,
        itl_ms=itl,
        request_latency_ms=latency,
        tokens_per_second_per_user=1000 / itl if itl else math.inf,
        output_tokens_per_second=tokens,
        requests_per_second=requests_per_second,
        cost_per_million_tokens=price / (tokens * 3600) * 1e6 if tokens else math.inf,
        price_per_hour=price,
        running_per_copy=running,
    )


def tensor_parallel_options(model: LlmSpec, instance: GpuInstance) -> list[int]:
    """The tensor-parallel degrees a model can use on the instance: powers of two up to its GPUs that divide
    the model's attention heads (vLLM requires it)."""
    return [
        tp
        for tp in (1, 2, 4, 8)
        if tp <= instance.count
        and instance.count % tp == 0
        and model.heads % tp == 0
        and model.kv_heads % tp in (0, tp)
    ]


def min_cpu_memory_mb(deployment: Deployment) -> int:
    """The host memory a copy needs: the weights pass through it once while loading (SafeTensors are memory
    mapped), plus 2 GiB for the server; capped at the instance's share."""
    need = deployment.model.weight_bytes / GIB + 2.0
    share = deployment.instance.host_memory_gib / deployment.copies
    return max(1, int(min(need, share) * 1024))
