"""A user's second day: the frictions a new user meets, each answered with what to do next (a name already
taken, a tab in YAML, stopping the served simulator)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliRunner


def test_a_taken_job_name_says_how_to_choose_another(cli: CliRunner, tmp_path: Path) -> None:
    environ = {"IRCLI_HOME": str(tmp_path), "IRCLI_SIM_SPEED": "instant"}
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), environ=environ)
    again = cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), environ=environ, expect=254)
    assert "already exists" in again.err
    assert "--job-name NAME" in again.err and "ircli describe-job xgboost-default" in again.err
    renamed = cli(
        "create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--job-name", "second", environ=environ
    )
    assert renamed.json["JobArn"].endswith("/second")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("JobName: x\nTags:\n-\tKey: a\n", 3),  # "found character that cannot start any token"
        ("JobName: x\nInputConfig:\n  ModelName: m\n\t\n", 4),  # "a tab character that violates indentation"
    ],
)
def test_a_tab_in_yaml_is_named_as_the_cause(cli: CliRunner, tmp_path: Path, text: str, line: int) -> None:
    document = tmp_path / "job.yaml"
    document.write_text(text)
    result = cli("create-job", "--cli-input-yaml", str(document), expect=252)
    assert f"Line {line} has a tab: YAML indents with spaces only" in result.err


def test_a_yaml_error_without_a_tab_gets_no_tab_hint(cli: CliRunner, tmp_path: Path) -> None:
    document = tmp_path / "job.yaml"
    document.write_text("JobName: [x\n")
    result = cli("create-job", "--cli-input-yaml", str(document), expect=252)
    assert "is not valid YAML" in result.err and "tab" not in result.err


@pytest.mark.slow
@pytest.mark.timing  # the signal races the server's start-up on a loaded machine
def test_ctrl_c_on_serve_says_it_stopped_and_where_the_state_stays(tmp_path: Path) -> None:
    environ = {**os.environ, "IRCLI_HOME": str(tmp_path), "IRCLI_SIM_SPEED": "instant"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ircli", "simulator", "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    assert process.stderr is not None
    lines = [process.stderr.readline()]
    url = lines[0].split("listening on ", 1)[1].split()[0]
    while "Ctrl-C" not in lines[-1]:
        lines.append(process.stderr.readline())
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    assert process.wait(timeout=30) == 130
    assert f"the simulator stopped serving {url}; its state stays in {tmp_path}" in rest
    assert "nothing was sent" not in rest


def test_bash_completion_offers_each_word_once() -> None:
    import re

    from tests.conftest import REPO

    script = (REPO / "completions" / "ircli.bash").read_text("utf-8")
    for path, words in re.findall(r'^\s+"([^"]*)"\) words="([^"$]*)', script, re.MULTILINE):
        listed = words.split()
        assert len(listed) == len(set(listed)), (path, [w for w in listed if listed.count(w) > 1])
        assert "--help" in listed
