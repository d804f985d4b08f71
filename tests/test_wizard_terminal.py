"""The create-job wizard driven through a real pseudo-terminal, as a person types: a Default and an
Advanced job, each with a wrong answer that is rejected with its message and then corrected, saved to a
YAML file that `ircli create-job --cli-input-yaml` accepts."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.conftest import REPO, run_process

pytestmark = pytest.mark.slow

DOWN, ENTER, CLEAR = "\x1b[B", "\r", "\x15"
ROLE = "arn:aws:iam::123456789012:role/R"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    def __init__(self, state: Path) -> None:
        env = {**os.environ, "IRCLI_HOME": str(state), "IRCLI_SIM_SPEED": "instant", "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "ircli", "create-job", "--interactive"],
            cwd=str(REPO),
            env=env,
            dimensions=(50, 140),
            encoding="utf-8",
            timeout=30,
        )

    def answer(self, question: str, keys: str) -> None:
        self.child.expect_exact(question)
        self.child.send(keys)

    def pick(self, question: str, downs: int = 0) -> None:
        self.answer(question, DOWN * downs + ENTER)

    def type(self, question: str, text: str) -> None:
        self.answer(question, CLEAR + text + ENTER)

    def rejected(self, message: str, corrected: str) -> None:
        self.child.expect_exact(message)
        self.child.send(CLEAR + corrected + ENTER)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus or 0)


def test_default_job_wizard(isolated_state: Path, tmp_path: Path) -> None:
    target = tmp_path / "default.yaml"
    term = Terminal(isolated_state)
    term.pick("What kind of job?")
    term.pick("How is the model given?")
    term.type("Model name:", "bad model!")
    term.rejected("must be letters, digits and hyphens", "churn-xgboost")
    term.answer("Describe the model's container", "n")
    term.pick("Endpoint configurations to benchmark:")
    term.type("Instance type:", "ml.c5.xlarge")
    term.type("Environment-parameter ranges", "OMP_NUM_THREADS=1,2")
    term.pick("Endpoint configurations to benchmark:", downs=2)
    term.type("Job name:", "wizard-default")
    term.type("Description:", "")
    term.type("IAM role ARN for the job:", ROLE)
    term.type("Maximum number of tests", "")
    term.type("Maximum parallel tests", "")
    term.pick("What now?", downs=1)
    term.type("Save to:", str(target))
    assert term.finish() == 0
    saved = yaml.safe_load(target.read_text())
    assert saved["JobName"] == "wizard-default" and next(iter(saved)) == "JobName"
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    created = run_process("create-job", "--cli-input-yaml", str(target), env=env)
    assert created.returncode == 0, created.stderr


def test_advanced_job_wizard(isolated_state: Path, tmp_path: Path) -> None:
    target = tmp_path / "advanced.yaml"
    term = Terminal(isolated_state)
    term.pick("What kind of job?", downs=1)
    term.pick("How is the model given?")
    term.type("Model name:", "distilbert-sentiment")
    term.answer("Describe the model's container", "n")
    term.pick("Endpoint configurations to benchmark:")
    term.type("Instance type:", "ml.g5.xlarge")
    term.type("Environment-parameter ranges", "")
    term.pick("Endpoint configurations to benchmark:", downs=2)
    term.type("Job name:", "wizard-advanced")
    term.type("Description:", "load test from the wizard")
    term.type("IAM role ARN for the job:", ROLE)
    term.type("Maximum number of tests", "")
    term.type("Maximum parallel tests", "")
    term.pick("Traffic pattern:")
    term.type("Phase 1: initial number of users", "1")
    term.type("Phase 1: users spawned per minute", "-1")
    term.rejected("-1 is less than the minimum of 0", "2")
    term.type("Phase 1: duration in seconds", "300")
    term.answer("Add another phase?", "n")
    term.type("Maximum job duration in seconds", "")
    term.type("Expected maximum invocations per minute", "2000")
    term.pick("Model latency threshold percentile:")  # P95, the first offered
    term.type("P95 latency threshold (ms):", "150")
    term.pick("When invocations flatten:")
    term.pick("What now?", downs=2)
    term.type("Save to:", str(target))
    assert term.finish() == 0
    hint = re.search(r"ircli create-job --cli-input-yaml (\S+) --job-name (\S+)", ANSI.sub("", term.child.before))
    assert hint is not None and hint.group(2) == "wizard-advanced-2"
    saved = yaml.safe_load(target.read_text())
    assert saved["InputConfig"]["TrafficPattern"]["Phases"] == [
        {"InitialNumberOfUsers": 1, "SpawnRate": 2, "DurationInSeconds": 300}
    ]
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    described = run_process("describe-job", "wizard-advanced", "--output", "json", env=env)
    assert '"Status": "COMPLETED"' in described.stdout  # "Save and submit" submitted it too
    again = run_process("create-job", "--cli-input-yaml", hint.group(1), "--job-name", hint.group(2), env=env)
    assert again.returncode == 0, again.stderr  # the re-run hint works as printed


def test_ctrl_c_keeps_the_answers_in_a_draft_and_sends_nothing(isolated_state: Path, tmp_path: Path) -> None:
    term = Terminal(isolated_state)
    term.pick("What kind of job?")
    term.pick("How is the model given?")
    term.type("Model name:", "churn-xgboost")
    term.child.expect_exact("Describe the model's container")
    term.child.sendintr()
    assert term.finish() == 130
    said = " ".join(ANSI.sub("", term.child.before).split())
    assert "Interrupted; nothing was sent." in said
    draft = Path(said.split("--interactive --resume ")[1].split()[0])
    assert yaml.safe_load(draft.read_text())["InputConfig"]["ModelName"] == "churn-xgboost"
    assert draft.parent == isolated_state / "drafts" and list(tmp_path.glob("*.yaml")) == []
    env = {"IRCLI_HOME": str(isolated_state)}
    listed = run_process("list-jobs", "--output", "json", env=env).stdout
    assert yaml.safe_load(listed)["InferenceRecommendationsJobs"] == []  # nothing was sent


def test_a_refusal_on_submit_keeps_the_answers_in_a_draft(isolated_state: Path) -> None:
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    term = Terminal(isolated_state)
    term.pick("What kind of job?")
    term.pick("How is the model given?")
    term.type("Model name:", "churn-xgboost")
    term.answer("Describe the model's container", "n")
    term.pick("Endpoint configurations to benchmark:")
    term.type("Instance type:", "ml.c5.xlarge")
    term.type("Environment-parameter ranges", "")
    term.pick("Endpoint configurations to benchmark:", downs=2)
    term.type("Job name:", "raced")
    term.type("Description:", "")
    term.type("IAM role ARN for the job:", ROLE)
    term.type("Maximum number of tests", "")
    term.type("Maximum parallel tests", "")
    term.child.expect_exact("What now?")
    # The name was free when typed; another process takes it before Submit, so the service refuses.
    example = str(REPO / "examples" / "default-job.yaml")
    taken = run_process("create-job", "--cli-input-yaml", example, "--job-name", "raced", env=env)
    assert taken.returncode == 0, taken.stderr
    term.child.send(ENTER)  # Submit
    assert term.finish() == 254
    said = " ".join(ANSI.sub("", term.child.before).split())
    assert "ResourceInUse" in said and "Your answers are kept in" in said
    draft = Path(said.split("--interactive --resume ")[1].split()[0])
    kept = yaml.safe_load(draft.read_text())
    assert kept["JobName"] == "raced" and kept["InputConfig"]["EndpointConfigurations"] == [
        {"InstanceType": "ml.c5.xlarge"}
    ]
