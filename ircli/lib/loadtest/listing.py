"""Load tests ircli kept, in `list-jobs`: each as a ListInferenceRecommendationsJobs summary (its
JobDescription says it was measured by ircli on its target from this machine; its ARN's account is
000000000000, which no AWS account has), filtered and sorted as the request asks and merged into the first
page of the service's listing and paged with it (`with_load_tests`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ircli.errors import InputError
from ircli.lib.tokens import BadToken, decode_token, encode_token

LOCAL_ACCOUNT = "000000000000"
SUMMARY_MEMBERS = (
    "JobName", "JobDescription", "JobType", "JobArn", "Status", "CreationTime", "CompletionTime", "RoleArn",
    "LastModifiedTime", "FailureReason",
)  # fmt: skip


def is_measured(job: dict[str, Any]) -> bool:
    """Whether a job (or its summary) is a load test ircli measured, not one of the service's."""
    return f":{LOCAL_ACCOUNT}:inference-recommendations-job/" in str(job.get("JobArn", ""))


def measured_on(job: Mapping[str, Any]) -> str | None:
    """ "measured on TARGET from HOST" for a load test ircli kept (from its JobDescription), else None."""
    if f":{LOCAL_ACCOUNT}:inference-recommendations-job/" not in str(job.get("JobArn", "")):
        return None
    found = re.search(r" on (\S+) from ([^,]+)", str(job.get("JobDescription", "")))
    return f"measured on {found[1]} from {found[2]}" if found else "measured by ircli load-test"


def summary(job: dict[str, Any]) -> dict[str, Any]:
    return {key: job[key] for key in SUMMARY_MEMBERS if key in job}


def _moment(value: Any) -> datetime | None:
    """A time filter's value (a datetime, epoch seconds, or ISO-8601 text, as the flags give it) as an aware
    datetime, so that it compares with a kept test's times."""
    if value is None or isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(float(value), tz=timezone.utc)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromtimestamp(float(text), tz=timezone.utc)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise InputError(f"Bad time {text!r}: give ISO-8601 (2026-01-01T00:00:00Z) or epoch seconds.") from None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _within(value: Any, after: Any, before: Any) -> bool:
    after, before = _moment(after), _moment(before)
    if not isinstance(value, datetime):
        return after is None and before is None
    return (after is None or value > after) and (before is None or value < before)


def matching(jobs: Iterable[dict[str, Any]], request: dict[str, Any]) -> list[dict[str, Any]]:
    """The summaries of `jobs` that a ListInferenceRecommendationsJobs `request` selects (a load test has no
    model, so a model or model package filter selects none)."""
    if request.get("ModelNameEquals") or request.get("ModelPackageVersionArnEquals"):
        return []
    found = []
    for job in jobs:
        if request.get("StatusEquals") and job.get("Status") != request["StatusEquals"]:
            continue
        if request.get("NameContains") and str(request["NameContains"]) not in str(job.get("JobName", "")):
            continue
        created, modified = job.get("CreationTime"), job.get("LastModifiedTime")
        if not _within(created, request.get("CreationTimeAfter"), request.get("CreationTimeBefore")):
            continue
        if not _within(modified, request.get("LastModifiedTimeAfter"), request.get("LastModifiedTimeBefore")):
            continue
        found.append(summary(job))
    return found


def merged(listed: list[dict[str, Any]], measured: list[dict[str, Any]], request: dict[str, Any]) -> list[Any]:
    """The service's jobs and the measured ones in one order: the request's SortBy (CreationTime by default)
    and SortOrder (Descending by default), as the service sorts."""
    if not measured:
        return listed
    by = request.get("SortBy") or "CreationTime"

    def key(job: dict[str, Any]) -> tuple[Any, str]:
        if by == "Name":
            return str(job.get("JobName", "")), ""
        if by == "Status":  # by the status's name, then the job's
            return str(job.get("Status", "")), str(job.get("JobName", ""))
        created = job.get("CreationTime")
        return (created.timestamp() if isinstance(created, datetime) else 0.0), str(job.get("JobName", ""))

    return sorted([*listed, *measured], key=key, reverse=request.get("SortOrder", "Descending") == "Descending")


MERGED_OFFSET = "MergedOffset"  # a --starting-token of the merged listing: how many of its items came before


def merged_offset(starting_token: str | None) -> int | None:
    """Where a token of the merged listing resumes; None for no token or one of the service's own."""
    if not starting_token:
        return None
    try:
        offset = decode_token(starting_token).get(MERGED_OFFSET)
    except BadToken:
        return None
    return offset if isinstance(offset, int) and offset >= 0 else None


def with_load_tests(
    paginate: Callable[[int | None], dict[str, Any]],
    measured: list[dict[str, Any]],
    request: dict[str, Any],
    *,
    max_items: int | None,
    offset: int,
) -> dict[str, Any]:
    """The service's listing and the `measured` summaries in one order, `max_items` of them from `offset`.
    The service sorts as `merged` does, so the first N of the merged listing are among its first N and
    the measured ones: `paginate(N)` (the service's first N items, with NextToken when it has more) is all
    that is asked of it. A further page's token counts items of the merged listing."""
    end = None if max_items is None else offset + max_items
    listed = paginate(end)
    jobs = merged(list(listed.get("InferenceRecommendationsJobs", [])), measured, request)
    result: dict[str, Any] = {"InferenceRecommendationsJobs": jobs[offset:end]}
    if end is not None and (len(jobs) > end or listed.get("NextToken")):
        result["NextToken"] = encode_token({MERGED_OFFSET: end})
    elif end is None and listed.get("NextToken"):  # --no-paginate: the service's further pages, on their own
        result["NextToken"] = listed["NextToken"]
    return result
