"""The shared fixtures keep their promises: `cli` fails a test on an exit code it did not expect, and a
fast test cannot start a process."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ANY_CODE, CliRunner


def test_the_cli_fixture_fails_on_an_exit_code_the_test_did_not_expect(cli: CliRunner) -> None:
    with pytest.raises(pytest.fail.Exception, match="exited 254, expected 0"):
        cli("describe-job", "no-such-job")
    with pytest.raises(pytest.fail.Exception, match="exited 0, expected 252"):
        cli("list-jobs", expect=252)
    assert cli("describe-job", "no-such-job", expect=254).code == 254
    assert cli("describe-job", "no-such-job", expect=(0, 254)).code == 254
    assert cli("describe-job", "no-such-job", expect=ANY_CODE).code == 254


def test_a_fast_test_cannot_start_a_process() -> None:
    with pytest.raises(AssertionError, match="starts a process"):
        subprocess.run(["true"], check=False)
    with pytest.raises(AssertionError, match="starts a process"):
        os.system("true")


@pytest.mark.slow
def test_a_slow_test_may() -> None:
    assert subprocess.run(["true"], check=False).returncode == 0
