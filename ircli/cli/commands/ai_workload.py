"""`ircli ai-workload ...`: generative-AI workload configurations (the token distributions and concurrency
AIPerf benchmarks with, or a dataset in S3): create from flags or a spec file, describe, list, delete."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ircli.cli.api import ApiCall, api_command
from ircli.cli.options import Interactive, MaxItems, PageSize, Resume, StartingToken, check_resume, finite, pick_name
from ircli.errors import InputError
from ircli.lib.shorthand import with_tags

if TYPE_CHECKING:
    from ircli.cli.prompts import Prompter

NameArgument = Annotated[str | None, typer.Argument(help="The workload configuration's name.", show_default=False)]
NameOption = Annotated[str | None, typer.Option("--name", help="AIWorkloadConfigName.")]
SPEC = "Workload spec (AIPerf parameters)"


def _int(help: str) -> object:
    return typer.Option(help=help, min=0, rich_help_panel=SPEC)


@api_command("CreateAIWorkloadConfig")
def create(
    call: ApiCall,
    name: NameOption = None,
    input_tokens_mean: Annotated[int | None, _int("prompt_input_tokens_mean: mean input tokens a request.")] = None,
    input_tokens_stddev: Annotated[int | None, _int("prompt_input_tokens_stddev.")] = None,
    output_tokens_mean: Annotated[int | None, _int("output_tokens_mean: mean output tokens a request.")] = None,
    output_tokens_stddev: Annotated[int | None, _int("output_tokens_stddev.")] = None,
    concurrency: Annotated[
        list[int] | None, typer.Option(help="Concurrent requests; repeat for several levels.", rich_help_panel=SPEC)
    ] = None,
    request_count: Annotated[int | None, _int("request_count: requests a level.")] = None,
    request_rate: Annotated[
        float | None,
        typer.Option(help="request_rate: requests per second.", callback=finite, rich_help_panel=SPEC),
    ] = None,
    streaming: Annotated[
        bool | None, typer.Option("--streaming/--no-streaming", help="Stream answers.", rich_help_panel=SPEC)
    ] = None,
    tokenizer: Annotated[
        str | None, typer.Option(help="tokenizer: a Hugging Face tokenizer id.", rich_help_panel=SPEC)
    ] = None,
    spec_file: Annotated[
        Path | None, typer.Option("--spec-file", help="The whole workload spec (YAML or JSON) from a file.")
    ] = None,
    dataset_s3_uri: Annotated[
        str | None, typer.Option("--dataset-s3-uri", help="A dataset in S3 instead of (or with) a spec.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag KEY=VALUE; repeatable.")] = None,
    interactive: Interactive = False,
    resume: Resume = None,
) -> None:
    """Create a workload configuration from AIPerf parameters, a spec file, or a dataset in S3 (or, with
    --interactive, from a wizard's answers)."""
    from ircli.lib import genai

    check_resume(resume, interactive)
    if interactive:
        _create_interactively(call, resume)
        return

    parameters = {
        "prompt_input_tokens_mean": input_tokens_mean,
        "prompt_input_tokens_stddev": input_tokens_stddev,
        "output_tokens_mean": output_tokens_mean,
        "output_tokens_stddev": output_tokens_stddev,
        "concurrency": (concurrency[0] if len(concurrency) == 1 else list(concurrency)) if concurrency else None,
        "request_count": request_count,
        "request_rate": request_rate,
        "streaming": streaming,
        "tokenizer": tokenizer,
    }
    flags: dict[str, object] = {"AIWorkloadConfigName": name}
    given = any(value is not None for value in parameters.values())
    if spec_file is not None and given:
        raise InputError("Give the workload spec as --spec-file or as parameter flags, not both.")
    if spec_file is not None:
        try:
            flags["AIWorkloadConfigs"] = {"WorkloadSpec": {"Inline": spec_file.read_text("utf-8")}}
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"--spec-file {spec_file} cannot be read: {exc}") from None
    elif given:
        flags["AIWorkloadConfigs"] = {"WorkloadSpec": {"Inline": genai.workload_spec(parameters)}}
    if dataset_s3_uri:
        channel = {"ChannelName": "dataset", "DataSource": {"S3DataSource": {"S3Uri": dataset_s3_uri}}}
        flags["DatasetConfig"] = {"InputDataConfig": [channel]}
    request = call.request(flags)
    if tag:
        request["Tags"] = with_tags(request.get("Tags"), tag)
    call.cli.emit(call.send(request))


def _create_interactively(call: ApiCall, resume: str | None) -> None:
    from ircli.cli.commands.create_job import generated_job_name
    from ircli.cli.wizards import genai as wizards
    from ircli.cli.wizards.drafts import name_check

    cli = call.cli
    taken = name_check(
        lambda name: cli.service.call("DescribeAIWorkloadConfig", {"AIWorkloadConfigName": name}),
        "a workload configuration",
    )

    def ask(prompter: Prompter, answers: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
        return wizards.workload_wizard(
            prompter, generated_job_name(), answers=answers, resume=earlier, name_taken=taken
        )

    wizards.run(call, "ai-workload create", resume, ask, "AIWorkloadConfigName")


@api_command("DescribeAIWorkloadConfig")
def describe(call: ApiCall, name: NameArgument = None, workload_name: NameOption = None) -> None:
    """Show a workload configuration and its AIPerf parameters."""
    from ircli.cli.output.views.ai import WORKLOAD

    call.run({"AIWorkloadConfigName": pick_name(name, workload_name, what="--name")}, WORKLOAD)


@api_command("ListAIWorkloadConfigs")
def list_(
    call: ApiCall,
    name_contains: Annotated[str | None, typer.Option("--name-contains", help="Only names with this text.")] = None,
    sort_by: Annotated[str | None, typer.Option("--sort-by", help="Name or CreationTime.")] = None,
    sort_order: Annotated[str | None, typer.Option("--sort-order", help="Ascending or Descending.")] = None,
    max_items: MaxItems = None,
    starting_token: StartingToken = None,
    page_size: PageSize = None,
) -> None:
    """List workload configurations, all pages unless --max-items is given."""
    from ircli.cli.output.views.ai import WORKLOADS

    flags = {"NameContains": name_contains, "SortBy": sort_by, "SortOrder": sort_order}
    result = call.paginate(call.request(flags), max_items=max_items, starting_token=starting_token, page_size=page_size)
    call.cli.emit(result, WORKLOADS)


@api_command("DeleteAIWorkloadConfig")
def delete(call: ApiCall, name: NameArgument = None, workload_name: NameOption = None) -> None:
    """Delete a workload configuration (refused while a benchmark job uses it)."""
    call.run({"AIWorkloadConfigName": pick_name(name, workload_name, what="--name")})
