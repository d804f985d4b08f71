"""The deployment script run as CI runs it, in its own process, against a served simulator (the
`ircli_server` fixture: a free loopback port, AWS_ENDPOINT_URL set for this test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
from jobs import recommendation_job


def test_the_script_configures_the_endpoint_over_http(ircli_server) -> None:
    assert os.environ["AWS_ENDPOINT_URL"] == ircli_server.url
    recommendation_job()
    script = Path(__file__).with_name("deploy.py")
    arguments = ["churn-job", "--model", "churn", "--config", "served-config", "--max-latency-ms", "100000"]
    result = subprocess.run(
        [sys.executable, str(script), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    config = boto3.client("sagemaker").describe_endpoint_config(EndpointConfigName="served-config")
    assert config["ProductionVariants"][0]["InstanceType"] == decision["instanceType"]
