"""The repository keeps its promises: the README's set-up commands and CI's run agree."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"```bash\n(?:#.*\n)?(.+)\n```", readme)
    assert len(commands) >= 2
    install, test = commands[0], commands[1]
    assert "pip install -e ." in install and "examples/default-job.yaml" in install
    parallel, alone = (part.strip() for part in test.split("&&")[-2:])
    assert parallel == '.venv/bin/pytest -n auto -m "not timing"' and alone == ".venv/bin/pytest -m timing"
    ci = (REPO / ".ci" / "run").read_text()
    # CI runs the parallel command in two lanes, the fast one first, then the timing tests alone: together
    # they select every test, each once.
    assert 'lane() { .venv/bin/pytest -n auto "$@"' in ci and 'alone() { .venv/bin/pytest "$@"' in ci
    assert re.findall(r"\blane -m (.+?)'?\n", ci) == ['"not slow"', '"slow and not timing"']
    assert re.findall(r"\balone -m (.+?)\n", ci) == ["timing"]
    assert "pip install --quiet --disable-pip-version-check -e '.[test]'" in ci


# What GitHub runs for a `run:` step, by the shell it names (docs: "jobs.<job_id>.steps[*].shell"): the step's
# script is written to a file and `{0}` stands for it. No `shell:` on Linux is `bash -e`, WITHOUT pipefail.
GITHUB_SHELLS = {
    None: "bash -e {0}",
    "bash": "bash --noprofile --norc -eo pipefail {0}",
    "sh": "sh -e {0}",
    "python": "python {0}",
}


def github_shell(workflow: dict[str, Any], job: dict[str, Any], step: dict[str, Any]) -> str | None:
    """The step's own `shell:`, else the job's `defaults.run.shell`, else the workflow's."""
    for level in (step, job.get("defaults", {}).get("run", {}), workflow.get("defaults", {}).get("run", {})):
        if level.get("shell"):
            return str(level["shell"])
    return None


def github_command(shell: str | None, script: Path) -> list[str]:
    template = GITHUB_SHELLS.get(shell, shell or "")
    assert "{0}" in template, f"a custom shell names its script as {{0}}: {shell!r}"
    return [part.replace("{0}", str(script)) for part in shlex.split(template)]


def _expand(value: str, workspace: Path) -> str:
    value = value.replace("${{ github.workspace }}", str(workspace))
    assert "${{" not in value, f"an expression this test does not evaluate: {value}"
    return value


def run_github_step(
    workflow: dict[str, Any], job: dict[str, Any], step: dict[str, Any], workspace: Path, environ: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    script = workspace.parent / f"step-{abs(hash(step['run']))}.sh"
    script.write_text(_expand(step["run"], workspace))
    variables = {**job.get("env", {}), **step.get("env", {})}
    env = {**environ, **{name: _expand(str(value), workspace) for name, value in variables.items()}}
    return subprocess.run(
        github_command(github_shell(workflow, job, step), script),
        cwd=workspace / step.get("working-directory", "."),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_steps_run_in_the_shell_github_would_use(tmp_path: Path) -> None:
    workflow: dict[str, Any] = {"defaults": {"run": {"shell": "sh"}}}
    job: dict[str, Any] = {"defaults": {"run": {"shell": "bash"}}}
    script = tmp_path / "step.sh"
    assert github_command(None, script) == ["bash", "-e", str(script)]
    assert github_command("bash", script) == ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
    assert github_command("sh", script) == ["sh", "-e", str(script)]
    assert github_command("bash -x {0}", script) == ["bash", "-x", str(script)]
    assert github_shell({}, {}, {}) is None
    assert github_shell(workflow, {}, {}) == "sh" and github_shell(workflow, job, {}) == "bash"
    assert github_shell(workflow, job, {"shell": "python"}) == "python"
    # As on GitHub: a failing command before a pipe passes under the default shell, fails under `shell: bash`.
    pipe = {"run": "false | cat\n"}
    assert run_github_step({}, {}, pipe, tmp_path, dict(os.environ)).returncode == 0
    assert run_github_step({}, {}, {**pipe, "shell": "bash"}, tmp_path, dict(os.environ)).returncode == 1
    stops = {"run": "false\necho still-running\n"}
    for shell in (None, "bash", "sh"):
        result = run_github_step({}, {}, {**stops, "shell": shell}, tmp_path, dict(os.environ))
        assert result.returncode == 1 and "still-running" not in result.stdout


def _checkout(tmp_path: Path, candidate: str) -> Path:
    """The workflow's working directory: the repository's examples, the candidate's request as given."""
    work = tmp_path / "checkout"
    (work / "examples").mkdir(parents=True)
    for example in (REPO / "examples").iterdir():
        if example.is_file():
            (work / "examples" / example.name).symlink_to(example)
    (work / "examples" / "candidate-job.yaml").unlink()
    (work / "examples" / "candidate-job.yaml").write_bytes((REPO / "examples" / candidate).read_bytes())
    return work


@pytest.mark.slow
@pytest.mark.parametrize(
    ("candidate", "gate_status"),
    [("candidate-job.yaml", 3), ("default-job.yaml", 0)],
    ids=["a-regression-fails-the-pull-request", "no-regression-passes"],
)
def test_the_example_ci_workflow_runs_on_the_simulator(tmp_path: Path, candidate: str, gate_status: int) -> None:
    workflow = yaml.safe_load((REPO / "examples" / "ci-workflow.yml").read_text())
    job = workflow["jobs"]["recommend"]
    runs = [step for step in job["steps"] if "run" in step]
    ircli_steps = [step for step in runs if step["run"].startswith("ircli ")]
    assert len(ircli_steps) == 5
    install = next(step["run"] for step in runs if step["run"].startswith("pip install "))
    assert install == "pip install ./.ircli-src"  # from the repository, not from an index that lacks it
    environ = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    work = _checkout(tmp_path, candidate)
    *benchmarks, gate_step = ircli_steps
    assert "compare-jobs" in gate_step["run"] and "--fail-on-regression 10" in gate_step["run"]
    for step in benchmarks:
        result = run_github_step(workflow, job, step, work, environ)
        assert result.returncode == 0, f"{step['run']}\n{result.stderr}"
    assert (work / ".ircli").is_dir()  # the job's IRCLI_HOME, under the workspace
    gate = run_github_step(workflow, job, gate_step, work, environ)
    # The regression gate's exit status is the step's, under the shell GitHub runs the step with.
    assert gate.returncode == gate_status, gate.stderr
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("**baseline (A) vs candidate (B)**") and "latency" in summary.lower()
    if gate_status:
        assert "+" in summary  # signed changes, not all zero
    assert (work / "comparison.md").read_text() == summary  # the pull request's comment
    report = (work / "report.html").read_text()
    assert "baseline (A) vs candidate (B)" in report and "Monthly cost at your traffic" in report
    kept = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/upload"))
    assert kept["with"]["path"] == "report.html" and kept["if"] == "always()"
    # The comment is posted when the gate fails too: its step runs always, once the comparison is written.
    comment = next(step for step in job["steps"] if "gh pr comment" in step.get("run", ""))
    assert comment["if"].startswith("always()") and "hashFiles('comparison.md')" in comment["if"]
    assert job["steps"].index(comment) > job["steps"].index(gate_step)
    assert "--body-file comparison.md" in comment["run"] and workflow["permissions"]["pull-requests"] == "write"
