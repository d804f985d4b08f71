"""Ranking at scale: `rank` (scores, Pareto marks, the top pick) over many recommendations.

    python benchmarks/ranking.py                # 1,000, 10,000 and 100,000 recommendations
    python benchmarks/ranking.py 1000000        # any counts

Each count is ranked in a fresh process (so that one figure's memory does not count another's); the
figures are that process's seconds for `rank` (wall clock, and CPU time, which a busy machine
disturbs less) and its peak resident memory, recommendations included.
The recommendations are random but seeded, with a few missing and "NaN" metrics, as a service sends them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
COUNTS = (1_000, 10_000, 100_000)
# The target: 10^5 recommendations ranked in under 2 s.
BUDGET_SECONDS = 2.0


def recommendations(count: int) -> list[dict[str, Any]]:
    import random

    generator = random.Random(count)
    items = []
    for index in range(count):
        metrics: dict[str, Any] = {
            "CostPerHour": round(generator.uniform(0.05, 40), 4),
            "ModelLatency": generator.randint(1, 5000),
            "MaxInvocations": generator.randint(10, 100_000),
        }
        if index % 97 == 0:
            metrics["ModelLatency"] = "NaN"
        if index % 101 == 0:
            del metrics["CostPerHour"]
        items.append(
            {
                "RecommendationId": f"job/{index:08x}",
                "Metrics": metrics,
                "EndpointConfiguration": {"InstanceType": "ml.c5.xlarge", "InitialInstanceCount": 1 + index % 4},
            }
        )
    return items


def measure(count: int) -> dict[str, float]:
    """Rank `count` recommendations here; seconds and this process's peak memory in MiB."""
    import resource
    import time

    from ircli.lib.ranking import Limits, Weights, rank

    items = recommendations(count)
    started, cpu_started = time.perf_counter(), time.process_time()
    ranking = rank(items, Weights(), Limits())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert len(ranking.ranked) == count
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pareto = sum(item.pareto for item in ranking.ranked)
    return {"count": count, "seconds": seconds, "cpu": cpu, "peak_mib": peak, "pareto": pareto}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return 0
    counts = [int(arg) for arg in argv] or list(COUNTS)
    print("| recommendations | rank() wall clock | CPU | peak memory | Pareto-optimal |")
    print("|---|---|---|---|---|")
    slow = False
    for count in counts:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(count)], capture_output=True, text=True, check=True, cwd=REPO
        )
        figures = json.loads(output.stdout)
        slow |= count <= 100_000 and figures["seconds"] > BUDGET_SECONDS
        print(
            f"| {count:,} | {figures['seconds']:.3f} s | {figures['cpu']:.3f} s | {figures['peak_mib']:.0f} MiB "
            f"| {figures['pareto']:,} |"
        )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
