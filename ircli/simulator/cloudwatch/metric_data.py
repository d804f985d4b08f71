"""GetMetricData: metric queries (MetricStat) and the simple math expressions the console writes over them
(`+ - * /`, parentheses, numbers, query ids, arrays `[m1, m2]`, SUM / AVG / MIN / MAX of series or arrays,
and METRICS() for every metric query of the request, or those whose label holds its text), each answered
as a labelled time series; pages of at most MaxDatapoints values, newest first unless ScanBy says
TimestampAscending, a result that continues on the next page marked PartialData.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ircli.simulator.cloudwatch.samples import is_statistic, statistic
from ircli.simulator.cloudwatch.windows import buckets, check_period, window
from ircli.simulator.common import decode_offset_token, encode_offset_token, short_hash, to_datetime
from ircli.simulator.exceptions import SimulatorError, ValidationException

if TYPE_CHECKING:
    from ircli.simulator.cloudwatch.metrics import Metrics

MAX_DATAPOINTS = 100_800
Points = dict[float, float]  # a time series: period start -> value
TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/(),\[\]])|(?P<text>\"[^\"]*\"))"
)


class InvalidNextToken(SimulatorError):
    code = "InvalidNextToken"


def answer(metrics: Metrics, request: dict[str, Any]) -> dict[str, Any]:
    start, end = window(request)
    queries = request["MetricDataQueries"]
    computed: dict[str, list[tuple[str, Points]]] = {}
    for query in queries:  # metric queries first: expressions may name any of them
        if "MetricStat" in query:
            points = stat(metrics, query["MetricStat"], start, end)  # refuses a bad statistic or period first
            # The botocore model leaves MetricName optional; a metric without one has no series and its Id labels it.
            label = query.get("Label") or query["MetricStat"]["Metric"].get("MetricName") or query["Id"]
            computed[query["Id"]] = [(label, points)]
    for query in queries:
        if "Expression" in query:
            metric_ids = [q["Id"] for q in queries if "MetricStat" in q]
            value = Expression(query["Expression"], computed, metric_ids).parse()
            label = query.get("Label") or query["Id"]
            computed[query["Id"]] = value if isinstance(value, list) else [(label, value)]
            if isinstance(value, list) and len(value) == 1:
                computed[query["Id"]] = [(query.get("Label") or value[0][0], value[0][1])]
    results = [
        (query["Id"], label, points)
        for query in queries
        if query.get("ReturnData", True)
        for label, points in computed.get(query["Id"], [])
    ]
    return _page(results, request)


def stat(metrics: Metrics, metric_stat: dict[str, Any], start: float, end: float) -> Points:
    period, name = int(metric_stat["Period"]), metric_stat["Stat"]
    check_period(period, "MetricStat.Period")
    if not is_statistic(name):
        raise ValidationException(f"The value {name} for parameter MetricDataQueries.member.Stat is not supported.")
    metric = metric_stat["Metric"]
    series = metrics.find(metric.get("Namespace", ""), metric.get("MetricName", ""), metric.get("Dimensions"))
    if series is None or metric_stat.get("Unit") not in (None, series.unit):
        return {}
    return {at: float(statistic(samples, name)) for at, samples in buckets(series.samples, start, end, period).items()}


def _page(results: list[tuple[str, str, Points]], request: dict[str, Any]) -> dict[str, Any]:
    limit = int(request.get("MaxDatapoints") or MAX_DATAPOINTS)
    descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
    context = short_hash(json.dumps({k: v for k, v in request.items() if k != "NextToken"}, default=str), length=12)
    try:
        offset = decode_offset_token(request["NextToken"], context) if request.get("NextToken") else 0
    except SimulatorError:
        raise InvalidNextToken("The service cannot process the NextToken given.") from None
    flat = [(index, at) for index, (_, _, points) in enumerate(results) for at in sorted(points, reverse=descending)]
    page = flat[offset : offset + limit]
    answered: list[dict[str, Any]] = []
    for index, (query_id, label, points) in enumerate(results):
        stamps = [at for i, at in page if i == index]
        left = any(i == index for i, _ in flat[offset + limit :])
        answered.append(
            {
                "Id": query_id,
                "Label": label,
                "Timestamps": [to_datetime(at) for at in stamps],
                "Values": [points[at] for at in stamps],
                "StatusCode": "PartialData" if left else "Complete",
            }
        )
    response: dict[str, Any] = {"MetricDataResults": answered, "Messages": []}
    if offset + limit < len(flat):
        response["NextToken"] = encode_offset_token(offset + limit, context)
    return response


class Expression:
    """A recursive-descent reading of one math expression over the computed queries."""

    def __init__(self, text: str, computed: dict[str, list[tuple[str, Points]]], metric_ids: list[str]) -> None:
        self.text, self.computed, self.metric_ids = text, computed, metric_ids
        self.tokens = self._tokens(text)
        self.position = 0

    def _tokens(self, text: str) -> list[str]:
        tokens, index = [], 0
        while index < len(text):
            match = TOKEN.match(text, index)
            if match is None or match.end() == index:
                if text[index:].strip() == "":
                    break
                raise ValidationException(f"Error in expression '{self.text}': unexpected character at {index + 1}.")
            tokens.append(match.group().strip())
            index = match.end()
        return [t for t in tokens if t]

    def parse(self) -> Any:
        try:
            value = self._sum()
        except RecursionError:  # parentheses nested deeper than any expression the console writes
            raise ValidationException(f"Error in expression '{self.text[:80]}': nested too deeply.") from None
        if self.position != len(self.tokens):
            raise ValidationException(f"Error in expression '{self.text}': unexpected '{self.tokens[self.position]}'.")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> str:
        token = self._peek()
        if token is None or (expected is not None and token != expected):
            raise ValidationException(f"Error in expression '{self.text}': expected {expected or 'a value'}.")
        self.position += 1
        return token

    def _sum(self) -> Any:
        value = self._product()
        while self._peek() in ("+", "-"):
            operator = self._take()
            value = combine(value, self._product(), operator)
        return value

    def _product(self) -> Any:
        value = self._operand()
        while self._peek() in ("*", "/"):
            operator = self._take()
            value = combine(value, self._operand(), operator)
        return value

    def _operand(self) -> Any:
        token = self._take()
        if token == "(":
            value = self._sum()
            self._take(")")
            return value
        if token == "-":
            return combine(0.0, self._operand(), "-")
        if token == "[":  # an array of series: [m1, m2]
            items: list[tuple[str, Points]] = []
            while self._peek() != "]":
                value = self._sum()
                items += value if isinstance(value, list) else [("", value)] if isinstance(value, dict) else []
                if self._peek() == ",":
                    self._take(",")
            self._take("]")
            return items
        if re.fullmatch(r"\d+(\.\d+)?", token):
            return float(token)
        if self._peek() == "(":
            return self._function(token.upper())
        if token not in self.computed:
            raise ValidationException(f"Error in expression '{self.text}': Unrecognized id '{token}'.")
        found = self.computed[token]
        return found[0][1] if len(found) == 1 else found

    def _function(self, name: str) -> Any:
        self._take("(")
        arguments: list[Any] = []
        while self._peek() != ")":
            token = self._peek()
            if token is not None and token.startswith('"'):
                arguments.append(self._take().strip('"'))
            else:
                arguments.append(self._sum())
            if self._peek() == ",":
                self._take(",")
        self._take(")")
        if name == "METRICS":
            needle = str(arguments[0]) if arguments else ""
            return [item for i in self.metric_ids for item in self.computed.get(i, []) if needle in item[0]]
        if name in ("SUM", "AVG", "MIN", "MAX"):
            return aggregate(name, arguments)
        raise ValidationException(f"Error in expression '{self.text}': Unknown function '{name}'.")


def _series_of(value: Any) -> list[Points]:
    if isinstance(value, list):
        return [points for item in value for points in _series_of(item[1] if isinstance(item, tuple) else item)]
    return [value] if isinstance(value, dict) else []


def aggregate(name: str, arguments: list[Any]) -> Points:
    """SUM / AVG / MIN / MAX across series, at each timestamp any of them holds."""
    every = [points for argument in arguments for points in _series_of(argument)]
    stamps = sorted({at for points in every for at in points})
    result: Points = {}
    for at in stamps:
        values = [points[at] for points in every if at in points]
        if name == "SUM":
            result[at] = sum(values)
        elif name == "AVG":
            result[at] = sum(values) / len(values)
        else:
            result[at] = min(values) if name == "MIN" else max(values)
    return result


def combine(left: Any, right: Any, operator: str) -> Any:
    """Arithmetic on numbers and series: a number applies at every timestamp; two series where both hold a
    value; a division by zero gives no value there."""
    if isinstance(left, list) or isinstance(right, list):
        raise ValidationException("Arithmetic on an array of series needs SUM, AVG, MIN or MAX first.")
    if isinstance(left, float) and isinstance(right, float):
        return _apply(left, right, operator) if _apply(left, right, operator) is not None else 0.0
    stamps = sorted(set(left if isinstance(left, dict) else ()) | set(right if isinstance(right, dict) else ()))
    result: Points = {}
    for at in stamps:
        a = left.get(at) if isinstance(left, dict) else left
        b = right.get(at) if isinstance(right, dict) else right
        if a is None or b is None:
            continue
        value = _apply(a, b, operator)
        if value is not None:
            result[at] = value
    return result


def _apply(a: float, b: float, operator: str) -> float | None:
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    return a / b if b != 0 else None
