"""Interactive wizards: create-job, endpoint-config create and scaling-recommendation, asked the way the
console asks. Every answer is checked against the schema and the service's rules as it is given, and
rejected with the message until it is right; choices come from the schemas' enums and the values the
API documents."""

from __future__ import annotations

import copy
import functools
import itertools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ircli.cli.output.formats.yaml_format import to_yaml
from ircli.cli.prompts import Prompter
from ircli.lib.validation import check_request, documented_values, violations_at
from ircli.schemas import load_schema

CREATE = "CreateInferenceRecommendationsJob"
SKIP = "(skip)"
MEMORY_SIZES = ["1024", "2048", "3072", "4096", "5120", "6144"]
PERCENTILES = ["P50", "P90", "P95", "P99"]

Path_ = tuple[str | int, ...]


def set_path(document: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    node: Any = document
    for part, following in itertools.pairwise(path):
        if isinstance(node, list):
            while len(node) <= int(part):
                node.append({})
            node = node[int(part)]
            continue
        if part not in node:
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]
    last = path[-1]
    if isinstance(node, list):
        while len(node) <= int(last):
            node.append({})
        node[int(last)] = value
    else:
        node[last] = value
    return document


def _container_values(member: str) -> list[str]:
    schema = load_schema(CREATE, "request")["$defs"]["RecommendationJobContainerConfig"]["properties"][member]
    return documented_values(schema.get("description", ""))


def _instance_types() -> list[str]:
    enum: list[str] = load_schema(CREATE, "request")["$defs"]["ProductionVariantInstanceType"]["enum"]
    return enum


def as_int(text: str) -> int:
    return int(text.strip())


class RequestBuilder:
    """Builds one request member by member, checking each answer as it is given."""

    def __init__(
        self,
        prompter: Prompter,
        operation: str,
        *,
        answers: dict[str, Any] | None = None,
        resume: dict[str, Any] | None = None,
        taken: dict[Path_, Callable[[str], str | None]] | None = None,
    ) -> None:
        self.prompter = prompter
        self.operation = operation
        # Filled in place, so that whoever holds it still has the answers if the wizard is interrupted.
        self.request: dict[str, Any] = answers if answers is not None else {}
        self.resume = resume or {}  # a draft's answers, offered as defaults
        self.taken = taken or {}  # per member: a check that a name is free, as it is typed

    def check(self, path: Path_, value: Any) -> bool | str:
        candidate = set_path(copy.deepcopy(self.request), path, value)
        problems = violations_at(self.operation, candidate, path)
        if problems:
            return str(problems[0].message)
        clash = self.taken[path](str(value)) if path in self.taken else None
        return clash or True

    def earlier(self, path: Path_) -> Any:
        """The draft's answer at `path`, if the wizard is resuming one."""
        node: Any = self.resume
        for part in path:
            found = (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node)
            )
            if not found:
                return None
            node = node[part]
        return node if not isinstance(node, (dict, list)) else None

    def ask(
        self,
        path: Path_,
        question: str,
        *,
        convert: Callable[[str], Any] = str,
        default: str = "",
        optional: bool = False,
        choices: list[str] | None = None,
    ) -> Any:
        def validate(text: str) -> bool | str:
            if optional and not text.strip():
                return True
            try:
                value = convert(text)
            except ValueError:
                return f"{text!r} is not a whole number"
            return self.check(path, value)

        hint = " (empty to skip)" if optional else ""
        earlier = self.earlier(path)
        default = str(earlier) if earlier is not None else default
        answer = self.prompter.text(question + hint, validate=validate, default=default, choices=choices)
        if optional and not answer.strip():
            return None
        value = convert(answer)
        set_path(self.request, path, value)
        return value

    def choose(self, path: Path_, question: str, choices: list[str], *, optional: bool = False) -> str | None:
        options = [*choices, SKIP] if optional else choices
        earlier = self.earlier(path)
        answer = self.prompter.select(question, options, default=earlier if earlier in options else None)
        if answer == SKIP:
            return None
        set_path(self.request, path, answer)
        return answer


def create_job_wizard(
    prompter: Prompter,
    default_name: str,
    *,
    default_role_arn: str = "",
    answers: dict[str, Any] | None = None,
    resume: dict[str, Any] | None = None,
    name_taken: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Ask for a create-job request. `answers` is filled as the user answers (kept if interrupted), `resume`
    offers a draft's answers as defaults, `name_taken` says whether a job name is in use already."""
    taken: dict[Path_, Callable[[str], str | None]] = {("JobName",): name_taken} if name_taken else {}
    build = RequestBuilder(prompter, CREATE, answers=answers, resume=resume, taken=taken)
    kinds = ["Default: instance recommendation", "Advanced: load test"]
    resumed_kind = next((k for k in kinds if k.startswith(str((resume or {}).get("JobType")))), None)
    kind = prompter.select("What kind of job?", kinds, default=resumed_kind)
    advanced = kind.startswith("Advanced")
    build.request["JobType"] = "Advanced" if advanced else "Default"

    sources = ["Model name", "Model package version ARN"]
    resumed_config = (resume or {}).get("InputConfig", {})
    resumed_source = next(
        (
            s
            for s, member in zip(sources, ("ModelName", "ModelPackageVersionArn"), strict=True)
            if member in resumed_config
        ),
        None,
    )
    source = prompter.select("How is the model given?", sources, default=resumed_source)
    if source == "Model name":
        build.ask(("InputConfig", "ModelName"), "Model name:")
    else:
        build.ask(("InputConfig", "ModelPackageVersionArn"), "Model package version ARN:")

    if prompter.confirm(
        "Describe the model's container (domain, task, framework, nearest model, payload)?", default=not advanced
    ):
        base: Path_ = ("InputConfig", "ContainerConfig")
        build.choose((*base, "Domain"), "Domain:", _container_values("Domain"), optional=True)
        build.choose((*base, "Task"), "Task:", _container_values("Task"), optional=True)
        framework = build.choose((*base, "Framework"), "Framework:", _container_values("Framework"), optional=True)
        if framework:
            build.ask((*base, "FrameworkVersion"), "Framework version, e.g. 1.5.1:", optional=True)
        build.ask(
            (*base, "NearestModelName"),
            "Nearest model name:",
            optional=True,
            choices=_container_values("NearestModelName"),
        )
        build.ask((*base, "PayloadConfig", "SamplePayloadUrl"), "Sample payload URL (s3://...):", optional=True)
        content_type = build.ask(
            (*base, "PayloadConfig", "SupportedContentTypes", 0), "Payload content type:", optional=True
        )
        if content_type is None and "PayloadConfig" in build.request["InputConfig"]["ContainerConfig"]:
            build.request["InputConfig"]["ContainerConfig"]["PayloadConfig"].pop("SupportedContentTypes", None)

    ask_endpoint_configurations(build, required=advanced)

    build.ask(("JobName",), "Job name:", default=default_name)
    build.ask(("JobDescription",), "Description:", optional=True)
    build.ask(("RoleArn",), "IAM role ARN for the job:", default=default_role_arn)
    build.ask(
        ("InputConfig", "ResourceLimit", "MaxNumberOfTests"),
        "Maximum number of tests (1-10):",
        convert=as_int,
        optional=True,
    )
    build.ask(
        ("InputConfig", "ResourceLimit", "MaxParallelOfTests"),
        "Maximum parallel tests (1-10):",
        convert=as_int,
        optional=True,
    )
    if advanced:
        ask_traffic_pattern(build)
        ask_stopping_conditions(build)
    return build.request


def ask_endpoint_configurations(build: RequestBuilder, *, required: bool) -> None:
    index = 0
    while True:
        done = "Done" if index or not required else None
        choices = ["Add an instance type", "Add a serverless configuration"]
        if done:
            choices.append("Done" if index else "Done: let the service choose instance types")
        answer = build.prompter.select("Endpoint configurations to benchmark:", choices)
        if answer.startswith("Done"):
            return
        at: Path_ = ("InputConfig", "EndpointConfigurations", index)
        if answer == "Add an instance type":
            build.ask((*at, "InstanceType"), "Instance type:", choices=_instance_types())
        else:
            memory = build.prompter.select("Memory (MB):", MEMORY_SIZES)
            set_path(build.request, (*at, "ServerlessConfig", "MemorySizeInMB"), int(memory))
            build.ask((*at, "ServerlessConfig", "MaxConcurrency"), "Maximum concurrency (1-200):", convert=as_int)
        ranges = build.prompter.text(
            "Environment-parameter ranges, as NAME=v1,v2 separated by ';' (empty for none):",
            validate=functools.partial(_check_ranges, build, at),
        )
        if ranges.strip():
            set_path(build.request, (*at, "EnvironmentParameterRanges"), parse_ranges(ranges))
        index += 1


def parse_ranges(text: str) -> dict[str, Any]:
    ranges = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, values = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{part.strip()!r} is not NAME=v1,v2")
        ranges.append({"Name": name.strip(), "Value": [v.strip() for v in values.split(",") if v.strip()]})
    return {"CategoricalParameterRanges": ranges}


def _check_ranges(build: RequestBuilder, at: Path_, text: str) -> bool | str:
    if not text.strip():
        return True
    try:
        value = parse_ranges(text)
    except ValueError as exc:
        return str(exc)
    return build.check((*at, "EnvironmentParameterRanges"), value)


def ask_traffic_pattern(build: RequestBuilder) -> None:
    base: Path_ = ("InputConfig", "TrafficPattern")
    traffic = build.choose((*base, "TrafficType"), "Traffic pattern:", ["PHASES", "STAIRS"])
    if traffic == "PHASES":
        index = 0
        while True:
            at: Path_ = (*base, "Phases", index)
            build.ask(
                (*at, "InitialNumberOfUsers"), f"Phase {index + 1}: initial number of users (1-3):", convert=as_int
            )
            build.ask((*at, "SpawnRate"), f"Phase {index + 1}: users spawned per minute (0-3):", convert=as_int)
            build.ask((*at, "DurationInSeconds"), f"Phase {index + 1}: duration in seconds (120-3600):", convert=as_int)
            index += 1
            if not build.prompter.confirm("Add another phase?", default=False):
                break
    else:
        at = (*base, "Stairs")
        build.ask((*at, "DurationInSeconds"), "Stairs: total duration in seconds (120-3600):", convert=as_int)
        build.ask((*at, "NumberOfSteps"), "Stairs: number of steps:", convert=as_int)
        build.ask((*at, "UsersPerStep"), "Stairs: users added per step (1-3):", convert=as_int)
    build.ask(
        ("InputConfig", "JobDurationInSeconds"), "Maximum job duration in seconds:", convert=as_int, optional=True
    )


def ask_stopping_conditions(build: RequestBuilder) -> None:
    base: Path_ = ("StoppingConditions",)
    build.ask((*base, "MaxInvocations"), "Expected maximum invocations per minute (1-30000):", convert=as_int)
    percentile = build.prompter.select("Model latency threshold percentile:", [*PERCENTILES, SKIP])
    if percentile != SKIP:
        set_path(build.request, (*base, "ModelLatencyThresholds", 0, "Percentile"), percentile)
        build.ask(
            (*base, "ModelLatencyThresholds", 0, "ValueInMilliseconds"),
            f"{percentile} latency threshold (ms):",
            convert=as_int,
        )
    build.choose((*base, "FlatInvocations"), "When invocations flatten:", ["Stop", "Continue"])


def review(prompter: Prompter, operation: str, request: dict[str, Any], default_path: str) -> tuple[Path | None, bool]:
    """Show the request as YAML and ask what to do: save it, submit it, both, or neither. Returns the
    path it was saved to (or None) and whether to submit."""
    check_request(operation, request)
    order = list(load_schema(operation, "request")["properties"])
    request = {key: request[key] for key in sorted(request, key=lambda k: order.index(k) if k in order else len(order))}
    prompter.show("\n" + to_yaml(request))
    action = prompter.select("What now?", ["Submit", "Save to a file", "Save and submit", "Cancel"])
    saved = None
    if action.startswith("Save"):
        while True:
            answer = prompter.text(
                "Save to:", default=default_path, validate=lambda text: bool(text.strip()) or "give a file name"
            )
            target = Path(answer.strip()).expanduser()
            if target.is_dir():
                prompter.show(f"{target} is a directory; give a file name.")
                continue
            if not target.parent.is_dir():
                prompter.show(f"The folder {target.parent} does not exist; give a path in a folder that does.")
                continue
            if not target.exists() or prompter.confirm(f"{target} exists. Replace it?", default=False):
                break
        write_atomically(target, to_yaml(request))
        saved = target
    return saved, action in ("Submit", "Save and submit")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: an interrupted write leaves no half-written file behind."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def endpoint_config_wizard(
    prompter: Prompter, jobs: list[dict[str, Any]], describe: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    from ircli.lib.service import production_variant_from_recommendation

    job_name = choose_completed_job(prompter, jobs)
    recommendation = choose_recommendation(prompter, describe(job_name))
    build = RequestBuilder(prompter, "CreateEndpointConfig")
    build.ask(("EndpointConfigName",), "Endpoint configuration name:", default=f"{job_name}-config"[:63])
    variant_name = build.ask(("ProductionVariants", 0, "VariantName"), "Variant name:", default="AllTraffic")
    model_name = build.ask(("ProductionVariants", 0, "ModelName"), "Model the endpoint serves:")
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
    prompter: Prompter, jobs: list[dict[str, Any]], describe: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    operation = "GetScalingConfigurationRecommendation"
    build = RequestBuilder(prompter, operation)
    job = describe(choose_completed_job(prompter, jobs))
    build.request["InferenceRecommendationsJobName"] = job["JobName"]
    endpoints = [p["EndpointInfo"]["EndpointName"] for p in job.get("EndpointPerformances") or []]
    basis = "A recommendation"
    if endpoints:
        basis = prompter.select("Scale from:", ["A recommendation", "A benchmarked endpoint"])
    if basis == "A benchmarked endpoint":
        build.request["EndpointName"] = prompter.select("Which endpoint?", endpoints)
    else:
        recommendation = choose_recommendation(prompter, job, instance_only=True)
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


def choose_completed_job(prompter: Prompter, jobs: list[dict[str, Any]]) -> str:
    completed = [job["JobName"] for job in jobs if job.get("Status") == "COMPLETED"]
    if not completed:
        from ircli.errors import InputError

        raise InputError("There is no COMPLETED job to pick from; run one first (ircli create-job --wait).")
    return prompter.select("Which job?", completed)


def choose_recommendation(prompter: Prompter, job: dict[str, Any], *, instance_only: bool = False) -> dict[str, Any]:
    """One of the job's recommendations, best ranked first."""
    from ircli.cli.output.cells import fmt_int, fmt_money
    from ircli.lib.labels import recommendation_label as label
    from ircli.lib.ranking import rank

    recommendations = job.get("InferenceRecommendations") or []
    if instance_only:
        recommendations = [r for r in recommendations if "InstanceType" in r.get("EndpointConfiguration", {})]
    ranked = rank(recommendations).ranked
    if not ranked:
        from ircli.errors import InputError

        raise InputError(f"Job {job.get('JobName')} has no recommendation to pick.")
    entries = {}
    for item in ranked:
        metrics = item.recommendation.get("Metrics", {})
        text = (
            f"#{item.rank} {label(item.recommendation)}  {fmt_money(metrics.get('CostPerHour'))}/h  "
            f"{fmt_int(metrics.get('MaxInvocations'))} inv/min  {item.recommendation.get('RecommendationId')}"
        )
        entries[text] = item.recommendation
    return entries[prompter.select("Which recommendation? (best ranked first)", list(entries))]
