"""The report's summary, its first section: for each job the top pick and why, the cheapest option at the
traffic given (and, where that is not the top pick, what the ranking traded for the difference), and for two
jobs the verdict of their comparison with the threshold used. Plain sentences, from the report's contents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ircli.lib.numbers import number
from ircli.lib.units import model_latency_ms

if TYPE_CHECKING:
    from ircli.lib.report import JobReport, ReportContents


def weights_text(rank_by: str | None, ranking: Any) -> str:
    """How the page ranks: the weights given, or the default's, in words."""
    weights = ranking.weights
    named = f"cost {weights.cost.value}, latency {weights.latency.value}, throughput {weights.throughput.value}"
    return f"ranked by --rank-by {rank_by} ({named})" if rank_by else f"ranked with the default weights ({named})"


def _label(recommendation: Mapping[str, Any]) -> str:
    from ircli.lib.labels import recommendation_label

    return f"{recommendation_label(dict(recommendation))} ({recommendation.get('RecommendationId')})"


def _trade(top: Mapping[str, Any], cheapest: Mapping[str, Any]) -> str:
    """What the cheapest gives up against the top pick, in the units people read."""
    parts = []
    top_ms, cheap_ms = model_latency_ms(top.get("Metrics", {})), model_latency_ms(cheapest.get("Metrics", {}))
    if top_ms is not None and cheap_ms is not None and round(abs(cheap_ms - top_ms)) >= 1:
        parts.append(f"{abs(cheap_ms - top_ms):,.0f} ms {'slower' if cheap_ms > top_ms else 'faster'}")
    top_inv = number(top.get("Metrics", {}).get("MaxInvocations"))
    cheap_inv = number(cheapest.get("Metrics", {}).get("MaxInvocations"))
    if top_inv is not None and cheap_inv is not None and top_inv != cheap_inv:
        more = "more" if cheap_inv > top_inv else "fewer"
        parts.append(f"{abs(cheap_inv - top_inv):,.0f} {more} invocations a minute per instance")
    return " and ".join(parts) if parts else "no different in latency or throughput"


def _cheapest_line(part: JobReport, top: Mapping[str, Any], ranked_by: str) -> str:
    """The cheapest option at the traffic and, when it is not the top pick, why not."""
    if part.costs is None:
        return (
            "Give --average-per-minute with --peak-per-minute, or --traffic-profile, for the cheapest at your traffic."
        )
    cheapest = part.cheapest
    if cheapest is None:
        return "No option handles your traffic within the limits (see the monthly cost table)."
    monthly = f"${cheapest.monthly_cost:,.2f} a month"
    if cheapest.recommendation_id == top.get("RecommendationId"):
        return f"The top pick is also the cheapest at your traffic: {monthly}."
    by_id = {str(r.get("RecommendationId")): r for r in part.job.get("InferenceRecommendations") or []}
    recommendation = by_id.get(cheapest.recommendation_id, {})
    top_cost = next((e for e in part.costs.estimates if e.recommendation_id == top.get("RecommendationId")), None)
    against = f" (the top pick: ${top_cost.monthly_cost:,.2f})" if top_cost is not None else ""
    return (
        f"The cheapest at your traffic is {_label(recommendation)}, {monthly}{against}, and is "
        f"{_trade(top, recommendation)} at the benchmark's load. It is not the top pick because the ranking "
        f"is {ranked_by}: it weighs the benchmark's cost per hour, latency and throughput, not your monthly cost."
    )


def job_summary(part: JobReport, rank_by: str | None) -> dict[str, Any]:
    name = str(part.job.get("JobName"))
    if part.ranking is None or part.ranking.top_pick is None:
        return {"job": name, "lines": [f"No recommendations yet ({part.job.get('Status')})."]}
    top = part.ranking.top_pick.recommendation
    ranked_by = weights_text(rank_by, part.ranking)
    lines = [f"Top pick: {_label(top)}, {ranked_by}.", part.ranking.top_pick_reason]
    short = f"by --rank-by {rank_by}" if rank_by else "with the default weights"
    lines.append(_cheapest_line(part, top, short))
    if part.prices is not None:
        lines.append(f"Prices: {part.prices.label} (the ranking's and the monthly cost's, as cost-estimate's).")
    return {"job": name, "lines": [line for line in lines if line]}


def verdict(contents: ReportContents) -> str | None:
    """For two jobs: whether the second regressed on the first beyond the threshold, and where."""
    from ircli.lib.ranking import METRIC

    if len(contents.jobs) != 2:
        return None
    names = [str(part.job.get("JobName")) for part in contents.jobs]
    threshold = f"{contents.threshold:g}%"
    if contents.comparison is None:
        return f"{names[1]} and {names[0]} have no endpoint configuration in common: no verdict."
    found = contents.comparison.regressions(contents.threshold)
    if not found:
        return f"Verdict: no regression beyond {threshold} from {names[0]} to {names[1]} (--fail-on-regression)."
    by_configuration: dict[str, list[str]] = {}
    for item, change in found:
        by_configuration.setdefault(item.key, []).append(f"{METRIC[change.objective]} {change.change:+.1f}%")
    where = "; ".join(f"{key} ({', '.join(changes)})" for key, changes in by_configuration.items())
    return (
        f"Verdict: {names[1]} regresses on {names[0]} beyond {threshold} (--fail-on-regression) in "
        f"{len(by_configuration)} of {len(contents.comparison.matched)} configurations in common: {where}."
    )
