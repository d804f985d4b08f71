"""The cost estimate as tables (the ranked options, then the assumptions behind every figure) and as a
terminal chart of monthly cost against steady traffic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ircli.cli.output.cells import NA
from ircli.cli.output.model import Column, TableData
from ircli.lib.cost_results import CostEstimate, Estimate, ServerlessFigures, invocations_per_month
from ircli.lib.printable import escape_controls

MARKERS = "ABCDEFGH"
CHART_ROWS = 12
CHART_OPTIONS = 4


def _money(value: Any) -> str:
    return NA if value is None else f"${value:,.2f}"


def _instances(estimate: Estimate) -> str:
    if isinstance(estimate.figures, ServerlessFigures):
        warm = estimate.figures.provisioned_concurrency
        return "serverless" + (f", {warm} warm" if warm else "")
    hourly = estimate.figures.instances_by_hour
    low, high = min(hourly), max(hourly)
    return str(low) if low == high else f"{low}-{high}"


def _over(estimate: Estimate, limited: bool) -> str:
    capacity, latency = len(estimate.hours_over_capacity), len(estimate.hours_over_latency_limit)
    parts = []
    if capacity:
        parts.append(f"{capacity} h over capacity")
    if latency:
        parts.append(f"{latency} h over the limit")
    if parts:
        return ", ".join(parts)
    return "none" if limited else "-"


def _price_sources(result: CostEstimate) -> list[str]:
    """Where each price came from and when, one line per source, naming the options it priced."""
    by_source: dict[str, list[str]] = {}
    for estimate in result.estimates:
        label = estimate.endpoint_configuration.split(" ")[0]
        by_source.setdefault(estimate.figures.price_source or "unknown", []).append(label)
    return [f"Price source: {source} ({', '.join(dict.fromkeys(names))})." for source, names in by_source.items()]


def cost_tables(result: CostEstimate) -> list[TableData]:
    limited = result.max_latency_ms is not None
    rows = []
    styles = []
    for estimate in result.estimates:
        at_peak = estimate.latency_ms_at_peak
        rows.append(
            [
                str(estimate.rank),
                estimate.endpoint_configuration,
                _instances(estimate),
                _money(estimate.monthly_cost),
                _money(estimate.figures.monthly_cost_fixed_at_peak),
                "over capacity" if at_peak is None else f"{at_peak:,.1f}",
                _over(estimate, limited),
                estimate.recommendation_id,
            ]
        )
        styles.append("" if estimate.within_limits else "dim")
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
    traffic = result.traffic
    notes = [
        f"Traffic: {traffic.source}; {invocations_per_month(traffic):,.0f} invocations a month.",
        *_price_sources(result),
        "$/month: autoscaled instances following the traffic, or serverless pay-per-use; fixed at peak: the "
        "peak's fleet all month.",
        "Ranked by $/month"
        + (
            f", options within {result.max_latency_ms:g} ms and capacity first."
            if limited
            else ", options with enough capacity first."
        ),
    ]
    if traffic.assumed:
        notes.insert(1, f"Assumed: {traffic.assumed}.")
    notes.extend(_cold_start_notes(result.estimates))
    if result.break_even is not None:
        notes.append(result.break_even.statement)
    for skipped in result.not_priced:
        notes.append(f"Not priced: {skipped.endpoint_configuration} ({skipped.recommendation_id}): {skipped.reason}.")
    title = f"Monthly cost at your traffic: {result.job_name}"
    assumptions = TableData(
        "Assumptions",
        [Column("Assumption", style="bold", no_wrap=True), Column("Value")],
        [[row.assumption, row.value] for row in result.assumptions],
    )
    return [TableData(title, columns, rows, "\n".join(notes), styles), assumptions]


def _cold_start_notes(estimates: Sequence[Estimate]) -> list[str]:
    """What starting from no traffic costs a serverless option in latency: its cold starts a month."""
    notes = []
    for estimate in estimates:
        if not isinstance(estimate.figures, ServerlessFigures) or not estimate.figures.cold_starts.per_month:
            continue
        cold = estimate.figures.cold_starts
        starts, seconds, first = cold.per_month, cold.seconds, cold.first_request_latency_ms_after_idle
        wait = (
            f", each first request waiting {seconds:,.1f} s ({first:,.0f} ms with the model's latency)"
            if seconds is not None and first is not None
            else " (the benchmark reported no ModelSetupTime to say how long each takes)"
        )
        notes.append(f"{estimate.endpoint_configuration}: {starts:,} cold starts a month after idle hours{wait}.")
    return notes


def cost_series(result: CostEstimate, points: int) -> tuple[list[float], list[tuple[str, list[float]]]]:
    """Monthly cost against steady traffic from 0 to twice the peak, for the best-ranked options."""
    top = result.traffic.peak * 2
    traffic = [top * i / (points - 1) for i in range(points)]
    series = [
        (estimate.endpoint_configuration, [estimate.monthly_cost_at(t) for t in traffic])
        for estimate in result.estimates[:CHART_OPTIONS]
    ]
    return traffic, series


def cost_chart(result: CostEstimate, width: int) -> Any:
    """A character plot: one letter per option, traffic across, monthly cost up."""
    from rich.text import Text

    label_width = 12
    plot_width = max(20, min(72, width - label_width - 2))
    traffic, series = cost_series(result, plot_width)
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
