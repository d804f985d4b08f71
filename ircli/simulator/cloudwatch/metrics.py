"""CloudWatch's metrics API over the simulated benchmarks and endpoints: GetMetricStatistics, ListMetrics,
GetMetricData (`metric_data`) and GetMetricWidgetImage (`widget`), and the count of each InvokeEndpoint.

As CloudWatch answers: a metric is named by its namespace, name and exact set of dimensions; one that
holds no data (or whose unit is not the Unit asked for) answers no datapoints, never an error; a period
is 1, 5, 10, 30 or a multiple of 60 seconds; GetMetricStatistics answers at most 1,440 datapoints.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ircli.operations import Service
from ircli.simulator.cloudwatch import counters, sources
from ircli.simulator.cloudwatch.samples import is_statistic, statistic
from ircli.simulator.cloudwatch.sources import Series
from ircli.simulator.cloudwatch.windows import buckets, check_period, dimension_key, window
from ircli.simulator.common import decode_offset_token, encode_offset_token, short_hash, to_datetime
from ircli.simulator.exceptions import (
    InvalidParameterCombination,
    InvalidParameterValue,
    MissingParameter,
    ModelError,
)
from ircli.simulator.resource import Resource, handles

MAX_STATISTICS_DATAPOINTS = 1440
LIST_PAGE = 500  # ListMetrics answers up to 500 metrics a page


@dataclass
class Invocation:
    """The variant an invocation reached, once the runtime knows it."""

    variant: str | None = None


class Metrics(Resource):
    # -- where the series come from ------------------------------------------------------------------------

    def series(
        self, dimensions: list[dict[str, Any]] | None = None, wanted: set[tuple[str, str]] | None = None
    ) -> list[Series]:
        """Every series whose dimensions could match the filter (the jobs and endpoints it names, or all),
        of the (namespace, metric) pairs `wanted` (or all)."""
        named = {d["Name"]: d.get("Value") for d in dimensions or []}
        db = self.store.read()
        if named.get("JobName"):
            rows = db.execute("SELECT * FROM jobs WHERE name = ?", (named["JobName"],)).fetchall()
        elif named.get("EndpointName"):
            rows = db.execute(
                "SELECT * FROM jobs WHERE instr(plan, ?) > 0", (json.dumps(named["EndpointName"]),)
            ).fetchall()
        else:
            rows = db.execute("SELECT * FROM jobs ORDER BY created, name").fetchall()
        now = self.clock()
        found = [series for row in rows for series in sources.benchmark_series(row, now, wanted)]
        return found + sources.endpoint_series(counters.counted(self.store, named.get("EndpointName")))

    def find(self, namespace: str, metric: str, dimensions: list[dict[str, Any]] | None) -> Series | None:
        """The metric, joined from every source that holds it (`sources.merged`), or None."""
        key = dimension_key(dimensions)
        found = [
            series
            for series in self.series(dimensions, {(namespace, metric)})
            if (series.namespace, series.metric, series.dimensions) == (namespace, metric, key)
        ]
        return sources.merged(found) if found else None

    # -- the operations --------------------------------------------------------------------------------------

    @handles(Service.CLOUDWATCH, "GetMetricStatistics")
    def get_metric_statistics(self, request: dict[str, Any]) -> dict[str, Any]:
        statistics, extended = request.get("Statistics") or [], request.get("ExtendedStatistics") or []
        if not statistics and not extended:
            raise MissingParameter("The parameter Statistics or ExtendedStatistics must be specified.")
        for name in extended:
            if not is_statistic(name) or not name.startswith("p"):
                raise InvalidParameterValue(f"The value {name} for parameter ExtendedStatistics is not supported.")
        period = int(request["Period"])
        check_period(period)
        start, end = window(request)
        requested = math.ceil((end - start) / period)
        if requested > MAX_STATISTICS_DATAPOINTS:
            raise InvalidParameterCombination(
                f"You have requested up to {requested} datapoints, which exceeds the limit of "
                f"{MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, "
                "or decreasing the time range."
            )
        series = self.find(request["Namespace"], request["MetricName"], request.get("Dimensions"))
        points: list[dict[str, Any]] = []
        if series is not None and request.get("Unit") in (None, series.unit):
            for at, samples in buckets(series.samples, start, end, period).items():
                point: dict[str, Any] = {"Timestamp": to_datetime(at)}
                point.update({name: float(statistic(samples, name)) for name in statistics})
                if extended:
                    point["ExtendedStatistics"] = {name: float(statistic(samples, name)) for name in extended}
                point["Unit"] = series.unit
                points.append(point)
        return {"Label": request["MetricName"], "Datapoints": points}

    @handles(Service.CLOUDWATCH, "ListMetrics")
    def list_metrics(self, request: dict[str, Any]) -> dict[str, Any]:
        wanted = request.get("Dimensions") or []
        listed: dict[tuple[str, str, tuple[tuple[str, str], ...]], Series] = {}
        # RecentlyActive (its one value, PT3H): only metrics with a datapoint in the last three hours.
        since = self.clock() - 3 * 3600 if request.get("RecentlyActive") == "PT3H" else None
        for series in self.series(wanted):
            if request.get("Namespace") not in (None, series.namespace):
                continue
            if since is not None and not any(sample.timestamp >= since for sample in series.samples):
                continue
            if request.get("MetricName") not in (None, series.metric):
                continue
            held = dict(series.dimensions)
            if all(d["Name"] in held and d.get("Value") in (None, held[d["Name"]]) for d in wanted):
                listed.setdefault((series.namespace, series.metric, series.dimensions), series)
        ordered = [listed[key] for key in sorted(listed)]
        context = short_hash({k: v for k, v in request.items() if k != "NextToken"}, length=12)
        offset = decode_offset_token(request["NextToken"], context) if request.get("NextToken") else 0
        page = ordered[offset : offset + LIST_PAGE]
        response: dict[str, Any] = {
            "Metrics": [
                {"Namespace": s.namespace, "MetricName": s.metric, "Dimensions": s.dimension_list()} for s in page
            ]
        }
        if offset + LIST_PAGE < len(ordered):
            response["NextToken"] = encode_offset_token(offset + LIST_PAGE, context)
        return response

    @handles(Service.CLOUDWATCH, "GetMetricData")
    def get_metric_data(self, request: dict[str, Any]) -> dict[str, Any]:
        from ircli.simulator.cloudwatch.metric_data import answer

        return answer(self, request)

    @handles(Service.CLOUDWATCH, "GetMetricWidgetImage")
    def get_metric_widget_image(self, request: dict[str, Any]) -> dict[str, Any]:
        from ircli.simulator.cloudwatch.widget import draw

        return {"MetricWidgetImage": draw(self, request["MetricWidget"], request.get("OutputFormat", "png"))}

    # -- SageMaker Runtime's count ---------------------------------------------------------------------------

    @contextmanager
    def counting(self, request: dict[str, Any]) -> Iterator[Invocation]:
        """Count the InvokeEndpoint the block answers, or the model error it ends in (a request refused
        before it reached a variant is not counted)."""
        invocation = Invocation()
        try:
            yield invocation
        except ModelError:
            self._count(request, invocation, "model-4xx")
            raise
        self._count(request, invocation, "ok")

    def _count(self, request: dict[str, Any], invocation: Invocation, outcome: str) -> None:
        name = request["EndpointName"]
        row = self.sim.endpoints.endpoint_row(name)
        if row is None:
            return
        endpoint = self.sim.endpoints.materialized_endpoint(name, row)
        variants = [v for v in endpoint["variants"] if not v.get("shadow")]
        chosen = invocation.variant or request.get("TargetVariant")
        variant = next((v for v in variants if v["VariantName"] == chosen), variants[0] if variants else None)
        if variant is not None:
            counters.record(self.store, endpoint["EndpointName"], variant, self.sim.clock(), outcome)
