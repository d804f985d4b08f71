"""Views of judgements over jobs: the comparison of two jobs."""

from __future__ import annotations

from typing import Any

from ircli.cli.output.cells import NA, fmt_int, fmt_latency_ms, fmt_money
from ircli.cli.output.model import Column, TableData
from ircli.lib.printable import escape_controls

# A regression named as the column that shows its change.
REGRESSION_WORDS = {"CostPerHour": "cost", "ModelLatency": "latency", "MaxInvocations": "throughput"}


def _signed(change: float | None) -> str:
    return NA if change is None else f"{change:+.1f}%"


def _side(document: dict[str, Any], side: str) -> str:
    """A, or "A, measured on TARGET from HOST" for a load test ircli kept."""
    measured = document.get(f"Job{side}Measured")
    return f"{side}, {escape_controls(str(measured))}" if measured else side


def comparison_tables(document: dict[str, Any]) -> list[TableData]:
    """Tables from `ircli.lib.compare.comparison_document`."""
    rows, styles = [], []
    for item in document.get("Comparisons", []):
        metrics = item["Metrics"]
        cost, latency, throughput = metrics["CostPerHour"], metrics["ModelLatency"], metrics["MaxInvocations"]
        counts = item.get("InstanceCount", {})
        count_text = "" if counts.get("JobA") is None else f"x{counts.get('JobA')} -> x{counts.get('JobB')}"
        rows.append(
            [
                item["EndpointConfiguration"],
                count_text,
                fmt_money(cost["JobA"]),
                fmt_money(cost["JobB"]),
                _signed(cost["ChangePercent"]),
                fmt_latency_ms(latency["JobA"]),
                fmt_latency_ms(latency["JobB"]),
                _signed(latency["ChangePercent"]),
                fmt_int(throughput["JobA"]),
                fmt_int(throughput["JobB"]),
                _signed(throughput["ChangePercent"]),
                ", ".join(REGRESSION_WORDS.get(name, name) for name in item.get("Regressions", [])),
            ]
        )
        styles.append("red" if item.get("Regressions") else "")
    # The configuration, the changes and the regressions (the gate's own column) never go; the figures they
    # are computed from go when narrow, job B's first.
    columns = [
        Column("Configuration", style="bold"),
        Column("Count", priority=40),
        Column("$/h A", "right", priority=65),
        Column("$/h B", "right", priority=60),
        Column("Cost", "right"),
        Column("ms A", "right", priority=65),
        Column("ms B", "right", priority=60),
        Column("Latency", "right"),
        Column("Inv A", "right", priority=65),
        Column("Inv B", "right", priority=60),
        Column("Throughput", "right"),
        Column("Regressions", wrap_width=len("throughput,")),
    ]
    notes = ["Signed change from job A to job B. Higher cost or latency, or lower throughput, is worse."]
    for key, name in (("OnlyInJobA", "A"), ("OnlyInJobB", "B")):
        if document.get(key):
            notes.append(f"Only in job {name}: {', '.join(document[key])}.")
    a, b = (_side(document, "A"), _side(document, "B"))
    title = f"{document.get('JobA')} ({a}) vs {document.get('JobB')} ({b})"
    return [TableData(title, columns, rows, "\n".join(notes), styles)]
