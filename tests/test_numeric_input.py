"""Numbers from the command line and from traffic files: every numeric option of every command refuses
what is not a finite number (any spelling Python's float() reads: nan, inf, infinity, 1e999) with 252;
traffic CSVs are read by one rule (line ends, separators, decimal marks) and refused where they could be
read two ways; traffic beyond what a scaling request can express is refused up front with the limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, CliRunner

NOT_FINITE = ["nan", "NaN", "-nan", "inf", "-inf", "+Infinity", "infinity", "1e999", "-1e999"]


def numeric_options() -> list[tuple[str, str, str]]:
    """(command path, option, type name) for every option of every command that takes a number."""
    from ircli.cli.app import app_command

    found = []

    def walk(command: Any, path: list[str]) -> None:
        for param in command.params:
            kind = getattr(param.type, "name", "")
            numeric = kind in ("float", "float range", "integer", "integer range")
            if param.param_type_name == "option" and not param.is_flag and numeric:
                found.append((" ".join(path), max(param.opts, key=len), kind))
        for name, child in getattr(command, "commands", {}).items():
            walk(child, [*path, name])

    walk(app_command(everything=True), [])
    return found


OPTIONS = numeric_options()


def test_the_walk_finds_the_numeric_options() -> None:
    names = {(path, option) for path, option, _ in OPTIONS}
    assert ("rank-recommendations", "--max-latency-ms") in names
    assert ("cost-estimate", "--average-per-minute") in names and ("wait", "--timeout") in names
    assert sum(kind.startswith("float") for _, _, kind in OPTIONS) >= 20


@pytest.mark.parametrize(("path", "option", "kind"), OPTIONS, ids=[f"{p} {o}" for p, o, _ in OPTIONS])
def test_every_numeric_option_refuses_what_is_not_a_finite_number(
    cli: CliRunner, path: str, option: str, kind: str
) -> None:
    for value in NOT_FINITE:
        result = cli(*path.split(), f"{option}={value}", expect=252)
        assert result.code == 252, (path, option, value, result.code, result.err)
        assert option in result.err and "Traceback" not in result.err
        if kind == "float" or (kind == "float range" and not value.startswith("-")):
            assert "must be a finite number" in result.err, result.err  # (-inf is below a range's minimum)


def test_a_nan_latency_limit_no_longer_lets_everything_pass(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    for value in ("nan", "inf", "1e999"):
        refused = cli(
            "rank-recommendations", "xgboost-default", "--max-latency-ms", value, "--output", "json", expect=252
        )
        assert refused.code == 252 and "--max-latency-ms" in refused.err, (value, refused.err)
    assert cli("rank-recommendations", "xgboost-default", "--max-latency-ms", "1e6", "--output", "json").code == 0


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "nan", "inf"])
def test_shorthand_and_json_option_values_refuse_what_is_not_a_finite_number(cli: CliRunner, value: str) -> None:
    """Shorthand numbers are whole numbers only, and JSON values are validated: a non-finite one is named."""
    flags = ["--job-name", "j", "--role-arn", "arn:aws:iam::123456789012:role/R", "--model-name", "churn-xgboost"]
    advanced = [*flags, "--job-type", "Advanced", "--instance-type", "ml.c5.large"]
    lines = [
        ([*flags, "--serverless-config", f'{{"MemorySizeInMB": 2048, "MaxConcurrency": {value}}}'], "MaxConcurrency"),
        ([*flags, "--serverless-config", f"MemorySizeInMB=2048,MaxConcurrency={value}"], "MaxConcurrency"),
        ([*advanced, "--model-latency-threshold", f"P95={value}"], "ValueInMilliseconds"),
        ([*advanced, "--phase", f"InitialNumberOfUsers=1,SpawnRate={value},DurationInSeconds=120"], "SpawnRate"),
        ([*advanced, "--phase", f'{{"InitialNumberOfUsers": 1, "SpawnRate": {value}}}'], "SpawnRate"),
    ]
    for line, member in lines:
        result = cli("create-job", *line, "--dry-run", expect=252)
        # (`nan` and `inf` are not JSON at all: refused as such.)
        assert result.code == 252 and (member in result.err or "not valid JSON" in result.err), (line, result.err)


# --- traffic files ---------------------------------------------------------------------------------------

DAY = [100 + 10 * hour for hour in range(24)]


@pytest.fixture
def job(cli: CliRunner) -> str:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    return "xgboost-default"


def profile(cli: CliRunner, tmp_path: Path, content: str | bytes, *extra: str, expect: int = 0) -> Any:
    path = tmp_path / "traffic.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return cli(
        "cost-estimate", "xgboost-default", "--traffic-profile", str(path), "--output", "json", *extra, expect=expect
    )


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("header", [True, False])
def test_a_traffic_csv_reads_with_any_line_end(
    cli: CliRunner, job: str, tmp_path: Path, end: str, header: bool
) -> None:
    lines = (["hour,invocations_per_minute"] if header else []) + [f"{h},{v}" for h, v in enumerate(DAY)]
    shown = profile(cli, tmp_path, end.join(lines) + end)
    assert shown.code == 0, shown.err
    assert shown.json["Traffic"]["PeakPerMinute"] == max(DAY)
    assert shown.json["Traffic"]["InvocationsPerMonth"] == pytest.approx(sum(DAY) / 24 * 60 * 730)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_semicolon_csv_reads_a_decimal_comma(cli: CliRunner, job: str, tmp_path: Path, end: str) -> None:
    content = end.join(["Stunde;Aufrufe pro Minute", *(f"{h};{v},5" for h, v in enumerate(DAY))]) + end
    shown = profile(cli, tmp_path, content)
    assert shown.code == 0, shown.err
    assert shown.json["Traffic"]["PeakPerMinute"] == max(DAY) + 0.5
    assert shown.json["Traffic"]["InvocationsPerMonth"] == pytest.approx((sum(DAY) / 24 + 0.5) * 60 * 730)
    points = profile(cli, tmp_path, "".join(f"{h};{v}.5\n" for h, v in enumerate(DAY)))
    assert points.code == 0 and points.json["Traffic"]["PeakPerMinute"] == max(DAY) + 0.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("".join(f"{h},10,5\n" for h in range(24)), "row 1 has 3 cells"),  # a decimal comma between commas
        ("".join(f'{h},"10,5"\n' for h in range(24)), "has a comma in a ','-separated file"),
        ("".join(f"{h};1.500\n" for h in range(24)), "thousands grouped"),
        ("".join(f"{h};1.000,5\n" for h in range(24)), "has both '.' and ','"),
        ("".join(f"{h},1 000\n" for h in range(24)), "is not a number"),
        ("".join(f"{h},1e999\n" for h in range(24)), "must be a finite number"),
        ("".join(f"{h},1e12\n" for h in range(24)), "at most 2,147,483,647"),
    ],
)
def test_a_traffic_csv_that_could_be_read_two_ways_is_refused(
    cli: CliRunner, job: str, tmp_path: Path, content: str, message: str
) -> None:
    refused = profile(cli, tmp_path, content, expect=252)
    assert refused.code == 252 and message in refused.err, refused.err
    assert "Traceback" not in refused.err


@pytest.mark.parametrize("figure", ["1e12", "2147483648", "3e9"])
def test_traffic_beyond_a_scaling_request_is_refused_up_front_with_the_limit(cli: CliRunner, figure: str) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml")).code == 0
    refused = cli(
        "cost-estimate", "xgboost-default", "--average-per-minute", figure, "--peak-per-minute", figure, expect=252
    )
    assert refused.code == 252, refused.err
    # Refused before any request is sent, saying why, rather than by the internal request's validation.
    assert "more than a scaling request can express: at most 2,147,483,647" in refused.err, refused.err
    highest = cli(
        "cost-estimate",
        "xgboost-default",
        "--average-per-minute",
        "2147483647",
        "--peak-per-minute",
        "2147483647",
        "--output",
        "json",
    )
    assert highest.code == 0, highest.err
