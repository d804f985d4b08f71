"""The whole workflow, one process per command as a user types it: on the local backend, and on the aws
backend pointed at `ircli simulator serve` over HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO, run_process

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """`ircli simulator serve` on a free loopback port, and the environment that points the aws backend at it."""
    # Fast enough for a test, slow enough that a job can still be stopped after it is created.
    env = {**os.environ, "IRCLI_HOME": str(tmp_path / "served-state"), "IRCLI_SIM_SPEED": "300"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert match, line
    try:
        yield {
            "IRCLI_BACKEND": "aws",
            "AWS_ENDPOINT_URL_SAGEMAKER": match.group(0),
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


def ircli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = run_process(*args, env=env)
    assert "Traceback" not in result.stderr
    return result


def flow(env: dict[str, str]) -> None:
    created = ircli(env, "create-job", "--cli-input-yaml", str(EXAMPLES / "serverless-job.yaml"), "--output", "json")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["JobArn"].endswith("/distilbert-serverless")
    assert ircli(env, "wait", "distilbert-serverless", "--interval", "0.2").returncode == 0
    job = json.loads(ircli(env, "describe-job", "--job-name", "distilbert-serverless").stdout)
    assert job["Status"] == "COMPLETED"
    steps = json.loads(ircli(env, "list-steps", "distilbert-serverless", "--status", "COMPLETED").stdout)["Steps"]
    assert len(steps) == 3
    by_kind = {
        ("serverless" if "ServerlessConfig" in r["EndpointConfiguration"] else "instance"): r
        for r in job["InferenceRecommendations"]
    }
    instance_id = by_kind["instance"]["RecommendationId"]
    scaling = ircli(
        env,
        "scaling-recommendation",
        "--job-name",
        "distilbert-serverless",
        "--recommendation-id",
        instance_id,
        "--max-invocations-per-minute",
        "6000",
    )
    assert json.loads(scaling.stdout)["DynamicScalingConfiguration"]["MaxCapacity"] >= 1
    serverless_id = by_kind["serverless"]["RecommendationId"]
    made = ircli(
        env,
        "endpoint-config",
        "create",
        "--from-recommendation",
        f"distilbert-serverless/{serverless_id}",
        "--model-name",
        "distilbert-sentiment",
        "--endpoint-config-name",
        "from-rec",
        "--provisioned-concurrency",
        "2",
    )
    assert made.returncode == 0, made.stderr
    config = json.loads(ircli(env, "endpoint-config", "describe", "from-rec").stdout)
    assert config["ProductionVariants"][0]["ServerlessConfig"] == dict(
        by_kind["serverless"]["EndpointConfiguration"]["ServerlessConfig"], ProvisionedConcurrency=2
    )
    assert (
        ircli(
            env, "endpoint-config", "deploy", "--endpoint-name", "distilbert", "--endpoint-config-name", "from-rec"
        ).returncode
        == 0
    )
    describe_endpoint_when_in_service(env, "distilbert")
    updated = ircli(
        env,
        "endpoint-config",
        "update-capacity",
        "--endpoint-name",
        "distilbert",
        "--variant-name",
        "AllTraffic",
        "--provisioned-concurrency",
        "4",
    )
    assert updated.returncode == 0, updated.stderr
    endpoint = describe_endpoint_when_in_service(env, "distilbert")
    assert endpoint["ProductionVariants"][0]["CurrentServerlessConfig"]["ProvisionedConcurrency"] == 4

    second = dict(env, IRCLI_SIM_SPEED="300")
    assert ircli(second, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).returncode == 0
    assert ircli(env, "stop-job", "xgboost-default").returncode == 0
    assert ircli(env, "wait", "xgboost-default", "--interval", "0.2", "--timeout", "30").returncode == 255
    assert json.loads(ircli(env, "describe-job", "xgboost-default").stdout)["Status"] == "STOPPED"


def describe_endpoint_when_in_service(env: dict[str, str], name: str) -> dict[str, object]:
    deadline = time.monotonic() + 20
    while True:
        endpoint: dict[str, object] = json.loads(ircli(env, "endpoint-config", "describe-endpoint", name).stdout)
        if endpoint["EndpointStatus"] == "InService" or time.monotonic() > deadline:
            assert endpoint["EndpointStatus"] == "InService"
            return endpoint
        time.sleep(0.2)


def test_the_whole_flow_on_the_local_backend(isolated_state: Path) -> None:
    flow({"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"})


def test_the_whole_flow_on_the_aws_backend_against_the_served_simulator(served: dict[str, str]) -> None:
    flow(served)


def test_the_aws_cli_works_against_the_served_simulator(served: dict[str, str]) -> None:
    aws = subprocess.run(["aws", "--version"], capture_output=True, text=True) if _has_aws_cli() else None
    if aws is None:
        pytest.skip("the AWS CLI is not installed here")
    env = {**os.environ, **served}
    ircli(served, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    assert ircli(served, "wait", "xgboost-default", "--interval", "0.2").returncode == 0
    result = subprocess.run(
        [
            "aws",
            "sagemaker",
            "describe-inference-recommendations-job",
            "--job-name",
            "xgboost-default",
            "--endpoint-url",
            served["AWS_ENDPOINT_URL_SAGEMAKER"],
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Status"] == "COMPLETED"


def _has_aws_cli() -> bool:
    from shutil import which

    return which("aws") is not None


def test_broken_pipe_is_tolerated(isolated_state: Path) -> None:
    env = {**os.environ, "IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    ircli(env, "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    shell = f"{sys.executable} -m ircli schema show create-job | head -c 10"
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {shell}"], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.returncode == 0
    assert result.stderr == ""
