"""What a script, a CI job and a second-hour user need: the final document of a failed job on stdout,
pagination tokens where the AWS CLI puts them, no refused value slipping through."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, CliRunner

JOB = str(EXAMPLES / "default-job.yaml")


def test_a_failed_job_under_wait_still_prints_its_document(cli: CliRunner) -> None:
    result = cli(
        "create-job",
        "--cli-input-yaml",
        JOB,
        "--tag",
        "ircli:simulate=fail-job",
        "--wait",
        "--output",
        "json",
        expect=255,
    )
    assert result.code == 255
    assert result.json["Status"] == "FAILED"
    assert result.json["FailureReason"].startswith("INVALID_INPUT : 1. Model")


def test_tokens_where_the_aws_cli_puts_them(cli: CliRunner) -> None:
    for name in ("a1", "a2", "a3"):
        assert cli("create-job", "--cli-input-yaml", JOB, "--job-name", name).code == 0
    text = cli("list-jobs", "--max-items", "2", "--output", "text")
    lines = text.out.strip().splitlines()
    assert lines[-1].startswith("NEXTTOKEN\t") and not lines[0].startswith("ey")
    token = lines[-1].split("\t", 1)[1]
    rest = cli("list-jobs", "--starting-token", token, "--output", "json").json["InferenceRecommendationsJobs"]
    assert len(rest) == 1
    for output in ("csv", "markdown", "table"):
        shown = cli("list-jobs", "--max-items", "2", "--output", output)
        assert f"More results: --starting-token {token}" in shown.err and token not in shown.out


def test_values_the_service_refuses_are_refused_before_sending(cli: CliRunner) -> None:
    negative = cli(
        "create-job", "--cli-input-yaml", JOB, "--model-latency-threshold", "P95=-5", "--dry-run", expect=252
    )
    assert negative.code == 252 and "ValueInMilliseconds: -5 is less than the minimum of 1" in negative.err
    reversed_objective = cli(
        "scaling-recommendation", "--job-name", "j", "--recommendation-id", "j/x",
        "--min-invocations-per-minute", "5000", "--max-invocations-per-minute", "1000", expect=252,
    )  # fmt: skip
    assert reversed_objective.code == 252 and "greater than MaxInvocationsPerMinute" in reversed_objective.err


def test_regions_are_checked_with_a_did_you_mean(cli: CliRunner) -> None:
    typo = cli("--backend", "aws", "--region", "us-esat-1", "list-jobs", expect=252)
    assert typo.code == 252 and "'us-esat-1' is not an AWS region" in typo.err and "us-east-1" in typo.err
    assert cli("--region", "eu-west-1", "list-jobs").code == 0


def test_every_option_of_every_command_has_a_help_line() -> None:
    from ircli.cli.app import app_command

    missing: list[str] = []

    def walk(command: object, path: str) -> None:
        for parameter in getattr(command, "params", []):
            if type(parameter).__name__.endswith("Option") and not getattr(parameter, "help", None):
                missing.append(f"{path} {parameter.opts[0]}")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(app_command(everything=True), "")
    assert missing == []


def test_every_value_has_a_placeholder_that_says_what_goes_there(cli: CliRunner) -> None:
    from ircli.cli.app import app_command

    vague: list[str] = []

    def walk(command: object, path: str) -> None:
        for parameter in getattr(command, "params", []):
            if getattr(parameter, "is_flag", False):
                continue
            shown = str(parameter.metavar)
            if shown in ("None", "VALUE") or any(mark in shown for mark in "<>{}"):
                vague.append(f"{path} {parameter.name}: {shown}")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(app_command(everything=True), "")
    assert vague == []
    usage = cli("compare-jobs", "--help").out
    assert "Usage: ircli compare-jobs [OPTIONS] JOB_A JOB_B" in usage and "--fail-on-regression PERCENT" in usage
    assert "Usage: ircli describe-job [OPTIONS] [NAME]" in cli("describe-job", "--help").out


def test_every_command_ends_its_help_with_real_examples(cli: CliRunner) -> None:
    from ircli.cli.help_text import EXAMPLES
    from ircli.operations import COMMANDS

    for command in COMMANDS:
        examples = EXAMPLES[command.path]
        assert 1 <= len(examples) <= 3, command.path
        shown = cli(*command.path.split(), "--help", width=200).out
        assert "Examples:" in shown and "Global options" in shown
        for example in examples:
            words = example.split()
            assert " ".join(words[words.index("ircli") + 1 :]).startswith(command.path), example
            for word in words:
                if word.startswith("--"):
                    assert word in shown, (command.path, word)


def test_summaries_are_never_cut(cli: CliRunner) -> None:
    from ircli.operations import COMMANDS

    commands = " ".join(cli("--help", width=100).out.split("Commands:", 1)[1].split()).replace("- ", "-")
    assert "..." not in commands
    for command in COMMANDS:
        if command.group is None:
            assert command.summary in commands, command.path


def test_narrow_tables_keep_identifying_and_baseline_columns(cli: CliRunner) -> None:
    candidate = str(EXAMPLES / "candidate-job.yaml")
    assert cli("create-job", "--cli-input-yaml", JOB, "--wait").code == 0
    assert cli("create-job", "--cli-input-yaml", candidate, "--wait").code == 0
    narrow = cli("compare-jobs", "xgboost-default", "candidate", "--output", "table", width=80).out
    header = next(line for line in narrow.splitlines() if line.startswith("Configuration"))
    # At 80 columns the changes and the gate's own Regressions column stay; the baseline's figures at 100.
    for kept in ("Cost", "Latency", "Throughput", "Regressions"):
        assert kept in header, kept
    assert all(len(line.rstrip()) <= 80 for line in narrow.splitlines())
    assert "Not shown at this width: Count, $/h B" in narrow
    wider = cli("compare-jobs", "xgboost-default", "candidate", "--output", "table", width=100).out
    header = next(line for line in wider.splitlines() if line.startswith("Configuration"))
    for kept in ("$/h A", "ms A", "Inv A", "Cost", "Latency", "Throughput", "Regressions"):
        assert kept in header, kept
    failing = cli(
        "create-job", "--cli-input-yaml", JOB, "--job-name", "a-job-whose-name-is-long-enough-to-crowd-the-table",
        "--tag", "ircli:simulate=fail-job", "--wait", expect=255,
    )  # fmt: skip
    assert failing.code == 255
    listed = cli("list-jobs", "--output", "table", width=120).out
    assert "Model" in listed.splitlines()[1] and "churn-xgboost" in listed


@pytest.mark.slow
def test_a_piped_table_does_not_wrap_inside_a_value() -> None:
    from tests.conftest import run_process

    listed = run_process("model", "list", "--output", "table", env={"COLUMNS": ""})
    assert listed.returncode == 0, listed.stderr
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model/distilbert-sentiment"
    assert any(arn in line and "Created" not in line for line in listed.stdout.splitlines()), listed.stdout
    assert max(len(line) for line in listed.stdout.splitlines()) > 100


def test_query_results_render_as_a_table_of_rows(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", JOB, "--wait").code == 0
    query = "InferenceRecommendations[].[EndpointConfiguration.InstanceType, Metrics.CostPerHour]"
    shown = cli("describe-job", "xgboost-default", "--output", "table", "--query", query).out.splitlines()
    assert shown[0].split() == ["ml.c5.large", "0.102"]
    assert not any("[" in line for line in shown)
