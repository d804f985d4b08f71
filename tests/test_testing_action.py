"""action.yml, the composite GitHub Action, run step by step as GitHub's runner would: each step's script in
the shell it names, its `${{ inputs.* }}` and `${{ steps.*.outputs.* }}` filled in, GITHUB_ENV, GITHUB_OUTPUT
and GITHUB_PATH as files whose lines reach the steps after; then boto3 uses what it exported."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from tests.conftest import REPO
from tests.test_clients import client_venv
from tests.test_repository import run_github_step

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_lines(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line) if path.exists() else {}


def expand(value: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    def one(match: re.Match[str]) -> str:
        kind, *rest = match[1].strip().split(".")
        if kind == "inputs":
            return inputs[rest[0]]
        if kind == "steps" and rest[1] == "outputs":
            return outputs[rest[0]][rest[2]]
        raise AssertionError(f"an expression this test does not evaluate: {match[0]}")

    return re.sub(r"\$\{\{(.+?)\}\}", one, value)


def run_action(given: dict[str, str], workspace: Path, environ: dict[str, str]) -> dict[str, str]:
    """Runs every step; returns the variables the action exported through GITHUB_ENV."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    inputs = {name: given.get(name, str(spec.get("default", ""))) for name, spec in action["inputs"].items()}
    files = {name: workspace.parent / name.lower() for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH")}
    outputs: dict[str, dict[str, str]] = {}
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], "expressions stay out of scripts (they go through env:)"
        files["GITHUB_OUTPUT"].write_text("")
        exported = read_lines(files["GITHUB_ENV"])
        paths = files["GITHUB_PATH"].read_text().split() if files["GITHUB_PATH"].exists() else []
        env = {
            **environ,
            **exported,
            **{name: str(path) for name, path in files.items()},
            "PATH": os.pathsep.join([*paths, environ["PATH"]]),
        }
        concrete = {**step, "env": {k: expand(str(v), inputs, outputs) for k, v in step.get("env", {}).items()}}
        result = run_github_step({}, {}, concrete, workspace, env)
        assert result.returncode == 0, f"{step['name']}\n{result.stdout}\n{result.stderr}"
        if "id" in step:
            outputs[step["id"]] = read_lines(files["GITHUB_OUTPUT"])
    return read_lines(files["GITHUB_ENV"])


def test_the_action_installs_starts_waits_and_exports_the_simulator(tmp_path: Path) -> None:
    python = client_venv("action", ("setuptools>=68",))  # a runner's Python, without ircli: the action installs it
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IRCLI_", "PIP_REQUIRE"))}
    environ.update(
        PATH=f"{python.parent}{os.pathsep}{environ.get('PATH', '')}",
        GITHUB_ACTION_PATH=str(REPO),
        RUNNER_TEMP=str(tmp_path / "runner-temp"),
    )
    port = free_port()
    exported = run_action({"port": str(port), "speed": "instant"}, workspace, environ)
    pid = int(exported["IRCLI_SIMULATOR_PID"])
    try:
        url = f"http://127.0.0.1:{port}"
        assert exported["AWS_ENDPOINT_URL"] == url and exported["AWS_DEFAULT_REGION"] == "us-east-1"
        assert exported["AWS_ACCESS_KEY_ID"] == "testing"
        with urllib.request.urlopen(url + "/_ircli/health", timeout=10) as answer:
            health: dict[str, Any] = json.load(answer)
        assert health["speed"] == "instant" and health["services"]["sagemaker"] == "running"
        client = boto3.client(
            "sagemaker",
            endpoint_url=exported["AWS_ENDPOINT_URL"],
            region_name=exported["AWS_DEFAULT_REGION"],
            aws_access_key_id=exported["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exported["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_inference_recommendations_job(
            JobName="ci-job",
            JobType="Default",
            RoleArn="arn:aws:iam::123456789012:role/R",
            InputConfig={"ModelName": "churn-xgboost"},
        )
        assert client.describe_inference_recommendations_job(JobName="ci-job")["Status"] == "COMPLETED"
    finally:
        os.kill(pid, signal.SIGTERM)
    assert Path(exported["IRCLI_SIMULATOR_LOG"]).read_text().startswith("ircli simulator listening on " + url)


def test_the_example_workflow_uses_the_action_then_the_user_s_tests() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "ci-workflow.yml").read_text())
    steps = workflow["jobs"]["integration-tests"]["steps"]
    uses = [step for step in steps if step.get("uses") == "./.ircli-src"]
    assert len(uses) == 1 and set(uses[0]["with"]) <= set(yaml.safe_load((REPO / "action.yml").read_text())["inputs"])
    after = steps[steps.index(uses[0]) + 1 :]
    assert any("pytest" in step.get("run", "") for step in after)
