"""The repository keeps its promises: the README's set-up commands and CI's run agree."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"```bash\n(?:#.*\n)?(.+)\n```", readme)
    assert len(commands) >= 2
    install, test = commands[0], commands[1]
    assert "pip install -e ." in install and "examples/default-job.yaml" in install
    test_command = test.split("&&")[-1].strip()
    assert test_command == ".venv/bin/pytest"
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci[-1] == test_command
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'" in (REPO / ".ci" / "run").read_text()


def test_the_example_ci_workflow_runs_on_the_simulator(tmp_path: object) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    workflow = yaml.safe_load((REPO / "examples" / "ci-workflow.yml").read_text())
    steps = [step["run"] for step in workflow["jobs"]["recommend"]["steps"] if "run" in step]
    commands = [command for command in steps if command.startswith("ircli ")]
    assert len(commands) == 5
    state = Path(str(tmp_path))
    env = {
        **os.environ,
        "IRCLI_SIM_SPEED": "instant",
        "IRCLI_HOME": str(state / "ircli"),
        "GITHUB_STEP_SUMMARY": str(state / "summary.md"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    work = state / "checkout"  # the workflow's working directory: the repository's examples, nothing else
    work.mkdir()
    (work / "examples").symlink_to(REPO / "examples")
    install = next(command for command in steps if command.startswith("pip install "))
    assert install == "pip install ./.ircli-src"  # from the repository, not from an index that lacks it
    for command in commands[:-1]:
        result = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    # GitHub runs bash steps with pipefail: the gate's exit survives the tee into the comment file.
    gate = subprocess.run(
        ["bash", "-o", "pipefail", "-c", commands[-1]], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    # The candidate is a really different model: the gate sees its regressions and fails the build (exit 3).
    assert gate.returncode == 3, gate.stderr
    summary = (state / "summary.md").read_text()
    assert summary.startswith("**baseline (A) vs candidate (B)**") and "latency" in summary.lower()
    assert "+" in summary  # signed changes, not all zero
    assert (work / "comparison.md").read_text() == summary  # the pull request's comment
    report = work / "report.html"
    assert (
        "baseline (A) vs candidate (B)" in report.read_text() and "Monthly cost at your traffic" in report.read_text()
    )
    kept = next(
        step for step in workflow["jobs"]["recommend"]["steps"] if step.get("uses", "").startswith("actions/upload")
    )
    assert kept["with"]["path"] == "report.html" and kept["if"] == "always()"
    comment = next(step for step in workflow["jobs"]["recommend"]["steps"] if "gh pr comment" in step.get("run", ""))
    assert "--body-file comparison.md" in comment["run"] and workflow["permissions"]["pull-requests"] == "write"
