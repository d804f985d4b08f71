"""Golden output of the terminal tables, at a fixed width with colour off. Regenerate the files with
IRCLI_UPDATE_GOLDEN=1 after a deliberate change, and review the diff."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import pytest

from ircli.simulator.models import Simulator
from ircli.simulator.store import Store
from tests.conftest import CliRunner
from tests.valid_requests import ROLE

GOLDEN = Path(__file__).parent / "golden"
CREATED = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class FixedClock:
    def __init__(self) -> None:
        self.now = CREATED

    def __call__(self) -> float:
        return self.now


def job(name: str, configurations: list[dict[str, Any]], tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "JobName": name,
        "JobType": "Default",
        "RoleArn": ROLE,
        "InputConfig": {"ModelName": "churn-xgboost", "EndpointConfigurations": configurations},
    }
    if tags:
        request["Tags"] = tags
    return request


MIXED = [
    {"InstanceType": "ml.c5.xlarge"},
    {"InstanceType": "ml.m5.large"},
    {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
]
SERVERLESS = [
    {"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}},
    {"ServerlessConfig": {"MemorySizeInMB": 4096, "MaxConcurrency": 10}},
]


@pytest.fixture
def jobs(isolated_state: Path) -> Path:
    clock = FixedClock()
    sim = Simulator(Store(isolated_state), clock=clock, speed="realtime")
    sim.dispatch("CreateInferenceRecommendationsJob", job("mixed", MIXED))
    sim.dispatch("CreateInferenceRecommendationsJob", job("serverless-nan", SERVERLESS))
    sim.dispatch(
        "CreateInferenceRecommendationsJob", job("failed", MIXED, [{"Key": "ircli:simulate", "Value": "fail-job"}])
    )
    stopped = job("stopped", MIXED)
    stopped["InputConfig"]["ResourceLimit"] = {"MaxParallelOfTests": 1}
    sim.dispatch("CreateInferenceRecommendationsJob", stopped)
    clock.now += 120 + 860 + 30
    sim.dispatch("StopInferenceRecommendationsJob", {"JobName": "stopped"})
    return isolated_state


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("IRCLI_UPDATE_GOLDEN"):
        path.write_text(text)
    expected = path.read_text()
    diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "actual"))
    assert text == expected, diff


@pytest.mark.parametrize("name", ["mixed", "serverless-nan", "failed", "stopped"])
def test_describe_job_tables(cli: CliRunner, jobs: Path, name: str) -> None:
    result = cli("describe-job", name, "--output", "table", width=100)
    assert result.code == 0, result.err
    check(f"describe-{name}.txt", result.out)


def test_ranked_table_with_charts(cli: CliRunner, jobs: Path) -> None:
    result = cli(
        "describe-job", "mixed", "--output", "table", "--rank-by", "cost=high,throughput=low", "--chart", width=100
    )
    check("describe-mixed-ranked.txt", result.out)


def test_narrow_terminal(cli: CliRunner, jobs: Path) -> None:
    check("describe-mixed-80.txt", cli("describe-job", "mixed", "--output", "table", width=80).out)


def test_markdown_and_csv(cli: CliRunner, jobs: Path) -> None:
    check("describe-mixed.md", cli("describe-job", "mixed", "--output", "markdown").out)
    check("list-steps-stopped.csv", cli("list-steps", "stopped", "--output", "csv").out)
