"""Odd but legal answers: the service sends "NaN" where a float belongs, and botocore hands any JSON value of
an integer member to Python unchanged, so a count may be "NaN" too. Every command that reads such a member
shows `n/a`, prices what it can and says what it could not, in every format, never a traceback."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.canned_service import CREDENTIALS, RECORDED_JOB, canned_service, scaling_answer
from tests.conftest import CliRunner

SERVERLESS = {
    "RecommendationId": "xgb-recorded/0c4a9e21",
    "Metrics": {
        "CostPerHour": 0.5,
        "CostPerInference": 4e-06,
        "MaxInvocations": 2000,
        "ModelLatency": 40,
        "CpuUtilization": "NaN",
        "MemoryUtilization": "NaN",
    },
    "EndpointConfiguration": {
        "EndpointName": "sm-epc-serverless",
        "VariantName": "sm-epc-serverless",
        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": "NaN"},
    },
    "ModelConfiguration": {"EnvironmentParameters": []},
}


def odd_answer(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    if operation == "DescribeInferenceRecommendationsJob":
        job = copy.deepcopy(RECORDED_JOB)
        job["InferenceRecommendations"][0]["EndpointConfiguration"]["InitialInstanceCount"] = "NaN"
        job["InferenceRecommendations"].append(SERVERLESS)
        return job
    if operation == "GetScalingConfigurationRecommendation":
        answer = scaling_answer(request)
        dynamic = answer["DynamicScalingConfiguration"]
        dynamic["ScalingPolicies"][0]["TargetTracking"]["TargetValue"] = "NaN"
        dynamic["MaxCapacity"] = "NaN"
        return answer
    if operation == "DescribeEndpoint":
        return {
            "EndpointName": "odd",
            "EndpointArn": "arn:aws:sagemaker:us-east-2:123456789012:endpoint/odd",
            "EndpointConfigName": "odd-config",
            "EndpointStatus": "InService",
            "CreationTime": 1.7e9,
            "LastModifiedTime": 1.7e9,
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "CurrentWeight": "NaN",
                    "DesiredWeight": "NaN",
                    "CurrentInstanceCount": "NaN",
                    "DesiredInstanceCount": 1,
                }
            ],
        }
    if operation == "DescribeEndpointConfig":
        return {
            "EndpointConfigName": "odd-config",
            "EndpointConfigArn": "arn:aws:sagemaker:us-east-2:123456789012:endpoint-config/odd-config",
            "CreationTime": 1.7e9,
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "ModelName": "m",
                    "InstanceType": "ml.c5.xlarge",
                    "InitialInstanceCount": "NaN",
                    "InitialVariantWeight": "NaN",
                }
            ],
        }
    raise KeyError(operation)


@pytest.fixture
def remote() -> Iterator[list[str]]:
    with canned_service(odd_answer, region="us-east-2") as options:
        yield options


TRAFFIC = ["--average-per-minute", "2000", "--peak-per-minute", "4000"]
COMMANDS = {
    "cost-estimate": ["cost-estimate", "xgb-recorded", *TRAFFIC],
    "describe-job": ["describe-job", "xgb-recorded"],
    "rank": ["rank-recommendations", "xgb-recorded"],
    "scaling": ["scaling-recommendation", "--job-name", "xgb-recorded", "--recommendation-id", "xgb-recorded/9d1e7c43"],
    "describe-endpoint": ["endpoint-config", "describe-endpoint", "odd"],
    "describe-endpoint-config": ["endpoint-config", "describe", "odd-config"],
}


@pytest.mark.parametrize("output", ["table", "json", "yaml", "text", "csv", "markdown"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_nan_where_a_number_belongs_reads_n_a(cli: CliRunner, remote: list[str], command: str, output: str) -> None:
    result = cli(*remote, *COMMANDS[command], "--output", output, tty=True, environ=CREDENTIALS)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    if output == "table":
        assert "n/a" in result.out


def test_an_option_that_cannot_be_priced_is_named_with_the_reason(cli: CliRunner, remote: list[str]) -> None:
    document = cli(*remote, "cost-estimate", "xgb-recorded", *TRAFFIC, "--output", "json", environ=CREDENTIALS).json
    reasons = {entry["RecommendationId"]: entry["Reason"] for entry in document["NotPriced"]}
    assert reasons == {
        "xgb-recorded/5b2c1f0a": "the service reported InitialInstanceCount as NaN",
        "xgb-recorded/9d1e7c43": "the service reported the scaling policy's TargetValue as NaN",
        "xgb-recorded/0c4a9e21": "the service reported MaxConcurrency as NaN",
    }
    assert document["Estimates"] == []
    table = cli(
        *remote,
        "cost-estimate",
        "xgb-recorded",
        *TRAFFIC,
        "--no-chart",
        "--output",
        "table",
        width=200,
        environ=CREDENTIALS,
    )
    assert "Not priced: ml.m4.2xlarge x n/a (xgb-recorded/5b2c1f0a): the service reported InitialInstanceCount" in (
        table.out
    )


def test_the_report_is_written_with_n_a_where_the_service_sent_nan(
    cli: CliRunner, remote: list[str], tmp_path: Path
) -> None:
    page = tmp_path / "odd.html"
    made = cli(*remote, "report", "xgb-recorded", "--html", str(page), *TRAFFIC, environ=CREDENTIALS)
    assert made.code == 0, made.err
    html = page.read_text()
    assert "Not priced: ml.m4.2xlarge x n/a" in html and "n/a" in html


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:notaport", "Port could not be cast to integer value"),
        ("http://[::1", "Invalid IPv6 URL"),
        ("localhost:4566", "it needs http:// or https:// and a host"),
        ("ftp://127.0.0.1", "it needs http:// or https:// and a host"),
        ("http://bad host/", "it needs http:// or https:// and a host"),
    ],
)
def test_an_endpoint_url_botocore_cannot_use_is_refused_up_front(cli: CliRunner, url: str, reason: str) -> None:
    for args, environ in (
        (["--endpoint-url", url], {}),
        ([], {"AWS_ENDPOINT_URL": url}),
        ([], {"AWS_ENDPOINT_URL_SAGEMAKER": url}),
    ):
        result = cli(
            "--backend",
            "aws",
            "--region",
            "us-east-1",
            *args,
            "describe-job",
            "j",
            environ={**CREDENTIALS, **environ},
            expect=252,
        )
        source = "--endpoint-url" if args else next(iter(environ))
        assert result.code == 252, result.err
        assert result.err.startswith(f"ircli: {source}: {url} is not a usable endpoint URL") and reason in result.err
