"""What the service's figures mean: the unit of every metric ircli reads or the simulator reports, in one
place. Every layer that reads a recommendation's latency goes through `model_latency_ms`.

ModelLatency (RecommendationMetrics, InferenceMetrics of EndpointPerformances, ScalingPolicyMetric) is in
**milliseconds** in today's service: the developer guide's result pages say "Units: Milliseconds", and every
recorded run in AWS's example notebooks from December 2021 on reads so (XGBoost on ml.c5.xlarge: 53; a load
test with a P95 threshold of 100 ms: 100). The load-test guide's October 2021 example (ModelLatency 100000 for
that 100 ms threshold) and the developer guide's first Default example (263596) were microseconds, from before
the service changed. ModelSetupTime stays microseconds, and so do CloudWatch's own ModelLatency and
OverheadLatency metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ircli.lib.numbers import number

MODEL_LATENCY_UNIT = "Milliseconds"
MODEL_SETUP_TIME_UNIT = "Microseconds"


def model_latency_ms(metrics: Mapping[str, Any]) -> float | None:
    """A recommendation's (or an endpoint performance's) ModelLatency in milliseconds, or None where the
    service did not report a number."""
    return number(metrics.get("ModelLatency"))


def reported_model_latency(latency_ms: float) -> int:
    """A latency as the service reports it: a whole number of milliseconds (the API's type is an integer),
    never 0 for a model that answers at all."""
    return max(1, round(latency_ms))


def format_latency_ms(latency_ms: float) -> str:
    """`53 ms`-style text: whole milliseconds as the service reports them, a decimal only where one is known."""
    return f"{latency_ms:,.0f} ms" if float(latency_ms).is_integer() else f"{latency_ms:,.1f} ms"
