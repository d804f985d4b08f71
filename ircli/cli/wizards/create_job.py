"""The create-job wizard: the job's kind, the model and its container, the endpoint configurations to
benchmark, limits, and for a load test its traffic pattern and stopping conditions."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ircli.cli.prompts import Prompter
from ircli.cli.wizards.builder import Path_, RequestBuilder, as_int, set_path
from ircli.lib.rules import PERCENTILES
from ircli.lib.validation import documented_values
from ircli.schemas import load_schema

CREATE = "CreateInferenceRecommendationsJob"
MEMORY_SIZES = ["1024", "2048", "3072", "4096", "5120", "6144"]  # 1 GB steps (SERVERLESS_API)


def _container_values(member: str) -> list[str]:
    schema = load_schema(CREATE, "request")["$defs"]["RecommendationJobContainerConfig"]["properties"][member]
    return documented_values(schema.get("description", ""))


def _instance_types() -> list[str]:
    enum: list[str] = load_schema(CREATE, "request")["$defs"]["ProductionVariantInstanceType"]["enum"]
    return enum


def create_job_wizard(
    prompter: Prompter,
    default_name: str,
    *,
    default_role_arn: str = "",
    answers: dict[str, Any] | None = None,
    resume: dict[str, Any] | None = None,
    name_taken: Callable[[str], str | None] | None = None,
    model_missing: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Ask for a create-job request. `answers` is filled as the user answers (kept if interrupted), `resume`
    offers a draft's answers as defaults, `name_taken` says whether a job name is in use already,
    `model_missing` why a model name is not one the backend has."""
    taken: dict[Path_, Callable[[str], str | None]] = {("JobName",): name_taken} if name_taken else {}
    if model_missing:
        taken[("InputConfig", "ModelName")] = model_missing
    build = RequestBuilder(prompter, CREATE, answers=answers, resume=resume, taken=taken)
    advanced = _ask_job_kind(prompter, build, resume)
    _ask_model(prompter, build, resume)
    _ask_container(prompter, build, advanced=advanced)
    ask_endpoint_configurations(build, required=advanced)
    _ask_job_settings(build, default_name, default_role_arn)
    if advanced:
        ask_traffic_pattern(build)
        ask_stopping_conditions(build)
    return build.request


def _ask_job_kind(prompter: Prompter, build: RequestBuilder, resume: dict[str, Any] | None) -> bool:
    """Default or Advanced; True for a load test."""
    kinds = ["Default: instance recommendation", "Advanced: load test"]
    resumed_kind = next((k for k in kinds if k.startswith(str((resume or {}).get("JobType")))), None)
    kind = prompter.select("What kind of job?", kinds, default=resumed_kind)
    advanced = kind.startswith("Advanced")
    build.request["JobType"] = "Advanced" if advanced else "Default"
    return advanced


def _ask_model(prompter: Prompter, build: RequestBuilder, resume: dict[str, Any] | None) -> None:
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


def _ask_container(prompter: Prompter, build: RequestBuilder, *, advanced: bool) -> None:
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
        build.ask((*base, "PayloadConfig", "SupportedContentTypes", 0), "Payload content type:", optional=True)


def _ask_job_settings(build: RequestBuilder, default_name: str, default_role_arn: str) -> None:
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
            build.choose((*at, "ServerlessConfig", "MemorySizeInMB"), "Memory (MB):", MEMORY_SIZES, convert=int)
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
            build.ask((*at, "SpawnRate"), f"Phase {index + 1}: users spawned per minute (0 or more):", convert=as_int)
            build.ask((*at, "DurationInSeconds"), f"Phase {index + 1}: duration in seconds (120-3600):", convert=as_int)
            index += 1
            if not build.prompter.confirm("Add another phase?", default=False):
                break
    else:
        at = (*base, "Stairs")
        build.ask((*at, "DurationInSeconds"), "Stairs: seconds per step:", convert=as_int)
        build.ask((*at, "NumberOfSteps"), "Stairs: number of steps:", convert=as_int)
        build.ask((*at, "UsersPerStep"), "Stairs: users added per step (1-3):", convert=as_int)
    build.ask(
        ("InputConfig", "JobDurationInSeconds"), "Maximum job duration in seconds:", convert=as_int, optional=True
    )


def ask_stopping_conditions(build: RequestBuilder) -> None:
    base: Path_ = ("StoppingConditions",)
    build.ask((*base, "MaxInvocations"), "Expected maximum invocations per minute (1-30000):", convert=as_int)
    threshold: Path_ = (*base, "ModelLatencyThresholds", 0)
    percentile = build.choose(
        (*threshold, "Percentile"), "Model latency threshold percentile:", list(PERCENTILES), optional=True
    )
    if percentile is not None:
        build.ask(
            (*base, "ModelLatencyThresholds", 0, "ValueInMilliseconds"),
            f"{percentile} latency threshold (ms):",
            convert=as_int,
        )
    build.choose((*base, "FlatInvocations"), "When invocations flatten:", ["Stop", "Continue"])
