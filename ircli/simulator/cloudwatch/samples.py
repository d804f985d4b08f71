"""One minute of one metric, as CloudWatch keeps it (a statistic set: SampleCount, Sum, Minimum, Maximum, and
the distribution of the values behind it, for percentiles), and the statistics of a period made of minutes.

A value reported per request (an invocation's 1, a request's latency) is a distribution: point masses (1 for
every invocation; 0 or 1 for an error flag) or a log-normal spread around a median (latencies). A value
reported once a minute (CPU utilisation, users) is one point. Percentiles of a period are those of the
mixture of its minutes, found by bisection on the mixture's distribution function: exact for one minute.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d{1,2})?|100)$")
# Trimmed mean, trimmed sum, trimmed count and winsorized mean of the values up to a percentile (tm99: the
# mean of the values at or below p99), as CloudWatch names them.
TRIMMED = re.compile(r"^(tm|ts|tc|wm)(\d{1,2}(\.\d{1,2})?|100)$")


@dataclass(frozen=True)
class Sample:
    timestamp: float  # the minute's start, seconds since 1970
    points: tuple[tuple[float, float], ...] = ()  # (value, how many samples have it)
    median: float = 0.0  # a log-normal spread of `count` samples around `median` (when sigma > 0)
    sigma: float = 0.0
    count: float = 0.0

    @classmethod
    def point(cls, timestamp: float, value: float, count: float = 1.0) -> Sample:
        return cls(timestamp, ((float(value), float(count)),))

    @classmethod
    def spread(cls, timestamp: float, median: float, sigma: float, count: float) -> Sample:
        return cls(timestamp, median=median, sigma=sigma, count=float(count))

    @property
    def sample_count(self) -> float:
        return self.count if self.sigma > 0 else sum(weight for _, weight in self.points)

    @property
    def total(self) -> float:
        if self.sigma > 0:
            return self.count * self.median * math.exp(self.sigma**2 / 2)
        return sum(value * weight for value, weight in self.points)

    @property
    def minimum(self) -> float:
        if self.sigma > 0:  # the fastest of the minute's requests, deterministically
            return self.median * math.exp(self.sigma * _NORMAL.inv_cdf(1 / (2 * max(self.count, 1.0))))
        return min((value for value, weight in self.points if weight > 0), default=0.0)

    @property
    def maximum(self) -> float:
        if self.sigma > 0:
            return self.median * math.exp(self.sigma * _NORMAL.inv_cdf(1 - 1 / (2 * max(self.count, 1.0))))
        return max((value for value, weight in self.points if weight > 0), default=0.0)

    def below(self, x: float) -> float:
        """How many of the minute's samples are at or below x."""
        if self.sigma > 0:
            return 0.0 if x <= 0 else self.count * _NORMAL.cdf((math.log(x) - math.log(self.median)) / self.sigma)
        return sum(weight for value, weight in self.points if value <= x)

    def sum_below(self, x: float) -> float:
        """The sum of the minute's samples at or below x (a log-normal's partial expectation)."""
        if self.sigma > 0:
            if x <= 0:
                return 0.0
            return self.total * _NORMAL.cdf((math.log(x) - math.log(self.median) - self.sigma**2) / self.sigma)
        return sum(value * weight for value, weight in self.points if value <= x)


def statistic(samples: list[Sample], name: str) -> float:
    """One statistic (SampleCount, Average, Sum, Minimum, Maximum, or pNN) of a period's minutes."""
    count = sum(s.sample_count for s in samples)
    if name == "SampleCount":
        return count
    if name == "Sum":
        return sum(s.total for s in samples)
    if name == "Average":
        return sum(s.total for s in samples) / count if count else 0.0
    if name == "Minimum":
        return min(s.minimum for s in samples)
    if name == "Maximum":
        return max(s.maximum for s in samples)
    if TRIMMED.match(name):
        return trimmed(samples, name[:2], float(name[2:]))
    return percentile(samples, float(name[1:]))


def trimmed(samples: list[Sample], kind: str, p: float) -> float:
    """tmNN, tsNN, tcNN or wmNN: the values at or below the period's pNN, averaged, summed, counted, or (wm) all
    values with those above pNN counted as pNN."""
    cut = percentile(samples, p)
    count = sum(s.below(cut) for s in samples)
    total = sum(s.sum_below(cut) for s in samples)
    if kind == "tc":
        return count
    if kind == "ts":
        return total
    if kind == "tm":
        return total / count if count else 0.0
    everything = sum(s.sample_count for s in samples)
    return (total + (everything - count) * cut) / everything if everything else 0.0


def percentile(samples: list[Sample], p: float) -> float:
    low, high = min(s.minimum for s in samples), max(s.maximum for s in samples)
    count = sum(s.sample_count for s in samples)
    if count <= 0 or p >= 100:
        return high
    wanted = count * p / 100
    if sum(s.below(low) for s in samples) >= wanted:
        return low
    for _ in range(60):  # bisection to well under a millionth of the range
        middle = (low + high) / 2
        if sum(s.below(middle) for s in samples) >= wanted:
            high = middle
        else:
            low = middle
    return high


def is_statistic(name: str) -> bool:
    return name in STATISTICS or PERCENTILE.match(name) is not None or TRIMMED.match(name) is not None
