"""ircli load-test end to end, on loopback only, each test bounded by its traffic pattern: a scikit-learn
model served by a WSGI app with a known service time (tests/model_server.py), with phases and with stairs,
the stopping conditions, a container answering 500, two local workers, a master and a worker started as
separate processes, Ctrl-C, and a simulated endpoint deployed from a recommendation, which the load test
measures again within the issue's bounds."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, CliRunner
from tests.model_server import ModelApp, serving, train

# Real latencies against thresholds of tens of milliseconds: run alone, never beside other tests' processes.
pytestmark = [pytest.mark.slow, pytest.mark.timing]
SERVICE_MS = 20.0


@pytest.fixture(scope="module")
def model() -> Any:
    import importlib.util

    if importlib.util.find_spec("locust") is None or importlib.util.find_spec("sklearn") is None:
        pytest.skip("needs the load-test and test extras (locust, scikit-learn)")
    return train()


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    folder = tmp_path / "payload"
    folder.mkdir()
    (folder / "one.csv").write_text("0.1,0.2,0.3,0.4\n")
    (folder / "two.csv").write_text("1.0,-1.0,0.5,2.0\n-0.3,0.7,0.1,0.0\n")
    return folder


@pytest.fixture
def server(model: Any) -> Iterator[tuple[ModelApp, str]]:
    app = ModelApp(model, service_ms=SERVICE_MS)
    with serving(app) as url:
        yield app, url


def run_test(cli: CliRunner, *args: str, expect: int = 0, environ: dict[str, str] | None = None) -> dict[str, Any]:
    result = cli("load-test", *args, "--output", "json", expect=expect, environ=environ)
    assert "gevent" not in sys.modules and "locust" not in sys.modules  # ircli's own process is never patched
    document: dict[str, Any] = json.loads(result.out)
    return document


def check_closed_loops(document: dict[str, Any]) -> None:
    """Closed-loop users bound the rate: users x 60000 / latency_ms a minute, at the service time or more."""
    assert document["Status"] == "COMPLETED", document
    best = max((lv for lv in document["Levels"] if lv["MetConditions"]), key=lambda lv: lv["InvocationsPerMinute"])
    assert document["Metrics"]["MaxInvocations"] == round(best["InvocationsPerMinute"])
    rate, bound = best["InvocationsPerMinute"], best["Users"] * 60000 / SERVICE_MS
    # No loop is faster than the service time, nor than its own answers (Little's law on what was measured);
    # a loop's own work between answers (more of it on a loaded machine) only slows it.
    assert rate <= 1.02 * bound and rate <= 1.2 * best["Users"] * 60000 / best["P50Ms"]
    assert rate >= 0.3 * best["Users"] * 60000 / best["LatencyMs"]
    assert SERVICE_MS <= best["P50Ms"] <= best["LatencyMs"]
    assert document["Metrics"]["ModelLatency"] == max(1, round(best["LatencyMs"]))
    assert document["Answers"] == document["Locust"]["Requests"]  # ircli counts what Locust counted


def test_phases_against_a_model_server(cli: CliRunner, server: tuple[ModelApp, str], payload: Path) -> None:
    app, url = server
    document = run_test(
        cli, "--url", url, "--payload", str(payload), "--content-type", "text/csv",
        "--phase", "InitialNumberOfUsers=1,SpawnRate=30,DurationInSeconds=6", "--flat-invocations", "Continue",
        "--instance-type", "ml.c5.large", "--name", "phases-run",
    )  # fmt: skip
    assert [lv["Users"] for lv in document["Levels"]] == [1, 2, 3]
    check_closed_loops(document)
    assert document["Levels"][-1]["InvocationsPerMinute"] > document["Levels"][0]["InvocationsPerMinute"] * 2
    assert 0 <= app.invocations - document["Answers"] <= 3  # the requests in flight when the test ended
    assert "Measured by ircli load-test on " + url in document["MeasuredBy"]
    # Kept, and read back as a job: describe-job, the cost estimate.
    job = cli("describe-job", "phases-run", "--output", "json").json
    assert job["JobDescription"] == document["MeasuredBy"] and job["Status"] == "COMPLETED"
    assert job["InferenceRecommendations"][0]["Metrics"]["MaxInvocations"] == document["Metrics"]["MaxInvocations"]
    assert job["EndpointPerformances"][0]["Metrics"]["ModelLatency"] == document["Metrics"]["ModelLatency"]
    costs = cli("cost-estimate", "phases-run", "--average-per-minute", "100", "--peak-per-minute", "200")
    assert "ml.c5.large" in costs.out


def test_stairs_with_a_latency_threshold(cli: CliRunner, server: tuple[ModelApp, str], payload: Path) -> None:
    _, url = server
    document = run_test(
        cli, "--url", url, "--payload", str(payload), "--content-type", "text/csv",
        "--stairs", "DurationInSeconds=6,NumberOfSteps=3,UsersPerStep=2", "--model-latency-threshold", "P99=200",
        "--flat-invocations", "Continue",
    )  # fmt: skip
    assert [lv["Users"] for lv in document["Levels"]] == [2, 4, 6]
    assert document["Metrics"]["ModelLatencyPercentile"] == "P99"
    check_closed_loops(document)
    table = cli("load-test", "--url", url, "--payload", str(payload), "--content-type", "text/csv",
                "--phase", "InitialNumberOfUsers=1,SpawnRate=0,DurationInSeconds=2", "--output", "table")  # fmt: skip
    assert "MaxInvocations (per minute)" in table.out and "Load reached per level" in table.out
    assert "would refuse" in table.err  # a phase's 120-second minimum (API reference), as a warning


def test_stopping_conditions_as_the_service_applies_them(cli: CliRunner, model: Any, payload: Path) -> None:
    stairs = ("--stairs", "DurationInSeconds=6,NumberOfSteps=3,UsersPerStep=1")
    common = ("--payload", str(payload), "--content-type", "text/csv", *stairs)
    # One answer at a time: 1 user 20 ms, 2 users 40 ms, 3 users 60 ms (P95 above 50 ms): the test stops there.
    with serving(ModelApp(model, service_ms=SERVICE_MS, capacity=1)) as url:
        threshold = run_test(
            cli, "--url", url, *common, "--model-latency-threshold", "P95=50", "--flat-invocations", "Continue"
        )
        flat = run_test(cli, "--url", url, *common)
    assert "above the threshold of 50 ms" in threshold["StopReason"]
    assert len(threshold["Levels"]) <= 3 and threshold["Metrics"]["ModelLatency"] <= 50
    assert threshold["Levels"][-1]["MetConditions"] is False
    # One answer at a time caps the rate at 60000 / 20 ms: added users add nothing, and the test stops.
    assert "flat" in flat["StopReason"]
    assert flat["Metrics"]["MaxInvocations"] <= 60000 / SERVICE_MS * 1.02
    with serving(ModelApp(model, service_ms=SERVICE_MS)) as url:
        reached = run_test(cli, "--url", url, *common, "--max-invocations", "4000")
    assert "MaxInvocations reached" in reached["StopReason"] and len(reached["Levels"]) == 2
    assert reached["Metrics"]["MaxInvocations"] >= 4000


def test_a_container_answering_500_is_the_finding(cli: CliRunner, model: Any, payload: Path) -> None:
    with serving(ModelApp(model, fail=True)) as url:
        args = ("--url", url, "--payload", str(payload), "--content-type", "text/csv",
                "--stairs", "DurationInSeconds=3,NumberOfSteps=1,UsersPerStep=2", "--name", "broken")  # fmt: skip
        document = run_test(cli, *args, expect=255)
        table = cli("load-test", *args[:-1], "broken-again", "--output", "table", expect=255)  # a name not kept yet
    assert document["Status"] == "FAILED" and document["Metrics"]["MaxInvocations"] == 0
    assert document["Errors"]["Count"] == document["Answers"] > 0
    assert document["Errors"]["Statuses"] == {"500": document["Answers"]}
    assert "model crashed" in document["Errors"]["First"][0]["Body"]
    assert table.out.index("requests failed") < table.out.index("MaxInvocations")  # the errors come first
    assert "model crashed" in table.out and "4xx or 5xx" in table.err
    assert cli("describe-job", "broken", "--output", "json").json["Status"] == "FAILED"


def test_two_local_workers(cli: CliRunner, server: tuple[ModelApp, str], payload: Path) -> None:
    app, url = server
    document = run_test(
        cli, "--url", url, "--payload", str(payload), "--content-type", "text/csv", "--workers", "2",
        "--stairs", "DurationInSeconds=6,NumberOfSteps=2,UsersPerStep=2", "--flat-invocations", "Continue",
    )  # fmt: skip
    assert document["Workers"] == 2
    check_closed_loops(document)
    assert 0 <= app.invocations - document["Answers"] <= 4


def test_heavy_traffic_runs_on_one_worker_a_core_by_default(
    cli: CliRunner, server: tuple[ModelApp, str], payload: Path
) -> None:
    """More users than one process drives (HEAVY_USERS): one local worker a core unless --workers says."""
    from ircli.lib.loadtest.setup import HEAVY_USERS

    _, url = server
    heavy = ("--stairs", f"DurationInSeconds=3,NumberOfSteps=1,UsersPerStep={HEAVY_USERS + 1}")
    common = ("--url", url, "--payload", str(payload), "--content-type", "text/csv", *heavy, "--output", "json")
    result = cli("load-test", *common)
    document = json.loads(result.out)
    cores = os.cpu_count() or 1
    assert document["Workers"] == cores and document["Answers"] > 0
    assert document["Generator"].startswith(f"{cores} local workers, one a core") and "one a core" in result.err
    alone = json.loads(cli("load-test", *common, "--workers", "0").out)
    assert alone["Workers"] == 0 and alone["Generator"] == "one process"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_master_and_a_worker_as_separate_processes(
    cli: CliRunner, server: tuple[ModelApp, str], payload: Path
) -> None:
    _, url = server
    port = free_port()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ircli",
            "load-test",
            "--worker",
            "--master-host",
            "127.0.0.1",
            "--master-port",
            str(port),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        document = run_test(
            cli, "--url", url, "--payload", str(payload), "--content-type", "text/csv",
            "--master-bind", f"127.0.0.1:{port}", "--expect-workers", "1",
            "--stairs", "DurationInSeconds=4,NumberOfSteps=2,UsersPerStep=1", "--flat-invocations", "Continue",
        )  # fmt: skip
        assert worker.wait(timeout=30) == 0  # the master ends its worker with the test
    finally:
        worker.kill()
        worker.wait()
    assert document["Workers"] == 1
    check_closed_loops(document)


def test_ctrl_c_stops_and_keeps_what_was_measured(server: tuple[ModelApp, str], payload: Path) -> None:
    _, url = server
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ircli",
            "load-test",
            "--url",
            url,
            "--payload",
            str(payload),
            "--content-type",
            "text/csv",
            "--stairs",
            "DurationInSeconds=60,NumberOfSteps=2,UsersPerStep=1",
            "--name",
            "cut",
            "--output",
            "json",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    time.sleep(5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    document = json.loads(out)
    assert document["Status"] == "STOPPED" and document["Answers"] > 0
    assert document["Levels"][0]["Seconds"] < 30  # the level was cut short, and counts what it measured
    assert Path(os.environ["IRCLI_HOME"], "load-tests", "cut.json").is_file()


def deploy_recommendation(cli: CliRunner, tmp_path: Path, name: str, pattern: dict[str, Any], most: int) -> Any:
    """A job (at `instant`) whose recommendation is deployed as NAME-endpoint: its request file and the
    recommendation."""
    request = {
        "JobName": name, "JobType": "Advanced", "RoleArn": "arn:aws:iam::123456789012:role/ircli",
        "InputConfig": {
            "ModelName": "churn-xgboost", "EndpointConfigurations": [{"InstanceType": "ml.m5.large"}],
            "TrafficPattern": pattern, "ResourceLimit": {"MaxNumberOfTests": 1, "MaxParallelOfTests": 1},
        },
        "StoppingConditions": {"MaxInvocations": most,
                               "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 300}]},
    }  # fmt: skip
    request_file = tmp_path / f"{name}.json"
    request_file.write_text(json.dumps(request))
    cli("create-job", "--cli-input-json", str(request_file))
    recommended = cli("describe-job", name, "--output", "json").json["InferenceRecommendations"][0]
    cli("endpoint-config", "create", "--endpoint-config-name", f"{name}-config", "--model-name", "churn-xgboost",
        "--from-recommendation", recommended["RecommendationId"])  # fmt: skip
    cli("endpoint-config", "deploy", "--endpoint-name", f"{name}-endpoint", "--endpoint-config-name", f"{name}-config")
    return request_file, recommended


def reproduce(cli: CliRunner, request_file: Path, endpoint: str, payload: Path, *extra: str) -> Any:
    result = cli(
        "load-test", "--cli-input-json", str(request_file), "--endpoint-name", endpoint, "--payload",
        str(payload / "one.csv"), "--content-type", "text/csv", "--name", f"{endpoint}-again", "--output", "json",
        *extra, environ={"IRCLI_SIM_SPEED": "default"},
    )  # fmt: skip
    assert "simulated endpoint" in result.err
    return json.loads(result.out)


def test_a_simulated_endpoint_reproduces_its_recommendation(cli: CliRunner, payload: Path, tmp_path: Path) -> None:
    """Deployed from a recommendation, a simulated endpoint measures within 15% of its MaxInvocations and 25%
    of its ModelLatency, at the simulator's default speed: the endpoint is told the load (CustomAttributes)
    and answers with the latency the performance model gives there, so the figures are those of the
    service's time whatever this machine's pace, and minutes of the traffic take seconds."""
    # The job's own traffic pattern, run again: 2 minutes, 1 then 2 users, on the 6 instances it sized.
    phases = {
        "TrafficType": "PHASES",
        "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 1, "DurationInSeconds": 120}],
    }
    request_file, recommended = deploy_recommendation(cli, tmp_path, "sized", phases, 4000)
    document = reproduce(cli, request_file, "sized-endpoint", payload)
    expected = recommended["Metrics"]
    assert document["Metrics"]["MaxInvocations"] == pytest.approx(expected["MaxInvocations"], rel=0.15)
    assert document["Metrics"]["ModelLatency"] == pytest.approx(expected["ModelLatency"], rel=0.25)
    assert document["Target"]["InstanceCount"] == recommended["EndpointConfiguration"]["InitialInstanceCount"] > 1
    assert [lv["Seconds"] for lv in document["Levels"]] == [60, 60]  # kept in the traffic's own time
    assert [m["Users"] for m in document["Minutes"]] == [1, 2]
    assert 0 < document["TimeScale"] < 1  # the service's minutes ran faster than real time (the clock unread)
    assert document["Minutes"][1]["Invocations"] == pytest.approx(expected["MaxInvocations"], rel=0.15)
    compared = cli("compare-jobs", "sized", "sized-endpoint-again", "--output", "json").json
    assert compared["Comparisons"], compared
    # One instance, read where the latency threshold stops the job: a user a step finds that load again.
    # (MaxInvocations raised so that reaching the job's 300 does not end the test before the threshold does.)
    stairs = {"TrafficType": "STAIRS", "Stairs": {"DurationInSeconds": 120, "NumberOfSteps": 12, "UsersPerStep": 1}}
    request_file, recommended = deploy_recommendation(cli, tmp_path, "busy", stairs, 300)
    assert recommended["EndpointConfiguration"]["InitialInstanceCount"] == 1
    document = reproduce(cli, request_file, "busy-endpoint", payload, "--max-invocations", "30000")
    assert document["StopReason"].startswith("P95 latency") and len(document["Levels"]) > 2
    assert document["Metrics"]["MaxInvocations"] == pytest.approx(recommended["Metrics"]["MaxInvocations"], rel=0.15)
    assert document["Metrics"]["ModelLatency"] == pytest.approx(recommended["Metrics"]["ModelLatency"], rel=0.25)


def test_an_endpoint_through_the_aws_backend_on_a_served_simulator(
    cli: CliRunner, payload: Path, isolated_state: Path
) -> None:
    """--backend aws: InvokeEndpoint signed by boto3 with the user's credentials, sent where AWS_ENDPOINT_URL
    says (here a served simulator on loopback; on AWS, the service)."""
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store

    variants = [{"VariantName": "AllTraffic", "ModelName": "churn-xgboost", "InstanceType": "ml.c5.xlarge",
                 "InitialInstanceCount": 2}]  # fmt: skip
    config = json.dumps({"EndpointConfigName": "c1", "ProductionVariants": variants})
    cli("endpoint-config", "create", "--cli-input-json", config)
    cli("endpoint-config", "deploy", "--endpoint-name", "served", "--endpoint-config-name", "c1")
    running, thread = serve_in_thread(Simulator(Store(isolated_state), speed="realtime"))
    try:
        aws = {"AWS_ENDPOINT_URL": running.url, "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
        result = cli(
            "--backend", "aws", "--region", "us-east-1", "load-test", "--endpoint-name", "served",
            "--payload", str(payload / "one.csv"), "--content-type", "text/csv",
            "--stairs", "DurationInSeconds=4,NumberOfSteps=1,UsersPerStep=2", "--output", "json", environ=aws,
        )  # fmt: skip
    finally:
        running.shutdown()
        thread.join(timeout=5)
    document = json.loads(result.out)
    assert document["Status"] == "COMPLETED" and document["Answers"] > 0 and document["TimeScale"] == 1.0
    target = {key: document["Target"][key] for key in ("Kind", "Name", "InstanceType", "InstanceCount")}
    assert target == {"Kind": "endpoint", "Name": "served", "InstanceType": "ml.c5.xlarge", "InstanceCount": 2}
    assert document["Target"]["PricePerHour"] > 0 and "us-east-1" in document["Target"]["PriceSource"]
    # The generic model on ml.c5.xlarge answers in about 65 ms: the simulator waited it out.
    assert document["Levels"][0]["P50Ms"] > 40
