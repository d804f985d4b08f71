"""The cost estimate as tables (the ranked options, then the assumptions behind every figure) and as a
terminal chart of monthly cost against steady traffic."""

from __future__ import annotations

from typing import Any

from ircli.cli.output.cells import NA
from ircli.cli.output.model import Column, TableData
from ircli.lib.cost import monthly_cost_at
from ircli.lib.printable import escape_controls

MARKERS = "ABCDEFGH"
CHART_ROWS = 12
CHART_OPTIONS = 4


def _money(value: Any) -> str:
    return NA if value is None else f"${value:,.2f}"


def _instances(estimate: dict[str, Any]) -> str:
    if estimate["Kind"] == "Serverless":
        warm = estimate.get("ProvisionedConcurrency")
        return "serverless" + (f", {warm} warm" if warm else "")
    hourly = estimate["InstancesByHour"]
    low, high = min(hourly), max(hourly)
    return str(low) if low == high else f"{low}-{high}"


def _over(estimate: dict[str, Any], limited: bool) -> str:
    capacity, latency = len(estimate["HoursOverCapacity"]), len(estimate["HoursOverLatencyLimit"])
    parts = []
    if capacity:
        parts.append(f"{capacity} h over capacity")
    if latency:
        parts.append(f"{latency} h over the limit")
    if parts:
        return ", ".join(parts)
    return "none" if limited else "-"


def _price_sources(document: dict[str, Any]) -> list[str]:
    """Where each price came from and when, one line per source, naming the options it priced."""
    by_source: dict[str, list[str]] = {}
    for estimate in document["Estimates"]:
        label = str(estimate["EndpointConfiguration"]).split(" ")[0]
        by_source.setdefault(str(estimate.get("PriceSource") or "unknown"), []).append(label)
    return [f"Price source: {source} ({', '.join(dict.fromkeys(names))})." for source, names in by_source.items()]


def cost_tables(document: dict[str, Any]) -> list[TableData]:
    limited = document.get("MaxLatencyMs") is not None
    rows = []
    styles = []
    for estimate in document["Estimates"]:
        at_peak = estimate.get("LatencyMsAtPeak")
        rows.append(
            [
                str(estimate["Rank"]),
                estimate["EndpointConfiguration"],
                _instances(estimate),
                _money(estimate["MonthlyCost"]),
                _money(estimate.get("MonthlyCostFixedAtPeak")),
                "over capacity" if at_peak is None else f"{at_peak:,.1f}",
                _over(estimate, limited),
                estimate["RecommendationId"],
            ]
        )
        styles.append("" if estimate["WithinLimits"] else "dim")
    columns = [
        Column("Rank", "right"),
        Column("Endpoint", style="bold", no_wrap=True),
        Column("Instances", priority=60),
        Column("$/month", "right", no_wrap=True),
        Column("Fixed at peak", "right", no_wrap=True, priority=70),
        Column("Latency ms at peak", "right", priority=80),
        Column("Over limits", priority=90),
        Column("Recommendation", style="dim", no_wrap=True, priority=40, footnote=True),
    ]
    traffic = document["Traffic"]
    notes = [
        f"Traffic: {traffic['Source']}; {traffic['InvocationsPerMonth']:,.0f} invocations a month.",
        *_price_sources(document),
        "$/month: autoscaled instances following the traffic, or serverless pay-per-use; fixed at peak: the "
        "peak's fleet all month.",
        "Ranked by $/month"
        + (
            f", options within {document['MaxLatencyMs']:g} ms and capacity first."
            if limited
            else ", options with enough capacity first."
        ),
    ]
    if traffic.get("Assumed"):
        notes.insert(1, f"Assumed: {traffic['Assumed']}.")
    notes.extend(_cold_start_notes(document["Estimates"]))
    if document.get("BreakEven"):
        notes.append(document["BreakEven"]["Statement"])
    for skipped in document.get("NotPriced", []):
        notes.append(
            f"Not priced: {skipped['EndpointConfiguration']} ({skipped['RecommendationId']}): {skipped['Reason']}."
        )
    title = f"Monthly cost at your traffic: {document.get('JobName')}"
    assumptions = TableData(
        "Assumptions",
        [Column("Assumption", style="bold", no_wrap=True), Column("Value")],
        [[row["Assumption"], row["Value"]] for row in document["Assumptions"]],
    )
    return [TableData(title, columns, rows, "\n".join(notes), styles), assumptions]


def _cold_start_notes(estimates: list[dict[str, Any]]) -> list[str]:
    """What starting from no traffic costs a serverless option in latency: its cold starts a month."""
    notes = []
    for estimate in estimates:
        starts = estimate.get("ColdStartsPerMonth")
        if estimate["Kind"] != "Serverless" or not starts:
            continue
        seconds, first = estimate.get("ColdStartSeconds"), estimate.get("FirstRequestLatencyMsAfterIdle")
        wait = (
            f", each first request waiting {seconds:,.1f} s ({first:,.0f} ms with the model's latency)"
            if seconds is not None and first is not None
            else " (the benchmark reported no ModelSetupTime to say how long each takes)"
        )
        notes.append(f"{estimate['EndpointConfiguration']}: {starts:,} cold starts a month after idle hours{wait}.")
    return notes


def cost_series(document: dict[str, Any], points: int) -> tuple[list[float], list[tuple[str, list[float]]]]:
    """Monthly cost against steady traffic from 0 to twice the peak, for the best-ranked options."""
    top = document["Traffic"]["PeakPerMinute"] * 2
    traffic = [top * i / (points - 1) for i in range(points)]
    series = [
        (estimate["EndpointConfiguration"], [monthly_cost_at(estimate, t) for t in traffic])
        for estimate in document["Estimates"][:CHART_OPTIONS]
    ]
    return traffic, series


def cost_chart(document: dict[str, Any], width: int) -> Any:
    """A character plot: one letter per option, traffic across, monthly cost up."""
    from rich.text import Text

    label_width = 12
    plot_width = max(20, min(72, width - label_width - 2))
    traffic, series = cost_series(document, plot_width)
    if not series:
        return Text("")
    highest = max(max(costs) for _, costs in series) or 1.0
    grid = [[" "] * plot_width for _ in range(CHART_ROWS)]
    for marker, (_, costs) in zip(MARKERS, series, strict=False):
        for column, cost in enumerate(costs):
            row = CHART_ROWS - 1 - min(CHART_ROWS - 1, round(cost / highest * (CHART_ROWS - 1)))
            grid[row][column] = marker if grid[row][column] in (" ", marker) else "*"
    lines = [Text("Monthly cost against steady traffic (invocations/min)", style="bold")]
    for index, cells in enumerate(grid):
        value = highest * (CHART_ROWS - 1 - index) / (CHART_ROWS - 1)
        label = f"${value:,.0f}" if index in (0, CHART_ROWS // 2, CHART_ROWS - 1) else ""
        lines.append(Text(f"{label:>{label_width}} |" + "".join(cells)))
    lines.append(Text(" " * label_width + " +" + "-" * plot_width))
    left, right = "0", f"{traffic[-1]:,.0f}"
    lines.append(Text(" " * (label_width + 2) + left + right.rjust(plot_width - len(left))))
    # Option names are data: escaped as table cells are (the console never reads markup).
    legend = "  ".join(f"{marker} {escape_controls(name)}" for marker, (name, _) in zip(MARKERS, series, strict=False))
    lines.append(Text(" " * (label_width + 2) + legend + ("  (* where two meet)" if len(series) > 1 else "")))
    from rich.console import Group

    return Group(*lines)
