"""What each option of a generative-AI recommendation job would cost a month at the user's traffic in
tokens: requests a minute, each with its output tokens (the flag, else the job's workload's mean).

An option serves its measured output tokens per second (at the workload's concurrency) with its
InstanceCount instances; the traffic needs as many such sets as its tokens per second over that, rounded
up (a set is the unit the recommendation was measured as). A month is 730 hours, as AWS prices it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ircli.errors import InputError
from ircli.lib import genai

if TYPE_CHECKING:
    from ircli.lib.service import RecommenderService

HOURS_A_MONTH = 730


@dataclass(frozen=True)
class TokenCost:
    rank: int
    instance_type: str
    instances: int
    monthly: float
    cost_per_million_tokens: float
    headroom: float  # the capacity bought over the traffic's need, as a fraction (0.25: 25% spare)

    def to_document(self) -> dict[str, Any]:
        return {
            "Rank": self.rank,
            "InstanceType": self.instance_type,
            "Instances": self.instances,
            "MonthlyCost": round(self.monthly, 2),
            "CostPerMillionTokens": round(self.cost_per_million_tokens, 4),
            "Headroom": round(self.headroom, 4),
        }


@dataclass(frozen=True)
class TokenCostEstimate:
    """`ai-recommendation cost-estimate`: a job's options priced at the traffic, cheapest first."""

    job_name: str
    requests_per_minute: float
    output_tokens_mean: float  # the flag's, else the job's workload's
    options: Sequence[TokenCost]

    def to_document(self) -> dict[str, Any]:
        return {
            "AIRecommendationJobName": self.job_name,
            "RequestsPerMinute": self.requests_per_minute,
            "OutputTokensMean": self.output_tokens_mean,
            "Options": [option.to_document() for option in self.options],
        }


def cost_estimate(
    service: RecommenderService, job_name: str, *, requests_per_minute: float, output_tokens: float | None
) -> TokenCostEstimate:
    """The job described, its workload's output tokens read when `output_tokens` is not given, then priced."""
    job = service.call("DescribeAIRecommendationJob", {"AIRecommendationJobName": job_name})
    tokens = output_tokens or workload_output_tokens(service, job)
    options = estimate(job, requests_per_minute=requests_per_minute, output_tokens=tokens)
    return TokenCostEstimate(job_name, requests_per_minute, tokens, options)


def estimate(job: dict[str, object], *, requests_per_minute: float, output_tokens: float) -> list[TokenCost]:
    """Each option priced at the traffic, cheapest first."""
    if requests_per_minute <= 0 or output_tokens <= 0:
        raise InputError("--requests-per-minute and --output-tokens-mean must be more than 0.")
    needed = requests_per_minute / 60 * output_tokens  # output tokens a second
    priced = []
    for option in genai.options(dict(job)):
        throughput, price = option.get("tokens_per_second"), option.get("price_per_hour")
        if not throughput or price is None:
            continue
        sets = max(1, math.ceil(needed / throughput))
        monthly = sets * price * HOURS_A_MONTH
        tokens_a_month = needed * 3600 * HOURS_A_MONTH
        priced.append(
            TokenCost(
                rank=option.rank,
                instance_type=option.instance_type,
                instances=sets * option.instance_count,
                monthly=monthly,
                cost_per_million_tokens=monthly / tokens_a_month * 1_000_000,
                headroom=sets * throughput / needed - 1,
            )
        )
    return sorted(priced, key=lambda cost: (cost.monthly, cost.rank))


def workload_output_tokens(service: RecommenderService, job: dict[str, object]) -> float:
    """The output tokens a request of the job's workload asks for (its spec's mean)."""
    identifier = str(job.get("AIWorkloadConfigIdentifier", "")).rsplit("/", 1)[-1]
    workload = service.call("DescribeAIWorkloadConfig", {"AIWorkloadConfigName": identifier})
    inline = ((workload.get("AIWorkloadConfigs") or {}).get("WorkloadSpec") or {}).get("Inline")
    mean = (genai.parse_spec(inline).get("parameters") or {}).get("output_tokens_mean")
    if not isinstance(mean, (int, float)) or isinstance(mean, bool) or mean <= 0:
        raise InputError(
            f"The workload {identifier} states no output_tokens_mean; give --output-tokens-mean.",
        )
    return float(mean)
