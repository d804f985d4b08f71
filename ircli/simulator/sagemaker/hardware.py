"""How fast the simulator's hardware runs a model: one vCPU's relative speed by instance family, and one
accelerator's by its kind (a T4 is 1.0), for the performance model (`perf`)."""

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
    "V100": 1.8,
    "A10G": 1.6,
    "L4": 1.5,
    "L40S": 2.6,
    "A100": 3.5,
    "H100": 6.0,
    "H200": 6.5,
    "B200": 9.0,
    "B300": 10.0,
    "GB200": 10.0,
    "Inferentia": 0.8,
    "Inferentia2": 1.7,
    "Trainium": 1.5,
    "Trainium2": 3.0,
}


def family_speed(family: str) -> float:
    best = ""
    for prefix in FAMILY_SPEED:
        if family.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return FAMILY_SPEED.get(best, 1.0)
