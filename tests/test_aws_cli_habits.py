"""The AWS CLI's habits: --debug logs every request and answer (redacted), --no-paginate, --color,
--ca-bundle / --no-verify-ssl, the profile's `output`, the AWS CLI's operation names as commands, suggestions
that know the global options, and a bad --output is a usage error (2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ircli.cli.aliases import AWS_CLI_NAMES, aws_cli_name
from ircli.operations import COMMAND_OF, OPERATIONS
from tests.canned_service import CREDENTIALS, canned_service, recorded_answer
from tests.conftest import CliRunner
from tests.valid_requests import ROLE

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def remote() -> Iterator[list[str]]:
    with canned_service(recorded_answer, region="us-east-2") as options:
        yield options


def _jobs(cli: CliRunner, home: Path, names: list[str]) -> dict[str, str]:
    environ = {"IRCLI_HOME": str(home), "IRCLI_SIM_SPEED": "instant"}
    cli(
        "model",
        "create",
        "--model-name",
        "m",
        "--image",
        "1.dkr.ecr.us-east-1.amazonaws.com/x:1",
        "--model-data-url",
        "s3://b/m.tar.gz",
        "--execution-role-arn",
        ROLE,
        environ=environ,
    )
    for name in names:
        cli("create-job", "--job-name", name, "--model-name", "m", "--role-arn", ROLE, environ=environ)
    return environ


# -- --output -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--output", "jsn"], ["--output=jsn"]])
def test_an_unknown_output_format_is_a_usage_error(cli: CliRunner, args: list[str]) -> None:
    result = cli("list-jobs", *args, expect=2)
    assert "invalid choice: 'jsn'" in result.err and "json" in result.err and result.out == ""


def test_an_unknown_format_in_ircli_output_is_a_usage_error_too(cli: CliRunner) -> None:
    assert "IRCLI_OUTPUT" in cli("list-jobs", environ={"IRCLI_OUTPUT": "xml"}, expect=2).err


def _config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config"
    path.write_text(text)
    return {"AWS_CONFIG_FILE": str(path), "IRCLI_HOME": str(tmp_path / "home"), "AWS_PROFILE": ""}


def test_the_profiles_output_setting_is_honoured_as_the_aws_cli_does(cli: CliRunner, tmp_path: Path) -> None:
    environ = _config(tmp_path, "[default]\noutput = yaml\n\n[profile team]\noutput = text\n")
    assert cli("examples", "list", environ=environ).out.startswith("Examples:\n- Name: ")
    text = cli("examples", "list", "--profile", "team", environ=environ).out
    assert text.startswith("EXAMPLES\t")
    assert cli("examples", "list", environ={**environ, "AWS_PROFILE": "team"}).out.startswith("EXAMPLES\t")
    # The command line and the environment come first, as in the AWS CLI.
    assert cli("examples", "list", "--output", "json", environ=environ).out.startswith("{")
    assert cli("examples", "list", environ={**environ, "AWS_DEFAULT_OUTPUT": "json"}).out.startswith("{")


def test_a_bare_section_in_the_config_file_is_not_a_profile(cli: CliRunner, tmp_path: Path) -> None:
    environ = _config(tmp_path, "[team]\noutput = text\n")
    assert cli("examples", "list", "--profile", "team", environ=environ).out.startswith("{")


def test_a_bad_output_in_the_profile_is_a_configuration_error(cli: CliRunner, tmp_path: Path) -> None:
    environ = _config(tmp_path, "[default]\noutput = fancy\n")
    result = cli("examples", "list", environ=environ, expect=253)
    assert "'fancy'" in result.err and str(tmp_path / "config") in result.err


# -- suggestions and aliases ---------------------------------------------------------------------------------


def test_a_mistyped_global_option_is_suggested(cli: CliRunner) -> None:
    result = cli("list-jobs", "--outptu", "json", expect=2)
    assert "No such option: --outptu. Did you mean --output" in result.err


def test_a_mistyped_option_of_the_command_is_suggested(cli: CliRunner) -> None:
    assert "Did you mean --status-equals" in cli("list-jobs", "--status-equls", "x", expect=2).err


def test_nothing_close_suggests_nothing(cli: CliRunner) -> None:
    result = cli("list-jobs", "--zzzzzzzz", expect=2)
    assert "No such option: --zzzzzzzz." in result.err and "Did you mean" not in result.err


def test_the_aws_cli_operation_names_are_botocores() -> None:
    from botocore import xform_name

    for key in OPERATIONS:
        assert aws_cli_name(key.name) == xform_name(key.name, "-"), key
    assert set(AWS_CLI_NAMES) == {xform_name(key.name, "-") for key in COMMAND_OF}


def test_an_aws_cli_operation_name_runs_its_command(cli: CliRunner, tmp_path: Path) -> None:
    environ = _jobs(cli, tmp_path, ["alias-job"])
    aliased = cli("describe-inference-recommendations-job", "--job-name", "alias-job", environ=environ)
    direct = cli("describe-job", "alias-job", environ=environ)
    assert aliased.json == direct.json and aliased.json["JobName"] == "alias-job"
    models = cli("list-models", environ=environ).json
    assert "m" in [model["ModelName"] for model in models["Models"]]


def test_the_aliases_are_listed_in_help(cli: CliRunner) -> None:
    shown = cli("--help", width=100).out
    assert "The AWS CLI's operation names run the matching command" in shown
    assert re.search(r"describe-inference-recommendations-job +describe-job\n", shown)
    assert re.search(r"create-endpoint +endpoint-config deploy\n", shown)
    assert "Usage: ircli create-model" in cli("create-model", "--help").out


# -- --no-paginate -------------------------------------------------------------------------------------------


def test_no_paginate_sends_one_request_and_its_token_resumes(cli: CliRunner, tmp_path: Path) -> None:
    environ = _jobs(cli, tmp_path, ["j1", "j2", "j3"])
    everything = cli("list-jobs", "--page-size", "1", environ=environ).json
    assert len(everything["InferenceRecommendationsJobs"]) == 3 and "NextToken" not in everything
    first = cli("list-jobs", "--page-size", "1", "--no-paginate", environ=environ).json
    assert len(first["InferenceRecommendationsJobs"]) == 1 and first["NextToken"]
    second = cli(
        "list-jobs", "--no-paginate", "--page-size", "1", "--starting-token", first["NextToken"], environ=environ
    ).json
    seen = [job["JobName"] for job in first["InferenceRecommendationsJobs"] + second["InferenceRecommendationsJobs"]]
    assert len(set(seen)) == 2 and set(seen) < {"j1", "j2", "j3"}


# -- --color -------------------------------------------------------------------------------------------------


def test_color_on_colours_a_piped_table_and_off_never_colours(cli: CliRunner) -> None:
    assert ANSI.search(cli("examples", "list", "--output", "table", "--color", "on").out)
    assert not ANSI.search(cli("examples", "list", "--output", "table", "--color", "off", tty=True).out)
    assert not ANSI.search(cli("examples", "list", "--output", "table", "--no-color", "--color", "on").out)


def test_a_bad_color_choice_is_a_usage_error(cli: CliRunner) -> None:
    assert "invalid choice: 'sometimes'" in cli("list-jobs", "--color", "sometimes", expect=2).err


# -- TLS -----------------------------------------------------------------------------------------------------


def test_a_missing_ca_bundle_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("--backend", "aws", "list-jobs", "--ca-bundle", str(tmp_path / "none.pem"), expect=252)
    assert "--ca-bundle" in result.err


def test_ca_bundle_and_no_verify_ssl_together_are_a_usage_error(cli: CliRunner, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    cli("list-jobs", "--ca-bundle", str(bundle), "--no-verify-ssl", expect=2)


@pytest.mark.parametrize("verify", [False, "/etc/ssl/certs/ca-certificates.crt"])
def test_the_aws_backend_hands_tls_settings_to_botocore(verify: bool | str) -> None:
    from ircli.backends.aws import AwsBackend

    backend = AwsBackend(region="us-east-1", environ=dict(CREDENTIALS), verify=verify)
    assert backend.client._endpoint.http_session.inner._verify == verify


def test_no_verify_ssl_says_so(cli: CliRunner, remote: list[str]) -> None:
    result = cli(*remote, "describe-job", "xgb-recorded", "--no-verify-ssl", environ=CREDENTIALS)
    assert "will not be verified" in result.err


# -- --debug -------------------------------------------------------------------------------------------------


def test_debug_logs_every_request_and_response_with_secrets_redacted(cli: CliRunner, remote: list[str]) -> None:
    secret = "wJalrXUtnFEMIsecretK7MDENGbPxRfiCYEXAMPLEKEY"
    environ = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": secret}
    result = cli(*remote, "describe-job", "xgb-recorded", "--debug", environ=environ)
    assert "ircli.service - DEBUG - DescribeInferenceRecommendationsJob request:" in result.err
    assert "DescribeInferenceRecommendationsJob response:" in result.err
    assert "botocore" in result.err and "Response body" in result.err  # botocore's own log, as the AWS CLI's
    assert secret not in result.err and secret not in result.out
    assert result.json["JobName"] == "xgb-recorded"


def test_without_debug_nothing_is_logged(cli: CliRunner, remote: list[str]) -> None:
    result = cli(*remote, "describe-job", "xgb-recorded", environ=CREDENTIALS)
    assert result.err == "" and "DEBUG" not in result.out


def test_debug_on_the_local_backend_logs_each_call(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("list-jobs", "--debug", environ={"IRCLI_HOME": str(tmp_path)})
    assert "ListInferenceRecommendationsJobs request: {}" in result.err
    assert "ListInferenceRecommendationsJobs response:" in result.err
