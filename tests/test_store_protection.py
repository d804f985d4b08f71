"""A store that protects itself: private files whatever the umask, damaged or foreign state refused with
what to do, `simulator reset --yes` always recovering, a full disk losing nothing; and nothing raw reaching
a terminal from data the store or a server holds."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from ircli.backends.local import LocalBackend
from ircli.cli.output.formats import OutputFormat, Screen
from ircli.cli.output.views import View
from ircli.cli.output.views.jobs import describe_job_tables
from ircli.cli.output.writer import Writer
from ircli.errors import ConfigurationError
from tests.conftest import EXAMPLES, CliRunner

DEFAULT = str(EXAMPLES / "default-job.yaml")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_is_private_whatever_the_umask(cli: CliRunner, tmp_path: Path) -> None:
    state = tmp_path / "private"
    previous = os.umask(0)
    try:
        assert cli("--state-dir", str(state), "create-job", "--cli-input-yaml", DEFAULT).code == 0
    finally:
        os.umask(previous)
    assert mode(state) == 0o700
    for path in state.iterdir():
        assert mode(path) == 0o600, path


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "symlink", "foreign-layout", "newer-layout"],
)
def test_a_damaged_store_is_253_with_what_to_do_and_reset_recovers(cli: CliRunner, tmp_path: Path, damage: str) -> None:
    state = tmp_path / "state"
    assert cli("--state-dir", str(state), "create-job", "--cli-input-yaml", DEFAULT).code == 0
    database = state / "state.db"
    for extra in state.glob("state.db-*"):
        extra.unlink()
    if damage == "garbage":
        database.write_bytes(b"not a database at all" * 10)
    elif damage == "truncated":
        database.write_bytes(database.read_bytes()[:30000])
    elif damage == "symlink":
        other = tmp_path / "someone-elses.txt"
        other.write_text("keep me")
        database.unlink()
        database.symlink_to(other)
    elif damage == "foreign-layout":
        database.unlink()
        connection = sqlite3.connect(database)
        connection.execute("CREATE TABLE jobs (something TEXT)")
        connection.execute("PRAGMA user_version=1")
        connection.commit()
        connection.close()
    else:
        connection = sqlite3.connect(database)
        connection.execute("PRAGMA user_version=7")
        connection.commit()
        connection.close()
    refused = cli("--state-dir", str(state), "list-jobs", expect=253)
    assert refused.code == 253 and "Traceback" not in refused.err, refused.err
    assert "ircli simulator reset --yes" in refused.err or "newer ircli" in refused.err
    reset = cli("--state-dir", str(state), "simulator", "reset", "--yes")
    assert reset.code == 0, reset.err
    assert cli("--state-dir", str(state), "list-jobs", "--output", "json").json == {"InferenceRecommendationsJobs": []}
    if damage == "symlink":
        assert (tmp_path / "someone-elses.txt").read_text() == "keep me"  # moved aside, never written through
    if damage != "newer-layout":
        assert "Moved the damaged simulator state to" in reset.err
        assert list(state.glob("state.db.damaged-*"))


def test_a_full_disk_is_253_and_loses_nothing(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path / "full", speed="instant")
    job = {
        "JobName": "kept",
        "JobType": "Default",
        "RoleArn": "arn:aws:iam::123456789012:role/R",
        "InputConfig": {"ModelName": "churn-xgboost"},
    }
    backend.call("CreateInferenceRecommendationsJob", job)
    connection = backend.simulator.store.connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count={pages}")  # SQLite answers SQLITE_FULL, as on a full disk
    many = dict(job, JobName="refused", JobDescription="x" * 128)
    many["InputConfig"] = {
        "ModelName": "churn-xgboost",
        "ContainerConfig": {"SupportedInstanceTypes": ["ml.c5.large"] * 200},
    }
    with pytest.raises(ConfigurationError) as full:
        for index in range(200):
            backend.call("CreateInferenceRecommendationsJob", dict(many, JobName=f"refused-{index}"))
    assert full.value.exit_status == 253 and "is full; nothing was written" in full.value.message
    assert backend.call("DescribeInferenceRecommendationsJob", {"JobName": "kept"})["Status"] == "COMPLETED"


HOSTILE = "x\x1b[2J\x1b]0;title\x07\x9b31m\u202eevil\x00y"


@pytest.mark.parametrize("output", [OutputFormat.TABLE, OutputFormat.TEXT, OutputFormat.CSV, OutputFormat.MARKDOWN])
def test_nothing_raw_reaches_a_terminal(output: OutputFormat) -> None:
    job = {
        "JobName": "j",
        "Status": "COMPLETED",
        "JobDescription": HOSTILE,
        "InputConfig": {"ModelName": HOSTILE},
        "InferenceRecommendations": [
            {
                "RecommendationId": HOSTILE,
                "Metrics": {"CostPerHour": 1.0, "CostPerInference": 1e-6, "MaxInvocations": 10, "ModelLatency": 5},
                "EndpointConfiguration": {"InstanceType": HOSTILE, "InitialInstanceCount": 1},
                "ModelConfiguration": {"EnvironmentParameters": [{"Key": HOSTILE, "Value": "[bold]markup[/bold]"}]},
            }
        ],
    }
    out, notes = io.StringIO(), io.StringIO()
    Writer(output, Screen(out, width=200), notes).emit(job, View(tables=describe_job_tables))
    text = out.getvalue()
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert raw not in text, (output, repr(raw))
    assert "\\x1b" in text and "\\u202e" in text
    if output is OutputFormat.TABLE:
        assert "[bold]markup[/bold]" in text  # shown as written, never as markup


def test_json_stays_exact_and_safe() -> None:
    out = io.StringIO()
    Writer(OutputFormat.JSON, Screen(out), io.StringIO()).emit({"a": HOSTILE})
    import json

    assert json.loads(out.getvalue()) == {"a": HOSTILE}
    assert "\x9b" not in out.getvalue() and "\u202e" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_error_messages_escape_what_they_quote(cli: CliRunner) -> None:
    result = cli(
        "create-job", "--cli-input-json", '{"JobName": "a", "\\u001b]0;pwned\\u0007": 1}', "--dry-run", expect=252
    )
    assert result.code == 252 and "\x1b" not in result.err and "\\x1b]0;pwned\\x07" in result.err


# -- a state directory that is not the user's own (issue 18) ------------------------------------------


@pytest.mark.parametrize(
    ("permissions", "who"),
    [(0o777, "others"), (0o703, "others"), (0o770, "its group")],
    ids=["world-writable", "others-writable", "group-writable"],
)
def test_a_state_directory_others_may_write_to_is_refused(
    cli: CliRunner, tmp_path: Path, permissions: int, who: str
) -> None:
    state = tmp_path / "shared"
    assert cli("--state-dir", str(state), "create-job", "--cli-input-yaml", DEFAULT).code == 0
    os.chmod(state, permissions)
    for command in (["list-jobs"], ["describe-job", "xgboost-default"], ["simulator", "status"]):
        refused = cli("--state-dir", str(state), *command, expect=253)
        assert refused.code == 253, (command, refused.err)
        assert f"The simulator state directory {state} is writable by {who} (mode 0{permissions:o})" in refused.err
        assert f"Run `chmod 700 {state}`" in refused.err and "Traceback" not in refused.err
    # Nor is anything moved aside, or made afresh, there.
    reset = cli("--state-dir", str(state), "simulator", "reset", "--yes", expect=253)
    assert reset.code == 253, reset.err
    assert sorted(path.name for path in state.iterdir() if not path.name.startswith("state.db-")) == ["state.db"]
    os.chmod(state, 0o700)  # what the message says to do
    listed = cli("--state-dir", str(state), "list-jobs", "--output", "json")
    assert listed.code == 0 and listed.json["InferenceRecommendationsJobs"][0]["JobName"] == "xgboost-default"


def test_a_state_directory_of_another_user_is_refused(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ircli.simulator import store

    state = tmp_path / "theirs"
    assert cli("--state-dir", str(state), "list-jobs").code == 0
    owner = state.stat().st_uid
    monkeypatch.setattr(store, "effective_user", lambda: owner + 1)  # ircli runs as someone else
    refused = cli("--state-dir", str(state), "list-jobs", expect=253)
    assert refused.code == 253, refused.err
    assert f"The simulator state directory {state} belongs to another user (uid {owner}, you are {owner + 1})" in (
        refused.err
    )
    assert "--state-dir or IRCLI_HOME" in refused.err
    via_environment = cli("list-jobs", environ={"IRCLI_HOME": str(state)}, expect=253)
    assert via_environment.code == 253 and "belongs to another user" in via_environment.err
    monkeypatch.setattr(store, "effective_user", lambda: owner)
    assert cli("--state-dir", str(state), "list-jobs").code == 0


def test_a_new_state_directory_is_the_user_s_own_whatever_the_umask(cli: CliRunner, tmp_path: Path) -> None:
    previous = os.umask(0o000)
    try:
        made = cli("--state-dir", str(tmp_path / "a" / "new"), "list-jobs")
    finally:
        os.umask(previous)
    assert made.code == 0, made.err
    assert mode(tmp_path / "a" / "new") == 0o700
