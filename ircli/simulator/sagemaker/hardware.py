"""How fast the simulator's hardware runs a model: one vCPU's relative speed by instance family, and one
accelerator's by its kind (a T4 is 1.0) and, where a published comparison says so, by the kind of model, for the
performance model (`perf`).

The accelerator speeds follow AWS's published comparisons (each "up to"; the simulator stays below or at them):
* G5 (A10G) against G4dn (T4): "four times higher ML inference throughput at three times lower cost per
  inference ... for NLP and CV PyTorch models" (AWS Machine Learning Blog, 2022); the launch said up to 3x.
* Inferentia (Inf1): "up to 2.3x higher throughput and up to 70% lower cost per inference than comparable
  inference-optimized Amazon EC2 instances" (AWS Machine Learning Blog, "AWS Inferentia2 builds on AWS Inferentia1
  by delivering 4x higher throughput and 10x lower latency"), and for BERT-base "12 times higher throughput at 70%
  lower cost ... as compared to deploying the same model on GPUs" (AWS Machine Learning Blog, "Achieve 12x higher
  throughput and lowest latency for PyTorch Natural Language Processing applications out-of-the-box on AWS
  Inferentia").
* G6 (L4): up to 2x G4dn for deep-learning inference; G6e (L40S): up to 2.5x G5 (AWS launch announcements).
* TensorRT BERT-base at batch 1: T4 1.95 ms, A100 0.67 ms (NVIDIA's TensorRT demo README); batched, an A100
  serves about twice an A10G.
"""

from __future__ import annotations

# Relative speed of one vCPU by instance family prefix; the longest matching prefix wins.
FAMILY_SPEED = {
    "t2": 0.6,
    "t3": 0.7,
    "m4": 0.85,
    "c4": 0.9,
    "m5": 0.95,
    "r5": 0.95,
    "c5": 1.0,
    "p2": 0.8,
    "p3": 0.95,
    "m6i": 1.1,
    "c6i": 1.15,
    "r6i": 1.1,
    "c6in": 1.15,
    "m7i": 1.2,
    "c7i": 1.25,
    "r7i": 1.2,
    "m6g": 0.95,
    "c6g": 1.0,
    "r6g": 0.95,
    "c6gn": 1.0,
    "c7g": 1.15,
    "r7g": 1.1,
    "m8g": 1.25,
    "c8g": 1.3,
    "r8g": 1.25,
}
ACCELERATOR_SPEED = {
    "K80": 0.5,
    "M60": 0.5,
    "T4": 1.0,
    "V100": 2.0,
    "A10G": 3.0,
    "L4": 2.0,
    "L40S": 6.0,
    "A100": 6.0,
    "H100": 12.0,
    "H200": 13.0,
    "B200": 20.0,
    "B300": 22.0,
    "GB200": 22.0,
    "Inferentia": 2.3,
    "Inferentia2": 3.5,
    "Trainium": 3.5,
    "Trainium2": 7.0,
}
# Where a kind of model runs faster than the general figure on an accelerator: transformer encoders compiled by
# AWS Neuron (BERT-base: up to 12x a GPU's throughput on Inferentia; Inferentia2 at least as fast).
MODEL_AFFINITY = {
    ("nlp", "Inferentia"): 4.0,
    ("nlp", "Inferentia2"): 2.7,
}
# Accelerators that run only what AWS Neuron compiles (neural networks in PyTorch, TensorFlow, MXNet).
NEURON_KINDS = ("inferentia", "trainium")


def accelerator_speed(name: str, profile: str) -> float:
    """One accelerator's speed for a kind of model, relative to a T4."""
    return ACCELERATOR_SPEED.get(name, 1.0) * MODEL_AFFINITY.get((profile, name), 1.0)


def family_speed(family: str) -> float:
    best = ""
    for prefix in FAMILY_SPEED:
        if family.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return FAMILY_SPEED.get(best, 1.0)
