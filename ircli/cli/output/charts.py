"""Bar charts in the terminal: cost, latency and throughput per candidate, for a glance rather than a read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ircli.cli.output.cells import environment_label
from ircli.lib.labels import endpoint_label
from ircli.lib.numbers import number
from ircli.lib.units import format_latency_ms

MAX_BAR = 60

CHARTS: tuple[tuple[str, str, Callable[[float], str], str], ...] = (
    ("Cost per hour", "CostPerHour", lambda v: f"${v:,.4f}", "lower is better"),
    ("Model latency", "ModelLatency", format_latency_ms, "lower is better"),
    ("Throughput", "MaxInvocations", lambda v: f"{v:,.0f}/min", "higher is better"),
)


def bar_charts(recommendations: list[dict[str, Any]], width: int) -> Any:
    """One chart per metric; a missing or NaN value gets `n/a` and no bar."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    labels = []
    for recommendation in recommendations:
        text = endpoint_label(recommendation.get("EndpointConfiguration", {}))
        env = environment_label(recommendation.get("ModelConfiguration", {}))
        labels.append(text if env == "-" else f"{text} {env}")
    label_width = min(max((len(label) for label in labels), default=10), max(12, width // 3))
    parts: list[Any] = []
    for title, key, formatter, direction in CHARTS:
        values = [number(r.get("Metrics", {}).get(key)) for r in recommendations]
        present = [v for v in values if v is not None]
        peak = max(present, default=0.0)
        value_texts = [formatter(v) if v is not None else "n/a" for v in values]
        value_width = max((len(t) for t in value_texts), default=3)
        bar_space = max(5, min(MAX_BAR, width - label_width - value_width - 6))
        table = Table(
            title=f"{title} ({direction})",
            title_justify="left",
            title_style="bold",
            box=None,
            show_header=False,
            pad_edge=False,
        )
        table.add_column("label", no_wrap=True, max_width=label_width, overflow="ellipsis")
        table.add_column("bar", no_wrap=True, width=bar_space)
        table.add_column("value", justify="right", no_wrap=True)
        for label, value, value_text in zip(labels, values, value_texts, strict=True):
            length = 0 if value is None or peak <= 0 else max(1, round(value / peak * bar_space))
            table.add_row(label, Text("█" * length, style="cyan"), value_text)
        parts.append(table)
    return Group(*parts)
