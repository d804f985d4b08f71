"""The wizards after a job: an endpoint configuration from one of its recommendations, and a scaling
policy for one; both start by picking a completed job and a recommendation, best ranked first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ircli.cli.prompts import Prompter
from ircli.cli.wizards.builder import Path_, RequestBuilder, as_int, set_path
from ircli.cli.wizards.drafts import Draft

if TYPE_CHECKING:
    from ircli.lib.prices import PriceQuote

# Region -> its price quote (`ircli.cli.prices.price_lookup`): the wizards rank as rank-recommendations does.
Prices = Callable[[str], "PriceQuote"] | None


def endpoint_config_wizard(
    prompter: Prompter,
    jobs: list[dict[str, Any]],
    describe: Callable[[str], dict[str, Any]],
    *,
    draft: Draft | None = None,
    resume: Draft | None = None,
    name_taken: Callable[[str], str | None] | None = None,
    prices: Prices = None,
) -> dict[str, Any]:
    """Ask for a CreateEndpointConfig request from a recommendation. `draft` is filled as the user answers,
    `resume` offers an earlier draft's answers as defaults, `name_taken` says whether a name is in use,
    `prices` the quote recommendations are ranked and priced at."""
    from ircli.lib.requests import production_variant_from_recommendation

    draft, resume = draft or Draft(), resume or Draft()
    job_name = choose_completed_job(prompter, jobs, default=resume.pick("Job"))
    draft.picks["Job"] = job_name
    job = describe(job_name)
    recommendation = choose_recommendation(prompter, job, default=resume.pick("RecommendationId"), prices=prices)
    draft.picks["RecommendationId"] = str(recommendation.get("RecommendationId"))
    taken: dict[Path_, Callable[[str], str | None]] = {("EndpointConfigName",): name_taken} if name_taken else {}
    build = RequestBuilder(prompter, "CreateEndpointConfig", answers=draft.request, resume=resume.request, taken=taken)
    build.ask(("EndpointConfigName",), "Endpoint configuration name:", default=f"{job_name}-config"[:63])
    variant_name = build.ask(("ProductionVariants", 0, "VariantName"), "Variant name:", default="AllTraffic")
    # The model the job benchmarked is the one to serve, unless the job named a model package instead.
    model_name = build.ask(
        ("ProductionVariants", 0, "ModelName"),
        "Model the endpoint serves:",
        default=str(job.get("InputConfig", {}).get("ModelName", "")),
    )
    provisioned = None
    if "ServerlessConfig" in recommendation.get("EndpointConfiguration", {}):
        serverless = dict(recommendation["EndpointConfiguration"]["ServerlessConfig"])
        set_path(build.request, ("ProductionVariants", 0, "ServerlessConfig"), serverless)
        provisioned = build.ask(
            ("ProductionVariants", 0, "ServerlessConfig", "ProvisionedConcurrency"),
            f"Provisioned concurrency (1-{serverless.get('MaxConcurrency')}):",
            convert=as_int,
            optional=True,
        )
    build.request["ProductionVariants"] = [
        production_variant_from_recommendation(
            recommendation, model_name=model_name, variant_name=variant_name, provisioned_concurrency=provisioned
        )
    ]
    return build.request


def scaling_wizard(
    prompter: Prompter,
    jobs: list[dict[str, Any]],
    describe: Callable[[str], dict[str, Any]],
    *,
    draft: Draft | None = None,
    resume: Draft | None = None,
    prices: Prices = None,
) -> dict[str, Any]:
    """Ask for a GetScalingConfigurationRecommendation request; `draft`, `resume` and `prices` as for endpoint
    configs."""
    draft, resume = draft or Draft(), resume or Draft()
    build = RequestBuilder(
        prompter, "GetScalingConfigurationRecommendation", answers=draft.request, resume=resume.request
    )
    earlier_job = resume.request.get("InferenceRecommendationsJobName")
    job = describe(choose_completed_job(prompter, jobs, default=earlier_job if isinstance(earlier_job, str) else None))
    build.request["InferenceRecommendationsJobName"] = job["JobName"]
    endpoints = [p["EndpointInfo"]["EndpointName"] for p in job.get("EndpointPerformances") or []]
    basis = "A recommendation"
    if endpoints:
        earlier_basis = "A benchmarked endpoint" if "EndpointName" in resume.request else None
        basis = prompter.select("Scale from:", ["A recommendation", "A benchmarked endpoint"], default=earlier_basis)
    if basis == "A benchmarked endpoint":
        earlier_endpoint = resume.request.get("EndpointName")
        build.request["EndpointName"] = prompter.select(
            "Which endpoint?", endpoints, default=earlier_endpoint if earlier_endpoint in endpoints else None
        )
    else:
        earlier_id = resume.request.get("RecommendationId")
        recommendation = choose_recommendation(
            prompter,
            job,
            instance_only=True,
            default=earlier_id if isinstance(earlier_id, str) else None,
            prices=prices,
        )
        build.request["RecommendationId"] = recommendation["RecommendationId"]
    build.ask(
        ("TargetCpuUtilizationPerCore",),
        "Target CPU utilization per core, percent (service default 50):",
        convert=as_int,
        optional=True,
    )
    build.ask(
        ("ScalingPolicyObjective", "MinInvocationsPerMinute"),
        "Expected minimum invocations per minute:",
        convert=as_int,
        optional=True,
    )
    build.ask(
        ("ScalingPolicyObjective", "MaxInvocationsPerMinute"),
        "Expected maximum invocations per minute:",
        convert=as_int,
        optional=True,
    )
    return build.request


def choose_completed_job(prompter: Prompter, jobs: list[dict[str, Any]], *, default: str | None = None) -> str:
    completed = [job["JobName"] for job in jobs if job.get("Status") == "COMPLETED"]
    if not completed:
        from ircli.errors import InputError

        raise InputError("There is no COMPLETED job to pick from; run one first (ircli create-job --wait).")
    return prompter.select("Which job?", completed, default=default if default in completed else None)


def choose_recommendation(
    prompter: Prompter,
    job: dict[str, Any],
    *,
    instance_only: bool = False,
    default: str | None = None,
    prices: Prices = None,
) -> dict[str, Any]:
    """One of the job's recommendations, best ranked first (`default`: the id offered first), ranked and priced
    at the job's region's quote when `prices` gives one, with the lines saying where the prices came from."""
    from ircli.cli.output.cells import fmt_int, fmt_money
    from ircli.lib.labels import recommendation_label as label
    from ircli.lib.prices import job_region
    from ircli.lib.ranking import rank

    recommendations = job.get("InferenceRecommendations") or []
    if instance_only:
        recommendations = [r for r in recommendations if "InstanceType" in r.get("EndpointConfiguration", {})]
    quote = prices(job_region(job, None)) if prices is not None and recommendations else None
    ranking = rank(recommendations, prices=quote)
    ranked = ranking.ranked
    if not ranked:
        from ircli.errors import InputError

        raise InputError(f"Job {job.get('JobName')} has no recommendation to pick.")
    for line in [*(quote.notes if quote is not None else ()), *ranking.price_sources()]:
        prompter.show(line)
    entries = {}
    for item in ranked:
        metrics = item.priced().get("Metrics", {})
        text = (
            f"#{item.rank} {label(item.recommendation)}  {fmt_money(metrics.get('CostPerHour'))}/h  "
            f"{fmt_int(metrics.get('MaxInvocations'))} inv/min  {item.recommendation.get('RecommendationId')}"
        )
        entries[text] = item.recommendation
    offered = next((text for text, item in entries.items() if item.get("RecommendationId") == default), None)
    return entries[prompter.select("Which recommendation? (best ranked first)", list(entries), default=offered)]
