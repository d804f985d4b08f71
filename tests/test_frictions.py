"""The frictions of a user's second day, each with the test that shows it gone: numbers in help and tables
without a spurious `.0`, a variadic argument named with `...`, the wizard refusing a model the backend does
not have, cost estimates that state the traffic between peaks, key columns kept at narrow widths."""

from __future__ import annotations

import pytest

from ircli.cli.output.views.generic import generic_tables
from ircli.cli.output.views.jobs import scaling_tables
from tests.conftest import CliRunner


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
    assert cli("report", "--help").out.startswith("Usage: ircli report [OPTIONS] JOBS...\n")
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
