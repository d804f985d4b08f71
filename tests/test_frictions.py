"""The frictions of a user's second day, each with the test that shows it gone: numbers in help and tables
without a spurious `.0`, a variadic argument named with `...`, the wizard refusing a model the backend does
not have, cost estimates that state the traffic between peaks, key columns kept at narrow widths."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from ircli.cli.output.views.generic import generic_tables
from ircli.cli.output.views.jobs import scaling_tables
from tests.conftest import EXAMPLES, CliRunner
from tests.scripted import ScriptedPrompter


def test_a_whole_float_default_reads_as_an_integer_in_help(cli: CliRunner) -> None:
    result = cli("wait", "--help")
    assert "[default: 10800]" in result.out and "10800.0" not in result.out


def test_the_command_still_receives_the_float_default() -> None:
    from ircli.cli.app import app_command

    wait = app_command().get_command(None, "wait")
    timeout = next(p for p in wait.params if p.name == "timeout")
    assert timeout.default == 10800.0 and isinstance(timeout.default, float)
    assert isinstance(timeout.type_cast_value(None, timeout.default), float)  # type: ignore[arg-type]


def test_a_variadic_argument_reads_with_dots_in_usage(cli: CliRunner) -> None:
    # Optional since the report also takes generative-AI jobs (--ai-recommendation, --ai-benchmark).
    assert cli("report", "--help").out.startswith("Usage: ircli report [OPTIONS] [JOBS...]\n")
    assert cli("compare-jobs", "--help").out.startswith("Usage: ircli compare-jobs [OPTIONS] JOB_A JOB_B\n")


def test_a_target_value_reads_as_a_count_in_the_scaling_table() -> None:
    data = {
        "DynamicScalingConfiguration": {
            "MinCapacity": 1,
            "MaxCapacity": 43,
            "ScalingPolicies": [
                {
                    "TargetTracking": {
                        "MetricSpecification": {"Predefined": {"PredefinedMetricType": "SageMakerVariantInvocations"}},
                        "TargetValue": 14494.0,
                    }
                }
            ],
        }
    }
    policies = scaling_tables(data)[1]
    assert policies.rows[0][2] == "14,494"


@pytest.mark.parametrize(("value", "text"), [(14494.0, "14,494"), (10000.0, "10,000"), (0.10199999809265137, "0.102")])
def test_generic_tables_print_whole_floats_as_counts(value: float, text: str) -> None:
    table = generic_tables({"TargetValue": value})[0]
    assert table.rows == [["TargetValue", text]]


def _two_jobs(cli: CliRunner, tmp_path: Path) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--job-name", "model-v1")
    changed = cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--dry-run").json
    changed["JobName"] = "model-v2"
    changed["InputConfig"]["ContainerConfig"]["NearestModelName"] = "bert-base"  # slower: regressions
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(changed))
    cli("create-job", "--cli-input-json", str(path))


def _header(out: str, title: str) -> str:
    lines = out.splitlines()
    return lines[lines.index(title) + 1]


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_the_gate_column_of_compare_jobs_never_goes(cli: CliRunner, tmp_path: Path, width: int) -> None:
    _two_jobs(cli, tmp_path)
    result = cli(
        "compare-jobs", "model-v1", "model-v2", "--fail-on-regression", "10", "--output", "table", width=width, expect=3
    )
    header = _header(result.out, "model-v1 (A) vs model-v2 (B)")
    for key in ("Configuration", "Cost", "Latency", "Throughput", "Regressions"):
        assert key in header, (width, header)
    assert "latency," in result.out and "Regressions" not in result.out.split("Not shown")[-1]
    assert all(len(line) <= width for line in result.out.splitlines())


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_describe_job_keeps_its_key_columns_when_narrow(cli: CliRunner, width: int) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    plain = cli("describe-job", "xgboost-default", "--output", "table", width=width).out
    ranked = cli("describe-job", "xgboost-default", "--rank-by", "cost=high", "--output", "table", width=width).out
    for out, title, first in ((plain, "Recommendations", "#"), (ranked, "Ranked recommendations", "Rank")):
        header = _header(out, title)
        assert header.startswith(first), (width, header)
        for key in ("Endpoint", "$/hour", "Inv/min", "Latency ms"):
            assert key in header, (width, header)
        rows = out.splitlines()[out.splitlines().index(title) + 3 :]
        assert rows[0].split()[0] == "1", (width, rows[0])  # the rank is printed, not squeezed away


def test_the_wizard_asks_again_for_a_model_the_backend_does_not_have(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ircli.cli.prompts

    answers = ["Default", "Model name", "churn-xgbost", "no-such-thing", "churn-xgboost", KeyboardInterrupt]
    prompter = ScriptedPrompter(answers)
    monkeypatch.setattr(ircli.cli.prompts, "terminal_prompter", lambda _cli: prompter)
    stopped = cli("create-job", "--interactive", expect=130)
    rejections = [line for line in prompter.log if line.startswith("rejected")]
    assert rejections[0] == "rejected: no model named churn-xgbost; did you mean churn-xgboost?"
    assert "no model named no-such-thing on this backend" in rejections[1]
    assert "churn-xgboost" in rejections[1] and "ircli model create" in rejections[1]
    assert len(rejections) == 2  # the model the simulator lists is accepted
    draft = yaml.safe_load(Path(stopped.err.split("--resume ")[-1].strip()).read_text())
    assert draft["InputConfig"]["ModelName"] == "churn-xgboost"


def test_a_model_check_that_cannot_list_lets_the_service_judge() -> None:
    from ircli.cli.wizards.drafts import model_check
    from ircli.errors import ServiceError

    calls = []

    def refused() -> list[str]:
        calls.append(1)
        raise ServiceError("AccessDenied", "not allowed to list models", "ListModels")

    check = model_check(refused)
    assert check("anything") is None and check("else") is None
    assert len(calls) == 1  # listed once, not on every answer


def test_spiky_traffic_states_that_it_assumes_none_between_peaks(cli: CliRunner) -> None:
    cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"))
    given = ("cost-estimate", "xgboost-default", "--average-per-minute", "200", "--peak-per-minute", "1000")
    document = cli(*given).json
    assert document["Traffic"]["Assumed"].startswith("no traffic at all in the other 19 h of the day")
    assert "--baseline-per-minute" in document["Traffic"]["Assumed"]
    table = cli(*given, "--no-chart", "--output", "table", width=200).out
    assert "Assumed: no traffic at all in the other 19 h of the day" in table


def combined_job(cli: CliRunner, tmp_path: Path) -> None:
    """The example job without its instance types: real-time and serverless recommendations both (an unset
    SupportedEndpointType with no types named)."""
    request = yaml.safe_load((EXAMPLES / "default-job.yaml").read_text())
    del request["InputConfig"]["ContainerConfig"]["SupportedInstanceTypes"]
    (tmp_path / "combined.yaml").write_text(yaml.safe_dump(request))
    cli("create-job", "--cli-input-yaml", str(tmp_path / "combined.yaml"))


def test_a_baseline_fills_the_hours_between_peaks_and_keeps_the_average(cli: CliRunner, tmp_path: Path) -> None:
    combined_job(cli, tmp_path)
    given = ("cost-estimate", "xgboost-default", "--average-per-minute", "200", "--peak-per-minute", "1000")
    document = cli(*given, "--baseline-per-minute", "100").json
    traffic = document["Traffic"]
    assert traffic["Assumed"] is None
    assert min(traffic["PerMinuteByHour"]) == 100 and traffic["PeakPerMinute"] == 1000
    assert traffic["AveragePerMinute"] == pytest.approx(200)
    serverless = [e for e in document["Estimates"] if e["Kind"] == "Serverless"]
    assert serverless and all(e["ColdStartsPerMonth"] == 0 for e in serverless)  # the traffic never stops
    refused = cli(*given, "--baseline-per-minute", "300", expect=252)
    assert "--baseline-per-minute (300) is above --average-per-minute (200)" in refused.err
    alone = cli(
        "cost-estimate", "xgboost-default", "--traffic-profile", "x.csv", "--baseline-per-minute", "1", expect=252
    )
    assert "--baseline-per-minute goes with --average-per-minute and --peak-per-minute" in alone.err


def test_serverless_counts_cold_starts_when_traffic_starts_from_zero(cli: CliRunner, tmp_path: Path) -> None:
    combined_job(cli, tmp_path)
    job = cli("describe-job", "xgboost-default").json
    serverless_metrics = {
        r["RecommendationId"]: r["Metrics"]
        for r in job["InferenceRecommendations"]
        if "ServerlessConfig" in r["EndpointConfiguration"]
    }
    given = ("cost-estimate", "xgboost-default", "--average-per-minute", "200", "--peak-per-minute", "1000")
    document = cli(*given).json
    serverless = [e for e in document["Estimates"] if e["Kind"] == "Serverless"]
    assert serverless
    for estimate in serverless:
        metrics = serverless_metrics[estimate["RecommendationId"]]
        # One start from zero a day (5 busy hours, then none); as many containers start cold as the peak keeps
        # busy at once (invocations per second x seconds each).
        containers = math.ceil(1000 / 60 * metrics["ModelLatency"] / 1000)
        assert containers >= 1
        assert estimate["ColdStartsPerMonth"] == round(containers * 730 / 24)
        assert estimate["ColdStartSeconds"] == metrics["ModelSetupTime"] / 1_000_000
    first = serverless[0]["FirstRequestLatencyMsAfterIdle"]
    limited = cli(*given, "--max-latency-ms", str(first - 1)).json
    cold = next(e for e in limited["Estimates"] if e["RecommendationId"] == serverless[0]["RecommendationId"])
    assert 0 in cold["HoursOverLatencyLimit"] and not cold["WithinLimits"]
    assert any(row["Assumption"] == "Cold starts" for row in document["Assumptions"])
    table = cli(*given, "--no-chart", "--output", "table", width=200).out
    starts = serverless[0]["ColdStartsPerMonth"]
    assert f"{serverless[0]['EndpointConfiguration']}: {starts:,} cold starts a month after idle hours" in table
