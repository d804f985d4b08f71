"""An expert's table: model profile x instance cases, each with the relation the performance model must keep
and why. The figures are simulated; their kind is what these cases hold to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ircli.simulator.sagemaker import perf

NO_CONDITIONS = perf.Conditions()


def run(instance_type: str, profile: str, conditions: perf.Conditions = NO_CONDITIONS) -> perf.Benchmark:
    return perf.benchmark_instance(instance_type, perf.PROFILES[profile], {}, conditions)


@dataclass(frozen=True)
class Case:
    name: str
    why: str
    holds: Callable[[], bool]


def cheapest(profile: str, instance_types: list[str]) -> str:
    results = {t: run(t, profile) for t in instance_types}
    return min((r.cost_per_inference, t) for t, r in results.items() if not r.failure)[1]


def throughput_ratio(a: str, b: str, profile: str) -> float:
    return run(a, profile).max_invocations / run(b, profile).max_invocations


def with_threads(instance_type: str, threads: str, conditions: perf.Conditions = NO_CONDITIONS) -> perf.Benchmark:
    profile = perf.PROFILES["computer-vision"]
    return perf.benchmark_instance(instance_type, profile, {"OMP_NUM_THREADS": threads}, conditions)


def unloaded_ms(instance_type: str, profile: str) -> float:
    return perf.service_time_ms(perf.instance(instance_type), perf.PROFILES[profile], 1.0)[0]


# AWS's ResNet-50 notebooks' Advanced jobs: P95 at most 100 ms, sized for 300 a minute.
RESNET_ADVANCED = perf.Conditions(300, "P95", 100)
# Their recorded run (tf-cloudwatch-inference-recommender.ipynb at commit 2800f1eeb, January 2022), ml.m5.xlarge.
RECORDED_RESNET = (
    "amazon-sagemaker-examples, tf-cloudwatch-inference-recommender.ipynb (Jan 2022, commit 2800f1eeb): ResNet-50 "
    "on ml.m5.xlarge, P95 <= 100 ms for 300/min, met with OMP_NUM_THREADS 2, 4 and 10 by 2, 3 and 5 instances "
    "(CostPerInference 1.5e-05, 3.0e-05, 6.4e-05)"
)


SEED = perf.Conditions(1000, "P95", 100)

CASES = [
    Case(
        "XGBoost is cheapest per inference on a CPU instance",
        "gradient-boosted trees gain little from a GPU at small batches; a GPU hour costs several CPU hours",
        lambda: (
            cheapest("tabular", ["ml.c5.large", "ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge", "ml.g5.xlarge"])
            in ("ml.c5.large", "ml.c5.xlarge", "ml.m5.large")
        ),
    ),
    Case(
        "BERT on ml.g4dn.xlarge serves at least 5x ml.c5.xlarge's invocations",
        "a transformer on one T4 outruns four CPU vCPUs by an order of magnitude",
        lambda: throughput_ratio("ml.g4dn.xlarge", "ml.c5.xlarge", "nlp") >= 5,
    ),
    Case(
        "ml.p3.2xlarge (one V100) serves 1.2x to 2.5x ml.g4dn.xlarge (one T4), not 8x",
        "one GPU each (EC2 data); a V100 is about twice a T4 for inference",
        lambda: 1.2 <= throughput_ratio("ml.p3.2xlarge", "ml.g4dn.xlarge", "nlp") <= 2.5,
    ),
    Case(
        "a 7B-parameter LLM refuses ml.g4dn.xlarge",
        "about 16 GiB of weights, KV cache and runtime do not fit one 16 GiB T4",
        lambda: str(run("ml.g4dn.xlarge", "generative").failure).startswith("OUT_OF_MEMORY"),
    ),
    Case(
        "a 7B-parameter LLM refuses CPU instances",
        "token generation on CPUs is too slow to serve",
        lambda: str(run("ml.m5.2xlarge", "generative").failure).startswith("UNSUPPORTED_INSTANCE_TYPE"),
    ),
    Case(
        "a 7B-parameter LLM fits ml.g5.xlarge with seconds of latency and about one request a second",
        "one 24 GB A10G holds it; public benchmarks report tens of tokens per second per request",
        lambda: (
            (r := run("ml.g5.xlarge", "generative")).failure is None
            and 5_000 <= r.model_latency_ms <= 30_000
            and 30 <= r.max_invocations <= 300
        ),
    ),
    Case(
        "the published load test holds: ml.c5d.xlarge, P95 <= 100 ms, 1000/min",
        "developer guide: 3 instances, CostPerHour 0.6899999976158142, MaxInvocations 1113, ModelLatency 100000 "
        "(microseconds in that 2021 example; today's service reports the same 100 ms as 100)",
        lambda: (
            (r := run("ml.c5d.xlarge", "generic", SEED)).instance_count == 3
            and r.cost_per_hour == 0.6899999976158142
            and abs(r.max_invocations - 1113) <= 0.05 * 1113
            and r.model_latency_ms == 100
        ),
    ),
    Case(
        "instances with the same hardware agree on meeting a threshold",
        "ml.c5.xlarge and ml.c5d.xlarge share CPUs; run-to-run variation shapes throughput only",
        lambda: (
            run("ml.c5.xlarge", "generic", SEED).instance_count == run("ml.c5d.xlarge", "generic", SEED).instance_count
            and run("ml.c5.xlarge", "generic", SEED).failure is None
        ),
    ),
    Case(
        "a threshold no load can meet is not reported as met",
        "ml.m5.large's unloaded P95 is above 100 ms: the step fails instead of claiming 100 ms",
        lambda: str(run("ml.m5.large", "generic", SEED).failure).startswith("LATENCY_THRESHOLD_NOT_MET"),
    ),
    Case(
        "CPU utilisation follows the load reached",
        "a tight latency threshold stops the test at a lower load than flattening does",
        lambda: run("ml.c5.xlarge", "generic", SEED).cpu_utilization < run("ml.c5.xlarge", "generic").cpu_utilization,
    ),
    Case(
        "ml.p2.xlarge is one K80 at about a dollar an hour, not eight GPUs at sixteen",
        "EC2 data: p2.xlarge has one K80 with 12 GiB",
        lambda: (
            perf.instance("ml.p2.xlarge")["accelerator"]["count"] == 1
            and perf.instance("ml.p2.xlarge")["price_per_hour"] < 2
        ),
    ),
    # -- accelerators, CPU parallelism and recorded runs (issue 20: figures that behave as the service's) --------
    Case(
        "BERT on Inferentia (ml.inf1.xlarge) serves several times a T4 (ml.g4dn.xlarge), at most 12x, cheaper per "
        "inference",
        "AWS ML Blog, 'Achieve 12x higher throughput and lowest latency for PyTorch Natural Language Processing "
        "applications out-of-the-box on AWS Inferentia': BERT-base at 12x the throughput, 70% lower cost, vs GPUs",
        lambda: (
            3 <= throughput_ratio("ml.inf1.xlarge", "ml.g4dn.xlarge", "nlp") <= 12
            and run("ml.inf1.xlarge", "nlp").cost_per_inference < run("ml.g4dn.xlarge", "nlp").cost_per_inference
        ),
    ),
    Case(
        "a transformer on G5 (A10G) serves about 3-4x G4dn (T4), cheaper per inference",
        "AWS ML Blog, 'Achieve four times higher ML inference throughput at three times lower cost per inference "
        "with Amazon EC2 G5 instances for NLP and CV PyTorch models'; the G5 launch: up to 3x",
        lambda: (
            2.5 <= throughput_ratio("ml.g5.xlarge", "ml.g4dn.xlarge", "nlp") <= 4.5
            and run("ml.g5.xlarge", "nlp").cost_per_inference < run("ml.g4dn.xlarge", "nlp").cost_per_inference
        ),
    ),
    Case(
        "XGBoost is not benchmarked on Inferentia or Trainium: the step fails UNSUPPORTED_INSTANCE_TYPE",
        "AWS Neuron compiles neural networks (PyTorch, TensorFlow, MXNet) only; gradient-boosted trees have no path",
        lambda: (
            all(
                str(run(t, "tabular").failure).startswith("UNSUPPORTED_INSTANCE_TYPE")
                for t in ("ml.inf1.xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge")
            )
            and run("ml.inf1.xlarge", "nlp").failure is None
        ),
    ),
    Case(
        "a one-worker CPU model's throughput is flat from 2 to 4 vCPUs while its latency falls",
        "the developer guide's Default example: ml.c5d.large 655/min, ml.c5.xlarge 648/min, latency 826 -> 264",
        lambda: (
            0.8 <= throughput_ratio("ml.c5.xlarge", "ml.c5d.large", "generic") <= 1.25
            and run("ml.c5.xlarge", "generic").model_latency_ms < run("ml.c5d.large", "generic").model_latency_ms
        ),
    ),
    Case(
        "a small XGBoost model saturates: ml.c5.18xlarge (72 vCPUs) serves under 100,000/min, not 18x ml.c5.xlarge",
        "one worker per vCPU contending for the model server (recorded: 8 vCPUs of ml.m4.2xlarge give 1.37x the "
        "4 of ml.c5.xlarge); throughput follows the model's parallelism, not vCPUs alone",
        lambda: (
            run("ml.c5.18xlarge", "tabular").max_invocations < 100_000
            and throughput_ratio("ml.c5.18xlarge", "ml.c5.xlarge", "tabular") < 5
        ),
    ),
    Case(
        "XGBoost's Default job comes out near its recorded run: ml.c5.xlarge ~18,604/min, ml.m4.2xlarge ~25,424/min",
        "amazon-sagemaker-examples, xgboost-inference-recommender.ipynb (Dec 2021): 18604 at 53 ms, 25424 at 69 ms",
        lambda: (
            abs(run("ml.c5.xlarge", "tabular").max_invocations - 18_604) <= 0.15 * 18_604
            and abs(run("ml.m4.2xlarge", "tabular").max_invocations - 25_424) <= 0.15 * 25_424
            and 20 <= run("ml.c5.xlarge", "tabular").model_latency_ms <= 120
        ),
    ),
]


# -- an image-classification CNN on CPUs (ResNet-50; issue 20: AWS's ResNet notebooks) ---------------------------
CASES += [
    Case(
        "ResNet-50 on the 4 vCPUs of ml.c5.xlarge answers one request in tens of milliseconds, 10-30 ms on 8",
        "published batch-1 FP32 figures on Xeon vCPUs: about 17 ms on the 8 vCPUs of ml.c5.2xlarge with Intel's "
        "optimised TensorFlow, so about 35 ms on 4 (Hacker News item 19489547, on a ResNet-50 serving write-up); "
        "AWS's recorded ResNet-50 Advanced jobs meet a 100 ms P95 on 4 vCPUs",
        lambda: (
            20 <= unloaded_ms("ml.c5.xlarge", "computer-vision") <= 60
            and 10 <= unloaded_ms("ml.c5.2xlarge", "computer-vision") <= 30
        ),
    ),
    Case(
        "ResNet-50 meets a 100 ms P95 on 4 vCPUs with OMP_NUM_THREADS 2, 4 and 10; 10 is the dearest per inference",
        RECORDED_RESNET,
        lambda: (
            all(
                with_threads(t, n, RESNET_ADVANCED).failure is None
                for t in ("ml.m5.xlarge", "ml.c5.xlarge", "ml.c5d.xlarge")
                for n in ("2", "4", "10")
            )
            and with_threads("ml.m5.xlarge", "10", RESNET_ADVANCED).cost_per_inference
            > max(with_threads("ml.m5.xlarge", n, RESNET_ADVANCED).cost_per_inference for n in ("2", "4"))
        ),
    ),
    Case(
        "ResNet-50 with OMP_NUM_THREADS 2 serves 5-40% more than with 4 at capacity on ml.c5d.xlarge, cheaper per "
        "inference",
        "amazon-sagemaker-examples, pyt-neo-inference-recommender.ipynb (Mar 2022): on ml.c5d.xlarge 'OMP_NUM_THREADS"
        " = 2 shows ~20% better throughput when compared to OMP_NUM_THREADS = 4' and 25% lower cost per inference: "
        "two requests on two threads each outrun one on four",
        lambda: (
            1.05
            <= with_threads("ml.c5d.xlarge", "2").max_invocations / with_threads("ml.c5d.xlarge", "4").max_invocations
            <= 1.4
            and with_threads("ml.c5d.xlarge", "2").cost_per_inference
            < with_threads("ml.c5d.xlarge", "4").cost_per_inference
        ),
    ),
    Case(
        "ResNet-50's CPU throughput follows its threads, not vCPUs: ml.c5.18xlarge serves under 5x ml.c5.xlarge",
        "a request's intra-op threads speed up its convolutions only (Amdahl: the serial tenth stays); ResNet-50's "
        "thread scaling on Xeons loses efficiency as threads grow (WhileOne, 'ResNet50 Performance Study': thread "
        "and process scaling on x86 CPUs)",
        lambda: 1.5 <= throughput_ratio("ml.c5.18xlarge", "ml.c5.xlarge", "computer-vision") < 5,
    ),
    Case(
        "ResNet-50 on one T4 (ml.g4dn.xlarge) serves over 10x ml.c5.xlarge, cheaper per inference, in under 10 ms",
        "a T4 runs ResNet-50 at batch 1 in a few milliseconds against tens on four vCPUs; AWS ML Blog, 'Achieve four "
        "times higher ML inference throughput at three times lower cost per inference with Amazon EC2 G5 instances "
        "for NLP and CV PyTorch models' (G4dn as the baseline for CV)",
        lambda: (
            throughput_ratio("ml.g4dn.xlarge", "ml.c5.xlarge", "computer-vision") > 10
            and run("ml.g4dn.xlarge", "computer-vision").cost_per_inference
            < run("ml.c5.xlarge", "computer-vision").cost_per_inference
            and unloaded_ms("ml.g4dn.xlarge", "computer-vision") < 10
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_expert_relations_hold(case: Case) -> None:
    assert case.holds(), case.why


def test_every_catalog_row_has_sourced_hardware_and_accelerators_have_memory() -> None:
    for name, record in perf.catalog()["instances"].items():
        assert record["hardware_source"], name
        accelerator = record.get("accelerator")
        if accelerator and "estimate" not in record["hardware_source"]:
            assert accelerator["count"] >= 1 and accelerator["memory_gib"] > 0, name
    estimated = [n for n, r in perf.catalog()["instances"].items() if "estimate" in r["hardware_source"]]
    assert estimated == ["ml.p6e-gb200.36xlarge"]
