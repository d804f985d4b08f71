"""Option types more than one command takes (input, pagination, ranking, interactive), the one type of
every number with a fraction a command takes, and the rule for a name given both as an argument and as an
option."""

import math
from typing import Annotated, Any

import typer

from ircli.errors import InputError


def finite(value: float | None) -> float | None:
    """The check every option holding a number with a fraction has (`callback=finite`): the parser reads
    `nan`, `inf`, `-Infinity` and `1e999` (infinity) as floats, but no limit, time or traffic can be one, and
    a NaN limit would let everything pass; refused as any bad value is (252)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"must be a finite number, not {value}.")
    return value


INPUT = "Input"
PAGINATION = "Pagination"

MaxItems = Annotated[
    int | None,
    typer.Option(
        "--max-items",
        min=1,
        help="Return at most this many items, with a NextToken to resume.",
        rich_help_panel=PAGINATION,
    ),
]
StartingToken = Annotated[
    str | None,
    typer.Option(
        "--starting-token", help="Resume from the NextToken of an earlier --max-items call.", rich_help_panel=PAGINATION
    ),
]
PageSize = Annotated[
    int | None,
    typer.Option(
        "--page-size", min=1, help="Items per service call (all pages are still fetched).", rich_help_panel=PAGINATION
    ),
]


def pick_name(positional: str | None, option: str | None, *, what: str = "--job-name") -> str | None:
    if positional and option and positional != option:
        raise InputError(f"Two different names were given ({positional} and {what} {option}); give one.")
    return positional or option


RANKING = "Ranking"
RankBy = Annotated[
    str | None,
    typer.Option(
        "--rank-by",
        help="Importance of each objective: cost=high,latency=moderate,throughput=low "
        "(levels: lowest, low, moderate, high, highest).",
        rich_help_panel=RANKING,
    ),
]
MaxLatencyMs = Annotated[
    float | None,
    typer.Option("--max-latency-ms", callback=finite, help="Leave out slower candidates.", rich_help_panel=RANKING),
]
MaxCostPerHour = Annotated[
    float | None,
    typer.Option("--max-cost-per-hour", callback=finite, help="Leave out dearer candidates.", rich_help_panel=RANKING),
]
MinInvocations = Annotated[
    float | None,
    typer.Option(
        "--min-invocations",
        callback=finite,
        help="Leave out candidates below this many invocations per minute.",
        rich_help_panel=RANKING,
    ),
]
Top = Annotated[int | None, typer.Option("--top", min=1, help="Show the best N only.", rich_help_panel=RANKING)]
# cost-estimate's, rank-recommendations' and report's: the job's region's prices (`ircli.cli.prices`), fetched
# again instead of the cached ones.
RefreshPrices = Annotated[
    bool,
    typer.Option(
        "--refresh-prices",
        help="Fetch the job's region's prices from the Price List API again instead of the cached ones.",
    ),
]

# cost-estimate's and report's: how the monthly cost sizes each option (serverless warm capacity, the scaling
# target behind the real-time fleets), one panel in both.
SIZING = "Sizing (for the monthly cost)"
ProvisionedConcurrency = Annotated[
    int | None,
    typer.Option(
        "--provisioned-concurrency",
        min=1,
        max=200,
        help="Serverless options: keep this many warm all month (priced on top).",
        rich_help_panel=SIZING,
    ),
]
TargetCpuUtilizationPerCore = Annotated[
    int | None,
    typer.Option(
        "--target-cpu-utilization-per-core",
        min=1,
        max=100,
        help="For the scaling recommendations behind the fleet sizes (service default 50).",
        rich_help_panel=SIZING,
    ),
]


def ranking_requested(*values: object) -> bool:
    return any(value is not None for value in values)


Interactive = Annotated[
    bool,
    typer.Option(
        "--interactive", "-i", help="Ask for the request step by step (needs a terminal).", rich_help_panel=INPUT
    ),
]

Resume = Annotated[
    str | None,
    typer.Option(
        "--resume",
        help="With --interactive: continue from a draft saved when a wizard was interrupted.",
        rich_help_panel=INPUT,
    ),
]


def check_resume(resume: str | None, interactive: bool) -> None:
    if resume and not interactive:
        raise InputError("--resume continues a wizard: give it with --interactive.")


WAITING = "Waiting"
POLL_HELP = "Seconds between polls (default 1 local, 15 aws)."
# What each option defaults to when a command does not say otherwise.
WAIT_HELP = "Wait until the change is done, as the AWS CLI's waiters do."
TIMEOUT_HELP = "Seconds --wait waits at most (exit 124 after)."


def wait_option(help: str = WAIT_HELP) -> Any:
    """The one `--wait` flag: commands differ only in what they say it waits for."""
    return typer.Option("--wait", help=help, rich_help_panel=WAITING)


def timeout_option(help: str = TIMEOUT_HELP, *, panel: str | None = WAITING) -> Any:
    """The one `--timeout` option (seconds, finite)."""
    return typer.Option("--timeout", callback=finite, help=help, rich_help_panel=panel)


def interval_option(help: str = POLL_HELP, *, panel: str | None = WAITING) -> Any:
    """The one `--interval` option (seconds between polls, finite)."""
    return typer.Option("--interval", callback=finite, help=help, rich_help_panel=panel)


Wait = Annotated[bool, wait_option()]
WaitTimeout = Annotated[float, timeout_option()]
WaitInterval = Annotated[float | None, interval_option()]
