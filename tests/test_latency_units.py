"""ModelLatency is milliseconds, as today's service reports it: a recorded answer of the real service (AWS's
XGBoost notebook, December 2021) served on loopback reads the same in every view, limit, ranking, cost model
and report on the aws backend, and the simulator reports the same unit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ircli.lib.units import model_latency_ms, reported_model_latency
from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.canned_service import CREDENTIALS, canned_service, recorded_answer
from tests.conftest import CliRunner
from tests.valid_requests import ROLE


@pytest.fixture
def remote() -> Iterator[list[str]]:
    with canned_service(recorded_answer, region="us-east-2") as options:
        yield options


def test_the_services_latency_reads_as_milliseconds_in_tables(cli: CliRunner, remote: list[str]) -> None:
    table = cli(*remote, "describe-job", "xgb-recorded", "--output", "table", width=160, environ=CREDENTIALS)
    assert table.code == 0, table.err
    rows = [line.split() for line in table.out.splitlines() if "ml.c5.xlarge" in line or "ml.m4.2xlarge" in line]
    # Inv/min, then Latency ms: the service's 53 and 69 as they are.
    assert ["18,604", "53"] in [row[i : i + 2] for row in rows for i in range(len(row))]
    assert ["25,424", "69"] in [row[i : i + 2] for row in rows for i in range(len(row))]


def test_a_latency_limit_in_milliseconds_filters_the_services_figures(cli: CliRunner, remote: list[str]) -> None:
    kept = cli(*remote, "rank-recommendations", "xgb-recorded", "--max-latency-ms", "60", environ=CREDENTIALS)
    assert kept.code == 0, kept.err
    assert [row["Recommendation"]["EndpointConfiguration"]["InstanceType"] for row in kept.json] == ["ml.c5.xlarge"]
    none = cli(
        *remote, "rank-recommendations", "xgb-recorded", "--max-latency-ms", "50", environ=CREDENTIALS, expect=252
    )
    assert none.code == 252 and "No recommendation meets the limits" in none.err
    ranked = cli(
        *remote,
        "rank-recommendations",
        "xgb-recorded",
        "--rank-by",
        "latency=highest",
        "--output",
        "table",
        environ=CREDENTIALS,
    )
    assert "the lowest latency (53 ms)" in ranked.out
    assert "ml.c5.xlarge x1   " in ranked.out and "  53 ms\n" in ranked.out


def test_the_cost_models_latency_starts_from_the_services_milliseconds(cli: CliRunner, remote: list[str]) -> None:
    traffic = ["--average-per-minute", "2000", "--peak-per-minute", "4000", "--output", "json"]
    estimate = cli(*remote, "cost-estimate", "xgb-recorded", *traffic, environ=CREDENTIALS)
    assert estimate.code == 0, estimate.err
    for entry in estimate.json["Estimates"]:
        # Tens of milliseconds at this load, as the benchmark's 53 and 69 ms say; never hundredths of one.
        assert all(5 <= latency <= 200 for latency in entry["LatencyMsByHour"]), entry
    strict = cli(*remote, "cost-estimate", "xgb-recorded", *traffic, "--max-latency-ms", "2", environ=CREDENTIALS)
    assert all(len(entry["HoursOverLatencyLimit"]) == 24 for entry in strict.json["Estimates"])


def test_the_report_plots_milliseconds(cli: CliRunner, remote: list[str], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    made = cli(*remote, "report", "xgb-recorded", "--html", str(page), environ=CREDENTIALS)
    assert made.code == 0, made.err
    html = page.read_text()
    assert ">53<" in html.replace(" ", "") and ">69<" in html.replace(" ", "")


def test_the_simulator_reports_the_published_load_test_in_milliseconds(isolated_state: Path) -> None:
    sim = Simulator(Store(isolated_state), speed="instant")
    sim.dispatch(
        "CreateInferenceRecommendationsJob",
        {
            "JobName": "load-test",
            "JobType": "Advanced",
            "RoleArn": ROLE,
            "InputConfig": {
                "ModelName": "churn-xgboost",
                "EndpointConfigurations": [{"InstanceType": "ml.c5d.xlarge"}],
                "TrafficPattern": {
                    "TrafficType": "PHASES",
                    # Enough users to bring three instances to the threshold (closed-loop users).
                    "Phases": [{"InitialNumberOfUsers": 1, "SpawnRate": 3, "DurationInSeconds": 120}],
                },
            },
            "StoppingConditions": {
                "MaxInvocations": 1000,
                "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}],
            },
        },
    )
    job = sim.dispatch("DescribeInferenceRecommendationsJob", {"JobName": "load-test"})
    metrics = job["InferenceRecommendations"][0]["Metrics"]
    assert metrics["ModelLatency"] == 100
    assert model_latency_ms(metrics) == 100.0


def test_latencies_are_reported_in_whole_milliseconds() -> None:
    assert reported_model_latency(52.6) == 53
    assert reported_model_latency(0.2) == 1


def test_a_store_from_before_milliseconds_reads_in_milliseconds(cli: CliRunner, isolated_state: Path) -> None:
    import sqlite3

    from tests.conftest import EXAMPLES

    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    before = {
        r["RecommendationId"]: r["Metrics"]["ModelLatency"]
        for r in cli("describe-job", "xgboost-default").json["InferenceRecommendations"]
    }
    # What an older ircli stored: the same benchmark results with the latency in microseconds.
    database = isolated_state / "state.db"
    with sqlite3.connect(database) as connection:
        (plan,) = connection.execute("SELECT plan FROM jobs WHERE name = 'xgboost-default'").fetchone()
        old = json.loads(plan)
        for step in old["steps"]:
            step["result"]["model_latency_us"] = step["result"].pop("model_latency_ms") * 1000
        connection.execute("UPDATE jobs SET plan = ? WHERE name = 'xgboost-default'", (json.dumps(old),))
    after = {
        r["RecommendationId"]: r["Metrics"]["ModelLatency"]
        for r in cli("describe-job", "xgboost-default").json["InferenceRecommendations"]
    }
    assert after == before and all(1 <= value < 1000 for value in after.values())
