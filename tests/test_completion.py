"""The completion scripts: generated from the CLI (a test fails when they drift), and working in real
shells: bash always, fish and zsh where they are installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO, run_process
from tools import generate_completions as completion

COMPLETIONS = REPO / "completions"


def test_completion_scripts_do_not_drift() -> None:
    assert completion.main(["--check"]) == 0, "run: python tools/generate_completions.py"


def shell_env(state: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "IRCLI_HOME": str(state),
        "IRCLI_SIM_SPEED": "instant",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.fixture
def a_job(isolated_state: Path) -> Path:
    env = {"IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    assert run_process("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), env=env).returncode == 0
    return isolated_state


def bash_complete(words: list[str], state: Path) -> list[str]:
    script = (
        f"source {COMPLETIONS / 'ircli.bash'}; COMP_WORDS=({' '.join(repr(w) for w in words)}); "
        'COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _ircli; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=shell_env(state), timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
def test_bash_completes_subcommands_options_values_and_job_names(a_job: Path) -> None:
    assert bash_complete(["ircli", "desc"], a_job) == ["describe-job"]
    assert bash_complete(["ircli", "endpoint-config", "update-"], a_job) == ["update-capacity", "update-endpoint"]
    assert "--provisioned-concurrency" in bash_complete(["ircli", "endpoint-config", "update-capacity", "--pro"], a_job)
    assert bash_complete(["ircli", "create-job", "--instance-type", "ml.c5.x"], a_job) == ["ml.c5.xlarge"]
    assert bash_complete(["ircli", "create-job", "--job-type", ""], a_job) == ["Default", "Advanced"]
    assert bash_complete(["ircli", "--output", "ya"], a_job) == ["yaml"]
    assert bash_complete(["ircli", "describe-job", "xgb"], a_job) == ["xgboost-default"]
    assert bash_complete(["ircli", "--output", "json", "wait", "--job-name", "x"], a_job) == ["xgboost-default"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed here")
def test_fish_completes_subcommands_values_and_job_names(a_job: Path) -> None:
    def complete(line: str) -> list[str]:
        script = f"source {COMPLETIONS / 'ircli.fish'}; complete -C '{line}'"
        result = subprocess.run(
            ["fish", "-c", script], capture_output=True, text=True, env=shell_env(a_job), timeout=60
        )
        assert result.returncode == 0, result.stderr
        return [line.split("\t")[0] for line in result.stdout.splitlines()]

    assert complete("ircli desc") == ["describe-job"]
    assert complete("ircli create-job --instance-type ml.c5.x") == ["ml.c5.xlarge"]
    assert complete("ircli describe-job xgb") == ["xgboost-default"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed here")
def test_zsh_script_loads_under_compinit() -> None:
    script = f"autoload -U compinit; compinit -u; source {COMPLETIONS / '_ircli'} && print loaded"
    result = subprocess.run(["zsh", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "loaded" and result.stderr == ""


@pytest.mark.slow
def test_bash_offers_only_what_fits_the_option(a_job: Path) -> None:
    # A free-form value (an ARN, a ranking) gets no suggestions: not flags, not job names.
    assert bash_complete(["ircli", "create-job", "--role-arn", ""], a_job) == []
    assert bash_complete(["ircli", "describe-job", "xgboost-default", "--rank-by", ""], a_job) == []
    # --version belongs to the root only.
    assert "--version" in bash_complete(["ircli", "--ver"], a_job)
    assert "--version" not in bash_complete(["ircli", "describe-job", "--ver"], a_job)
    assert bash_complete(["ircli", "model", "describe", "--model-name", ""], a_job) == []
