"""ircli's commands, as data: each command's path as typed, the module that defines it, the API operation it
sends (by its name in `ircli.operations`' registry) and what its argument names; the groups' summaries. The
app builds its command tree from these without importing a command's module; `ircli.operations` joins them to
the operations (`COMMAND_OF`, `TOP_LEVEL`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Names(str, Enum):
    """What a command's positional argument names, so that completion can offer existing ones."""

    JOB = "job"
    ENDPOINT_CONFIG = "endpoint-config"
    ENDPOINT = "endpoint"
    MODEL = "model"


@dataclass(frozen=True)
class Command:
    path: str  # as typed after `ircli`: "create-job", "endpoint-config create"
    module: str  # the module under `ircli.cli.commands` that defines it
    operation: str | None = None  # the API operation it sends, if it sends one (its name in the registry)
    argument: Names | None = None  # what its positional argument(s) name
    # For a top-level command, the first paragraph of its help, so that `ircli --help` lists the commands
    # without importing them (a test keeps it equal to the function's docstring).
    summary: str = ""

    @property
    def group(self) -> str | None:
        return self.path.split(" ", 1)[0] if " " in self.path else None


COMMANDS: tuple[Command, ...] = (
    Command(
        "create-job",
        "create_job",
        "CreateInferenceRecommendationsJob",
        summary="Start a recommendation job: an instance recommendation (Default) or a load test (Advanced).",
    ),
    Command(
        "describe-job",
        "jobs",
        "DescribeInferenceRecommendationsJob",
        argument=Names.JOB,
        summary="Show a job: status, timing, failure reason, recommendations and endpoint performances (the raw "
        "API response with --output json; the ranking options order the table).",
    ),
    Command(
        "list-jobs",
        "jobs",
        "ListInferenceRecommendationsJobs",
        summary="List recommendation jobs, all pages unless --max-items is given.",
    ),
    Command(
        "list-steps",
        "jobs",
        "ListInferenceRecommendationsJobSteps",
        argument=Names.JOB,
        summary="List a job's steps (one benchmark per endpoint configuration and parameter combination).",
    ),
    Command(
        "stop-job",
        "jobs",
        "StopInferenceRecommendationsJob",
        argument=Names.JOB,
        summary="Stop a job. It goes STOPPING, then STOPPED; finished benchmarks keep their recommendations.",
    ),
    Command(
        "wait",
        "jobs",
        argument=Names.JOB,
        summary="Wait for a job to end: exit 0 when COMPLETED, 255 when FAILED or STOPPED, 124 on timeout.",
    ),
    Command(
        "logs",
        "logs",
        "GetLogEvents",
        argument=Names.JOB,
        summary="Show a job's execution log: when each benchmark started, what it measured, why it failed.",
    ),
    Command(
        "scaling-recommendation",
        "jobs",
        "GetScalingConfigurationRecommendation",
        summary="Recommend an auto-scaling policy from a completed job's recommendation or benchmarked endpoint.",
    ),
    Command(
        "rank-recommendations",
        "analysis",
        argument=Names.JOB,
        summary="Rank a job's recommendations by cost, latency and throughput and name the top pick. With "
        "--output json: a list of {Rank, Score, ParetoOptimal, TopPick, CostPerHour, PriceSource, Recommendation}.",
    ),
    Command(
        "compare-jobs",
        "analysis",
        argument=Names.JOB,
        summary="Compare two jobs' recommendations for the same endpoint configurations, with signed % changes.",
    ),
    Command(
        "cost-estimate",
        "costs",
        argument=Names.JOB,
        summary="Monthly cost and latency of each of a job's recommendations at your traffic, ranked, with the "
        "break-even between serverless and real-time.",
    ),
    Command(
        "report",
        "report",
        argument=Names.JOB,
        summary="Write one or more jobs as a self-contained HTML report to share, with their comparison for two.",
    ),
    Command(
        "list-endpoints",
        "endpoint_listing",
        "ListEndpoints",
        summary="List endpoints with their status, all pages unless --max-items is given.",
    ),
    # Metrics (issue 20): each benchmark's CloudWatch series, read with GetMetricData.
    Command(
        "metrics",
        "metrics",
        argument=Names.JOB,
        summary="Show each benchmark's CloudWatch metrics over the job's window: invocations, latency percentiles, "
        "CPU and memory, users.",
    ),
    Command(
        "load-test",
        "load_test",
        summary="Load-test an endpoint or a local container with a job's traffic pattern and stopping conditions, "
        "on Locust, and report MaxInvocations and ModelLatency as Inference Recommender does.",
    ),
    Command("model create", "models", "CreateModel"),
    Command("model describe", "models", "DescribeModel", argument=Names.MODEL),
    Command("model list", "models", "ListModels"),
    Command("model delete", "models", "DeleteModel", argument=Names.MODEL),
    Command("model metadata", "models", "ListModelMetadata"),  # the benchmarked-model catalog
    Command("endpoint-config create", "endpoints", "CreateEndpointConfig"),
    Command("endpoint-config describe", "endpoints", "DescribeEndpointConfig", argument=Names.ENDPOINT_CONFIG),
    Command("endpoint-config list", "endpoint_listing", "ListEndpointConfigs"),
    Command("endpoint-config delete", "endpoints", "DeleteEndpointConfig", argument=Names.ENDPOINT_CONFIG),
    Command("endpoint-config deploy", "endpoints", "CreateEndpoint"),
    Command("endpoint-config describe-endpoint", "endpoints", "DescribeEndpoint", argument=Names.ENDPOINT),
    Command("endpoint-config delete-endpoint", "endpoints", "DeleteEndpoint", argument=Names.ENDPOINT),
    Command("endpoint-config update-capacity", "endpoints", "UpdateEndpointWeightsAndCapacities"),
    Command("endpoint-config update-endpoint", "endpoints", "UpdateEndpoint"),
    Command("schema list", "schema"),
    Command("schema show", "schema"),
    Command("schema validate", "schema"),
    Command("simulator serve", "simulator"),
    Command("simulator status", "simulator"),
    Command("simulator reset", "simulator"),
    Command("completion", "bundled", summary="Print or install completion for bash, zsh, fish or PowerShell."),
    Command("examples list", "bundled"),
    Command("examples show", "bundled"),
    Command("examples copy", "bundled"),
    # Generative-AI inference recommendations: workload configurations, recommendation and benchmark jobs.
    Command("ai-workload create", "ai_workload", "CreateAIWorkloadConfig"),
    Command("ai-workload describe", "ai_workload", "DescribeAIWorkloadConfig"),
    Command("ai-workload list", "ai_workload", "ListAIWorkloadConfigs"),
    Command("ai-workload delete", "ai_workload", "DeleteAIWorkloadConfig"),
    Command("ai-recommendation create", "ai_recommendation", "CreateAIRecommendationJob"),
    Command("ai-recommendation describe", "ai_recommendation", "DescribeAIRecommendationJob"),
    Command("ai-recommendation list", "ai_recommendation", "ListAIRecommendationJobs"),
    Command("ai-recommendation stop", "ai_recommendation", "StopAIRecommendationJob"),
    Command("ai-recommendation delete", "ai_recommendation", "DeleteAIRecommendationJob"),
    Command("ai-recommendation wait", "ai_recommendation"),
    Command("ai-recommendation deploy", "ai_recommendation"),
    Command("ai-recommendation undeploy", "ai_recommendation"),
    Command("ai-recommendation cost-estimate", "ai_recommendation"),
    Command("ai-benchmark create", "ai_benchmark", "CreateAIBenchmarkJob"),
    Command("ai-benchmark describe", "ai_benchmark", "DescribeAIBenchmarkJob"),
    Command("ai-benchmark list", "ai_benchmark", "ListAIBenchmarkJobs"),
    Command("ai-benchmark stop", "ai_benchmark", "StopAIBenchmarkJob"),
    Command("ai-benchmark delete", "ai_benchmark", "DeleteAIBenchmarkJob"),
    Command("ai-benchmark wait", "ai_benchmark"),
    Command("ai-benchmark results", "ai_benchmark"),
)

GROUPS: dict[str, str] = {
    "model": "Models: the container, artifacts and role an endpoint serves.",
    "endpoint-config": "Endpoint configurations and endpoints, including from recommendations.",
    "schema": "The bundled JSON Schemas of every request and response.",
    "simulator": "The embedded simulator: serve it over HTTP, see its state, reset it.",
    "examples": "The sample requests, traffic profiles and workflows ircli ships: list, show, copy.",
    "ai-workload": "Generative-AI workload configurations: token distributions and concurrency for AIPerf.",
    "ai-recommendation": "Generative-AI recommendation jobs: deployment options for an LLM, ranked by one goal.",
    "ai-benchmark": "Generative-AI benchmark jobs: a workload run against an endpoint, AIPerf's results.",
}
