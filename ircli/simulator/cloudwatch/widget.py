"""GetMetricWidgetImage: the MetricWidget JSON (metrics, start, end, period, stat, title, width, height) drawn
as a PNG line chart, one line per metric, with matplotlib's Agg backend. matplotlib is an optional extra
(`pip install 'ircli[charts]'`), imported only here; without it the answer says so.

A metrics row is `[Namespace, MetricName, DimName, DimValue, ..., {options}]`, where "." repeats the
previous row's value at that place; options may set stat, period and label. start and end are ISO 8601
times or durations relative to now (`-PT3H`, `-P1D`; end defaults to now, start to three hours before).
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ircli.simulator.cloudwatch.samples import is_statistic, statistic
from ircli.simulator.cloudwatch.windows import buckets, check_period
from ircli.simulator.common import epoch
from ircli.simulator.exceptions import InvalidParameterValue, SimulatorError

if TYPE_CHECKING:
    from ircli.simulator.cloudwatch.metrics import Metrics

DURATION = re.compile(r"^-?P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$")


class ChartsUnavailable(SimulatorError):
    code = "InternalServiceError"
    status = 500


def draw(metrics: Metrics, text: str, output_format: str) -> bytes:
    if output_format.lower() != "png":
        raise InvalidParameterValue(f"The output format {output_format} is not supported; the simulator draws png.")
    try:
        widget = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise InvalidParameterValue("The parameter MetricWidget must be a valid JSON document.") from None
    if not isinstance(widget, dict) or not isinstance(widget.get("metrics", []), list):
        raise InvalidParameterValue("The parameter MetricWidget must be a JSON object with a list of metrics.")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise ChartsUnavailable(
            "GetMetricWidgetImage needs matplotlib in the simulator's environment: pip install 'ircli[charts]'."
        ) from None
    now = metrics.clock()
    end = moment(widget.get("end"), now, now)
    start = moment(widget.get("start"), now, now - 3 * 3600)
    lines = [_line(metrics, row, widget, start, end) for row in _rows(widget.get("metrics", []))]
    width, height = _size(widget.get("width"), 600), _size(widget.get("height"), 395)
    figure = pyplot.figure(figsize=(width / 100, height / 100), dpi=100)
    try:
        axes = figure.add_subplot(1, 1, 1)
        for label, points in lines:
            stamps = sorted(points)
            moments: Any = [datetime.fromtimestamp(t, timezone.utc) for t in stamps]  # matplotlib plots datetimes
            axes.plot(moments, [points[t] for t in stamps], label=label)
        if widget.get("title"):
            axes.set_title(str(widget["title"]))
        if lines:
            axes.legend(loc="upper left", fontsize="small")
        figure.autofmt_xdate()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        pyplot.close(figure)
    return buffer.getvalue()


def moment(value: Any, now: float, default: float) -> float:
    if value is None or value == "":
        return default
    text = str(value)
    match = DURATION.match(text)
    if match and any(match.groupdict().values()):
        parts = {k: int(v or 0) for k, v in match.groupdict().items()}
        seconds = parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
        return now - seconds  # the console's relative times count back from now
    try:  # the widget's own JSON document spells its times as ISO-8601 text, which is its content, not the wire's
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidParameterValue(f"The time {text} in MetricWidget is not ISO 8601.") from None
    return epoch(parsed)


def _size(value: Any, default: int) -> int:
    return max(50, min(2000, int(value))) if isinstance(value, (int, float)) else default


def _rows(rows: list[Any]) -> list[list[Any]]:
    """The metrics rows with every "." replaced by the previous row's value at its place."""
    expanded: list[list[Any]] = []
    for row in rows:
        if not isinstance(row, list):
            raise InvalidParameterValue("Each entry of MetricWidget's metrics must be a list.")
        previous = expanded[-1] if expanded else []
        expanded.append([previous[i] if item == "." and i < len(previous) else item for i, item in enumerate(row)])
    return expanded


def _line(
    metrics: Metrics, row: list[Any], widget: dict[str, Any], start: float, end: float
) -> tuple[str, dict[float, float]]:
    options = row[-1] if row and isinstance(row[-1], dict) else {}
    names = [str(item) for item in (row[:-1] if options else row)]
    if len(names) < 2 or len(names) % 2:
        raise InvalidParameterValue("A MetricWidget metrics row is [Namespace, MetricName, Name, Value, ...].")
    dimensions = [{"Name": names[i], "Value": names[i + 1]} for i in range(2, len(names), 2)]
    name = str(options.get("stat", widget.get("stat", "Average")))
    period = int(options.get("period", widget.get("period", 300)))
    check_period(period)
    if not is_statistic(name):
        raise InvalidParameterValue(f"The stat {name} in MetricWidget is not supported.")
    series = metrics.find(names[0], names[1], dimensions)
    points = {}
    if series is not None:
        points = {at: statistic(samples, name) for at, samples in buckets(series.samples, start, end, period).items()}
    return str(options.get("label", names[1])), points
