"""AWS's example notebooks for Inference Recommender, rewritten as scripts (tests/notebooks/, each naming the
notebook and commit it comes from), run against `ircli simulator serve` at instant speed.

The scripts run in a virtual environment of their own (boto3, the SageMaker SDK 2.x, pandas, matplotlib with
the Agg backend, Pillow), made and kept as tests/test_clients.py keeps its clients', and reach the simulator
only through AWS_ENDPOINT_URL. Each ends with one `RESULT {json}` line; a test asserts not only that the script
ran to its end but that what it got is what the notebook's reader would expect: instance types from the
candidates asked for, benchmarks with figures, metric windows that hold datapoints, real PNG widgets.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_clients import Served, client_venv

pytestmark = pytest.mark.slow

NOTEBOOK_CLIENTS = ("sagemaker==2.257.7", "pandas", "matplotlib", "pillow")
SCRIPTS = REPO / "tests" / "notebooks"
Result = dict[str, Any]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One simulator for every script (they name their resources apart, as notebooks in one account do)."""
    state = tmp_path_factory.mktemp("notebooks") / "state"
    environ = {**os.environ, "IRCLI_HOME": str(state), "IRCLI_SIM_SPEED": "instant"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, line
    try:
        yield Served(match[1], state)
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_notebook(served: Served, name: str) -> Result:
    python = client_venv("notebooks", NOTEBOOK_CLIENTS)
    # SageMaker notebooks run in UTC; the auto-scaling notebook formats its window from local-time datetimes.
    environ = {**served.env(), "TZ": "UTC", "MPLBACKEND": "Agg"}
    ran = subprocess.run(
        [str(python), str(SCRIPTS / f"{name}.py")],
        capture_output=True,
        text=True,
        timeout=600,
        env=environ,
        cwd=SCRIPTS,
    )
    tail = ran.stdout[-2500:] + ran.stderr[-2500:]
    assert ran.returncode == 0, tail
    last = ran.stdout.rstrip().splitlines()[-1]
    assert last.startswith("RESULT "), tail
    result: Result = json.loads(last.removeprefix("RESULT "))
    assert result["notebook"] == name
    return result


def benchmarked(jobs: dict[str, list[Result]], candidates: list[str]) -> None:
    """Every job recommended something, only among the candidates, each with real figures."""
    assert jobs
    for name, records in jobs.items():
        assert records, f"{name} recommended nothing"
        types = {r["InstanceType"] for r in records}
        assert types <= set(candidates), f"{name}: {sorted(types - set(candidates))} not among {candidates}"
        for r in records:
            assert r["MaxInvocations"] > 0 and r["ModelLatency"] > 0 and r["CostPerHour"] > 0, r


def measured(datapoints: dict[str, dict[str, int]], *metrics: str) -> None:
    """Each benchmark's CloudWatch window, read as the notebook reads it, held datapoints for these metrics."""
    assert datapoints
    for endpoint, counts in datapoints.items():
        empty = [m for m in metrics if counts.get(m, 0) == 0]
        assert not empty, f"{endpoint}: no datapoints for {empty}"


def check_xgboost(r: Result) -> None:
    benchmarked(r["jobs"], r["candidates"])
    assert r["steps"] >= len(next(iter(r["jobs"].values())))


def check_sklearn(r: Result) -> None:
    assert r["metadata"] > 0
    benchmarked(r["jobs"], r["candidates"])
    benchmarked(r["advanced"], r["advanced_candidates"])
    for records in r["advanced"].values():
        assert all(x["ModelLatency"] <= r["latency_threshold_ms"] for x in records)


def check_huggingface(r: Result) -> None:
    assert r["metadata"] > 0
    benchmarked(r["jobs"], r["candidates"])
    assert r["approval"] == "Approved"
    assert r["endpoint"] == "InService" and r["instance_type"] in r["candidates"]
    assert r["answer_lines"] == 3  # one answer per CSV row sent


def with_environment(r: Result, values: set[str]) -> None:
    benchmarked(r["jobs"], r["candidates"])
    benchmarked(r["advanced"], r["advanced_candidates"])
    tried = {p["Value"] for p in r["environment"] if p["Key"] == "OMP_NUM_THREADS"}
    assert tried and tried <= values


def check_tf_cloudwatch(r: Result) -> None:
    with_environment(r, {"2", "4", "10"})
    measured(r["datapoints"], "Invocations", "ModelLatency", "OverheadLatency", "CPUUtilization", "MemoryUtilization")
    assert r["widget"][0] == "PNG" and r["widget"][1] > 0 and r["widget"][2] > 0


def check_introduction(r: Result) -> None:
    with_environment(r, {"1", "2", "4"})


def check_neo(r: Result) -> None:
    with_environment(r, {"2", "4"})


def check_tensorflow(r: Result) -> None:
    assert r["metadata"] > 0
    with_environment(r, {"2", "4"})


def check_python_sdk(r: Result) -> None:
    benchmarked(r["jobs"], r["candidates"])
    measured(r["datapoints"], "Invocations", "ModelLatency", "CPUUtilization")
    # The notebook reads its header-less CSV with pd.read_csv's defaults: the first row becomes the header.
    assert r["predictions"] == 2


def check_instant(r: Result) -> None:
    assert r["status"] == "COMPLETED"
    assert r["recommendations"] and all(x["RecommendationId"] and x["InstanceType"] for x in r["recommendations"])


def check_instant_sdk(r: Result) -> None:
    check_instant(r)
    assert r["deployed"] == r["recommendations"][0]["InstanceType"]
    assert r["predictions"] == 2  # three rows, the first read as the header (as in the notebook)


def check_autoscaling(r: Result) -> None:
    benchmark = r["benchmark"]
    assert benchmark["datapoints"] > 0 and benchmark["max"] > 0
    assert benchmark["upper"] >= benchmark["lower"] > 0
    low, high = r["capacity"]
    assert 1 <= low <= high
    assert len(r["evaluations"]) == 3 and all(v > 0 for v in r["evaluations"].values())
    assert "StepScaling" in r["policies"]
    assert len(r["widgets"]) == 5 and all(w[0] == "PNG" for w in r["widgets"])


def check_triton(r: Result) -> None:
    benchmarked(r["advanced"], r["candidates"])
    # The notebooks' cloudwatch.py lists the GPU metrics but plots (and so reads) only its nine panels.
    measured(r["datapoints"], "Invocations", "ModelLatency", "OverheadLatency", "CPUUtilization")


CHECKS: dict[str, Callable[[Result], None]] = {
    "xgboost": check_xgboost,
    "sklearn": check_sklearn,
    "huggingface": check_huggingface,
    "tf_cloudwatch": check_tf_cloudwatch,
    "introduction": check_introduction,
    "neo": check_neo,
    "tensorflow": check_tensorflow,
    "python_sdk": check_python_sdk,
    "instant": check_instant,
    "instant_sdk": check_instant_sdk,
    "autoscaling": check_autoscaling,
    "triton_pytorch": check_triton,
    "tensorrt": check_triton,
}
# What a script needs that no branch has yet, by script (empty once every feature has landed).
MISSING: dict[str, str] = {}


def test_every_notebook_script_is_checked() -> None:
    scripts = {p.stem for p in SCRIPTS.glob("*.py") if not p.stem.startswith("_") and p.stem != "cloudwatch"}
    assert scripts == set(CHECKS)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=MISSING[n])) if n in MISSING else n for n in CHECKS],
)
def test_notebook_runs_to_its_end(served: Served, name: str) -> None:
    CHECKS[name](run_notebook(served, name))
