"""`ircli metrics`: a job's benchmarks as CloudWatch series, on the local simulator and on the aws backend
(botocore's Stubber on the clients the backend makes, so the requests are checked member by member and the
answers against botocore's output shapes), in every output format."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import yaml
from botocore.stub import Stubber

from ircli.backends.aws import AwsBackend
from ircli.cli.output.views.metrics import sparkline
from ircli.errors import InputError
from ircli.lib.metrics import Selection, job_window
from tests.conftest import EXAMPLES, CliRunner, run_process

DEFAULT_JOB = str(EXAMPLES / "default-job.yaml")
START = datetime(2026, 3, 2, 10, 0, 20, tzinfo=timezone.utc)
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
JOB = {
    "JobName": "cw-job",
    "JobType": "Default",
    "JobArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/cw-job",
    "RoleArn": "arn:aws:iam::123456789012:role/ircli-test",
    "Status": "COMPLETED",
    "CreationTime": START,
    "LastModifiedTime": START + timedelta(minutes=3, seconds=5),
    "InputConfig": {"ModelName": "churn"},
    "InferenceRecommendations": [
        {
            "RecommendationId": "cw-job/abcd1234",
            "Metrics": {"CostPerHour": 0.2, "CostPerInference": 1e-06, "MaxInvocations": 3000, "ModelLatency": 20},
            "EndpointConfiguration": {
                "EndpointName": "sm-epc-1",
                "VariantName": "sm-epc-1",
                "InstanceType": "ml.c5.xlarge",
                "InitialInstanceCount": 1,
            },
            "ModelConfiguration": {},
        }
    ],
}
MINUTES = [START.replace(second=0) + timedelta(minutes=i) for i in range(4)]
INVOCATIONS = [600.0, 1800.0, 3000.0, 2900.0]
LATENCY_P99 = [15000.0, 18000.0, 21000.0, 22000.0]  # microseconds, as CloudWatch keeps OverheadLatency


def metric_query(query_id: str, namespace: str, name: str, stat: str, dimensions: list[tuple[str, str]]) -> Any:
    return {
        "Id": query_id,
        "Label": f"{name} {stat}",
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions],
            },
            "Period": 60,
            "Stat": stat,
        },
        "ReturnData": True,
    }


VARIANT = [("EndpointName", "sm-epc-1"), ("VariantName", "sm-epc-1")]


def stubbed_aws(monkeypatch: pytest.MonkeyPatch, pages: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """The aws backend's clients, made as it makes them (region, endpoint settings), each under a Stubber
    loaded with the answers the command should ask for, in order."""
    made: dict[str, Any] = {}
    make_client = AwsBackend._make_client

    def stubbed(self: AwsBackend, service: str) -> Any:
        client = make_client(self, service)
        stubber = Stubber(client)
        if service == "sagemaker":
            stubber.add_response("describe_inference_recommendations_job", JOB, {"JobName": "cw-job"})
        else:
            for response, request in pages:
                stubber.add_response("get_metric_data", response, request)
        stubber.activate()
        made[service] = (client, stubber)
        return client

    monkeypatch.setattr(AwsBackend, "_make_client", stubbed)
    return made


def two_series_pages() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Invocations (Sum) and OverheadLatency (p99), the second series on a second page (NextToken)."""
    queries = [
        metric_query("m0", "AWS/SageMaker", "Invocations", "Sum", VARIANT),
        metric_query("m1", "AWS/SageMaker", "OverheadLatency", "p99", VARIANT),
    ]
    request = {
        "MetricDataQueries": queries,
        "StartTime": "2026-03-02T10:00:00Z",
        "EndTime": "2026-03-02T10:04:00Z",
        "ScanBy": "TimestampAscending",
    }
    first = {
        "MetricDataResults": [
            {"Id": "m0", "Label": "Invocations Sum", "Timestamps": MINUTES, "Values": INVOCATIONS,
             "StatusCode": "Complete"},
            {"Id": "m1", "Label": "OverheadLatency p99", "Timestamps": MINUTES[:2], "Values": LATENCY_P99[:2],
             "StatusCode": "PartialData"},
        ],
        "NextToken": "page-2",
    }  # fmt: skip
    second = {
        "MetricDataResults": [
            {"Id": "m1", "Label": "OverheadLatency p99", "Timestamps": MINUTES[2:], "Values": LATENCY_P99[2:],
             "StatusCode": "Complete"},
        ]
    }  # fmt: skip
    return [(first, request), (second, {**request, "NextToken": "page-2"})]


AWS_ARGS = ("--backend", "aws", "--region", "us-east-1", "metrics", "cw-job")
SERIES_ARGS = ("--metric", "Invocations", "--metric", "OverheadLatency")


def test_aws_reads_cloudwatch_for_each_recommendation_following_next_token(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = stubbed_aws(monkeypatch, two_series_pages())
    document = cli(*AWS_ARGS, *SERIES_ARGS, "--output", "json", environ=CREDENTIALS).json
    made["cloudwatch"][1].assert_no_pending_responses()
    assert document["JobName"] == "cw-job" and document["Period"] == 60
    # The job's window (10:00:20 to 10:03:25), widened to whole minutes.
    assert document["StartTime"] == "2026-03-02T10:00:00+00:00" and document["EndTime"] == "2026-03-02T10:04:00+00:00"
    (benchmark,) = document["Benchmarks"]
    assert (
        benchmark["RecommendationId"] == "cw-job/abcd1234" and benchmark["EndpointConfiguration"] == "ml.c5.xlarge x1"
    )
    invocations, latency = benchmark["Metrics"]
    assert [p["Value"] for p in invocations["Datapoints"]] == INVOCATIONS
    assert [p["Value"] for p in latency["Datapoints"]] == LATENCY_P99  # both pages, in time order
    assert latency["Unit"] == "Microseconds" and latency["StatusCode"] == "Complete"


def test_aws_cloudwatch_client_follows_the_endpoint_settings(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    made = stubbed_aws(monkeypatch, two_series_pages())
    environ = {**CREDENTIALS, "AWS_ENDPOINT_URL_CLOUDWATCH": "http://127.0.0.1:9/cw"}
    cli(*AWS_ARGS, *SERIES_ARGS, "--output", "json", environ=environ)
    assert made["cloudwatch"][0].meta.endpoint_url == "http://127.0.0.1:9/cw"
    assert made["sagemaker"][0].meta.endpoint_url != "http://127.0.0.1:9/cw"
    assert made["cloudwatch"][0].meta.region_name == "us-east-1"


def test_every_output_format(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*extra: str) -> str:
        stubbed_aws(monkeypatch, two_series_pages())
        return cli(*AWS_ARGS, *SERIES_ARGS, *extra, environ=CREDENTIALS, width=140).out

    document = yaml.safe_load(run("--output", "yaml"))
    assert [p["Value"] for p in document["Benchmarks"][0]["Metrics"][0]["Datapoints"]] == INVOCATIONS
    table = run("--output", "table")
    assert "ml.c5.xlarge x1 · cw-job/abcd1234" in table
    assert "▁▅██" in table  # the invocations' trend: 600, 1,800, 3,000, 2,900 per minute
    assert "3,000" in table and "22" in table  # the peak invocations; the p99 latency in milliseconds
    rows = list(csv.reader(io.StringIO(run("--output", "csv"))))
    assert rows[0] == ["Metric", "Statistic", "Unit", "Points", "Min", "Mean", "Max", "Trend"]
    assert rows[1][:7] == ["Invocations", "Sum", "", "4", "600", "2075", "3000"]
    assert rows[2][:3] == ["OverheadLatency", "p99", "ms"] and rows[2][6] == "22"
    points = list(csv.reader(io.StringIO(run("--output", "csv", "--datapoints"))))
    assert points[0] == ["Time", "Invocations Sum", "OverheadLatency p99 (ms)"]
    assert points[1] == ["2026-03-02 10:00:00 UTC", "600", "15"] and len(points) == 5
    markdown = run("--output", "markdown")
    assert "| Invocations | Sum |" in markdown and "**ml.c5.xlarge x1 · cw-job/abcd1234**" in markdown
    text = run("--output", "text")
    assert "cw-job" in text and "OverheadLatency" in text
    queried = json.loads(run("--output", "json", "--query", "Benchmarks[0].Metrics[1].Datapoints[-1].Value"))
    assert queried == 22000.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--metric", "Latency"), "Unknown metric Latency"),
        (("--stat", "Median"), "is not a statistic"),
        (("--period", "45"), "multiple of 60"),
        (("--recommendation", "cw-job/nope0000"), "has no recommendation cw-job/nope0000"),
    ],
)
def test_refused_values_exit_252(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    stubbed_aws(monkeypatch, [])
    refused = cli(*AWS_ARGS, *args, environ=CREDENTIALS, expect=252)
    assert message in refused.err and "Traceback" not in refused.err


def test_the_local_simulator_has_each_benchmarks_series(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", DEFAULT_JOB)
    described = cli("describe-job", "xgboost-default").json
    document = cli("metrics", "xgboost-default").json
    assert len(document["Benchmarks"]) == len(described["InferenceRecommendations"])
    for benchmark, recommendation in zip(document["Benchmarks"], described["InferenceRecommendations"], strict=True):
        assert benchmark["RecommendationId"] == recommendation["RecommendationId"]
        series = {f"{s['MetricName']} {s['Statistic']}": s for s in benchmark["Metrics"]}
        assert set(series) == {
            "Invocations Sum", "ModelLatency p50", "ModelLatency p95", "ModelLatency p99", "CPUUtilization Average",
            "MemoryUtilization Average", "NumberOfUsers Maximum",
        }  # fmt: skip
        published = ["Invocations Sum", "ModelLatency p95", "NumberOfUsers Maximum"]
        if "InstanceType" in recommendation["EndpointConfiguration"]:
            published.append("CPUUtilization Average")  # serverless endpoints publish no host metrics
        else:
            assert benchmark["EndpointConfiguration"].startswith("serverless ")
        for name in published:
            assert series[name]["Datapoints"], f"{benchmark['EndpointName']}: no {name}"
    one = described["InferenceRecommendations"][0]["RecommendationId"]
    only = cli("metrics", "xgboost-default", "--recommendation", one, "--metric", "Invocations").json
    assert [b["RecommendationId"] for b in only["Benchmarks"]] == [one]
    table = cli("metrics", "xgboost-default", "--output", "table", width=150).out
    assert "NumberOfUsers" in table and any(block in table for block in "▂▃▄▅▆▇█")


def test_sparkline_and_window() -> None:
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert sparkline([]) == "" and sparkline([5, 5]) == "▅▅" and sparkline([0, 0]) == "▁▁"
    assert len(sparkline(list(range(100)), width=10)) == 10
    start, end = job_window({"CreationTime": START, "LastModifiedTime": START}, 60)
    assert (start, end) == (START.replace(second=0), START.replace(second=0) + timedelta(minutes=1))
    with pytest.raises(InputError):
        Selection(period=0).checked()
    assert Selection(period=30).checked().period == 30
    assert [s for _, s in Selection(("ModelLatency", "Invocations")).pairs()] == ["p50", "p95", "p99", "Sum"]


@pytest.mark.slow
def test_aws_backend_against_the_served_simulator_reads_what_the_recommendations_say(tmp_path: Any) -> None:
    """The whole way: the aws backend's CloudWatch client (the protocol botocore picks) against `ircli
    simulator serve`; each benchmark's peak minute is its recommendation's MaxInvocations, and its p95 latency
    there is the recommendation's ModelLatency."""
    state = tmp_path / "state"
    server = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={"IRCLI_HOME": str(state), "IRCLI_SIM_SPEED": "instant", "PATH": "/usr/bin:/bin"},
    )
    try:
        assert server.stderr is not None
        url = re.search(r"listening on (http://\S+)", server.stderr.readline())
        assert url
        aws = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", url[1]]
        environ = {**CREDENTIALS, "IRCLI_HOME": str(tmp_path / "client")}
        created = run_process(*aws, "create-job", "--cli-input-yaml", DEFAULT_JOB, env=environ)
        assert created.returncode == 0, created.stderr
        described = json.loads(
            run_process(*aws, "describe-job", "xgboost-default", "--output", "json", env=environ).stdout
        )
        ran = run_process(*aws, "metrics", "xgboost-default", "--metric", "Invocations", "--metric", "ModelLatency",
                          "--output", "json", env=environ)  # fmt: skip
        assert ran.returncode == 0, ran.stderr
        document = json.loads(ran.stdout)
    finally:
        server.terminate()
        server.wait(timeout=10)
    by_id = {r["RecommendationId"]: r for r in described["InferenceRecommendations"]}
    assert {b["RecommendationId"] for b in document["Benchmarks"]} == set(by_id)
    for benchmark in document["Benchmarks"]:
        series = {s["Statistic"]: [p["Value"] for p in s["Datapoints"]] for s in benchmark["Metrics"]}
        metrics = by_id[benchmark["RecommendationId"]]["Metrics"]
        assert max(series["Sum"]) == metrics["MaxInvocations"]
        peak = series["Sum"].index(max(series["Sum"]))
        assert round(series["p95"][peak] / 1000) == metrics["ModelLatency"]  # microseconds in CloudWatch


def test_an_answer_whose_timestamps_and_values_disagree_is_unreadable(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (page, request), _ = two_series_pages()
    page = {"MetricDataResults": [{**page["MetricDataResults"][0], "Values": INVOCATIONS[:1]}]}
    stubbed_aws(monkeypatch, [(page, request)])
    unreadable = cli(*AWS_ARGS, *SERIES_ARGS, environ=CREDENTIALS, expect=255)
    assert "Invocations has 4 timestamps for 1 values" in unreadable.err and "Traceback" not in unreadable.err
