"""What a person sees: describe-job in a real pseudo-terminal at 80 and 160 columns shows every
recommendation on its own row, with no wrapped fragments."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import EXAMPLES, REPO, run_process

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
pytestmark = pytest.mark.slow


def in_terminal(args: list[str], columns: int, env: dict[str, str]) -> list[str]:
    environment = {k: v for k, v in {**os.environ, **env}.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    environment["TERM"] = "xterm-256color"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "ircli", *args],
        cwd=str(REPO),
        env=environment,
        dimensions=(60, columns),
        encoding="utf-8",
        timeout=60,
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    return [ANSI.sub("", line).rstrip() for line in output.replace("\r\n", "\n").split("\n")]


@pytest.mark.parametrize("columns", [80, 160])
def test_every_recommendation_on_its_own_row(isolated_state: Path, columns: int) -> None:
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    assert (
        run_process("create-job", "--cli-input-yaml", str(EXAMPLES / "environment-ranges.yaml"), env=env).returncode
        == 0
    )
    job = run_process("describe-job", "tuning-threads", "--output", "json", env=env)
    import json

    recommendations = json.loads(job.stdout)["InferenceRecommendations"]
    lines = in_terminal(["describe-job", "tuning-threads"], columns, env)
    assert all(len(line) <= columns for line in lines)
    header = next(i for i, line in enumerate(lines) if line.startswith("#"))
    rows = lines[header + 2 : header + 2 + len(recommendations)]
    for number, (row, recommendation) in enumerate(zip(rows, recommendations, strict=True), start=1):
        assert row.startswith(f"{number} "), row
        instance = recommendation["EndpointConfiguration"]["InstanceType"]
        assert f"{instance} x" in row
        metrics = recommendation["Metrics"]
        assert f"{metrics['MaxInvocations']:,}" in row
    after = lines[header + 2 + len(recommendations)]
    assert not re.match(r"^\s+\S", after), f"a wrapped fragment follows the rows: {after!r}"
    if columns >= 160:
        assert all(r["RecommendationId"] in "\n".join(rows) for r in recommendations)
    else:
        notes = "\n".join(lines[header:])
        assert all(r["RecommendationId"] in notes for r in recommendations)


def test_wait_shows_live_progress_on_a_terminal(isolated_state: Path) -> None:
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "300"}
    lines = in_terminal(["create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--wait"], 120, env)
    text = "\n".join(lines)
    assert "benchmarks done" in text
    assert "COMPLETED" in text and "Recommendations" in text


def test_each_running_benchmark_shows_its_stage_and_time_and_ctrl_c_says_how_to_stop(isolated_state: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    environment.update(TERM="xterm-256color", IRCLI_HOME=str(isolated_state), IRCLI_SIM_SPEED="20", NO_COLOR="1")
    job = str(EXAMPLES / "advanced-phases.yaml")
    # stdout to a file, as a script would: the terminal still gets the live panel.
    child = pexpect.spawn(
        "/bin/sh", ["-c", f"exec {sys.executable} -m ircli create-job --cli-input-yaml {job} --wait >/dev/null"],
        cwd=str(REPO), env=environment, dimensions=(40, 120), encoding="utf-8", timeout=60,
    )  # fmt: skip
    child.expect("Status +Benchmark +Stage +Time")
    # The stage and its time, whatever the time is when this (loaded) machine first draws it: how far a
    # load test has come at a given moment is tests/test_progress.py's, on a clock it sets.
    child.expect(r"phase 1/2 at 1->3 users +\d:\d\d of ~0:12")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    tail = ANSI.sub("", child.before).replace("\r\n", "\n")
    message = tail[tail.index("ircli: interrupted") :]
    assert message.startswith("ircli: interrupted. Job bert-load-test is still running on the service.\n")
    assert "Stop it with: ircli stop-job bert-load-test" in message
    assert "\n" + "ircli: interrupted" in tail  # below the panel, on a line of its own
    assert "Traceback" not in tail
