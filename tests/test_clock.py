"""The simulator's virtual clock (IRCLI_SIM_CLOCK): time a test sets, in process and in a process it starts,
so that what a job shows follows the clock the test moved and never the machine's load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ircli.simulator.clock import virtual_clock
from tests.conftest import EXAMPLES, CliRunner, run_process

EPOCH = 1_800_000_000.0  # 2027-01-15T08:00:00Z
JOB = ("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))


def test_a_fixed_clock_stands_still_and_a_stepping_one_moves_by_its_step_at_each_reading() -> None:
    fixed = virtual_clock(str(EPOCH))
    assert fixed is not None and [fixed(), fixed()] == [EPOCH, EPOCH]
    stepping = virtual_clock(f"{EPOCH}+0.5")
    assert stepping is not None and [stepping(), stepping(), stepping()] == [EPOCH, EPOCH + 0.5, EPOCH + 1]
    assert virtual_clock(None) is None and virtual_clock("") is None


def test_a_file_clock_reads_the_time_the_test_wrote(tmp_path: Path) -> None:
    path = tmp_path / "now"
    path.write_text(f"{EPOCH}\n", "utf-8")
    clock = virtual_clock(f"file:{path}")
    assert clock is not None and clock() == EPOCH
    path.write_text(str(EPOCH + 60), "utf-8")
    assert clock() == EPOCH + 60


def test_a_ticking_file_clock_moves_the_time_in_the_file_at_each_reading(tmp_path: Path) -> None:
    path = tmp_path / "now"
    path.write_text(str(EPOCH), "utf-8")
    first, second = virtual_clock(f"file:{path}+0.25"), virtual_clock(f"file:{path}+0.25")
    assert first is not None and second is not None
    assert [first(), first(), second()] == [EPOCH, EPOCH + 0.25, EPOCH + 0.5]  # on from one process to the next
    assert float(path.read_text("utf-8")) == EPOCH + 0.75


@pytest.mark.parametrize("spec", ["soon", "-1", "nan", "inf", f"{EPOCH}+later"])
def test_a_clock_that_is_not_one_is_the_environments_fault(spec: str, cli: CliRunner) -> None:
    result = cli("list-jobs", environ={"IRCLI_SIM_CLOCK": spec}, expect=253)
    assert f"IRCLI_SIM_CLOCK={spec!r} is not a clock." in result.err and "Traceback" not in result.err


def test_a_clock_file_that_cannot_be_read_is_the_environments_fault(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("list-jobs", environ={"IRCLI_SIM_CLOCK": f"file:{tmp_path / 'missing'}"}, expect=253)
    assert "cannot be read" in result.err and "Traceback" not in result.err


def test_a_job_follows_the_clock_the_test_moves_not_the_wall_clock(cli: CliRunner, tmp_path: Path) -> None:
    now = tmp_path / "now"
    now.write_text(str(EPOCH), "utf-8")
    environ = {"IRCLI_SIM_CLOCK": f"file:{now}", "IRCLI_SIM_SPEED": "realtime"}
    cli(*JOB, environ=environ)
    job = cli("describe-job", "xgboost-default", environ=environ).json
    assert job["CreationTime"].startswith("2027-01-15T08:00:00") and job["Status"] in ("PENDING", "IN_PROGRESS")
    now.write_text(str(EPOCH + 7 * 86400), "utf-8")  # a week later: long over, at the service's own pace
    assert cli("describe-job", "xgboost-default", environ=environ).json["Status"] == "COMPLETED"


@pytest.mark.slow
def test_the_clock_reaches_an_ircli_process_a_test_starts(tmp_path: Path) -> None:
    now = tmp_path / "now"
    now.write_text(str(EPOCH), "utf-8")
    env = {"IRCLI_HOME": str(tmp_path / "state"), "IRCLI_SIM_SPEED": "realtime", "IRCLI_SIM_CLOCK": f"file:{now}"}
    assert run_process(*JOB, env=env).returncode == 0
    described = run_process("describe-job", "xgboost-default", "--output", "json", env=env)
    assert json.loads(described.stdout)["Status"] in ("PENDING", "IN_PROGRESS")
    now.write_text(str(EPOCH + 7 * 86400), "utf-8")
    described = run_process("describe-job", "xgboost-default", "--output", "json", env=env)
    job = json.loads(described.stdout)
    assert job["Status"] == "COMPLETED" and job["CreationTime"].startswith("2027-01-15T08:00:00")
