"""`ircli ai-workload`, `ai-recommendation` and `ai-benchmark` on both backends: workloads from flags or a
spec file refused locally with the service's rules, recommendation jobs waited for and shown as the options
a team chooses among (TTFT, tokens/s, cost per million tokens, the goal's winner), deployed the documented
way (inference components for several copies), benchmarked, and AIPerf's results read back (from S3 on the
aws backend)."""

from __future__ import annotations

import copy
import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from ircli.backends.aws import AwsBackend
from ircli.lib import genai
from ircli.lib.service import RecommenderService
from tests.conftest import CliRunner

ROLE = "arn:aws:iam::123456789012:role/ExampleRole"
JOB = (
    "ai-recommendation",
    "create",
    "--name",
    "cheap",
    "--model-s3-uri",
    "s3://bucket/models/llama-3-8b/",
    "--output-s3-uri",
    "s3://bucket/out/",
    "--workload",
    "chat",
    "--goal",
    "cost",
    "--instance-type",
    "ml.g5.12xlarge",
    "--instance-type",
    "ml.g6e.2xlarge",
    "--role-arn",
    ROLE,
)
WORKLOAD = ("ai-workload", "create", "--name", "chat", "--input-tokens-mean", "550", "--output-tokens-mean", "150")


def spec_of(cli: CliRunner, name: str) -> dict[str, Any]:
    described = cli("ai-workload", "describe", name, "--output", "json").json
    return genai.parse_spec(described["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"])


def test_a_workload_from_flags_is_the_aiperf_spec(cli: CliRunner) -> None:
    cli(*WORKLOAD, "--input-tokens-stddev", "150", "--concurrency", "1", "--concurrency", "8", "--streaming")
    spec = spec_of(cli, "chat")
    assert spec["benchmark"] == {"type": "aiperf"}
    assert spec["parameters"] == {
        "prompt_input_tokens_mean": 550,
        "prompt_input_tokens_stddev": 150,
        "output_tokens_mean": 150,
        "concurrency": [1, 8],
        "streaming": True,
    }
    table = cli("ai-workload", "describe", "chat", "--output", "table", width=100).out
    assert "Workload spec (aiperf)" in table and "1, 8" in table
    listed = cli("ai-workload", "list", "--query", "AIWorkloadConfigs[].AIWorkloadConfigName", "--output", "json")
    assert listed.json == ["chat"]


def test_a_spec_file_is_sent_as_written(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("benchmark:\n  type: aiperf\nparameters:\n  output_tokens_mean: 64\n", "utf-8")
    cli("ai-workload", "create", "--name", "from-file", "--spec-file", str(path))
    assert spec_of(cli, "from-file")["parameters"] == {"output_tokens_mean": 64}


def test_a_spec_the_service_refuses_is_refused_locally_with_its_reason(cli: CliRunner, tmp_path: Path) -> None:
    refused = cli("ai-workload", "create", "--name", "bad", "--input-tokens-mean", "0", expect=252)
    assert "prompt_input_tokens_mean" in refused.err and "Traceback" not in refused.err
    path = tmp_path / "locust.yaml"
    path.write_text("benchmark:\n  type: locust\n", "utf-8")
    refused = cli("ai-workload", "create", "--name", "bad", "--spec-file", str(path), expect=252)
    assert "aiperf" in refused.err
    both = cli("ai-workload", "create", "--name", "x", "--spec-file", str(path), "--concurrency", "2", expect=252)
    assert "not both" in both.err
    assert cli("ai-workload", "list", "--output", "json").json["AIWorkloadConfigs"] == []


def test_a_recommendation_job_is_waited_for_and_shown_as_options(cli: CliRunner) -> None:
    cli(*WORKLOAD)
    cli(*JOB)
    waited = cli("ai-recommendation", "wait", "cheap")
    assert "Completed" in waited.err
    raw = cli("ai-recommendation", "describe", "cheap", "--output", "json").json
    assert raw["AIRecommendationJobStatus"] == "Completed" and raw["Recommendations"]
    table = cli("ai-recommendation", "describe", "cheap", "--output", "table", width=160).out
    assert "TTFT ms" in table and "$/1M tokens" in table
    best, _ = genai.winner(raw) or (None, [])
    assert best is not None
    assert f"Best for cost: option {best.rank} ({best.instance_type})" in table
    costs = [o.get("cost_per_million_tokens") for o in genai.options(raw)]
    assert best.get("cost_per_million_tokens") == min(c for c in costs if c is not None)
    for kind in ("csv", "markdown", "yaml", "text"):
        assert cli("ai-recommendation", "describe", "cheap", "--output", kind).out.strip()
    listed = cli("ai-recommendation", "list", "--status-equals", "Completed", "--output", "json").json
    assert [j["AIRecommendationJobName"] for j in listed["AIRecommendationJobs"]] == ["cheap"]
    stop = cli("ai-recommendation", "stop", "cheap", expect=254)  # it has ended
    assert "cheap" in stop.err
    cli("ai-recommendation", "delete", "cheap")
    cli("ai-recommendation", "describe", "cheap", expect=254)


def test_deploying_a_recommendation_with_copies_makes_an_inference_component(cli: CliRunner) -> None:
    cli(*WORKLOAD)
    cli(*JOB)
    job = cli("ai-recommendation", "describe", "cheap", "--output", "json").json
    ranks = [o.rank for o in genai.options(job) if o.copies_per_instance > 1]
    assert ranks, "the job offers a configuration with several copies per instance"
    made = cli("ai-recommendation", "deploy", "cheap", "--rank", str(ranks[0]), "--wait", "--output", "json").json
    assert made["InferenceComponentStatus"] == "InService"
    single = cli("ai-recommendation", "deploy", "cheap", "--endpoint-name", "single", "--output", "json").json
    assert single["EndpointName"] == "single" and "InferenceComponentName" not in single
    refused = cli("ai-recommendation", "deploy", "cheap", "--rank", "99", expect=252)
    assert "--rank 99" in refused.err


def test_a_benchmark_is_run_and_its_aiperf_results_read_back(cli: CliRunner) -> None:
    cli(*WORKLOAD)
    cli(*JOB)
    cli("ai-recommendation", "deploy", "cheap", "--endpoint-name", "served", "--wait")
    cli(
        "ai-benchmark",
        "create",
        "--name",
        "bench",
        "--endpoint",
        "served",
        "--workload",
        "chat",
        "--output-s3-uri",
        "s3://bucket/bench/",
        "--role-arn",
        ROLE,
    )
    cli("ai-benchmark", "wait", "bench")
    results = cli("ai-benchmark", "results", "bench", "--output", "json").json
    assert results["Location"] == "s3://bucket/bench/bench/profile_export_aiperf.json"
    (level,) = results["ConcurrencyLevels"]
    rows = {row["metric"]: row for row in genai.result_rows(level["Results"])}
    latency = rows["request_latency"]
    assert latency["unit"] == "ms" and latency["min"] <= latency["p50"] <= latency["p99"] <= latency["max"]
    table = cli("ai-benchmark", "results", "bench", "--output", "table", width=140).out
    assert "AIPerf results" in table and "request_latency" in table
    described = cli("ai-benchmark", "describe", "bench", "--output", "table", width=140).out
    assert "s3://bucket/bench/bench/profile_export_aiperf.json" in described
    cli("ai-workload", "delete", "chat")  # the benchmark that used it has ended


def test_skeletons_and_completions_know_the_commands(cli: CliRunner) -> None:
    skeleton = cli("ai-recommendation", "create", "--generate-cli-skeleton", "input").json
    assert "PerformanceTarget" in skeleton and "AIWorkloadConfigIdentifier" in skeleton
    bash = (Path(__file__).resolve().parent.parent / "completions" / "ircli.bash").read_text("utf-8")
    assert "ai-recommendation" in bash and "deploy" in bash


NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
BENCHMARK = {
    "AIBenchmarkJobName": "bench",
    "AIBenchmarkJobArn": "arn:aws:sagemaker:us-west-2:123456789012:ai-benchmark-job/bench",
    "AIBenchmarkJobStatus": "Completed",
    "BenchmarkTarget": {"Endpoint": {"Identifier": "served"}},
    "OutputConfig": {"S3OutputLocation": "s3://bucket/bench/"},
    "AIWorkloadConfigIdentifier": "chat",
    "RoleArn": ROLE,
    "CreationTime": NOW,
}
AIPERF = {"records": {"time_to_first_token": {"unit": "ms", "avg": 81.5, "p50": 80.0, "p99": 120.0}}}


def test_on_the_aws_backend_results_come_from_s3_with_the_same_credentials() -> None:
    sagemaker = boto3.client("sagemaker", region_name="us-west-2", aws_access_key_id="a", aws_secret_access_key="b")
    s3 = boto3.client("s3", region_name="us-west-2", aws_access_key_id="a", aws_secret_access_key="b")
    service = RecommenderService(AwsBackend(clients={"sagemaker": sagemaker, "s3": s3}))
    body = json.dumps(AIPERF).encode()
    with Stubber(sagemaker) as stubbed, Stubber(s3) as bucket:
        stubbed.add_response("describe_ai_benchmark_job", copy.deepcopy(BENCHMARK), {"AIBenchmarkJobName": "bench"})
        workload = {
            "AIWorkloadConfigName": "chat",
            "AIWorkloadConfigArn": "arn:aws:sagemaker:us-west-2:123456789012:ai-workload-config/chat",
            "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": genai.workload_spec({"output_tokens_mean": 20})}},
            "CreationTime": NOW,
        }
        stubbed.add_response("describe_ai_workload_config", workload, {"AIWorkloadConfigName": "chat"})
        bucket.add_response(
            "get_object",
            {"Body": StreamingBody(io.BytesIO(body), len(body)), "ContentLength": len(body)},
            {"Bucket": "bucket", "Key": "bench/bench/profile_export_aiperf.json"},
        )
        document = genai.read_results(service, "bench").to_document()
    assert document["ConcurrencyLevels"] == [{"Concurrency": 1, "Results": AIPERF}]
    assert genai.result_rows(AIPERF)[0]["p99"] == 120.0


def test_cost_per_million_tokens_comes_from_the_price_when_not_given() -> None:
    recommendation = {
        "DeploymentConfiguration": {"InstanceType": "ml.g5.12xlarge", "InstanceCount": 2},
        "ExpectedPerformance": [{"Metric": "throughput", "Stat": "average", "Value": "1000", "Unit": "tokens/second"}],
    }
    from ircli.lib.catalog import instance

    figures = genai.figures_of(recommendation)
    hourly = instance("ml.g5.12xlarge")["price_per_hour"] * 2
    assert figures["price_per_hour"] == hourly
    assert figures["cost_per_million_tokens"] == hourly / (1000 * 3600) * 1_000_000


@pytest.mark.slow
def test_the_same_commands_on_the_aws_backend_against_the_served_simulator(cli: CliRunner, tmp_path: Path) -> None:
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    environ = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
    aws = ("--backend", "aws", "--endpoint-url", running.url)
    try:
        cli(*aws, *WORKLOAD, environ=environ)
        cli(*aws, *JOB, environ=environ)
        cli(*aws, "ai-recommendation", "wait", "cheap", environ=environ)
        table = cli(*aws, "ai-recommendation", "describe", "cheap", "--output", "table", width=160, environ=environ)
        assert "Best for cost: option" in table.out
        job = cli(*aws, "ai-recommendation", "describe", "cheap", "--output", "json", environ=environ).json
        rank = next(o.rank for o in genai.options(job) if o.copies_per_instance > 1)
        made = cli(*aws, "ai-recommendation", "deploy", "cheap", "--rank", str(rank), "--wait", environ=environ)
        assert "InferenceComponentArn" in made.out
    finally:
        running.shutdown()
        thread.join(timeout=5)


def test_curves_show_each_option_against_concurrency(cli: CliRunner) -> None:
    cli(*WORKLOAD)
    cli(*JOB)
    described = cli("ai-recommendation", "describe", "cheap", "--curves", "--output", "json").json
    curves = described["Curves"]
    assert len(curves) == len(described["Recommendations"])
    levels = [point["concurrency"] for point in curves[0]]
    assert levels == sorted(levels) and len(levels) > 1
    throughput = [point["output_tokens_per_second"] for point in curves[0]]
    assert throughput == sorted(throughput)  # more users, more tokens in all
    table = cli("ai-recommendation", "describe", "cheap", "--curves", "--output", "table", width=160).out
    assert "Against concurrency" in table and "#1 TTFT ms" in table
    assert "Curves" not in cli("ai-recommendation", "describe", "cheap", "--output", "json").json


def test_cost_estimate_prices_each_option_at_the_traffic_in_tokens(cli: CliRunner) -> None:
    import math

    cli(*WORKLOAD)
    cli(*JOB)
    job = cli("ai-recommendation", "describe", "cheap", "--output", "json").json
    estimate = cli("ai-recommendation", "cost-estimate", "cheap", "--requests-per-minute", "600", "--output", "json")
    assert estimate.json["OutputTokensMean"] == 150  # the workload's mean
    options = {o.rank: o for o in genai.options(job)}
    monthly = [row["MonthlyCost"] for row in estimate.json["Options"]]
    assert monthly == sorted(monthly) and len(monthly) == len(options)
    needed = 600 / 60 * 150  # output tokens a second
    for row in estimate.json["Options"]:
        option = options[row["Rank"]]
        sets = math.ceil(needed / (option.get("tokens_per_second") or 0))
        assert row["Instances"] == sets * option.instance_count
        assert row["MonthlyCost"] == round(sets * (option.get("price_per_hour") or 0) * 730, 2)
    doubled = cli("ai-recommendation", "cost-estimate", "cheap", "--requests-per-minute", "600")
    assert doubled.code == 0
    more = cli(
        "ai-recommendation", "cost-estimate", "cheap", "--requests-per-minute", "600", "--output-tokens-mean", "600"
    ).json
    assert more["Options"][0]["MonthlyCost"] >= estimate.json["Options"][0]["MonthlyCost"]
    refused = cli("ai-recommendation", "cost-estimate", "cheap", "--requests-per-minute", "0", expect=252)
    assert "more than 0" in refused.err
