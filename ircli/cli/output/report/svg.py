"""The report's chart as inline SVG: each recommendation a point at its latency (across) and cost per
hour (up), sized by its throughput, the Pareto-optimal ones joined by the frontier. No script, no external
file: the page works offline and prints."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 48


@dataclass(frozen=True)
class Point:
    label: str
    recommendation_id: str
    latency_ms: float
    cost_per_hour: float
    invocations_per_minute: float
    pareto: bool


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / (count - 1) if high > low else 1.0
    return [low + step * i for i in range(count)]


def scatter(points: list[Point], title: str) -> str:
    """The SVG markup (every text escaped)."""
    usable = [p for p in points if p.latency_ms >= 0 and p.cost_per_hour >= 0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    max_x = max((p.latency_ms for p in usable), default=1.0) * 1.1 or 1.0
    max_y = max((p.cost_per_hour for p in usable), default=1.0) * 1.1 or 1.0
    max_t = max((p.invocations_per_minute for p in usable), default=1.0) or 1.0

    def x(value: float) -> float:
        return LEFT + value / max_x * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - value / max_y * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="scatter">',
        f"<title>{escape(title)}</title>",
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>',
    ]
    for tick in _ticks(0, max_x):
        parts.append(f'<line class="grid" x1="{x(tick):.1f}" y1="{TOP}" x2="{x(tick):.1f}" y2="{TOP + plot_h}"/>')
        parts.append(
            f'<text class="tick" x="{x(tick):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{tick:,.0f}</text>'
        )
    for tick in _ticks(0, max_y):
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y(tick):.1f}" x2="{LEFT + plot_w}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">${tick:,.3f}</text>')
    parts.append(
        f'<text class="axis" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle">'
        "Model latency (ms) — left is faster</text>"
    )
    parts.append(
        f'<text class="axis" transform="translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
        "Cost per hour (USD) — lower is cheaper</text>"
    )
    frontier = sorted((p for p in usable if p.pareto), key=lambda p: p.latency_ms)
    if len(frontier) > 1:
        path = " ".join(f"{x(p.latency_ms):.1f},{y(p.cost_per_hour):.1f}" for p in frontier)
        parts.append(f'<polyline class="frontier" points="{path}"/>')
    for point in usable:
        radius = 5 + 10 * (point.invocations_per_minute / max_t) ** 0.5
        kind = "point pareto" if point.pareto else "point"
        parts.append(
            f'<circle class="{kind}" cx="{x(point.latency_ms):.1f}" cy="{y(point.cost_per_hour):.1f}" '
            f'r="{radius:.1f}" data-recommendation="{escape(point.recommendation_id)}">'
            f"<title>{escape(point.label)}: {point.latency_ms:,.1f} ms, ${point.cost_per_hour:,.4f}/h, "
            f"{point.invocations_per_minute:,.0f} invocations/min</title></circle>"
        )
        parts.append(
            f'<text class="label" x="{x(point.latency_ms) + radius + 3:.1f}" y="{y(point.cost_per_hour) + 4:.1f}">'
            f"{escape(point.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
