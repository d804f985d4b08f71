"""The report's chart as inline SVG: each recommendation a point at its latency (across) and cost per
hour (up), sized by its throughput (with a size legend), the Pareto-optimal ones filled and joined by the
frontier. Axes carry round ticks; labels go where they collide with no other label, circle or edge, and when
one cannot, the points are numbered and named in a list under the chart. No script, no external file: the
page works offline and prints."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 88
CHAR_W, TEXT_H = 6.4, 12.0  # an 11 px sans-serif label's width per character and height, generously


@dataclass(frozen=True)
class Point:
    label: str
    recommendation_id: str
    latency_ms: float
    cost_per_hour: float
    invocations_per_minute: float
    pareto: bool


@dataclass(frozen=True)
class Chart:
    """The SVG, the numbered list naming the points when their labels could not all be placed, and the
    caption saying what the marks mean."""

    svg: str
    caption: str
    legend: list[str] = field(default_factory=list)


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` intervals over `span`."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round ticks from 0 to the first round value at or above `high`."""
    step = nice_step(high, count)
    top = math.ceil(high / step - 1e-9) * step if high > 0 else step
    return [round(step * i, 10) for i in range(round(top / step) + 1)]


def _tick_text(value: float, step: float, money: bool) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    if step * 10**decimals % 1 > 1e-9:
        decimals += 1  # 2.5 steps need one more place
    text = f"{value:,.{decimals}f}"
    return f"${text}" if money else text


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place(width: float, cx: float, cy: float, r: float, taken: list[Box], area: Box) -> Box | None:
    """The first of eight places around a circle where a label fits inside `area` and overlaps nothing taken."""
    gap = r + 3
    candidates = [
        (cx + gap, cy - TEXT_H / 2), (cx - gap - width, cy - TEXT_H / 2),
        (cx - width / 2, cy - gap - TEXT_H), (cx - width / 2, cy + gap),
        (cx + gap * 0.7, cy - gap * 0.7 - TEXT_H), (cx - gap * 0.7 - width, cy - gap * 0.7 - TEXT_H),
        (cx + gap * 0.7, cy + gap * 0.7), (cx - gap * 0.7 - width, cy + gap * 0.7),
    ]  # fmt: skip
    for x0, y0 in candidates:
        box = (x0, y0, x0 + width, y0 + TEXT_H)
        inside = box[0] >= area[0] and box[1] >= area[1] and box[2] <= area[2] and box[3] <= area[3]
        if inside and not any(_overlaps(box, other) for other in taken):
            return box
    return None


def place_labels(texts: list[str], circles: list[tuple[float, float, float]], area: Box) -> list[Box | None]:
    """A box per text (None where none fits), never over another label, any circle, or out of `area`."""
    taken: list[Box] = [(cx - r, cy - r, cx + r, cy + r) for cx, cy, r in circles]
    placed: list[Box | None] = []
    for text, (cx, cy, r) in zip(texts, circles, strict=True):
        box = _place(len(text) * CHAR_W, cx, cy, r, taken, area)
        if box is not None:
            taken.append(box)
        placed.append(box)
    return placed


def _axes(max_x: float, max_y: float, x_ticks: list[float], y_ticks: list[float]) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>']
    for tick in x_ticks:
        at = LEFT + tick / max_x * plot_w
        text = _tick_text(tick, x_ticks[1] - x_ticks[0], money=False)
        parts.append(f'<line class="grid" x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{TOP + plot_h}"/>')
        parts.append(f'<text class="tick" x="{at:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{text}</text>')
    for tick in y_ticks:
        at = TOP + plot_h - tick / max_y * plot_h
        text = _tick_text(tick, y_ticks[1] - y_ticks[0], money=True)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{at:.1f}" x2="{LEFT + plot_w}" y2="{at:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{text}</text>')
    parts.append(
        f'<text class="axis" x="{LEFT + plot_w / 2:.0f}" y="{TOP + plot_h + 36}" text-anchor="middle">'
        "Model latency (ms) — left is faster</text>"
    )
    parts.append(
        f'<text class="axis" transform="translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
        "Cost per hour (USD) — lower is cheaper</text>"
    )
    return parts


def radius(invocations: float, max_t: float) -> float:
    return 5 + 10 * math.sqrt(max(invocations, 0.0) / max_t)


def _size_legend(max_t: float) -> list[str]:
    """Three circles for round throughputs up to the largest, under the axis title."""
    step = nice_step(max_t, 3)
    values = sorted({v for v in (step, 2 * step, max_t) if 0 < v <= max_t})[-3:] if max_t > 0 else []
    y = HEIGHT - 22
    parts = [f'<text class="legend" x="{LEFT}" y="{y + 4}">Circle size: invocations per minute</text>']
    x = LEFT + 220.0
    for value in values:
        r = radius(value, max_t)
        parts.append(f'<circle class="point legend-mark" cx="{x + r:.1f}" cy="{y:.1f}" r="{r:.1f}"/>')
        parts.append(f'<text class="legend" x="{x + 2 * r + 4:.1f}" y="{y + 4}">{value:,.0f}</text>')
        x += 2 * r + 16 + len(f"{value:,.0f}") * CHAR_W
    return parts


def caption(points: list[Point]) -> str:
    """What the marks mean, true of these marks."""
    sized = "Each circle is a recommendation, larger for more invocations per minute."
    on = [p for p in points if p.pareto]
    if not points:
        return "No recommendation reports both latency and cost."
    if len(on) == len(points):
        frontier = " (dashed line)" if len(on) > 1 else ""
        return f"{sized} Every one is on the Pareto frontier{frontier}: none is beaten on cost, latency and throughput."
    line = " and the dashed line join them" if len(on) > 1 else ""
    return (
        f"{sized} Filled circles{line} mark the Pareto frontier: no other option is at once cheaper, faster and "
        "busier. Each hollow circle is matched or beaten on all three by some other option."
    )


def scatter(points: list[Point], title: str) -> Chart:
    """The chart (every text escaped)."""
    usable = [p for p in points if p.latency_ms >= 0 and p.cost_per_hour >= 0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x_ticks = nice_ticks(max((p.latency_ms for p in usable), default=1.0) * 1.05)
    y_ticks = nice_ticks(max((p.cost_per_hour for p in usable), default=1.0) * 1.05)
    max_x, max_y = x_ticks[-1], y_ticks[-1]
    max_t = max((p.invocations_per_minute for p in usable), default=1.0) or 1.0
    circles = [
        (
            LEFT + p.latency_ms / max_x * plot_w,
            TOP + plot_h - p.cost_per_hour / max_y * plot_h,
            radius(p.invocations_per_minute, max_t),
        )
        for p in usable
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="scatter">',
        f"<title>{escape(title)}</title>",
        *_axes(max_x, max_y, x_ticks, y_ticks),
    ]
    frontier = sorted((c for c, p in zip(circles, usable, strict=True) if p.pareto), key=lambda c: c[0])
    if len(frontier) > 1:
        parts.append(f'<polyline class="frontier" points="{" ".join(f"{c[0]:.1f},{c[1]:.1f}" for c in frontier)}"/>')
    for (cx, cy, r), point in zip(circles, usable, strict=True):
        parts.append(
            f'<circle class="{"point pareto" if point.pareto else "point other"}" cx="{cx:.1f}" cy="{cy:.1f}" '
            f'r="{r:.1f}" data-recommendation="{escape(point.recommendation_id)}">'
            f"<title>{escape(point.label)}: {point.latency_ms:,.1f} ms, ${point.cost_per_hour:,.4f}/h, "
            f"{point.invocations_per_minute:,.0f} invocations/min</title></circle>"
        )
    area: Box = (LEFT + 2, TOP + 2, WIDTH - RIGHT - 2, TOP + plot_h - 2)
    texts = [p.label for p in usable]
    boxes = place_labels(texts, circles, area)
    legend: list[str] = []
    if any(box is None for box in boxes):  # a label would collide or leave the canvas: number the points
        texts = [str(i) for i in range(1, len(usable) + 1)]
        boxes = place_labels(texts, circles, area)
        legend = [f"{p.label}: {p.latency_ms:,.1f} ms, ${p.cost_per_hour:,.4f}/h" for p in usable]
    for text, box in zip(texts, boxes, strict=True):
        if box is not None:
            parts.append(f'<text class="label" x="{box[0]:.1f}" y="{box[3] - 2:.1f}">{escape(text)}</text>')
    parts += _size_legend(max_t)
    parts.append("</svg>")
    return Chart("".join(parts), caption(usable), legend)
