"""Reading GetMetricData in full: queries sent at most 500 a request (the API's limit), each request followed
through its NextToken pages, and every query's timestamps, values and status gathered by its Id. `ircli
metrics` (`lib.metrics`) and the report's load curves (`lib.load_curves`) read CloudWatch through it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

GET_METRIC_DATA = "GetMetricData"
MAX_QUERIES = 500  # GetMetricData's limit per request


class Caller(Protocol):
    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]: ...


def metric_data(service: Caller, queries: Sequence[dict[str, Any]], start: str, end: str) -> dict[str, dict[str, Any]]:
    """Query Id -> {"Timestamps", "Values", "StatusCode"} over [start, end), oldest first, every page read."""
    results: dict[str, dict[str, Any]] = {}
    for first in range(0, len(queries), MAX_QUERIES):
        request: dict[str, Any] = {
            "MetricDataQueries": list(queries[first : first + MAX_QUERIES]),
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        while True:
            page = service.call(GET_METRIC_DATA, request)
            for item in page.get("MetricDataResults") or []:
                kept = results.setdefault(str(item.get("Id")), {"Timestamps": [], "Values": [], "StatusCode": ""})
                kept["Timestamps"] += item.get("Timestamps") or []
                kept["Values"] += item.get("Values") or []
                kept["StatusCode"] = item.get("StatusCode", "Complete")
            token = page.get("NextToken")
            if not token:
                break
            request = {**request, "NextToken": token}
    return results
