"""The ranking function: weights change the winner, Pareto marking, limits, NaN safety, stable ties."""

from __future__ import annotations

from typing import Any

import pytest

from ircli.errors import InputError
from ircli.lib.ranking import Importance, Limits, Weights, pareto_flags, rank


def rec(name: str, cost: Any, latency_ms: Any, invocations: Any, count: int = 1) -> dict[str, Any]:
    latency = latency_ms  # ModelLatency is milliseconds, as the service reports it
    return {
        "RecommendationId": name,
        "Metrics": {"CostPerHour": cost, "ModelLatency": latency, "MaxInvocations": invocations},
        "EndpointConfiguration": {
            "EndpointName": name,
            "VariantName": name,
            "InstanceType": f"ml.{name}",
            "InitialInstanceCount": count,
        },
    }


CHEAP = rec("cheap", 0.10, 80, 1000)
FAST = rec("fast", 0.90, 10, 3000)
BALANCED = rec("balanced", 0.30, 20, 2400)
DOMINATED = rec("dominated", 0.95, 90, 900)


def winner(weights: str, candidates: list[dict[str, Any]] | None = None) -> str:
    ranking = rank(candidates or [CHEAP, FAST, BALANCED, DOMINATED], Weights.parse(weights))
    assert ranking.top_pick is not None
    return str(ranking.top_pick.recommendation["RecommendationId"])


def test_weights_change_the_winner() -> None:
    assert winner("cost=highest,latency=lowest,throughput=lowest") == "cheap"
    assert winner("cost=lowest,latency=highest,throughput=high") == "fast"
    assert winner("cost=moderate,latency=moderate,throughput=moderate") == "balanced"


def test_pareto_marking() -> None:
    flags = dict(
        zip(["cheap", "fast", "balanced", "dominated"], pareto_flags([CHEAP, FAST, BALANCED, DOMINATED]), strict=True)
    )
    assert flags == {"cheap": True, "fast": True, "balanced": True, "dominated": False}


def test_limits_filter_and_say_why() -> None:
    ranking = rank([CHEAP, FAST, BALANCED], limits=Limits(max_latency_ms=50, max_cost_per_hour=0.5))
    assert [r.recommendation["RecommendationId"] for r in ranking.ranked] == ["balanced"]
    reasons = {r["RecommendationId"]: why for r, why in ranking.excluded}
    assert reasons == {"cheap": "latency 80 ms > 50 ms", "fast": "cost $0.9000/h > $0.5/h"}
    assert rank([CHEAP, FAST], limits=Limits(min_invocations=2000)).ranked[0].recommendation is FAST


def test_nan_and_missing_metrics_never_win_by_accident() -> None:
    broken = rec("broken", "NaN", None, "NaN")
    ranking = rank([broken, CHEAP], Weights.parse("cost=highest"))
    assert ranking.ranked[0].recommendation is CHEAP
    assert ranking.ranked[1].score == 0.0
    assert pareto_flags([broken, CHEAP]) == [False, True]
    only_broken = rank([broken])
    assert only_broken.ranked[0].recommendation is broken
    excluded = rank([broken], limits=Limits(max_latency_ms=100)).excluded
    assert excluded == [(broken, "latency not reported")]


def test_ties_keep_the_api_order_and_top_limits() -> None:
    twins = [rec("a", 0.2, 20, 100), rec("b", 0.2, 20, 100), rec("c", 0.2, 20, 100)]
    ranking = rank(twins)
    assert [r.recommendation["RecommendationId"] for r in ranking.ranked] == ["a", "b", "c"]
    assert [r.rank for r in ranking.ranked] == [1, 2, 3]
    assert len(rank(twins, top=2).ranked) == 2


def test_top_pick_reason_names_what_it_leads_on_and_trades() -> None:
    ranking = rank([CHEAP, FAST], Weights.parse("cost=highest"))
    assert ranking.top_pick_reason == (
        "ml.cheap x1 ranks first with the lowest cost ($0.1000/h); it trades latency 80 ms (best 10 ms), "
        "throughput 1,000 invocations/min (best 3,000 invocations/min)."
    )
    assert rank([CHEAP]).top_pick_reason == "ml.cheap x1 is the only candidate."


def test_weights_parse_errors() -> None:
    assert Weights.parse("COST=High") == Weights(cost=Importance.HIGH)
    for bad in ("cost", "speed=high", "cost=extreme", "cost=high,cost=low"):
        with pytest.raises(InputError):
            Weights.parse(bad)


def test_empty_input() -> None:
    ranking = rank([])
    assert ranking.ranked == [] and ranking.top_pick is None
