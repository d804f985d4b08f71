"""The view of a job's benchmark metrics (`ircli metrics`): one table per benchmark, a row per series with
its figures and its trend drawn as a sparkline; or, for spreadsheets, one row per minute with a column per
series (`--datapoints`). Latencies CloudWatch keeps in microseconds are shown in milliseconds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ircli.cli.output.model import Column, TableData
from ircli.lib.numbers import number

BLOCKS = "▁▂▃▄▅▆▇█"
TREND_WIDTH = 32
SHOWN_UNITS = {"Microseconds": ("ms", 1000.0), "Milliseconds": ("ms", 1.0), "Percent": ("%", 1.0)}


def sparkline(values: Sequence[float], width: int = TREND_WIDTH) -> str:
    """The series in block characters, at most `width` of them (each the largest value of its share)."""
    finite = [v for v in values if number(v) is not None]
    if not finite:
        return ""
    if len(finite) > width:
        size = len(finite) / width
        finite = [max(finite[int(i * size) : max(int((i + 1) * size), int(i * size) + 1)]) for i in range(width)]
    low, high = min(finite), max(finite)
    if high == low:
        return BLOCKS[len(BLOCKS) // 2 if high else 0] * len(finite)
    return "".join(BLOCKS[round((v - low) / (high - low) * (len(BLOCKS) - 1))] for v in finite)


def shown(unit: str) -> tuple[str, float]:
    return SHOWN_UNITS.get(unit, ("", 1.0))


def figure(value: float) -> str:
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def series_name(series: dict[str, Any]) -> str:
    return f"{series['MetricName']} {series['Statistic']}"


def values_of(series: dict[str, Any]) -> list[float]:
    scale = shown(str(series.get("Unit", "")))[1]
    return [float(p["Value"]) / scale for p in series.get("Datapoints", []) if number(p.get("Value")) is not None]


def title(benchmark: dict[str, Any]) -> str:
    name = benchmark.get("RecommendationId") or benchmark.get("EndpointName")
    return f"{benchmark.get('EndpointConfiguration', '')} · {name}"


def metric_tables(data: dict[str, Any]) -> list[TableData]:
    columns = [
        Column("Metric", no_wrap=True),
        Column("Statistic", no_wrap=True),
        Column("Unit", no_wrap=True, priority=60),
        Column("Points", justify="right", priority=70),
        Column("Min", justify="right", priority=80),
        Column("Mean", justify="right", priority=90),
        Column("Max", justify="right"),
        Column("Trend", no_wrap=True, priority=95),
    ]
    tables = []
    for benchmark in data.get("Benchmarks", []):
        rows = []
        for series in benchmark.get("Metrics", []):
            values = values_of(series)
            figures = (
                [figure(min(values)), figure(sum(values) / len(values)), figure(max(values))] if values else ["-"] * 3
            )
            rows.append(
                [
                    str(series["MetricName"]),
                    str(series["Statistic"]),
                    shown(str(series.get("Unit", "")))[0],
                    str(len(values)),
                    *figures,
                    sparkline(values),
                ]
            )
        tables.append(TableData(title(benchmark), columns, rows, caption=window_caption({**data, **benchmark})))
    return tables or no_benchmark(data)


def no_benchmark(data: dict[str, Any]) -> list[TableData]:
    """A job without benchmarks (still running, or none finished): its title alone, no empty columns."""
    return [TableData(f"{data.get('JobName', '')}: no benchmark to show", [Column("")], [])]


def window_caption(data: dict[str, Any]) -> str:
    return f"{clock(data.get('StartTime'))} to {clock(data.get('EndTime'))}, {data.get('Period')} s periods"


def clock(moment: Any) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(moment or "")


def datapoint_tables(data: dict[str, Any]) -> list[TableData]:
    """One row per timestamp, one column per series: the benchmark's series side by side."""
    tables = []
    for benchmark in data.get("Benchmarks", []):
        metrics = benchmark.get("Metrics", [])
        rows: dict[Any, list[str]] = {}
        for index, series in enumerate(metrics):
            scale = shown(str(series.get("Unit", "")))[1]
            for point in series.get("Datapoints", []):
                row = rows.setdefault(point["Timestamp"], [""] * len(metrics))
                value = number(point.get("Value"))
                row[index] = "" if value is None else figure(value / scale)
        headers = [
            f"{series_name(s)} ({shown(str(s.get('Unit', '')))[0]})"
            if shown(str(s.get("Unit", "")))[0]
            else series_name(s)
            for s in metrics
        ]
        columns = [Column("Time", no_wrap=True)] + [Column(h, justify="right") for h in headers]
        table_rows = [[clock(moment), *values] for moment, values in sorted(rows.items())]
        tables.append(TableData(title(benchmark), columns, table_rows))
    return tables or no_benchmark(data)
