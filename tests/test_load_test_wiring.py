"""A kept load test where the job commands read it: listed by list-jobs (marked measured), its per-minute
series in `ircli metrics` (every output format), and "measured on TARGET from HOST" in rank-recommendations'
and compare-jobs' tables; a service's job stays unmarked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.test_load_test import _kept

MEASURED = "measured on http://127.0.0.1:8080 from here"
FORMATS = ("json", "yaml", "table", "text", "csv", "markdown")


def test_list_jobs_lists_the_kept_load_tests_marked_measured(cli: CliRunner, isolated_state: Path) -> None:
    _kept(isolated_state, "measured-b")
    _kept(isolated_state, "measured-a")
    listed = cli("list-jobs", "--sort-by", "Name", "--sort-order", "Ascending", "--output", "json").json
    jobs = listed["InferenceRecommendationsJobs"]
    assert [job["JobName"] for job in jobs] == ["measured-a", "measured-b"]
    assert all(":000000000000:" in job["JobArn"] for job in jobs)
    assert jobs[0]["JobDescription"].startswith("Measured by ircli load-test on http://127.0.0.1:8080 from here")
    table = cli("list-jobs", "--output", "table", environ={"COLUMNS": "200"}).out
    row = next(line for line in table.splitlines() if line.startswith("measured-a"))
    assert "Advanced (measured)" in row and "on http://127.0.0.1:8080 from here" in row
    # The request's filters select among them as the service's do; a load test has no model.
    assert cli("list-jobs", "--name-contains", "-b", "--output", "json").json["InferenceRecommendationsJobs"][0][
        "JobName"
    ] == ("measured-b")
    for flags in (("--status-equals", "FAILED"), ("--model-name-equals", "churn")):
        assert cli("list-jobs", *flags, "--output", "json").json["InferenceRecommendationsJobs"] == []


def _series(document: dict[str, Any]) -> dict[str, list[float]]:
    (benchmark,) = document["Benchmarks"]
    return {f"{s['MetricName']} {s['Statistic']}": [p["Value"] for p in s["Datapoints"]] for s in benchmark["Metrics"]}


def test_metrics_of_a_load_test_are_its_per_minute_series(cli: CliRunner, isolated_state: Path) -> None:
    kept = _kept(isolated_state, "series")
    minutes = kept["Minutes"]
    document = cli("metrics", "series", "--output", "json").json
    series = _series(document)
    assert series["NumberOfUsers Maximum"] == [m["Users"] for m in minutes]
    assert series["ClientInvocations Sum"] == [m["Invocations"] for m in minutes]
    assert series["RequestsPerSecond Average"] == [m["Invocations"] / 60 for m in minutes]
    assert series["ClientLatency p50"] == [m["P50Ms"] for m in minutes]
    assert series["ClientLatency p95"] == [m["P95Ms"] for m in minutes]
    assert series["ClientInvocationErrors Sum"] == [m["Errors"] for m in minutes] and sum(m["Errors"] for m in minutes)
    assert MEASURED in document["Benchmarks"][0]["EndpointConfiguration"] and document["Period"] == 60
    for output in FORMATS:
        shown = cli("metrics", "series", "--output", output, environ={"COLUMNS": "200"}).out
        for name in ("NumberOfUsers", "ClientInvocations", "RequestsPerSecond", "ClientLatency", "Errors"):
            assert name in shown, (output, name)
    datapoints = cli("metrics", "series", "--datapoints", "--output", "csv").out.splitlines()
    assert len(datapoints) == 1 + len(minutes) and "ClientLatency p95 (ms)" in datapoints[0]
    only = _series(cli("metrics", "series", "--metric", "NumberOfUsers", "--output", "json").json)
    assert list(only) == ["NumberOfUsers Maximum"]
    refused = cli("metrics", "series", "--metric", "CPUUtilization", expect=252)
    assert "no series CPUUtilization" in refused.err and "NumberOfUsers" in refused.err
    assert "per minute" in cli("metrics", "series", "--period", "300", expect=252).err


def test_a_simulated_endpoints_latencies_are_its_model_latency(cli: CliRunner, isolated_state: Path) -> None:
    from ircli.lib.loadtest.store import MeasuredStore

    _kept(isolated_state, "modelled")
    store = MeasuredStore(lambda: isolated_state)
    job, document = store.job("modelled"), store.load_test("modelled")
    assert job is not None and document is not None
    document["FiguresFrom"] = "modelled by the simulated endpoint at the load it was told, in the service's time"
    store.save("modelled", job, document)
    series = _series(cli("metrics", "modelled", "--output", "json").json)
    assert series["ModelLatency p95"] == [m["P95Ms"] * 1000 for m in document["Minutes"]]  # microseconds
    assert "ClientLatency p95" not in series


def test_rank_and_compare_say_which_figures_were_measured(cli: CliRunner, isolated_state: Path) -> None:
    _kept(isolated_state, "first")
    _kept(isolated_state, "second")
    ranked = cli("rank-recommendations", "first", "--output", "table", "--no-chart", environ={"COLUMNS": "200"}).out
    assert f"Ranked recommendations, {MEASURED}" in ranked
    assert "by ircli load-test, not by the service" in ranked
    compared = cli("compare-jobs", "first", "second", "--output", "table", environ={"COLUMNS": "200"}).out
    assert f"first (A, {MEASURED}) vs second (B, {MEASURED})" in compared
    document = cli("compare-jobs", "first", "second", "--output", "json").json
    assert document["JobAMeasured"] == document["JobBMeasured"] == MEASURED


@pytest.mark.parametrize("command", ["rank-recommendations", "compare-jobs"])
def test_a_services_job_is_not_marked_measured(cli: CliRunner, isolated_state: Path, command: str) -> None:
    from ircli.lib.loadtest.listing import measured_on

    job = {"JobName": "j", "JobArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/j"}
    assert measured_on(job) is None
    assert measured_on(dict(job, JobArn=job["JobArn"].replace("123456789012", "000000000000"))) is not None
    request = {
        "JobName": "service-job", "JobType": "Default", "RoleArn": "arn:aws:iam::123456789012:role/ircli",
        "InputConfig": {"ModelName": "churn-xgboost"},
    }  # fmt: skip
    cli("create-job", "--cli-input-json", json.dumps(request))
    args = ("service-job", "service-job") if command == "compare-jobs" else ("service-job", "--no-chart")
    shown = cli(command, *args, "--output", "table", environ={"COLUMNS": "200"}).out
    assert "measured" not in shown.lower()
