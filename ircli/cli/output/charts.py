"""Bar charts in the terminal: cost, latency and throughput per candidate, for a glance rather than a read.
Labels are data (environment parameters the job was given): rich Text, escaped as table cells are, never
markup. The bars and the ellipsis are chosen when drawn: blocks on a Unicode screen, ASCII on any other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ircli.cli.output.cells import environment_label
from ircli.cli.output.console import bar_characters, plain
from ircli.lib.labels import endpoint_label
from ircli.lib.numbers import number
from ircli.lib.printable import escape_controls
from ircli.lib.units import format_latency_ms

MAX_BAR = 60

CHARTS: tuple[tuple[str, str, Callable[[float], str], str], ...] = (
    ("Cost per hour", "CostPerHour", lambda v: f"${v:,.4f}", "lower is better"),
    ("Model latency", "ModelLatency", format_latency_ms, "lower is better"),
    ("Throughput", "MaxInvocations", lambda v: f"{v:,.0f}/min", "higher is better"),
)


def bar_charts(recommendations: list[dict[str, Any]], width: int) -> Any:
    """One chart per metric; a missing or NaN value gets `n/a` and no bar."""
    return BarCharts(recommendations, width)


class BarCharts:
    """The charts as a renderable: what the screen can show is known only when it is drawn."""

    def __init__(self, recommendations: list[dict[str, Any]], width: int) -> None:
        self.recommendations = recommendations
        self.width = width

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield draw(self.recommendations, self.width, ascii_only=bool(options.ascii_only))


def labels_of(recommendations: list[dict[str, Any]]) -> list[str]:
    labels = []
    for recommendation in recommendations:
        text = endpoint_label(recommendation.get("EndpointConfiguration", {}))
        env = environment_label(recommendation.get("ModelConfiguration", {}))
        labels.append(escape_controls(text if env == "-" else f"{text} {env}"))
    return labels


def fitted(label: str, width: int, ascii_only: bool) -> str:
    """`label` cut to `width` with an ellipsis (three dots on an ASCII screen)."""
    if len(label) <= width:
        return label
    marker = "..." if ascii_only else "…"
    return label[: max(0, width - len(marker))] + marker


def draw(recommendations: list[dict[str, Any]], width: int, *, ascii_only: bool) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    labels = labels_of(recommendations)
    label_width = min(max((len(label) for label in labels), default=10), max(12, width // 3))
    full, _ = bar_characters(ascii_only)
    parts: list[Any] = []
    for title, key, formatter, direction in CHARTS:
        values = [number(r.get("Metrics", {}).get(key)) for r in recommendations]
        present = [v for v in values if v is not None]
        peak = max(present, default=0.0)
        value_texts = [formatter(v) if v is not None else "n/a" for v in values]
        value_width = max((len(t) for t in value_texts), default=3)
        bar_space = max(5, min(MAX_BAR, width - label_width - value_width - 6))
        table = Table(
            title=plain(f"{title} ({direction})", style="bold"),
            title_justify="left",
            box=None,
            show_header=False,
            pad_edge=False,
        )
        table.add_column("label", no_wrap=True, max_width=label_width, overflow="crop")
        table.add_column("bar", no_wrap=True, width=bar_space)
        table.add_column("value", justify="right", no_wrap=True)
        for label, value, value_text in zip(labels, values, value_texts, strict=True):
            length = 0 if value is None or peak <= 0 else max(1, round(value / peak * bar_space))
            table.add_row(
                plain(fitted(label, label_width, ascii_only)), Text(full * length, style="cyan"), plain(value_text)
            )
        parts.append(table)
    return Group(*parts)
