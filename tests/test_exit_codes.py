"""Exit codes exactly as the README's table says, over bad command lines of every kind: bad values, unknown
flags, bad arguments, bad environment; and never a traceback. The table is read from README.md."""

from __future__ import annotations

import re

import pytest

from ircli.errors import ExitStatus
from tests.conftest import EXAMPLES, REPO, CliRunner

JOB = str(EXAMPLES / "default-job.yaml")
USAGE, INVALID, ENVIRONMENT, SERVICE = 2, 252, 253, 254
# What each code this file uses must mean in the README's table (words its meaning contains).
MEANINGS = {
    USAGE: "usage error",
    INVALID: "invalid input or parameters",
    ENVIRONMENT: "environment or configuration",
    SERVICE: "the service (or the simulator) returned an error",
}


def readme_exit_codes() -> dict[int, str]:
    """The README's "## Exit codes" table: code -> meaning."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| *(\d+) *\| *(.+?) *\|$", section, flags=re.MULTILINE)
    return {int(code): meaning for code, meaning in rows}


CASES: list[tuple[list[str], dict[str, str], int]] = [
    # unknown commands, options, missing values: usage errors
    (["no-such-command"], {}, USAGE),
    (["create-job", "--no-such-option"], {}, USAGE),
    (["describe-job", "j", "--bogus"], {}, USAGE),
    (["list-jobs", "--max-items"], {}, USAGE),
    (["endpoint-config", "no-such-sub"], {}, USAGE),
    (["model", "frobnicate"], {}, USAGE),
    (["compare-jobs", "only-one"], {}, USAGE),
    (["schema", "validate", JOB], {}, USAGE),
    (["--output"], {}, USAGE),
    (["simulator", "serve", "--port"], {}, USAGE),
    # values the parser refuses: invalid parameters
    (["describe-job", "j", "--top", "0"], {}, INVALID),
    (["list-jobs", "--max-items", "abc"], {}, INVALID),
    (["list-jobs", "--max-items", "0"], {}, INVALID),
    (["list-jobs", "--page-size", "-1"], {}, INVALID),
    (["scaling-recommendation", "--emit", "terraform"], {}, INVALID),
    (["wait", "j", "--timeout", "soon"], {}, INVALID),
    (["compare-jobs", "a", "b", "--fail-on-regression", "-5"], {}, INVALID),
    (["simulator", "serve", "--port", "70000"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--max-invocations", "many"], {}, INVALID),
    # values ircli refuses: invalid parameters
    (["--backend", "awss", "list-jobs"], {}, INVALID),
    (["--output", "xml", "list-jobs"], {}, USAGE),
    (["list-jobs"], {"IRCLI_OUTPUT": "xml"}, USAGE),
    (["list-jobs", "--query", "[[["], {}, INVALID),
    (["list-jobs", "--starting-token", "not-a-token"], {}, INVALID),
    (["create-job", "--cli-input-yaml", "missing.yaml"], {}, INVALID),
    (["create-job", "--cli-input-json", "{not json"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--model-latency-threshold", "P95=-5", "--dry-run"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--model-latency-threshold", "P42=100", "--dry-run"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--supported-instance-type", "c5.xlarge", "--dry-run"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--serverless-config", "MemorySizeInMB", "--dry-run"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--job-name", "bad name!", "--dry-run"], {}, INVALID),
    (["create-job", "--cli-input-yaml", JOB, "--generate-cli-skeleton", "xml"], {}, INVALID),
    (["wait", "j", "--interval", "0"], {}, INVALID),
    (["describe-job", "j", "--rank-by", "speed=high"], {}, INVALID),
    (["describe-job", "a", "--job-name", "b"], {}, INVALID),
    (["schema", "show", "no-such-operation"], {}, INVALID),
    (["endpoint-config", "create", "--from-recommendation", "nojob"], {}, INVALID),
    (["endpoint-config", "update-capacity", "--endpoint-name", "e", "--desired-weight", "1"], {}, INVALID),
    (["simulator", "reset"], {}, INVALID),
    (["logs"], {}, INVALID),
    (["--region", "mars-1", "list-jobs"], {}, INVALID),
    (["--backend", "aws", "--region", "us-esat-1", "list-jobs"], {}, INVALID),
    (["--backend", "aws", "list-jobs"], {"AWS_REGION": "eu-wset-1"}, INVALID),
    # the environment
    (["list-jobs"], {"IRCLI_SIM_SPEED": "warp"}, ENVIRONMENT),
    (["--state-dir", "/proc/ircli-cannot-be-here", "list-jobs"], {}, ENVIRONMENT),
    # the service
    (["describe-job", "no-such-job"], {}, SERVICE),
    (["stop-job", "no-such-job"], {}, SERVICE),
    (["model", "describe", "no-such-model"], {}, SERVICE),
    (["endpoint-config", "describe-endpoint", "no-such-endpoint"], {}, SERVICE),
]


def test_the_table_is_large() -> None:
    assert len(CASES) >= 40


def test_every_code_used_here_is_in_the_readme_with_its_meaning() -> None:
    table = readme_exit_codes()
    assert {code for _, _, code in CASES} <= set(MEANINGS)
    for code, meaning in MEANINGS.items():
        assert code in table, f"exit code {code} is not in README.md's table"
        assert meaning in table[code], (code, table[code])


def test_the_readme_table_is_the_exit_status_ircli_has() -> None:
    """Every code ircli can end with is in the table, and the table names no other (0 is success)."""
    assert set(readme_exit_codes()) == {int(status) for status in ExitStatus}


@pytest.mark.parametrize(("args", "environ", "code"), CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_exit_codes_match_the_readme(cli: CliRunner, args: list[str], environ: dict[str, str], code: int) -> None:
    result = cli(*args, environ=environ, expect=code)
    assert code in readme_exit_codes()
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    assert result.err.strip(), "a failure says why"
