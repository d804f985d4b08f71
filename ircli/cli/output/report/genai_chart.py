"""The generative-AI section's charts as inline SVG: one figure (time to first token, or output tokens per
second) against concurrency, one line per option, concurrency on a base-2 scale (AIPerf's levels double),
the figure on round linear ticks from zero. Each line is told apart by its colour and its dash pattern and
named in the legend, so the chart reads in print and without colour too."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ircli.cli.output.report.svg import nice_step

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 48
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[int, float]]  # (concurrency, value)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or float(value).is_integer() else f"{value:,.1f}"


def line_chart(series: Sequence[Series], *, title: str, unit: str) -> str:
    """An SVG of each series against concurrency; "" when there is nothing to draw."""
    drawn = [s for s in series if s.points]
    if not drawn:
        return ""
    levels = sorted({c for s in drawn for c, _ in s.points})
    top = max(v for s in drawn for _, v in s.points) or 1.0
    step = nice_step(top)
    y_max = math.ceil(top / step) * step
    low, high = math.log2(max(levels[0], 1)), math.log2(max(levels[-1], 1))
    span_x = (high - low) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(level: int) -> float:
        offset = (math.log2(max(level, 1)) - low) / span_x if high > low else 0.5
        return LEFT + offset * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - value / y_max * plot_h

    parts = [
        f'<svg class="genai-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>',
    ]
    tick = 0.0
    while tick <= y_max + step / 2:
        at = y(tick)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{at:.1f}" x2="{LEFT + plot_w}" y2="{at:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>')
        tick += step
    for level in levels:
        parts.append(
            f'<text class="tick" x="{x(level):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{level}</text>'
        )
    parts.append(
        f'<text class="axis" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
        "concurrent requests (base-2 scale)</text>"
    )
    parts.append(
        f'<text class="axis" x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(unit)}</text>'
    )
    for index, one in enumerate(drawn):
        path = " ".join(f"{x(c):.1f},{y(v):.1f}" for c, v in sorted(one.points))
        dash = DASHES[index % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline class="series s{index % 5}" points="{path}"{dashed}><title>{escape(one.label)}'
                     "</title></polyline>")  # fmt: skip
        for c, v in one.points:
            parts.append(f'<circle class="series-point s{index % 5}" cx="{x(c):.1f}" cy="{y(v):.1f}" r="2.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def legend(series: Sequence[Series]) -> list[tuple[str, str, str]]:
    """Each drawn series' (css class, dash pattern, label), in the chart's order."""
    drawn = [s for s in series if s.points]
    return [(f"s{i % 5}", DASHES[i % len(DASHES)], s.label) for i, s in enumerate(drawn)]
