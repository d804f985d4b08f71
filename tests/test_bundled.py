"""What the package ships besides its code: completion scripts and examples, read from the installed package
(`ircli completion`, `ircli examples`), and a wheel that carries them and runs without the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner

SCRIPTS = {"bash": "ircli.bash", "zsh": "_ircli", "fish": "ircli.fish", "powershell": "ircli.ps1"}
SHIPPED = sorted(p.name for p in (REPO / "examples").iterdir() if p.suffix in {".yaml", ".yml", ".json", ".csv"})


@pytest.mark.parametrize("shell", list(SCRIPTS))
def test_completion_prints_the_generated_script_of_each_shell(cli: CliRunner, shell: str) -> None:
    result = cli("completion", shell)
    assert result.out == (REPO / "completions" / SCRIPTS[shell]).read_text("utf-8")
    assert "create-job" in result.out and "examples" in result.out


@pytest.mark.parametrize(
    ("shell", "where"),
    [
        ("bash", ".local/share/bash-completion/completions/ircli"),
        ("zsh", ".zfunc/_ircli"),
        ("fish", ".config/fish/completions/ircli.fish"),
        ("powershell", ".config/powershell/ircli-completion.ps1"),
    ],
)
def test_completion_install_writes_where_the_shell_reads_and_says_what_is_left(
    cli: CliRunner, tmp_path: Path, shell: str, where: str
) -> None:
    environ = {"HOME": str(tmp_path), "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""}
    result = cli("completion", shell, "--install", environ=environ)
    target = tmp_path / where
    assert target.read_text("utf-8") == (REPO / "completions" / SCRIPTS[shell]).read_text("utf-8")
    assert str(target) in result.err and result.out == ""
    if shell == "zsh":
        assert "fpath=(~/.zfunc $fpath)" in result.err


def test_completion_install_follows_xdg_folders(cli: CliRunner, tmp_path: Path) -> None:
    cli("completion", "bash", "--install", environ={"HOME": str(tmp_path / "h"), "XDG_DATA_HOME": str(tmp_path)})
    assert (tmp_path / "bash-completion" / "completions" / "ircli").is_file()


def test_an_unknown_shell_is_refused_with_the_choices(cli: CliRunner) -> None:
    result = cli("completion", "tcsh", expect=252)
    assert "tcsh" in result.err and "bash, zsh, fish, powershell" in result.err and result.out == ""


def test_examples_list_names_every_shipped_example_with_its_summary(cli: CliRunner) -> None:
    listed = cli("examples", "list", "--output", "json").json["Examples"]
    assert [row["Name"] for row in listed] == SHIPPED
    summaries = {row["Name"]: row["Summary"] for row in listed}
    assert summaries["default-job.yaml"].startswith("An instance recommendation (Default job)")
    assert "--traffic-profile" in summaries["traffic-day.csv"]
    assert all(summaries.values())


def test_examples_list_as_a_table(cli: CliRunner) -> None:
    table = cli("examples", "list", "--output", "table", width=200).out
    assert "default-job.yaml" in table and "Summary" in table


@pytest.mark.parametrize("name", ["default-job", "default-job.yaml"])
def test_examples_show_prints_the_file_as_it_is(cli: CliRunner, name: str) -> None:
    assert cli("examples", "show", name).out == (REPO / "examples" / "default-job.yaml").read_text("utf-8")


def test_an_unknown_example_is_refused_with_the_names(cli: CliRunner) -> None:
    result = cli("examples", "show", "nope", expect=252)
    assert "nope" in result.err and "default-job.yaml" in result.err


def test_examples_copy_never_replaces_a_file_unless_forced(cli: CliRunner, tmp_path: Path) -> None:
    cli("examples", "copy", "serverless-job", str(tmp_path))
    copied = tmp_path / "serverless-job.yaml"
    assert copied.read_text("utf-8") == (REPO / "examples" / "serverless-job.yaml").read_text("utf-8")
    copied.write_text("mine\n")
    result = cli("examples", "copy", "serverless-job", str(tmp_path), expect=252)
    assert "--force" in result.err and copied.read_text() == "mine\n"
    cli("examples", "copy", "serverless-job", str(copied), "--force")
    assert copied.read_text("utf-8").startswith("# Recommendations for serverless endpoints")


def test_a_copied_example_is_a_valid_request(cli: CliRunner, tmp_path: Path) -> None:
    cli("examples", "copy", "default-job", str(tmp_path / "job.yaml"))
    cli("schema", "validate", str(tmp_path / "job.yaml"), "--operation", "create-job")


# -- the wheel -------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_wheel_carries_everything_and_runs_without_the_repository(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next(dist.glob("*.whl"))
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in [*(f"ircli/completions/{s}" for s in SCRIPTS.values()), *(f"ircli/examples/{e}" for e in SHIPPED)]:
        assert shipped in names
    assert "ircli/schemas/sagemaker/CreateInferenceRecommendationsJob.request.json" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") or name.endswith(".dist-info/LICENSE") for name in names)
    assert "ircli/py.typed" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run(
        # --no-compile: pip would byte-compile every module of every dependency; ircli's runs import a few.
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "--no-compile", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV", "IRCLI_"))
    }
    environ.update({"IRCLI_HOME": str(tmp_path / "home"), "IRCLI_SIM_SPEED": "instant", "PATH": os.defpath})
    ircli = str(venv / "bin" / "ircli")

    def run(*args: str) -> str:
        done = subprocess.run([ircli, *args], cwd=elsewhere, env=environ, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    assert run("completion", "zsh") == (REPO / "completions" / "_ircli").read_text("utf-8")
    run("examples", "copy", "default-job")
    run("create-job", "--cli-input-yaml", "default-job.yaml", "--wait", "--output", "json")
    described = run("describe-job", "xgboost-default", "--output", "json")
    assert '"Status": "COMPLETED"' in described
    assert shutil.which("ircli", path=str(venv / "bin"))
