"""Whether a load test of a simulated endpoint reproduces the recommendation it was deployed from, and how far
the simulator's real waiting on this machine is from the figures it models.

    python benchmarks/load_test_reproduction.py

A job at `instant` (one ml.m5.large sized by its latency threshold, P95 300 ms), its recommendation deployed;
then three load tests of that endpoint:

1. the job's traffic (stairs, one user a step) at the default speed: the modelled figures, which the tests
   check (test_load_test_slow.py), and how long it took on the wall clock;
2. the same at `realtime`: the same modelled figures, the simulator now waiting each latency for real;
3. one level at `realtime` with the users of the best level of (2): Locust's own wall-clock rate (its
   requests a second x 60) beside the modelled rate, which is what the machine's own round trips take
   away (they depend on how loaded it is: a wall-clock figure, never a test). Locust is told the modelled
   latencies (so its live progress says what the result keeps): its median is the modelled one.

Everything stays on 127.0.0.1 and stops by itself (about 4 minutes, most of it the realtime run).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REQUEST = {
    "JobName": "busy",
    "JobType": "Advanced",
    "RoleArn": "arn:aws:iam::123456789012:role/ircli",
    "InputConfig": {
        "ModelName": "churn-xgboost",
        "EndpointConfigurations": [{"InstanceType": "ml.m5.large"}],
        "TrafficPattern": {
            "TrafficType": "STAIRS",
            "Stairs": {"DurationInSeconds": 120, "NumberOfSteps": 12, "UsersPerStep": 1},
        },
        "ResourceLimit": {"MaxNumberOfTests": 1, "MaxParallelOfTests": 1},
    },
    "StoppingConditions": {
        "MaxInvocations": 300,
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 300}],
    },
}


def ircli(home: str, *args: str, speed: str = "instant") -> str:
    environment = {"PATH": "/usr/bin:/bin", "IRCLI_HOME": home, "HOME": home, "IRCLI_SIM_SPEED": speed}
    done = subprocess.run(
        [sys.executable, "-m", "ircli", *args], capture_output=True, text=True, cwd=REPO, env=environment, timeout=900
    )
    if done.returncode != 0:
        raise SystemExit(f"ircli {' '.join(args)}: {done.stderr}")
    return done.stdout


def load_test(home: str, request: Path, payload: Path, speed: str, *extra: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    out = ircli(
        home, "load-test", "--cli-input-json", str(request), "--endpoint-name", "busy-endpoint", "--payload",
        str(payload), "--content-type", "text/csv", "--max-invocations", "30000", "--output", "json", *extra,
        speed=speed,
    )  # fmt: skip
    return json.loads(out), time.monotonic() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        request, payload = Path(home, "job.json"), Path(home, "one.csv")
        request.write_text(json.dumps(REQUEST))
        payload.write_text("0.1,0.2,0.3,0.4\n")
        ircli(home, "create-job", "--cli-input-json", str(request))
        recommended = json.loads(ircli(home, "describe-job", "busy", "--output", "json"))["InferenceRecommendations"][0]
        ircli(home, "endpoint-config", "create", "--endpoint-config-name", "busy-config", "--model-name",
              "churn-xgboost", "--from-recommendation", recommended["RecommendationId"])  # fmt: skip
        ircli(home, "endpoint-config", "deploy", "--endpoint-name", "busy-endpoint", "--endpoint-config-name",
              "busy-config")  # fmt: skip
        figures = recommended["Metrics"]
        print(f"recommendation: MaxInvocations {figures['MaxInvocations']}, ModelLatency {figures['ModelLatency']} ms")
        print(f"{'load test':<34}{'MaxInvocations':>15}{'ModelLatency':>13}{'wall s':>8}")
        best: dict[str, Any] = {}
        for speed in ("default", "realtime"):
            document, took = load_test(home, request, payload, speed, "--name", f"again-{speed}")
            metrics = document["Metrics"]
            print(
                f"{'job traffic at ' + speed:<34}{metrics['MaxInvocations']:>15}"
                f"{metrics['ModelLatency']:>13}{took:>8.1f}"
            )
            best = max(
                (lv for lv in document["Levels"] if lv["MetConditions"]), key=lambda lv: lv["InvocationsPerMinute"]
            )
        users = best["Users"]
        stairs = f"DurationInSeconds=30,NumberOfSteps=1,UsersPerStep={users}"
        one, _ = load_test(home, request, payload, "realtime", "--stairs", stairs, "--name", "one-level")
        level, locust = one["Levels"][0], one["Locust"]
        print(f"\none level of {users} users for 30 s at realtime:")
        print(
            f"  modelled by the simulator: {level['InvocationsPerMinute']:.0f} a minute, median {level['P50Ms']:.1f} ms"
        )
        print(
            f"  Locust's wall clock:       {locust['RequestsPerSecond'] * 60:.0f} a minute "
            f"(its median, of the modelled latencies it was told: {locust['MedianMs']} ms)"
        )


if __name__ == "__main__":
    main()
