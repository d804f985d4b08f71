"""What a test's simulator still has running when the test ends."""

from __future__ import annotations

from typing import Any

from ircli.simulator.common import TERMINAL
from ircli.simulator.models import Simulator


def running_jobs(simulator: Simulator) -> list[str]:
    """The names of the simulator's recommendation jobs that have not ended, at its clock's time now."""
    names: list[str] = []
    request: dict[str, Any] = {"MaxResults": 100}
    while True:
        page = simulator.dispatch("ListInferenceRecommendationsJobs", request, validated=True)
        names += [job["JobName"] for job in page["InferenceRecommendationsJobs"] if job["Status"] not in TERMINAL]
        if not page.get("NextToken"):
            return sorted(names)
        request = {**request, "NextToken": page["NextToken"]}
