"""Comparing two jobs: the same endpoint configurations side by side with signed percentage changes, and
which changes are regressions beyond a threshold. A pure function of the two DescribeJob responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ircli.lib.labels import endpoint_label, recommendation_label
from ircli.lib.loadtest.listing import measured_on
from ircli.lib.numbers import number
from ircli.lib.ranking import METRIC, Objective

# A change is a regression when cost or latency rise, or throughput falls.
WORSE_WHEN_HIGHER = {Objective.COST: True, Objective.LATENCY: True, Objective.THROUGHPUT: False}


def configuration_key(recommendation: dict[str, Any]) -> str:
    """What makes two recommendations 'the same endpoint configuration': instance type or serverless
    memory and concurrency, and the environment parameters (not the instance count, which is a result)."""
    base = endpoint_label(recommendation.get("EndpointConfiguration", {}), with_count=False)
    parameters = recommendation.get("ModelConfiguration", {}).get("EnvironmentParameters") or []
    env = " ".join(sorted(f"{p.get('Key')}={p.get('Value')}" for p in parameters))
    return f"{base} {env}".strip()


def percent_change(before: float | None, after: float | None) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return (after - before) / abs(before) * 100.0


@dataclass
class MetricChange:
    objective: Objective
    before: float | None
    after: float | None
    change: float | None  # signed percent

    def regressed(self, threshold: float) -> bool:
        if self.change is None:
            return False
        worse = self.change if WORSE_WHEN_HIGHER[self.objective] else -self.change
        return worse > threshold


@dataclass
class ConfigurationComparison:
    key: str
    before: dict[str, Any]
    after: dict[str, Any]
    changes: list[MetricChange] = field(default_factory=list)

    def regressions(self, threshold: float) -> list[MetricChange]:
        return [change for change in self.changes if change.regressed(threshold)]


@dataclass
class JobComparison:
    job_a: str
    job_b: str
    matched: list[ConfigurationComparison]
    only_in_a: list[dict[str, Any]]
    only_in_b: list[dict[str, Any]]
    measured: tuple[str | None, str | None] = (None, None)  # load tests ircli kept: "measured on T from HOST"

    def regressions(self, threshold: float) -> list[tuple[ConfigurationComparison, MetricChange]]:
        return [(item, change) for item in self.matched for change in item.regressions(threshold)]


def compare_jobs(job_a: dict[str, Any], job_b: dict[str, Any]) -> JobComparison:
    before = {configuration_key(r): r for r in job_a.get("InferenceRecommendations") or []}
    after = {configuration_key(r): r for r in job_b.get("InferenceRecommendations") or []}
    matched = []
    for key, old in before.items():
        if key not in after:
            continue
        new = after[key]
        changes = []
        for objective in Objective:
            old_value = number(old.get("Metrics", {}).get(METRIC[objective]))
            new_value = number(new.get("Metrics", {}).get(METRIC[objective]))
            changes.append(MetricChange(objective, old_value, new_value, percent_change(old_value, new_value)))
        matched.append(ConfigurationComparison(key, old, new, changes))
    return JobComparison(
        str(job_a.get("JobName", "")),
        str(job_b.get("JobName", "")),
        matched,
        [r for k, r in before.items() if k not in after],
        [r for k, r in after.items() if k not in before],
        (measured_on(job_a), measured_on(job_b)),
    )


def comparison_document(comparison: JobComparison, threshold: float | None) -> dict[str, Any]:
    """The comparison as plain data, for json/yaml output."""
    items = []
    for item in comparison.matched:
        metrics = {
            METRIC[change.objective]: {
                "JobA": change.before,
                "JobB": change.after,
                "ChangePercent": None if change.change is None else round(change.change, 2),
            }
            for change in item.changes
        }
        entry: dict[str, Any] = {
            "EndpointConfiguration": item.key,
            "Metrics": metrics,
            "InstanceCount": {"JobA": _count(item.before), "JobB": _count(item.after)},
        }
        if threshold is not None:
            entry["Regressions"] = [METRIC[c.objective] for c in item.regressions(threshold)]
        items.append(entry)
    document = {
        "JobA": comparison.job_a,
        "JobB": comparison.job_b,
        "Comparisons": items,
        "OnlyInJobA": [recommendation_label(r) for r in comparison.only_in_a],
        "OnlyInJobB": [recommendation_label(r) for r in comparison.only_in_b],
    }
    for key, measured in zip(("JobAMeasured", "JobBMeasured"), comparison.measured, strict=True):
        if measured:  # a load test ircli kept, not the service's figures
            document[key] = measured
    return document


def _count(recommendation: dict[str, Any]) -> int | None:
    count = recommendation.get("EndpointConfiguration", {}).get("InitialInstanceCount")
    return count if isinstance(count, int) else None
