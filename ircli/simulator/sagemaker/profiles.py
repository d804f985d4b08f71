"""The model profiles the performance model (`perf`) reads: per kind of model, the CPU time of one inference,
how it spreads over a CPU instance, how much faster accelerators run it, the memory it needs, each request's time
outside the model and the instance types a Default job benchmarks for it; and which profile a container gets
(by NearestModelName, else Task, Domain, Framework, else the generic profile). Each profile's calibration, with
its sources, is beside it; `tests/test_expert_table.py` holds the relations they must keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelProfile:
    name: str
    cpu_ms: float  # one inference on one reference vCPU
    accelerator_speedup: float  # how many times faster one accelerator runs it than one vCPU
    memory_gib: float  # host memory the model server needs
    streams_per_accelerator: int
    candidates: tuple[str, ...]  # what a Default job without EndpointConfigurations benchmarks
    # Accelerator memory the model needs (weights, KV cache and activations, runtime), summed over the
    # devices it is sharded across; 0 where it fits any accelerator.
    accelerator_memory_gib: float = 0.0
    requires_accelerator: bool = False  # too slow on CPUs to serve at all
    # The share of an instance's CPU one busy request slot keeps busy (the rest is I/O, serialisation).
    cpu_share: float = 1.0
    # On a CPU instance: worker processes (None: one per vCPU), the share of a request its threads (the vCPUs
    # a worker has) speed up, and the contention between workers (each slows every request by this share).
    cpu_workers: int | None = None
    intra_op: float = 0.0
    contention: float = 0.0
    overhead_ms: float = 10.0  # each request's time outside the model, per user loop
    neural: bool = True  # AWS Neuron (Inferentia, Trainium) compiles neural networks only
    # Requests that run side by side on OMP_NUM_THREADS intra-op threads each, as many as the vCPUs hold (one
    # request on every vCPU without it), as TensorFlow Serving and TorchServe run a network on a CPU.
    threads_from_omp: bool = False


CPU_CANDIDATES = ("ml.c5.xlarge", "ml.c5d.large", "ml.m5.large", "ml.c6i.xlarge", "ml.r5.large")
GPU_CANDIDATES = ("ml.g4dn.xlarge", "ml.g5.xlarge", "ml.inf2.xlarge", "ml.c6i.2xlarge", "ml.g5.2xlarge")
LLM_CANDIDATES = ("ml.g5.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge", "ml.p4d.24xlarge", "ml.inf2.24xlarge")

# The generic profile is calibrated on the published examples (developer guide, 2021): a load test of
# ml.c5d.xlarge with P95 <= 100 ms and 1000 invocations a minute needs 3 instances and serves 1113 (371 a minute
# an instance at 100 ms, so about 165 ms per request and user: 65 in the model, the rest outside it, as for a
# large payload); and its Default job's throughput is flat from 2 to 4 vCPUs (ml.c5d.large 655, ml.c5.xlarge 648
# a minute) while latency falls: one worker, whose request threads speed up a small share of it.
PROFILES: dict[str, ModelProfile] = {
    "generic": ModelProfile(
        "generic", 83.6, 8.0, 1.0, 4, CPU_CANDIDATES, cpu_workers=1, intra_op=0.3, overhead_ms=105.0
    ),
    # XGBoost, calibrated on the recorded Default job (xgboost-inference-recommender notebook, Dec 2021):
    # ml.c5.xlarge 18604 a minute, ml.m4.2xlarge (8 slower vCPUs) 25424: one worker per vCPU whose requests
    # slow each other (about 7% a worker), so throughput saturates (about 65,000 a minute on ml.c5.18xlarge,
    # not 18x ml.c5.xlarge's). The load-test guide's "30,000 a minute with 15-20 users on ml.c5.large" is a
    # round figure for "a typical XGBoost container"; the recorded runs are the calibration.
    "tabular": ModelProfile(
        "tabular",
        10.55,
        1.0,  # gradient-boosted trees gain little from a GPU at small batches
        0.3,
        4,
        ("ml.c5.large", "ml.c5.xlarge", "ml.m5.large", "ml.c6i.large", "ml.t2.medium"),
        cpu_share=0.9,
        contention=0.0742,
        neural=False,
    ),
    "nlp": ModelProfile("nlp", 220.0, 18.0, 1.5, 4, GPU_CANDIDATES, cpu_share=0.95, contention=0.02),
    # An image-classification CNN (ResNet-50 at 224x224, FP32, batch 1). On a CPU: about 90 ms on one vCPU, nine
    # tenths of it in convolutions that intra-op threads share, so about 30 ms on the 4 vCPUs of ml.c5.xlarge and
    # 20 on 8: published batch-1 figures are tens of milliseconds on a few Xeon vCPUs (about 17 ms on
    # ml.c5.2xlarge with Intel's optimised TensorFlow). AWS's recorded Advanced job (tf-cloudwatch notebook, Jan
    # 2022) met a 100 ms P95 on ml.m5.xlarge with OMP_NUM_THREADS 2, 4 and 10, needing 2, 3 and 5 instances for
    # 300 a minute; its Neo notebook found OMP_NUM_THREADS 2 about 20% more throughput than 4 on ml.c5d.xlarge:
    # two requests on two threads each outrun one on four. A T4 runs it in about 7 ms (the speed-up below), and
    # each request carries an image (about 100 ms of upload and decoding outside the model, per user loop).
    "computer-vision": ModelProfile(
        "computer-vision",
        90.0,
        12.4,
        1.2,
        4,
        GPU_CANDIDATES,
        cpu_share=0.9,
        intra_op=0.9,
        overhead_ms=100.0,
        threads_from_omp=True,
    ),
    # A 7B-parameter LLM in fp16 (13.5 GB, 12.6 GiB of weights) generating about 200 tokens a request.
    # Accelerator memory: weights + 20% for the KV cache and activations + 1 GiB of runtime = 16.1 GiB, so
    # it does not fit one 16 GiB T4 and fits one 22 GiB A10G. Service time: about 6 s a request on an A10G
    # (about 33 tokens/s at batch 1), 8 requests batched per device; public serving benchmarks of 7B models
    # on one A10G report tens of tokens per second per request and a few requests per second in all
    # (e.g. the SageMaker JumpStart and Hugging Face TGI benchmark write-ups for Llama 2 7B, 2023).
    "generative": ModelProfile(
        "generative",
        9600.0 * 60,
        32.0,  # an A10G (3.0 in `hardware`) runs it 96x one vCPU: 6 s a request
        4.0,
        8,
        LLM_CANDIDATES,
        accelerator_memory_gib=16.1,
        requires_accelerator=True,
        cpu_share=0.3,
        overhead_ms=50.0,
    ),
}

NEAREST_MODELS = {
    "xgboost": "tabular",
    "sklearn": "tabular",
    "lightgbm": "tabular",
    "catboost": "tabular",
    "bert": "nlp",
    "roberta": "nlp",
    "distilbert": "nlp",
    "albert": "nlp",
    "gpt2": "generative",
    "resnet": "computer-vision",
    "vgg": "computer-vision",
    "yolo": "computer-vision",
    "efficientnet": "computer-vision",
    "inception": "computer-vision",
    "mobilenet": "computer-vision",
    "llama": "generative",
    "falcon": "generative",
    "mistral": "generative",
    "t5": "nlp",
    "bart": "nlp",
}
DOMAINS = {"MACHINE_LEARNING": "tabular", "NATURAL_LANGUAGE_PROCESSING": "nlp", "COMPUTER_VISION": "computer-vision"}
FRAMEWORKS = {"XGBOOST": "tabular", "SAGEMAKER-SCIKIT-LEARN": "tabular", "SKLEARN": "tabular"}


def profile_for(container: dict[str, Any] | None) -> ModelProfile:
    container = container or {}
    nearest = str(container.get("NearestModelName", "")).lower()
    for key, profile in NEAREST_MODELS.items():
        if key in nearest:
            return PROFILES[profile]
    task = str(container.get("Task", "")).upper()
    if task in ("TEXT_GENERATION", "TEXT_TO_TEXT"):
        return PROFILES["generative"]
    domain = str(container.get("Domain", "")).upper()
    if domain in DOMAINS:
        return PROFILES[DOMAINS[domain]]
    framework = str(container.get("Framework", "")).upper()
    if framework in FRAMEWORKS:
        return PROFILES[FRAMEWORKS[framework]]
    return PROFILES["generic"]
