"""The local store of load tests ircli measured: a folder `load-tests/` in ircli's state directory
(IRCLI_HOME), one JSON file a test holding its DescribeInferenceRecommendationsJob answer, the load
test's own document and where it ran (backend, region, endpoint URL). Kept light: every command's service
looks names up here first, and sees only the tests that ran where it is pointed (`Scope`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

STORE_FOLDER = "load-tests"
NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$")


def as_time(epoch: float) -> datetime:
    return datetime.fromtimestamp(round(epoch, 3), tz=timezone.utc)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$time": value.timestamp()}
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$time"}:
            return as_time(float(value["$time"]))
        if set(value) == {"$float"}:
            return float(value["$float"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@dataclass(frozen=True)
class Scope:
    """Where commands are pointed: a load test is a job of the backend, region and endpoint it ran on only,
    as a job is the service's in one region."""

    backend: str
    region: str
    endpoint_url: str | None = None

    def to_document(self) -> dict[str, Any]:
        return {"Backend": self.backend, "Region": self.region, "EndpointUrl": self.endpoint_url}

    def holds(self, document: dict[str, Any]) -> bool:
        job = document.get("job")
        arn = str(job.get("JobArn", "")) if isinstance(job, dict) else ""
        if arn.count(":") >= 4 and arn.split(":")[3] != self.region:
            return False
        ran_on = document.get("ran_on")
        if not isinstance(ran_on, dict):  # kept before ircli noted where tests ran: its region says enough
            return True
        same_backend = ran_on.get("Backend") == self.backend
        return same_backend and (self.backend == "local" or ran_on.get("EndpointUrl") == self.endpoint_url)


class MeasuredStore:
    """Load tests kept under the state directory; looked up by name, as jobs are. With a `scope`, only the
    tests that ran there are found, and a test saved is marked as run there."""

    def __init__(self, state_dir: Callable[[], Path], scope: Scope | None = None) -> None:
        self._state_dir = state_dir
        self.scope = scope

    def path(self, name: str) -> Path | None:
        if not NAME.match(name):
            return None
        return self._state_dir() / STORE_FOLDER / f"{name}.json"

    def kept(self, name: str) -> Path | None:
        """The file a load test of that name is kept in, whichever backend, region or endpoint it ran on."""
        path = self.path(name)
        return path if path is not None and path.is_file() else None

    def save(self, name: str, job: dict[str, Any], load_test: dict[str, Any]) -> Path:
        from ircli.lib.files import make_private_folder, write_text

        target = self.path(name)
        assert target is not None  # the command checks the name first
        make_private_folder(target.parent)
        document = {"job": _encode(job), "load_test": _encode(load_test)}
        if self.scope is not None:
            document["ran_on"] = self.scope.to_document()
        return write_text(target, json.dumps(document, indent=1) + "\n", private=True)

    def _read(self, name: str) -> dict[str, Any] | None:
        path = self.path(name)
        if path is None or not path.is_file():
            return None
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or (self.scope is not None and not self.scope.holds(document)):
            return None
        return document

    def job(self, name: str) -> dict[str, Any] | None:
        document = self._read(name)
        job = document.get("job") if document else None
        return _decode(job) if isinstance(job, dict) else None

    def jobs(self) -> list[dict[str, Any]]:
        """Every kept test, as the job it stands for."""
        folder = self._state_dir() / STORE_FOLDER
        names = sorted(path.stem for path in folder.glob("*.json")) if folder.is_dir() else []
        return [job for job in (self.job(name) for name in names) if job is not None]

    def load_test(self, name: str) -> dict[str, Any] | None:
        document = self._read(name)
        load_test = document.get("load_test") if document else None
        return _decode(load_test) if isinstance(load_test, dict) else None

    def steps(self, name: str) -> list[dict[str, Any]] | None:
        """The test as ListInferenceRecommendationsJobSteps answers: one benchmark."""
        job = self.job(name)
        if job is None:
            return None
        benchmark: dict[str, Any] = {}
        for recommendation in job.get("InferenceRecommendations", []):
            benchmark = {
                key: recommendation[key]
                for key in (
                    "Metrics",
                    "EndpointConfiguration",
                    "ModelConfiguration",
                    "InvocationStartTime",
                    "InvocationEndTime",
                )
                if key in recommendation
            }
        if job.get("FailureReason"):
            benchmark["FailureReason"] = job["FailureReason"]
        return [{"StepType": "BENCHMARK", "JobName": name, "Status": job["Status"], "InferenceBenchmark": benchmark}]

    def scaling(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """GetScalingConfigurationRecommendation for one of the test's figures, by the simulator's formula."""
        from ircli.lib.scaling import scaling_configuration

        name = str(request.get("InferenceRecommendationsJobName", ""))
        job = self.job(name)
        if job is None:
            return None
        chosen = [
            r
            for r in job.get("InferenceRecommendations", [])
            if r.get("RecommendationId") == request.get("RecommendationId")
            or r["EndpointConfiguration"].get("EndpointName") == request.get("EndpointName")
        ]
        if not chosen:
            return None
        metrics, count = chosen[0]["Metrics"], chosen[0]["EndpointConfiguration"]["InitialInstanceCount"]
        target_cpu = request.get("TargetCpuUtilizationPerCore", 50)
        response: dict[str, Any] = {"InferenceRecommendationsJobName": name}
        for key in ("RecommendationId", "EndpointName", "ScalingPolicyObjective"):
            if key in request:
                response[key] = request[key]
        response["TargetCpuUtilizationPerCore"] = target_cpu
        response.update(
            scaling_configuration(
                metrics["MaxInvocations"],
                count,
                metrics.get("ModelLatency", 0),
                target_cpu,
                request.get("ScalingPolicyObjective"),
            )
        )
        return response
