"""Load tests ircli kept, in `list-jobs`: each as a ListInferenceRecommendationsJobs summary (its
JobDescription says it was measured by ircli on its target from this machine; its ARN's account is
000000000000, which no AWS account has), filtered and sorted as the request asks and merged into the first
page of the service's listing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

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


def _within(value: Any, after: Any, before: Any) -> bool:
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
