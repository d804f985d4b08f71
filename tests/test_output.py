"""The output package without the CLI: the table model and fitting, the writer's choices, and the
flag-to-request builders."""

from __future__ import annotations

import io

import pytest

from ircli.cli.output.formats import OutputFormat, Screen
from ircli.cli.output.model import Column, TableData, fit_columns, natural_width
from ircli.cli.output.views import View
from ircli.cli.output.writer import Writer
from ircli.errors import InputError
from ircli.lib.requests import CreateJobFlags, create_job_members, desired_capacity, merge


def table() -> TableData:
    return TableData(
        "T",
        [
            Column("Name", priority=100),
            Column("Cost", priority=90),
            Column("Wide", priority=10),
            Column("Note", priority=50, footnote=True),
            Column("Empty", priority=20),
        ],
        [["alpha", "$1.00", "x" * 30, "n1", ""], ["beta", "$2.00", "y" * 30, "n2", "-"]],
    )


def test_natural_width_is_the_widest_cell_or_header() -> None:
    data = table()
    assert [natural_width(data, i) for i in range(5)] == [5, 5, 30, 4, 5]


def test_a_table_that_fits_loses_only_its_empty_low_priority_columns() -> None:
    fitted = fit_columns(table(), 200)
    assert [c.header for c in fitted.columns] == ["Name", "Cost", "Wide", "Note"]
    assert fitted.caption == ""


def test_narrow_tables_drop_the_lowest_priority_first_and_say_so() -> None:
    # Name 5 + Cost 5 + Note 4 + two gaps of 3 = 20: Wide (priority 10) goes, Note stays.
    fitted = fit_columns(table(), 20)
    assert [c.header for c in fitted.columns] == ["Name", "Cost", "Note"]
    assert fitted.caption == "Not shown at this width: Wide (widen the terminal, or use --output json)."


def test_footnote_columns_are_listed_under_the_table_when_dropped() -> None:
    fitted = fit_columns(table(), 13)
    assert [c.header for c in fitted.columns] == ["Name", "Cost"]
    assert "Note by Name: alpha n1; beta n2" in fitted.caption
    assert "Not shown at this width: Wide" in fitted.caption


def test_columns_of_priority_100_are_never_dropped() -> None:
    fitted = fit_columns(table(), 1)
    assert [c.header for c in fitted.columns] == ["Name"]


def test_a_narrower_column_comes_back_when_a_wider_one_made_room() -> None:
    data = TableData(
        "",
        [Column("Key"), Column("Small", priority=30), Column("Big", priority=20)],
        [["k", "s", "b" * 40]],
    )
    # Dropping Big (lowest) is enough; Small is not dropped with it.
    fitted = fit_columns(data, 20)
    assert [c.header for c in fitted.columns] == ["Key", "Small"]


def writer(output: OutputFormat, query: str | None = None) -> tuple[Writer, io.StringIO, io.StringIO]:
    out, notes = io.StringIO(), io.StringIO()
    return Writer(output, Screen(out, width=80), notes, query=query), out, notes


def test_the_writer_honours_a_views_preferred_rendering_and_notes() -> None:
    view = View(render_as={OutputFormat.TABLE: OutputFormat.YAML}, note=lambda _, asked: f"asked {asked.value}")
    chosen, out, notes = writer(OutputFormat.TABLE)
    chosen.emit({"A": 1}, view)
    assert out.getvalue() == "A: 1\n" and notes.getvalue() == "asked table\n"
    chosen, out, notes = writer(OutputFormat.JSON)
    chosen.emit({"A": 1}, view)
    assert out.getvalue() == '{\n    "A": 1\n}\n' and notes.getvalue() == "asked json\n"


def test_a_query_replaces_the_view_and_its_notes() -> None:
    view = View(tables=lambda _: [], note=lambda *_: "never")
    chosen, out, notes = writer(OutputFormat.CSV, query="Items[].Name")
    chosen.emit({"Items": [{"Name": "a"}, {"Name": "b"}]}, view)
    assert out.getvalue() == "Value\na\nb\n" and notes.getvalue() == ""


def test_an_empty_response_prints_nothing() -> None:
    for output in OutputFormat:
        chosen, out, _ = writer(output)
        chosen.emit({})
        assert out.getvalue() == ""


def test_every_format_renders_nan_and_times_the_same_way() -> None:
    data = {"Items": [{"Cost": float("nan"), "Name": "a"}]}
    rendered = {}
    for output in OutputFormat:
        chosen, out, _ = writer(output)
        chosen.emit(data)
        rendered[output] = out.getvalue()
    assert '"Cost": "NaN"' in rendered[OutputFormat.JSON]
    assert "Cost: NaN" in rendered[OutputFormat.YAML]
    assert "NaN\ta" in rendered[OutputFormat.TEXT]
    assert "n/a,a" in rendered[OutputFormat.CSV]
    assert "| n/a | a |" in rendered[OutputFormat.MARKDOWN]
    assert "n/a" in rendered[OutputFormat.TABLE]


def test_create_job_flags_become_request_members() -> None:
    members = create_job_members(
        CreateJobFlags(
            job_name="j",
            model_name="m",
            instance_types=["ml.c5.large"],
            environment_parameter_ranges=["OMP_NUM_THREADS=1,2"],
            stairs="DurationInSeconds=600,NumberOfSteps=5,UsersPerStep=1",
            model_latency_threshold="P95=100",
        )
    )
    request = merge({"RoleArn": "arn:aws:iam::1:role/R", "InputConfig": {"ModelName": "from-file"}}, members)
    assert request["JobName"] == "j" and request["RoleArn"] == "arn:aws:iam::1:role/R"
    assert request["InputConfig"]["ModelName"] == "m"
    assert request["InputConfig"]["EndpointConfigurations"] == [
        {
            "InstanceType": "ml.c5.large",
            "EnvironmentParameterRanges": {
                "CategoricalParameterRanges": [{"Name": "OMP_NUM_THREADS", "Value": ["1", "2"]}]
            },
        }
    ]
    assert request["InputConfig"]["TrafficPattern"]["TrafficType"] == "STAIRS"
    assert request["StoppingConditions"] == {
        "ModelLatencyThresholds": [{"Percentile": "P95", "ValueInMilliseconds": 100}]
    }
    assert "JobType" not in request and "ContainerConfig" not in request["InputConfig"]


def test_environment_ranges_need_a_configuration_from_flags() -> None:
    with pytest.raises(InputError, match="--environment-parameter-range applies"):
        create_job_members(CreateJobFlags(environment_parameter_ranges=["A=1"]))


def test_capacity_flags_replace_that_variants_entry_only() -> None:
    request = {
        "EndpointName": "e",
        "DesiredWeightsAndCapacities": [{"VariantName": "A", "DesiredWeight": 1.0}, {"VariantName": "B"}],
    }
    updated = desired_capacity(
        request,
        variant_name="A",
        desired_weight=None,
        desired_instance_count=3,
        max_concurrency=None,
        provisioned_concurrency=None,
    )
    assert updated["DesiredWeightsAndCapacities"] == [
        {"VariantName": "B"},
        {"VariantName": "A", "DesiredInstanceCount": 3},
    ]
    with pytest.raises(InputError, match="--variant-name"):
        desired_capacity(
            request,
            variant_name=None,
            desired_weight=0.5,
            desired_instance_count=None,
            max_concurrency=None,
            provisioned_concurrency=None,
        )
