"""The generative-AI wizards through a real pseudo-terminal, as a person types: a workload configuration
with a refused answer corrected, then a recommendation job picking GPU types from the catalog's list,
saved and submitted; and Ctrl-C keeping the answers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from ircli.cli.wizards.genai import gpu_instance_labels
from tests.conftest import REPO, run_process
from tests.test_wizard_terminal import ANSI, Terminal

pytestmark = pytest.mark.slow

ROLE = "arn:aws:iam::123456789012:role/R"


class AiTerminal(Terminal):
    def __init__(self, state: Path, *command: str) -> None:
        env = {**os.environ, "IRCLI_HOME": str(state), "IRCLI_SIM_SPEED": "instant", "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "ircli", *command, "--interactive"],
            cwd=str(REPO),
            env=env,
            dimensions=(60, 140),
            encoding="utf-8",
            timeout=30,
        )


def test_a_workload_then_a_recommendation_job_from_the_wizards(isolated_state: Path, tmp_path: Path) -> None:
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    term = AiTerminal(isolated_state, "ai-workload", "create")
    term.pick("What does the benchmark send?")
    term.type("Input tokens a request, mean:", "0")
    term.rejected("prompt_input_tokens_mean 0 is less than the minimum of 1", "1024")
    term.type("Input tokens, standard deviation", "")
    term.type("Output tokens a request, mean:", "256")
    term.type("Output tokens, standard deviation", "")
    term.type("Concurrent requests", "1,8,32")
    term.type("Requests at each level", "")
    term.answer("Stream the answers", "y")
    term.type("Time-to-first-token SLA in ms", "")
    term.type("Tokenizer", "")
    term.type("Workload configuration name:", "rag")
    term.pick("What now?")  # Submit
    assert term.finish() == 0
    labels = list(gpu_instance_labels())
    g6e = next(i for i, label in enumerate(labels) if label.startswith("ml.g6e.2xlarge "))
    target = tmp_path / "job.yaml"
    term = AiTerminal(isolated_state, "ai-recommendation", "create")
    term.type("Model in S3", "s3://bucket/models/llama-3-8b/")
    term.pick("Workload configuration:")  # rag, the only one
    term.pick("Goal:")  # cost, the first
    term.pick("Instance types to consider (0 of at most 3)")
    term.pick("Instance type (GPUs, GPU memory, on-demand price):", downs=g6e)
    term.pick("Instance types to consider (1 of at most 3)", downs=1)  # Done
    term.pick("Serving framework:", downs=1)  # VLLM
    term.answer("Allow optimisation", "n")
    term.type("Where the job writes its results", "s3://bucket/out/")
    term.type("Job name:", "rag-cost")
    term.type("IAM role ARN for the job:", ROLE)
    term.pick("What now?", downs=2)  # Save and submit
    term.type("Save to:", str(target))
    assert term.finish() == 0
    saved = yaml.safe_load(target.read_text())
    assert saved["ComputeSpec"] == {"InstanceTypes": ["ml.g6e.2xlarge"]} and saved["OptimizeModel"] is False
    assert saved["AIWorkloadConfigIdentifier"] == "rag" and saved["InferenceSpecification"] == {"Framework": "VLLM"}
    waited = run_process("ai-recommendation", "wait", "rag-cost", env=env)
    assert waited.returncode == 0, waited.stderr
    again = run_process("ai-recommendation", "create", "--cli-input-yaml", str(target), "--name", "rag-2", env=env)
    assert again.returncode == 0, again.stderr  # the saved file is a request the command takes


def test_ctrl_c_in_the_workload_wizard_keeps_the_answers(isolated_state: Path) -> None:
    term = AiTerminal(isolated_state, "ai-workload", "create")
    term.pick("What does the benchmark send?")
    term.type("Input tokens a request, mean:", "2048")
    term.child.expect_exact("Input tokens, standard deviation")
    term.child.sendintr()
    assert term.finish() == 130
    said = " ".join(ANSI.sub("", term.child.before).split())
    draft = Path(said.split("--interactive --resume ")[1].split()[0])
    assert (
        "prompt_input_tokens_mean: 2048"
        in yaml.safe_load(draft.read_text())["AIWorkloadConfigs"]["WorkloadSpec"]["Inline"]
    )
    assert draft.parent == isolated_state / "drafts"
    listed = run_process("ai-workload", "list", "--output", "json", env={"IRCLI_HOME": str(isolated_state)})
    assert yaml.safe_load(listed.stdout)["AIWorkloadConfigs"] == []
