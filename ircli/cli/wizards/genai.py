"""The generative-AI wizards: a workload configuration (AIPerf's token distributions and concurrency, a
dataset in S3, or both) and a recommendation job (the model in S3, the workload, one goal, up to three GPU
instance types from the catalog, the serving framework, optimisation). Every answer is checked as it is
given with the schema and the service's rules (`lib/ai_rules`, `lib/workload_spec`); the workload spec is
kept in the request as the inline document the service takes, so a draft is a request like any other."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ircli.cli.prompts import Prompter
from ircli.cli.wizards.builder import Path_, RequestBuilder, as_int, set_path
from ircli.lib import genai, workload_spec
from ircli.lib.catalog import catalog
from ircli.schemas import load_schema

if TYPE_CHECKING:
    from ircli.cli.api import ApiCall

# A wizard's questions: the prompter, the draft's request to fill in place, the resumed draft's answers.
Asker = Callable[[Prompter, dict[str, Any], dict[str, Any]], dict[str, Any]]

WORKLOAD = "CreateAIWorkloadConfig"
RECOMMENDATION = "CreateAIRecommendationJob"
SPEC: Path_ = workload_spec.SPEC_PATH
DATASET: Path_ = ("DatasetConfig", "InputDataConfig", 0)
MAX_INSTANCE_TYPES = 3  # the API reference: "You can specify up to 3 instance types"
GOALS = {
    "cost: the lowest cost per million tokens": "cost",
    "throughput: the most tokens per second": "throughput",
    "ttft-ms: the shortest time to first token": "ttft-ms",
}
SOURCES = ["Token distributions and concurrency (AIPerf)", "A dataset in S3", "Both"]


def as_levels(text: str) -> int | list[int]:
    """Concurrency levels as typed, '1, 4, 16': one level is a number, several a list (AIPerf takes both)."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise ValueError("give one level or several, e.g. 1,4,16")
    levels = [int(part) for part in parts]
    return levels[0] if len(levels) == 1 else levels


def _pick(prompter: Prompter, question: str, labelled: dict[str, Any], earlier: Any) -> Any:
    """The value of the label picked; the draft's value offered as the default."""
    default = next((label for label, value in labelled.items() if value == earlier), None)
    return labelled[prompter.select(question, list(labelled), default=default)]


class SpecAnswers:
    """The AIPerf parameters answered so far, kept in the request as its inline workload spec."""

    def __init__(self, build: RequestBuilder) -> None:
        self.build = build
        self.parameters: dict[str, Any] = {}
        resumed = build.resume.get("AIWorkloadConfigs", {}).get("WorkloadSpec", {}).get("Inline")
        self.earlier: dict[str, Any] = (
            genai.parse_spec(resumed if isinstance(resumed, str) else None).get("parameters") or {}
        )

    def ask(self, name: str, question: str, *, convert: Callable[[str], Any] = as_int, default: Any = None) -> Any:
        """One parameter, refused until the whole request (schema and the service's rules) accepts it;
        `default` None makes it optional."""
        optional = default is None

        def validate(text: str) -> bool | str:
            if optional and not text.strip():
                return True
            try:
                value = convert(text)
            except ValueError:
                return f"{text.strip()!r} is not a value {name} takes"
            return self.build.check(SPEC, genai.workload_spec({**self.parameters, name: value}))

        earlier = self.earlier.get(name)
        shown = ",".join(map(str, earlier)) if isinstance(earlier, list) else earlier
        hint = " (empty to skip)" if optional else ""
        offered = str(shown) if shown is not None else ("" if default is None else str(default))
        answer = self.build.prompter.text(question + hint, validate=validate, default=offered)
        if optional and not answer.strip():
            return None
        self.parameters[name] = convert(answer)
        set_path(self.build.request, SPEC, genai.workload_spec(self.parameters))
        return self.parameters[name]

    def confirm(self, name: str, question: str, *, default: bool) -> bool:
        earlier = self.earlier.get(name)
        answer = self.build.prompter.confirm(question, default=earlier if isinstance(earlier, bool) else default)
        self.parameters[name] = answer
        set_path(self.build.request, SPEC, genai.workload_spec(self.parameters))
        return answer


def workload_wizard(
    prompter: Prompter,
    default_name: str,
    *,
    answers: dict[str, Any] | None = None,
    resume: dict[str, Any] | None = None,
    name_taken: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Ask for a CreateAIWorkloadConfig request; `answers` is filled in place (kept on Ctrl-C)."""
    taken: dict[Path_, Callable[[str], str | None]] = {("AIWorkloadConfigName",): name_taken} if name_taken else {}
    build = RequestBuilder(prompter, WORKLOAD, answers=answers, resume=resume, taken=taken)
    earlier = resume or {}
    resumed = (
        "Both" if "DatasetConfig" in earlier and "AIWorkloadConfigs" in earlier
        else SOURCES[1] if "DatasetConfig" in earlier
        else SOURCES[0] if "AIWorkloadConfigs" in earlier
        else None
    )  # fmt: skip
    source = prompter.select("What does the benchmark send?", SOURCES, default=resumed)
    if source != SOURCES[1]:
        _ask_spec(SpecAnswers(build))
    if source != SOURCES[0]:
        build.ask((*DATASET, "ChannelName"), "Dataset channel name:", default="dataset")
        build.ask((*DATASET, "DataSource", "S3DataSource", "S3Uri"), "Dataset S3 URI (s3://bucket/prefix):")
    build.ask(("AIWorkloadConfigName",), "Workload configuration name:", default=default_name)
    return build.request


def _ask_spec(spec: SpecAnswers) -> None:
    defaults = workload_spec.DEFAULTS
    spec.ask("prompt_input_tokens_mean", "Input tokens a request, mean:", default=defaults["prompt_input_tokens_mean"])
    spec.ask("prompt_input_tokens_stddev", "Input tokens, standard deviation:")
    spec.ask("output_tokens_mean", "Output tokens a request, mean:", default=defaults["output_tokens_mean"])
    spec.ask("output_tokens_stddev", "Output tokens, standard deviation:")
    spec.ask("concurrency", "Concurrent requests, one level or several (e.g. 1,4,16):", convert=as_levels, default=1)
    spec.ask("request_count", "Requests at each level:")
    if spec.confirm("streaming", "Stream the answers (needed for time-to-first-token SLAs)?", default=True):
        spec.ask("ttft_sla_ms", "Time-to-first-token SLA in ms:", convert=float)
    spec.ask("tokenizer", "Tokenizer (a Hugging Face id, e.g. meta-llama/Meta-Llama-3-8B):", convert=str)


def gpu_instance_labels() -> dict[str, str]:
    """The instance types a recommendation job takes, each labelled with its GPUs and price from the catalog."""
    enum = load_schema(RECOMMENDATION, "request")["$defs"]["AIRecommendationInstanceType"]["enum"]
    instances = catalog()["instances"]
    labels: dict[str, str] = {}
    for name in enum:
        spec = instances.get(name, {})
        gpu = spec.get("accelerator") or {}
        hardware = f"{gpu.get('count', '?')} x {gpu.get('name', 'GPU')}, {gpu.get('memory_gib', 0):.0f} GiB GPU memory"
        price = f", ${spec['price_per_hour']:.2f}/h" if spec.get("price_per_hour") else ""
        labels[f"{name:<20} {hardware}{price}"] = name
    return labels


def recommendation_wizard(
    prompter: Prompter,
    default_name: str,
    *,
    workloads: list[str],
    default_role_arn: str = "",
    answers: dict[str, Any] | None = None,
    resume: dict[str, Any] | None = None,
    name_taken: Callable[[str], str | None] | None = None,
    workload_missing: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Ask for a CreateAIRecommendationJob request; `workloads` are the names offered, `workload_missing` why
    a name or ARN typed is not a workload configuration the backend has."""
    taken: dict[Path_, Callable[[str], str | None]] = {}
    if name_taken:
        taken[("AIRecommendationJobName",)] = name_taken
    if workload_missing:
        taken[("AIWorkloadConfigIdentifier",)] = workload_missing
    build = RequestBuilder(prompter, RECOMMENDATION, answers=answers, resume=resume, taken=taken)
    earlier = resume or {}
    build.ask(("ModelSource", "S3", "S3Uri"), "Model in S3 (a HuggingFace/SafeTensors folder, s3://...):")
    _ask_workload(build, workloads)
    constraints = earlier.get("PerformanceTarget", {}).get("Constraints") or [{}]
    goal = _pick(prompter, "Goal:", GOALS, constraints[0].get("Metric"))
    build.request["PerformanceTarget"] = {"Constraints": [{"Metric": goal}]}
    _ask_instance_types(build, [str(t) for t in earlier.get("ComputeSpec", {}).get("InstanceTypes") or []])
    build.choose(("InferenceSpecification", "Framework"), "Serving framework:", ["LMI", "VLLM"], optional=True)
    resumed_optimize = earlier.get("OptimizeModel")
    build.request["OptimizeModel"] = prompter.confirm(
        "Allow optimisation (speculative decoding, kernel tuning)?",
        default=resumed_optimize if isinstance(resumed_optimize, bool) else True,  # the service's default
    )
    build.ask(("OutputConfig", "S3OutputLocation"), "Where the job writes its results (s3://...):")
    build.ask(("AIRecommendationJobName",), "Job name:", default=default_name)
    build.ask(("RoleArn",), "IAM role ARN for the job:", default=default_role_arn)
    return build.request


def _ask_workload(build: RequestBuilder, workloads: list[str]) -> None:
    path: Path_ = ("AIWorkloadConfigIdentifier",)
    other = "Another: type its name or ARN"
    if workloads:
        earlier = build.earlier(path)
        choices = [*workloads, other]
        picked = build.prompter.select(
            "Workload configuration:", choices, default=earlier if earlier in workloads else None
        )
        if picked != other:
            build.request["AIWorkloadConfigIdentifier"] = picked
            return
    build.ask(path, "Workload configuration (name or ARN; create one with `ircli ai-workload create -i`):")


def _ask_instance_types(build: RequestBuilder, earlier: list[str]) -> None:
    labels = gpu_instance_labels()
    chosen: list[str] = []
    while len(chosen) < MAX_INSTANCE_TYPES:
        done = "Done" if chosen else "Done: let the service choose instance types"
        question = f"Instance types to consider ({len(chosen)} of at most {MAX_INSTANCE_TYPES}):"
        add = "Add an instance type"
        if (
            build.prompter.select(
                question, [add, done], default=done if earlier and len(chosen) >= len(earlier) else add
            )
            != add
        ):
            break
        path: Path_ = ("ComputeSpec", "InstanceTypes", len(chosen))
        # Only what the request accepts at this place is offered: a type chosen already is not.
        offered = {label: name for label, name in labels.items() if build.check(path, name) is True}
        resumed = earlier[len(chosen)] if len(chosen) < len(earlier) else None
        name = _pick(build.prompter, "Instance type (GPUs, GPU memory, on-demand price):", offered, resumed)
        chosen.append(name)
        set_path(build.request, ("ComputeSpec", "InstanceTypes"), list(chosen))


def run(call: ApiCall, command: str, resume: str | None, ask: Asker, name_member: str) -> None:
    """Run a wizard for `call`'s operation: its questions (`ask` fills the draft's request in place), the
    review, then save and/or submit. On Ctrl-C or a refusal the answers are kept in a draft."""
    from ircli.cli.prompts import terminal_prompter
    from ircli.cli.wizards.builder import review
    from ircli.cli.wizards.drafts import Draft, kept_if_interrupted, kept_if_refused, load_draft

    cli = call.cli
    prompter, earlier, draft = terminal_prompter(cli), load_draft(resume), Draft()

    def draft_name() -> str:
        return str(draft.request.get(name_member) or command.split()[0])

    with kept_if_interrupted(cli, command, draft, draft_name):
        request = ask(prompter, draft.request, earlier.request)
        saved, submit = review(prompter, call.operation, request, f"{request[name_member]}.yaml")
    if saved:
        again = " (its name is now taken: give another to run it again)" if submit else ""
        cli.note(f"Saved to {saved}; create it with: ircli {command} --cli-input-yaml {saved}{again}")
    if submit:
        with kept_if_refused(cli, command, draft, draft_name):
            response = call.send(request)
        cli.emit(response)
