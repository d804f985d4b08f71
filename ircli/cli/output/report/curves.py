"""The report's load curves as inline SVG, one small chart per benchmark beside its figures: three strips
over the minutes its load test ran (the load generator's users, the endpoint's invocations per minute, its
p95 model latency), each scaled to its own highest value (printed beside its name), the minutes shared by
all the job's benchmarks so that the small multiples compare. Each chart has a title and a description in
words for screen readers; its colours are the page's light, dark and print palettes. No script."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from ircli.lib.numbers import number
from ircli.lib.units import model_latency_ms

if TYPE_CHECKING:
    from ircli.lib.load_curves import LoadCurves
    from ircli.lib.metrics import Benchmark, Series
    from ircli.lib.ranking import Ranked

WIDTH, PAD = 320, 6
LABEL_H, STRIP_H, GAP, AXIS_H = 14, 30, 6, 16


@dataclass(frozen=True)
class Strip:
    metric: str
    name: str
    css: str
    scale: float  # from CloudWatch's unit to the one shown
    unit: str
    step: bool  # drawn as steps (a count that changes at instants) rather than a line
    whole: bool  # a count, said without decimals


STRIPS = (
    Strip("NumberOfUsers", "Users", "users", 1.0, "", True, True),
    Strip("Invocations", "Invocations/min", "invocations", 1.0, "", False, True),
    Strip("ModelLatency", "p95 model latency", "latency", 0.001, " ms", False, False),  # microseconds to ms
)
PERCENTILE_STAT = re.compile(r"^p\d{1,2}(\.\d+)?$")
HEIGHT = len(STRIPS) * (LABEL_H + STRIP_H + GAP) + AXIS_H


def _start(benchmark: Benchmark) -> datetime | None:
    return min((s.timestamps[0] for s in benchmark.series if s.timestamps), default=None)


def minutes_of(benchmark: Benchmark) -> float:
    """How many minutes its datapoints span (0 without any)."""
    start = _start(benchmark)
    ends = [s.timestamps[-1] for s in benchmark.series if s.timestamps]
    return 0.0 if start is None or not ends else (max(ends) - start).total_seconds() / 60


def _number(value: float, strip: Strip) -> str:
    whole = strip.whole or value >= 10 or value == 0
    return f"{value:,.0f}{strip.unit}" if whole else f"{value:,.1f}{strip.unit}"


def _points(series: Series, start: datetime, scale: float) -> list[tuple[float, float]]:
    return [
        ((t - start).total_seconds() / 60, v * scale)
        for t, v in zip(series.timestamps, series.values, strict=True)
        if math.isfinite(v)
    ]


def _path(points: list[tuple[float, float]], x: Any, y: Any, step: bool) -> str:
    """The series as one path; a run of equal values is one segment (a benchmark holds its load for long)."""
    first_x, first_y = points[0]
    parts = [f"M{x(first_x):.1f},{y(first_y):.1f}"]
    for index in range(1, len(points)):
        minute, value = points[index]
        held = points[index - 1][1] == value and index + 1 < len(points) and points[index + 1][1] == value
        if held:
            continue
        parts.append(f"H{x(minute):.1f}V{y(value):.1f}" if step else f"L{x(minute):.1f},{y(value):.1f}")
    return "".join(parts)


def _strip(strip: Strip, series: Series | None, start: datetime, span: float, top: float) -> tuple[list[str], str]:
    """The strip's marks and its sentence for the description."""
    if series is not None and strip.css == "latency" and PERCENTILE_STAT.match(series.statistic):
        # A load test's latency is at its threshold's percentile, which need not be CloudWatch's p95.
        strip = replace(strip, name=f"{series.statistic} model latency")
    plot_top, plot_w = top + LABEL_H, WIDTH - 2 * PAD
    points = _points(series, start, strip.scale) if series is not None else []
    parts = [
        f'<text class="strip-name" x="{PAD}" y="{top + 10}">{strip.name}</text>',
        f'<rect class="strip" x="{PAD}" y="{plot_top}" width="{plot_w}" height="{STRIP_H}"/>',
    ]
    if not points:
        parts.append(
            f'<text class="strip-empty" x="{PAD + plot_w / 2:.0f}" y="{plot_top + STRIP_H / 2 + 4:.0f}" '
            'text-anchor="middle">no datapoints</text>'
        )
        return parts, f"no {strip.name.lower()} datapoints"
    high = max(value for _, value in points) or 1.0

    def x(minute: float) -> float:
        return PAD + minute / span * plot_w

    def y(value: float) -> float:
        return plot_top + STRIP_H - value / high * (STRIP_H - 2)

    line = _path(points, x, y, strip.step)
    if strip.css == "invocations":  # the load itself, filled to the strip's floor
        floor = plot_top + STRIP_H
        parts.append(f'<path class="area" d="{line}V{floor:.1f}H{x(points[0][0]):.1f}Z"/>')
    parts.append(f'<path class="curve {strip.css}" d="{line}"/>')
    peak_minute = next(minute for minute, value in points if value == high)
    parts.append(
        f'<text class="strip-max" x="{WIDTH - PAD}" y="{top + 10}" text-anchor="end">max {_number(high, strip)}</text>'
    )
    low = min(value for _, value in points)
    said = (
        f"{strip.name.lower()} from {_number(points[0][1], strip)} to {_number(points[-1][1], strip)}, "
        f"highest {_number(high, strip)} at minute {peak_minute:.0f}"
        if low != high
        else f"{strip.name.lower()} steady at {_number(high, strip)}"
    )
    return parts, said


def curve_svg(benchmark: Benchmark, span: float, title: str, ident: str) -> str | None:
    """The chart over `span` minutes (the longest of the job's benchmarks); None without any datapoint."""
    from ircli.lib.load_curves import series

    start = _start(benchmark)
    if start is None:
        return None
    span = max(span, 1.0)
    parts: list[str] = []
    sentences = []
    for index, strip in enumerate(STRIPS):
        marks, said = _strip(strip, series(benchmark, strip.metric), start, span, index * (LABEL_H + STRIP_H + GAP))
        parts += marks
        sentences.append(said)
    axis_y = HEIGHT - 4
    for minute, anchor in ((0.0, "start"), (span / 2, "middle"), (span, "end")):
        at = PAD + minute / span * (WIDTH - 2 * PAD)
        parts.append(f'<text class="tick" x="{at:.1f}" y="{axis_y}" text-anchor="{anchor}">{minute:,.0f} min</text>')
    description = f"Over {minutes_of(benchmark):,.0f} minutes of its load test: " + "; ".join(sentences) + "."
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="curves" '
        f'aria-labelledby="{ident}-t {ident}-d"><title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )


def _figures(metrics: dict[str, Any], rank: int | None) -> str:
    from ircli.cli.output.cells import fmt_money

    parts = [f"rank {rank}"] if rank is not None else []
    if number(metrics.get("CostPerHour")) is not None:
        parts.append(f"{fmt_money(metrics.get('CostPerHour'))}/h")
    invocations = number(metrics.get("MaxInvocations"))
    if invocations is not None:
        parts.append(f"{invocations:,.0f} invocations/min")
    latency = model_latency_ms(metrics)
    if latency is not None:
        parts.append(f"{latency:,.0f} ms")
    return ", ".join(parts)


def curve_cards(job: dict[str, Any], ranked: list[Ranked], curves: LoadCurves, job_index: int) -> list[dict[str, Any]]:
    """A card per benchmark, in the ranking's order (then the benchmarked endpoints): its name, its
    figures (at the cost it was ranked by), its chart or why there is none."""
    from markupsafe import Markup

    from ircli.lib.labels import recommendation_label

    order: list[tuple[Benchmark, dict[str, Any], int | None, str]] = []
    for item in ranked:
        benchmark = curves.of(str(item.recommendation.get("RecommendationId")))
        if benchmark is not None:
            recommendation = item.priced()
            label = recommendation_label(recommendation)
            order.append((benchmark, recommendation.get("Metrics") or {}, item.rank, label))
    performances = {
        str((p.get("EndpointInfo") or {}).get("EndpointName")): p for p in job.get("EndpointPerformances") or []
    }
    for benchmark in curves.benchmarks:
        if benchmark.recommendation_id is None:
            metrics = (performances.get(benchmark.endpoint_name) or {}).get("Metrics") or {}
            order.append((benchmark, metrics, None, f"endpoint {benchmark.endpoint_name}"))
    span = max((minutes_of(b) for b, *_ in order), default=0.0)
    cards = []
    for index, (benchmark, metrics, rank, label) in enumerate(order, 1):
        named = f"{label} ({benchmark.recommendation_id})" if benchmark.recommendation_id else label
        svg = curve_svg(benchmark, span, f"Load during the benchmark of {named}", f"curve-{job_index}-{index}")
        cards.append(
            {
                "title": label,
                "id": benchmark.recommendation_id or "",
                "figures": _figures(metrics, rank),
                "svg": Markup(svg) if svg is not None else None,
                "note": None
                if svg is not None
                else "CloudWatch holds no datapoints for this benchmark in the job's "
                "window (it keeps one-minute datapoints for 15 days).",
            }
        )
    return cards
