"""`ircli metrics` of a job on the user's existing endpoints (InputConfig.Endpoints): each such benchmark's
series under the endpoint's real EndpointName and VariantName, over the minutes the job's load ran on it,
selectable with --endpoint, in every output format; on the aws backend with the same CloudWatch requests
(botocore's Stubber checks them member by member)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.stub import Stubber

from ircli.backends.aws import AwsBackend
from tests.conftest import EXAMPLES, CliRunner

NOW = 1_800_000_000
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def measured(cli: CliRunner, tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """An endpoint in service for hours, then an Advanced job that benchmarks it (and one new configuration)."""
    clock = tmp_path / "clock"
    environ = {"IRCLI_SIM_CLOCK": f"file:{clock}"}
    clock.write_text(str(NOW - 4 * 3600))
    configuration = str(EXAMPLES / "endpoint-config-instance.yaml")
    cli("endpoint-config", "create", "--cli-input-yaml", configuration, environ=environ)
    cli("endpoint-config", "deploy", "--endpoint-name", "churn-prod", "--endpoint-config-name", "churn-prod-config",
        environ=environ)  # fmt: skip
    clock.write_text(str(NOW))
    request = yaml.safe_load((EXAMPLES / "existing-endpoint-job.yaml").read_text())
    request["StoppingConditions"]["ModelLatencyThresholds"][0]["ValueInMilliseconds"] = 1000
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(request))
    cli("create-job", "--cli-input-yaml", str(job), environ=environ)
    described = cli("describe-job", request["JobName"], "--output", "json", environ=environ).json
    assert described["Status"] == "COMPLETED" and described["EndpointPerformances"]
    return environ, described


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_an_existing_endpoint_s_benchmark_shows_its_own_series(
    cli: CliRunner, measured: tuple[dict[str, str], dict[str, Any]]
) -> None:
    environ, job = measured
    (performance,) = job["EndpointPerformances"]
    document = cli("metrics", job["JobName"], "--output", "json", environ=environ).json
    benchmarks = document["Benchmarks"]
    assert len(benchmarks) == len(job["InferenceRecommendations"]) + 1
    (existing,) = [b for b in benchmarks if b["RecommendationId"] is None]
    assert (existing["EndpointName"], existing["VariantName"]) == ("churn-prod", "AllTraffic")
    series = {f"{s['MetricName']} {s['Statistic']}": s for s in existing["Metrics"]}
    invocations = [p["Value"] for p in series["Invocations Sum"]["Datapoints"]]
    assert len(invocations) >= 3 and max(invocations) == performance["Metrics"]["MaxInvocations"]
    latency = [p["Value"] for p in series["ModelLatency p95"]["Datapoints"]]
    assert max(latency) == pytest.approx(performance["Metrics"]["ModelLatency"] * 1000, abs=1)
    assert series["CPUUtilization Average"]["Datapoints"] and series["MemoryUtilization Average"]["Datapoints"]
    # Its window is its load test's minutes, inside the job's, not the job's whole window.
    start, end = moment(existing["StartTime"]), moment(existing["EndTime"])
    assert moment(document["StartTime"]) <= start < end <= moment(document["EndTime"])
    assert (start, end) != (moment(document["StartTime"]), moment(document["EndTime"]))
    stamps = [moment(p["Timestamp"]) for p in series["Invocations Sum"]["Datapoints"]]
    assert stamps[0] == start and stamps[-1] == end - timedelta(minutes=1)


def test_endpoint_selects_the_existing_endpoint_s_benchmark(
    cli: CliRunner, measured: tuple[dict[str, str], dict[str, Any]]
) -> None:
    environ, job = measured
    name = job["JobName"]
    only = cli("metrics", name, "--endpoint", "churn-prod", "--metric", "Invocations", "--output", "json",
               environ=environ).json  # fmt: skip
    assert [(b["EndpointName"], b["RecommendationId"]) for b in only["Benchmarks"]] == [("churn-prod", None)]
    assert [s["MetricName"] for s in only["Benchmarks"][0]["Metrics"]] == ["Invocations"]
    recommendation = job["InferenceRecommendations"][0]["RecommendationId"]
    both = cli("metrics", name, "--endpoint", "churn-prod", "--recommendation", recommendation, "--output", "json",
               environ=environ).json  # fmt: skip
    assert {b["RecommendationId"] for b in both["Benchmarks"]} == {None, recommendation}
    refused = cli("metrics", name, "--endpoint", "churn-test", environ=environ, expect=252)
    assert "benchmarked no endpoint churn-test" in refused.err and "churn-prod" in refused.err
    assert "Traceback" not in refused.err


def test_every_output_format_shows_the_existing_endpoint(
    cli: CliRunner, measured: tuple[dict[str, str], dict[str, Any]]
) -> None:
    environ, job = measured
    args = ("metrics", job["JobName"], "--endpoint", "churn-prod", "--metric", "Invocations")
    maximum = job["EndpointPerformances"][0]["Metrics"]["MaxInvocations"]
    table = cli(*args, "--output", "table", environ=environ, width=140).out
    assert "existing endpoint, variant AllTraffic · churn-prod" in table and f"{maximum:,}" in table
    assert any(block in table for block in "▂▃▄▅▆▇█")
    rows = list(csv.reader(io.StringIO(cli(*args, "--output", "csv", environ=environ).out)))
    assert rows[1][:4] == ["Invocations", "Sum", "", rows[1][3]] and int(rows[1][3]) >= 3 and rows[1][6] == str(maximum)
    points = list(csv.reader(io.StringIO(cli(*args, "--output", "csv", "--datapoints", environ=environ).out)))
    assert points[0] == ["Time", "Invocations Sum"] and max(int(r[1]) for r in points[1:]) == maximum
    document = yaml.safe_load(cli(*args, "--output", "yaml", environ=environ).out)
    assert document["Benchmarks"][0]["VariantName"] == "AllTraffic"
    markdown = cli(*args, "--output", "markdown", environ=environ).out
    assert "**existing endpoint, variant AllTraffic · churn-prod**" in markdown
    assert "churn-prod" in cli(*args, "--output", "text", environ=environ).out


START = datetime(2026, 3, 2, 10, 0, 20, tzinfo=timezone.utc)
JOB = {
    "JobName": "ee-job",
    "JobType": "Advanced",
    "JobArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/ee-job",
    "RoleArn": "arn:aws:iam::123456789012:role/ircli-test",
    "Status": "COMPLETED",
    "CreationTime": START,
    "LastModifiedTime": START + timedelta(minutes=9, seconds=5),
    "InputConfig": {"ModelName": "churn", "Endpoints": [{"EndpointName": "churn-prod"}]},
    "EndpointPerformances": [
        {"Metrics": {"MaxInvocations": 900, "ModelLatency": 40}, "EndpointInfo": {"EndpointName": "churn-prod"}}
    ],
}
LOAD = [START.replace(second=0) + timedelta(minutes=4 + i) for i in range(3)]  # the load test's three minutes


def query(namespace: str, metric: str, stat: str, dimensions: dict[str, str]) -> dict[str, Any]:
    return {
        "Id": "m0",
        "Label": f"{metric} {stat}",
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            },
            "Period": 60,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def test_aws_reads_the_existing_endpoint_from_cloudwatch(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The users by JobName + EndpointName give the window; ListMetrics the variants; each variant's series."""
    users = query("/aws/sagemaker/InferenceRecommendationsJobs", "NumberOfUsers", "Maximum",
                  {"JobName": "ee-job", "EndpointName": "churn-prod"})  # fmt: skip
    listed = {"Namespace": "AWS/SageMaker", "MetricName": "Invocations",
              "Dimensions": [{"Name": "EndpointName", "Value": "churn-prod"}]}  # fmt: skip
    variant = query("AWS/SageMaker", "Invocations", "Sum", {"EndpointName": "churn-prod", "VariantName": "blue"})
    calls = [
        ("get_metric_data",
         {"MetricDataResults": [{"Id": "m0", "Timestamps": LOAD, "Values": [1.0, 2.0, 3.0], "StatusCode": "Complete"}]},
         {"MetricDataQueries": [users], "StartTime": "2026-03-02T10:00:00Z", "EndTime": "2026-03-02T10:10:00Z",
          "ScanBy": "TimestampAscending"}),
        ("list_metrics",
         {"Metrics": [{**listed, "Dimensions": [{"Name": "EndpointName", "Value": "churn-prod"},
                                                 {"Name": "VariantName", "Value": "blue"}]}], "NextToken": "t"},
         listed),
        ("list_metrics", {"Metrics": []}, {**listed, "NextToken": "t"}),
        ("get_metric_data",
         {"MetricDataResults": [{"Id": "m0", "Timestamps": LOAD, "Values": [300.0, 600.0, 900.0],
                                 "StatusCode": "Complete"}]},
         {"MetricDataQueries": [variant], "StartTime": "2026-03-02T10:04:00Z", "EndTime": "2026-03-02T10:07:00Z",
          "ScanBy": "TimestampAscending"}),
    ]  # fmt: skip
    stubbers: list[Stubber] = []
    make_client = AwsBackend._make_client

    def stubbed(self: AwsBackend, service: str) -> Any:
        client = make_client(self, service)
        stubber = Stubber(client)
        if service == "sagemaker":
            stubber.add_response("describe_inference_recommendations_job", JOB, {"JobName": "ee-job"})
        else:
            for method, response, request in calls:
                stubber.add_response(method, response, request)
        stubber.activate()
        stubbers.append(stubber)
        return client

    monkeypatch.setattr(AwsBackend, "_make_client", stubbed)
    args = ("--backend", "aws", "--region", "us-east-1", "metrics", "ee-job", "--endpoint", "churn-prod")
    document = cli(*args, "--metric", "Invocations", "--output", "json", environ=CREDENTIALS).json
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
    (benchmark,) = document["Benchmarks"]
    assert (benchmark["EndpointName"], benchmark["VariantName"]) == ("churn-prod", "blue")
    assert benchmark["StartTime"] == "2026-03-02T10:04:00+00:00" and benchmark["EndTime"] == "2026-03-02T10:07:00+00:00"
    assert [p["Value"] for p in benchmark["Metrics"][0]["Datapoints"]] == [300.0, 600.0, 900.0]


def test_the_report_draws_the_existing_endpoint_s_load_curve(
    cli: CliRunner, measured: tuple[dict[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    environ, job = measured
    page = tmp_path / "report.html"
    cli("report", job["JobName"], "--html", str(page), environ=environ)
    descriptions = [html.unescape(d) for d in re.findall(r'<desc id="curve[^"]*">([^<]*)</desc>', page.read_text())]
    titles = re.findall(r'<title id="curve[^"]*">([^<]*)</title>', page.read_text())
    (endpoint,) = [d for t, d in zip(titles, descriptions, strict=True) if t.endswith("endpoint churn-prod")]
    maximum = job["EndpointPerformances"][0]["Metrics"]["MaxInvocations"]
    assert f"highest {maximum:,} at minute" in endpoint and "no invocations/min datapoints" not in endpoint
    assert all("no p95 model latency datapoints" not in d for d in descriptions)
