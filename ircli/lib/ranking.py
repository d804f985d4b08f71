"""Ranking recommendations as the SageMaker console does: cost, latency and throughput, each at one of
five importance levels, plus hard limits, Pareto marking and a named top pick.

A pure function of its inputs. Metrics: cost is CostPerHour (what the endpoint costs to run; given a price
quote for the job's region, `lib.prices`, its instance type's price there times its instance count, the
figure cost-estimate prices with), latency is ModelLatency, throughput is MaxInvocations. Each is scaled
across the eligible candidates so that the best is 1 and the worst 0; the score is the importance-weighted
mean. A missing or NaN metric scores 0 on
its objective and counts as the worst value for Pareto, so it never wins by accident; a hard limit on a
missing metric excludes the candidate. Ties keep the API's order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError
from ircli.lib.labels import recommendation_label
from ircli.lib.numbers import number
from ircli.lib.units import format_latency_ms, model_latency_ms

if TYPE_CHECKING:
    from ircli.lib.prices import PriceQuote


class Importance(str, Enum):
    LOWEST = "lowest"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    HIGHEST = "highest"


IMPORTANCE_WEIGHTS: dict[Importance, float] = {
    Importance.LOWEST: 0.25,
    Importance.LOW: 0.5,
    Importance.MODERATE: 1.0,
    Importance.HIGH: 2.0,
    Importance.HIGHEST: 4.0,
}


class Objective(str, Enum):
    COST = "cost"
    LATENCY = "latency"
    THROUGHPUT = "throughput"


# Iterating an Enum is slow; ranking iterates the objectives for every recommendation.
OBJECTIVES = tuple(Objective)
# Which way is better, and the metric behind each objective.
LOWER_IS_BETTER: dict[Objective, bool] = {Objective.COST: True, Objective.LATENCY: True, Objective.THROUGHPUT: False}
METRIC: dict[Objective, str] = {
    Objective.COST: "CostPerHour",
    Objective.LATENCY: "ModelLatency",
    Objective.THROUGHPUT: "MaxInvocations",
}


@dataclass(frozen=True)
class Weights:
    cost: Importance = Importance.MODERATE
    latency: Importance = Importance.MODERATE
    throughput: Importance = Importance.MODERATE

    def of(self, objective: Objective) -> float:
        importance = {
            Objective.COST: self.cost,
            Objective.LATENCY: self.latency,
            Objective.THROUGHPUT: self.throughput,
        }[objective]
        return IMPORTANCE_WEIGHTS[importance]

    @classmethod
    def parse(cls, text: str | None) -> Weights:
        """`cost=high,latency=moderate,throughput=low`; objectives not named stay moderate."""
        if not text:
            return cls()
        values: dict[str, Importance] = {}
        for part in text.split(","):
            name, sep, level = part.partition("=")
            name, level = name.strip().lower(), level.strip().lower()
            try:
                objective = Objective(name)
                importance = Importance(level)
            except ValueError:
                objectives = ", ".join(o.value for o in Objective)
                levels = ", ".join(i.value for i in Importance)
                raise InputError(
                    f"Bad value for --rank-by: {part.strip()!r}. Use OBJECTIVE=LEVEL pairs with objectives "
                    f"{objectives} and levels {levels}, e.g. cost=high,latency=moderate."
                ) from None
            if not sep or objective.value in values:
                raise InputError(f"Bad value for --rank-by: {text!r}; name each objective once, as OBJECTIVE=LEVEL.")
            values[objective.value] = importance
        return cls(**values)


@dataclass(frozen=True)
class Limits:
    max_latency_ms: float | None = None
    max_cost_per_hour: float | None = None
    min_invocations: float | None = None

    def violation(self, metrics: dict[str, Any], cost_per_hour: float | None = None) -> str | None:
        """Why a recommendation's metrics break the limits (`cost_per_hour`: its priced cost, when the
        ranking is priced), else None."""
        latency = model_latency_ms(metrics)
        cost = number(metrics.get("CostPerHour")) if cost_per_hour is None else cost_per_hour
        invocations = number(metrics.get("MaxInvocations"))
        if self.max_latency_ms is not None:
            if latency is None:
                return "latency not reported"
            if latency > self.max_latency_ms:
                return f"latency {format_latency_ms(latency)} > {self.max_latency_ms:g} ms"
        if self.max_cost_per_hour is not None:
            if cost is None:
                return "cost not reported"
            if cost > self.max_cost_per_hour:
                return f"cost ${cost:,.4f}/h > ${self.max_cost_per_hour:g}/h"
        if self.min_invocations is not None:
            if invocations is None:
                return "invocations not reported"
            if invocations < self.min_invocations:
                return f"{invocations:,.0f} invocations/min < {self.min_invocations:,.0f}"
        return None


@dataclass
class Ranked:
    rank: int
    score: float
    pareto: bool
    recommendation: dict[str, Any]
    scaled: dict[Objective, float] = field(default_factory=dict)
    cost_per_hour: float | None = None  # the cost it was ranked by
    price_source: str | None = None  # where that cost comes from, when the ranking was priced by a quote

    def priced(self) -> dict[str, Any]:
        """The recommendation with the cost it was ranked by in its Metrics (CostPerHour, and the CostPerInference
        that follows at its MaxInvocations), for tables and charts; the API's own when that cost is the job's."""
        from ircli.lib.prices import JOB_COST

        if self.price_source is None or self.price_source == JOB_COST:
            return self.recommendation
        metrics = dict(self.recommendation.get("Metrics") or {})
        invocations = number(metrics.get("MaxInvocations"))
        metrics["CostPerHour"] = self.cost_per_hour
        if self.cost_per_hour is not None and invocations:
            metrics["CostPerInference"] = self.cost_per_hour / (invocations * 60)
        return {**self.recommendation, "Metrics": metrics}


@dataclass
class Ranking:
    ranked: list[Ranked]
    excluded: list[tuple[dict[str, Any], str]]
    weights: Weights
    top_pick_reason: str = ""
    prices: PriceQuote | None = None  # the quote costs were priced at (None: each job's CostPerHour)

    def price_sources(self) -> list[str]:
        """`Price source: ...` lines naming what each source priced; none for an unpriced ranking."""
        from ircli.lib.prices import source_lines

        if self.prices is None:
            return []
        # Named as cost-estimate names them: the instance type, or "serverless".
        priced = [
            (str(item.price_source), recommendation_label(item.recommendation).split(" ")[0]) for item in self.ranked
        ]
        return source_lines(priced)

    @property
    def top_pick(self) -> Ranked | None:
        return self.ranked[0] if self.ranked else None


def metric_value(recommendation: dict[str, Any], objective: Objective) -> float | None:
    return number(recommendation.get("Metrics", {}).get(METRIC[objective]))


def _scaled(values: list[float | None], lower_is_better: bool) -> list[float]:
    present = [v for v in values if v is not None]
    if not present:
        return [0.0 for _ in values]
    low, high = min(present), max(present)
    result = []
    for value in values:
        if value is None:
            result.append(0.0)
        elif high == low:
            result.append(1.0)
        else:
            fraction = (value - low) / (high - low)
            result.append(1.0 - fraction if lower_is_better else fraction)
    return result


def _comparable(value: float | None, objective: Objective) -> float:
    """The value with 'smaller is better' and missing as the worst, for dominance checks."""
    if value is None:
        return math.inf
    return value if LOWER_IS_BETTER[objective] else -value


def pareto_flags(candidates: list[dict[str, Any]]) -> list[bool]:
    columns = {o: [metric_value(c, o) for c in candidates] for o in Objective}
    return _pareto(columns)


def _pareto(columns: dict[Objective, list[float | None]]) -> list[bool]:
    """Which candidates no other candidate dominates (as good on every objective, better on one).

    O(n log n), so that a job with a hundred thousand recommendations ranks at once. In lexicographic
    order whatever dominates a point comes before it, so one sweep asks, for each group of equal points,
    whether an earlier point is as good on the second and third objectives: a Fenwick tree holds the best
    third objective seen for each prefix of second-objective values. Only undominated points enter it
    (what a dominated point would dominate, its dominator dominates too)."""
    cost, latency, throughput = ([_comparable(value, o) for value in columns[o]] for o in OBJECTIVES)
    points = list(zip(cost, latency, throughput, strict=True))
    order = sorted(range(len(points)), key=points.__getitem__)
    # Values as ranks: a missing metric is infinite, and "nothing seen yet" must stay above it.
    slot = {value: position + 1 for position, value in enumerate(sorted(set(latency)))}
    third_rank = {value: position for position, value in enumerate(sorted(set(throughput)))}
    nothing = len(third_rank)
    tree = [nothing] * (len(slot) + 1)
    flags = [False] * len(points)
    start, count = 0, len(order)
    while start < count:
        point = points[order[start]]
        end = start + 1
        while end < count and points[order[end]] == point:
            end += 1  # equal points do not dominate each other: ask for the group before adding it
        third = third_rank[point[2]]
        position = slot[point[1]]
        while position > 0 and tree[position] > third:
            position -= position & -position
        if position == 0:
            for index in order[start:end]:
                flags[index] = True
            position = slot[point[1]]
            # A node's parent covers a wider range: once one holds as good a value, all above it do.
            while position < len(tree) and tree[position] > third:
                tree[position] = third
                position += position & -position
        start = end
    return flags


def _priced(
    recommendations: list[dict[str, Any]], prices: PriceQuote | None
) -> tuple[list[float | None], list[str]] | None:
    """Each recommendation's $/hour at `prices` and its source, or None to read the jobs' CostPerHour."""
    if prices is None:
        return None
    from ircli.lib.prices import hourly_cost

    found = [hourly_cost(r, prices) for r in recommendations]
    return [cost for cost, _ in found], [source for _, source in found]


def rank(
    recommendations: list[dict[str, Any]],
    weights: Weights | None = None,
    limits: Limits | None = None,
    top: int | None = None,
    prices: PriceQuote | None = None,
) -> Ranking:
    """`prices`: the job's region's quote (`lib.prices`), to rank and limit by the cost there."""
    weights = weights or Weights()
    limits = limits or Limits()
    priced = _priced(recommendations, prices)
    eligible: list[dict[str, Any]] = []
    excluded: list[tuple[dict[str, Any], str]] = []
    kept: list[int] = []  # the eligible ones' positions, for their priced costs (a priced ranking only)
    # Without limits nothing is excluded: reading every metric to learn that would cost a third of the time.
    unlimited = limits == Limits()
    if unlimited:
        eligible = list(recommendations)
        kept = list(range(len(recommendations))) if priced is not None else []
    for position, recommendation in enumerate(() if unlimited else recommendations):
        priced_cost = priced[0][position] if priced is not None else None
        reason = limits.violation(recommendation.get("Metrics", {}), priced_cost)
        if reason:
            excluded.append((recommendation, reason))
        else:
            eligible.append(recommendation)
            kept.append(position)
    # Each metric read once, and few objects made per recommendation: a job may have a hundred thousand.
    columns = {objective: [metric_value(r, objective) for r in eligible] for objective in OBJECTIVES}
    if priced is not None:
        columns[Objective.COST] = [priced[0][position] for position in kept]
    scaled = [_scaled(columns[objective], LOWER_IS_BETTER[objective]) for objective in OBJECTIVES]
    cost_weight, latency_weight, throughput_weight = (weights.of(o) for o in OBJECTIVES)
    total_weight = cost_weight + latency_weight + throughput_weight
    scores = [
        round((cost_weight * c + latency_weight * lat + throughput_weight * t) / total_weight, 6)
        for c, lat, t in zip(*scaled, strict=True)
    ]
    flags = _pareto(columns)
    order = sorted(range(len(eligible)), key=lambda index: -scores[index])  # stable: ties keep the API's order
    cost, latency, throughput = scaled
    ranked = [
        Ranked(
            position + 1,
            scores[index],
            flags[index],
            eligible[index],
            {Objective.COST: cost[index], Objective.LATENCY: latency[index], Objective.THROUGHPUT: throughput[index]},
            columns[Objective.COST][index],
            priced[1][kept[index]] if priced is not None else None,
        )
        for position, index in enumerate(order)
    ]
    result = Ranking(ranked[:top] if top else ranked, excluded, weights, prices=prices)
    if ranked:
        result.top_pick_reason = explain(ranked[0], eligible, columns)
    return result


def _format(objective: Objective, value: float | None) -> str:
    if value is None:
        return "n/a"
    if objective is Objective.COST:
        return f"${value:,.4f}/h"
    if objective is Objective.LATENCY:
        return format_latency_ms(value)
    return f"{value:,.0f} invocations/min"


def explain(
    winner: Ranked, candidates: list[dict[str, Any]], columns: dict[Objective, list[float | None]] | None = None
) -> str:
    """One line: which objectives the winner leads on and what it trades for them (`columns`: the
    candidates' metrics, when the caller has read them already)."""
    leads, trades = [], []
    for objective in Objective:
        value = metric_value(winner.recommendation, objective)
        if objective is Objective.COST and winner.price_source is not None:
            value = winner.cost_per_hour  # priced by a quote: the cost it was ranked by
        column = columns[objective] if columns is not None else [metric_value(c, objective) for c in candidates]
        present = [v for v in column if v is not None]
        if value is None or not present:
            trades.append(f"{objective.value} not reported")
            continue
        best = min(present) if LOWER_IS_BETTER[objective] else max(present)
        adjective = {
            Objective.COST: "lowest cost",
            Objective.LATENCY: "lowest latency",
            Objective.THROUGHPUT: "highest throughput",
        }[objective]
        if value == best:
            leads.append(f"{adjective} ({_format(objective, value)})")
        else:
            trades.append(f"{objective.value} {_format(objective, value)} (best {_format(objective, best)})")
    if len(candidates) == 1:
        return f"{recommendation_label(winner.recommendation)} is the only candidate."
    head = f"{recommendation_label(winner.recommendation)} ranks first"
    if leads:
        head += " with the " + " and the ".join(leads)
    else:
        head += " as the best balance"
    return head + (f"; it trades {', '.join(trades)}." if trades else ".")


def ranking_document(ranking: Ranking) -> list[dict[str, Any]]:
    """The ranking for scripts: rank, score, Pareto flag and the recommendation as the API returned it; when
    priced by a quote, also the CostPerHour it was ranked by and that cost's PriceSource."""
    priced = ranking.prices is not None
    return [
        {
            "Rank": item.rank,
            "Score": round(item.score, 4),
            "ParetoOptimal": item.pareto,
            "TopPick": item.rank == 1,
            **({"CostPerHour": item.cost_per_hour, "PriceSource": item.price_source} if priced else {}),
            "Recommendation": item.recommendation,
        }
        for item in ranking.ranked
    ]
