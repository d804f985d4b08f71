"""Following a job's execution log in the core (`ircli.lib.log_events`): pages read forward until the token
repeats, new events each pause, the last ones after the job ends; no wall clock (the sleep is injected)."""

from __future__ import annotations

from typing import Any

from ircli.lib.log_events import follow_events, log_request, read_events


class GrowingLog:
    """A log stream that gains events over time and a job that ends after `ends_after` describes."""

    def __init__(self, batches: list[list[str]], ends_after: int) -> None:
        self.batches, self.shown, self.ends_after = batches, 0, ends_after
        self.describes = 0
        self.requests: list[dict[str, Any]] = []

    def call(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        assert operation == "GetLogEvents"
        self.requests.append(request)
        position = int(request.get("nextToken", "f/0").split("/")[1])
        if position < self.shown:  # one page per batch written so far
            return {"events": [{"message": m} for m in self.batches[position]], "nextForwardToken": f"f/{position + 1}"}
        return {"events": [], "nextForwardToken": request.get("nextToken", "f/0")}

    def describe_job(self, job_name: str) -> dict[str, Any]:
        self.describes += 1
        return {"Status": "COMPLETED" if self.describes >= self.ends_after else "IN_PROGRESS"}

    def write(self) -> None:
        self.shown = min(len(self.batches), self.shown + 1)


def test_reading_follows_pages_until_the_token_repeats() -> None:
    log = GrowingLog([["a", "b"], ["c"]], ends_after=1)
    log.shown = 2
    events, token = read_events(log, log_request("j"))
    assert [e["message"] for e in events] == ["a", "b", "c"] and token == "f/2"
    assert log.requests[0] == {
        "logGroupName": "/aws/sagemaker/InferenceRecommendationsJobs",
        "logStreamName": "j/execution",
        "startFromHead": True,
    }


def test_following_yields_new_events_each_pause_and_the_last_after_the_job_ends() -> None:
    log = GrowingLog([["started"], ["benchmark 1"], ["benchmark 2"], ["done"]], ends_after=3)
    log.write()
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        log.write()  # the job writes while ircli waits

    batches = [
        [e["message"] for e in batch] for batch in follow_events(log, log_request("j"), "j", pause=2.5, sleep=sleep)
    ]
    assert batches == [["started"], ["benchmark 1"], ["benchmark 2"], []]
    assert pauses == [2.5, 2.5]  # two pauses before the job had ended, none after
    assert log.describes == 3
