"""API-shaped state and behaviour of the simulated service.

`Simulator.dispatch(operation, request)` takes a request as botocore would send it and returns the
response as botocore would parse it (timestamps as aware datetimes, non-finite floats as "NaN"), or raises
a `SimulatorError` with the service's code and message. Jobs and endpoints move through their states with
the clock: a job stores its timeline when it is created and every read derives the status from it.

Deliberate failures, for testing pipelines' error paths: a tag `ircli:simulate` on create-job with the
value `fail-job` (the job FAILS after its first wave of benchmarks), `fail-step` (the first benchmark
FAILS, the rest complete) or `limit-exceeded` (the create is refused with ResourceLimitExceeded).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import math
import os
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, ClassVar

from ircli.errors import ConfigurationError
from ircli.lib.validation import request_violations, service_message
from ircli.simulator import perf
from ircli.simulator.exceptions import (
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    UnknownOperationException,
    ValidationException,
)
from ircli.simulator.store import LAST_MODIFIED_SQL, STATUS_SQL, Store

ACCOUNT_ID = "123456789012"
SIMULATE_TAG = "ircli:simulate"

# The service's own durations, in seconds (developer guide: a Default job completes in about 45 minutes).
REALTIME = {
    "pending": 120.0,
    "default_job": 2700.0,
    "advanced_deploy": 300.0,
    "stopping": 60.0,
    "endpoint_create": 300.0,
    "endpoint_update": 180.0,
}
# The default speed runs a Default job in about 30 seconds.
DEFAULT_SPEEDUP = 90.0
MAX_RECOMMENDATIONS = 10  # the API's InferenceRecommendations list holds at most 10
TERMINAL = ("COMPLETED", "FAILED", "STOPPED")


def speed_factor(value: str | None = None) -> float:
    """Seconds of simulated time per second of the service's time, from IRCLI_SIM_SPEED."""
    text = (value if value is not None else os.environ.get("IRCLI_SIM_SPEED", "")).strip().lower()
    if text in ("", "default", "fast"):
        return 1.0 / DEFAULT_SPEEDUP
    if text == "instant":
        return 0.0
    if text == "realtime":
        return 1.0
    try:
        speedup = float(text)
    except ValueError:
        speedup = -1.0
    if not math.isfinite(speedup) or speedup < 1:
        raise ConfigurationError(
            f"IRCLI_SIM_SPEED={text!r} is not a speed.",
            hint="Use instant, default, realtime, or a speed-up factor of 1 or more (e.g. 10).",
        )
    return 1.0 / speedup


def to_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def to_epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValidationException(f"Value '{value}' is not a valid timestamp.") from None
        return to_epoch(parsed)
    raise ValidationException(f"Value '{value}' is not a valid timestamp.")


def short_hash(*parts: Any, length: int = 8) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:length]


def encode_token(offset: int, context: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "c": context}).encode()).decode()


def decode_token(token: str, context: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(data["o"])
        if data["c"] != context or offset < 0:
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationException("Invalid pagination token given.") from None
    return offset


def encode_keyset_token(key: Any, name: str, context: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": key, "n": name, "c": context}).encode()).decode()


def decode_keyset_token(token: str, context: str) -> tuple[Any, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["c"] != context or not isinstance(data["n"], str) or not isinstance(data["k"], (str, int, float)):
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationException("Invalid pagination token given.") from None
    return data["k"], data["n"]


def _env_combinations(endpoint: dict[str, Any]) -> list[dict[str, str]]:
    ranges = (endpoint.get("EnvironmentParameterRanges") or {}).get("CategoricalParameterRanges") or []
    if not ranges:
        return [{}]
    names = [r["Name"] for r in ranges]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(r["Value"] for r in ranges))]


class Simulator:
    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], float] | None = None,
        region: str = "us-east-1",
        speed: str | None = None,
    ) -> None:
        import time

        self.store = store
        self.clock = clock or time.time
        self.region = region
        self.speed = speed  # IRCLI_SIM_SPEED's value; None reads the environment when a job is created

    # -- plumbing ---------------------------------------------------------------------------------

    def dispatch(self, operation: str, request: dict[str, Any], *, validated: bool = False) -> dict[str, Any]:
        """Answer one request. `validated` says the caller has already checked it against the schema and
        the service's rules (ircli's service layer does, before every call)."""
        handler = self.HANDLERS.get(operation)
        if handler is None:
            raise UnknownOperationException(f"Operation {operation} is not supported by the ircli simulator.")
        if not validated:
            # The service ignores members it does not know; everything else it checks.
            violations = [v for v in request_violations(operation, request) if v.rule != "unknown"]
            if violations:
                raise ValidationException(service_message(violations))
        result: dict[str, Any] = handler(self, request)
        return result

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{ACCOUNT_ID}:{kind}/{name.lower()}"

    # -- recommendation jobs ----------------------------------------------------------------------

    def create_job(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["JobName"]
        tags = {tag["Key"]: tag.get("Value", "") for tag in request.get("Tags", [])}
        simulate = tags.get(SIMULATE_TAG)
        if simulate == "limit-exceeded":
            raise ResourceLimitExceeded(
                "The account-level service limit 'Number of concurrent inference recommendations jobs' is 0 "
                "Jobs, with current utilization of 0 Jobs and a request delta of 1 Jobs. (simulated by the "
                f"{SIMULATE_TAG} tag)"
            )
        config = request["InputConfig"]
        for endpoint in config.get("Endpoints", []):
            if self._endpoint_row(endpoint["EndpointName"]) is None:
                raise ValidationException(
                    f'Could not find endpoint "{self.arn("endpoint", endpoint["EndpointName"])}".'
                )
        now = self.clock()
        factor = speed_factor(self.speed)
        plan = self._plan(request, simulate, factor)
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM jobs WHERE name = ?", (name,)).fetchone():
                raise ResourceInUse(f"Inference recommendations job with name {name} already exists.")
            db.execute(
                "INSERT INTO jobs (name, created, pending_until, ends_at, failed, stopping_seconds, job_type,"
                " model_name, model_package_arn, request, plan) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    name,
                    now,
                    now + plan["pending"],
                    now + plan["ends"],
                    int(plan["failure_reason"] is not None),
                    REALTIME["stopping"] * factor,
                    request["JobType"],
                    config.get("ModelName"),
                    config.get("ModelPackageVersionArn"),
                    json.dumps(request, default=str),
                    json.dumps(plan),
                ),
            )
        return {"JobArn": self.arn("inference-recommendations-job", name)}

    def _plan(self, request: dict[str, Any], simulate: str | None, factor: float) -> dict[str, Any]:
        """The job's timeline (offsets from creation, in seconds) and what each benchmark measures."""
        config = request["InputConfig"]
        advanced = request["JobType"] == "Advanced"
        profile = perf.profile_for(config.get("ContainerConfig"))
        conditions = perf.Conditions.from_request(request.get("StoppingConditions"))
        endpoints = config.get("EndpointConfigurations") or [
            {"InstanceType": t}
            for t in (config.get("ContainerConfig", {}).get("SupportedInstanceTypes") or profile.candidates)
        ]
        tests = [(endpoint, env) for endpoint in endpoints for env in _env_combinations(endpoint)]
        limits = config.get("ResourceLimit", {})
        tests = tests[: limits.get("MaxNumberOfTests", len(tests))]
        parallel = max(1, min(limits.get("MaxParallelOfTests", len(tests)), len(tests)))
        waves = math.ceil(len(tests) / parallel)
        # The schedule is worked out in the service's seconds, then scaled by the simulation speed.
        pending = REALTIME["pending"]
        if advanced:
            traffic = config.get("TrafficPattern", {})
            traffic_seconds = sum(p["DurationInSeconds"] for p in traffic.get("Phases", [])) or traffic.get(
                "Stairs", {}
            ).get("DurationInSeconds", 600)
            step_seconds = REALTIME["advanced_deploy"] + traffic_seconds
        else:
            step_seconds = (REALTIME["default_job"] - REALTIME["pending"]) / waves
        bound = config.get("JobDurationInSeconds")
        job_name = request["JobName"]
        steps = []
        for index, (endpoint, env) in enumerate(tests):
            start = pending + (index // parallel) * step_seconds
            end = start + step_seconds
            if bound is not None and start >= bound and index >= parallel:
                break  # the service schedules no new test after JobDurationInSeconds
            if bound is not None:
                end = min(end, max(start, bound))
            result = self._benchmark(endpoint, env, profile, conditions)
            if simulate == "fail-step" and index == 0:
                result = perf.Benchmark(failure=f"Benchmark failed: simulated by the {SIMULATE_TAG} tag.")
            step_id = short_hash(job_name, index)
            steps.append(
                {
                    "index": index,
                    "endpoint": {k: v for k, v in endpoint.items() if k in ("InstanceType", "ServerlessConfig")},
                    "inference_specification": endpoint.get("InferenceSpecificationName"),
                    "env": env,
                    "start": start * factor,
                    "end": end * factor,
                    "endpoint_name": f"sm-epc-{job_name[:40]}-{step_id}"[:63].rstrip("-"),
                    "recommendation_id": f"{job_name}/{step_id}",
                    "result": result.__dict__,
                }
            )
        pending *= factor
        step_seconds *= factor
        ends = max((step["end"] for step in steps), default=pending)
        failure_reason = None
        if simulate == "fail-job":
            ends = min(ends, pending + step_seconds)
            failure_reason = f"Simulated job failure (the {SIMULATE_TAG} tag is fail-job)."
        elif steps and all(step["result"]["failure"] for step in steps):
            failure_reason = f"All benchmarks failed. First failure: {steps[0]['result']['failure']}"
        performances = [
            self._endpoint_performance(endpoint["EndpointName"], profile, conditions)
            for endpoint in config.get("Endpoints", [])
        ]
        return {
            "pending": pending,
            "ends": ends,
            "steps": steps,
            "failure_reason": failure_reason,
            "endpoint_performances": performances,
        }

    @staticmethod
    def _benchmark(
        endpoint: dict[str, Any], env: dict[str, str], profile: perf.ModelProfile, conditions: perf.Conditions
    ) -> perf.Benchmark:
        if "ServerlessConfig" in endpoint:
            serverless = endpoint["ServerlessConfig"]
            return perf.benchmark_serverless(
                serverless["MemorySizeInMB"], serverless["MaxConcurrency"], profile, env, conditions
            )
        return perf.benchmark_instance(endpoint["InstanceType"], profile, env, conditions)

    def _endpoint_performance(
        self, name: str, profile: perf.ModelProfile, conditions: perf.Conditions
    ) -> dict[str, Any]:
        endpoint = self._materialized_endpoint(name)
        variant = endpoint["variants"][0]
        if variant.get("serverless"):
            serverless = variant["serverless"]
            result = perf.benchmark_serverless(
                serverless["MemorySizeInMB"],
                serverless["MaxConcurrency"],
                profile,
                {},
                perf.Conditions(None, conditions.percentile, conditions.threshold_ms),
            )
        else:
            single = perf.benchmark_instance(
                variant["instance_type"],
                profile,
                {},
                perf.Conditions(None, conditions.percentile, conditions.threshold_ms),
            )
            count = variant.get("instance_count") or 1
            result = perf.Benchmark(
                max_invocations=single.max_invocations * count,
                model_latency_us=single.model_latency_us,
                failure=single.failure,
            )
        return {
            "Metrics": {"MaxInvocations": result.max_invocations, "ModelLatency": result.model_latency_us},
            "EndpointInfo": {"EndpointName": endpoint["EndpointName"]},
        }

    def _job_row(self, name: str) -> Any:
        return (
            self.store.read()
            .execute(
                f"SELECT *, {STATUS_SQL} AS status, {LAST_MODIFIED_SQL} AS last_modified FROM jobs WHERE name = :name",
                {"now": self.clock(), "name": name},
            )
            .fetchone()
        )

    def _require_job(self, name: str) -> Any:
        row = self._job_row(name)
        if row is None:
            raise ResourceNotFound(f"Inference recommendations job {name} does not exist.")
        return row

    def describe_job(self, request: dict[str, Any]) -> dict[str, Any]:
        row = self._require_job(request["JobName"])
        job_request = json.loads(row["request"])
        plan = json.loads(row["plan"])
        status = row["status"]
        created = row["created"]
        response: dict[str, Any] = {
            "JobName": job_request["JobName"],
            "JobType": row["job_type"],
            "JobArn": self.arn("inference-recommendations-job", row["name"]),
            "RoleArn": job_request["RoleArn"],
            "Status": status,
            "CreationTime": to_datetime(created),
            "LastModifiedTime": to_datetime(row["last_modified"]),
            "InputConfig": job_request["InputConfig"],
        }
        if "JobDescription" in job_request:
            response["JobDescription"] = job_request["JobDescription"]
        if "StoppingConditions" in job_request:
            response["StoppingConditions"] = job_request["StoppingConditions"]
        if status in TERMINAL:
            response["CompletionTime"] = to_datetime(row["last_modified"])
        if status == "FAILED":
            response["FailureReason"] = plan["failure_reason"]
        if status in ("COMPLETED", "STOPPED"):
            cutoff = row["stop_at"] if row["stop_at"] is not None else math.inf
            finished = [
                step
                for step in plan["steps"]
                if created + step["end"] <= min(cutoff, self.clock()) and not step["result"]["failure"]
            ]
            if len(finished) > MAX_RECOMMENDATIONS:
                cheapest = sorted(finished, key=lambda s: (s["result"]["cost_per_inference"], s["index"]))
                keep = {s["index"] for s in cheapest[:MAX_RECOMMENDATIONS]}
                finished = [s for s in finished if s["index"] in keep]
            if finished:
                response["InferenceRecommendations"] = [self._recommendation(step, created) for step in finished]
            if status == "COMPLETED" and plan["endpoint_performances"]:
                response["EndpointPerformances"] = plan["endpoint_performances"]
        return response

    @staticmethod
    def _metrics(result: dict[str, Any]) -> dict[str, Any]:
        metrics: dict[str, Any] = {
            "CostPerHour": result["cost_per_hour"],
            "CostPerInference": result["cost_per_inference"],
            "MaxInvocations": result["max_invocations"],
            "ModelLatency": result["model_latency_us"],
            "CpuUtilization": _float_out(result["cpu_utilization"]),
            "MemoryUtilization": _float_out(result["memory_utilization"]),
        }
        if result["model_setup_time_us"] is not None:
            metrics["ModelSetupTime"] = result["model_setup_time_us"]
        return metrics

    @staticmethod
    def _endpoint_configuration(step: dict[str, Any]) -> dict[str, Any]:
        endpoint = step["endpoint"]
        configuration: dict[str, Any] = {"EndpointName": step["endpoint_name"], "VariantName": step["endpoint_name"]}
        if "ServerlessConfig" in endpoint:
            configuration["ServerlessConfig"] = endpoint["ServerlessConfig"]
        else:
            configuration["InstanceType"] = endpoint["InstanceType"]
            configuration["InitialInstanceCount"] = step["result"]["instance_count"]
        return configuration

    @staticmethod
    def _model_configuration(step: dict[str, Any]) -> dict[str, Any]:
        model: dict[str, Any] = {}
        if step.get("inference_specification"):
            model["InferenceSpecificationName"] = step["inference_specification"]
        if step["env"]:
            model["EnvironmentParameters"] = [
                {"Key": key, "ValueType": "String", "Value": value} for key, value in step["env"].items()
            ]
        return model

    def _recommendation(self, step: dict[str, Any], created: float) -> dict[str, Any]:
        return {
            "RecommendationId": step["recommendation_id"],
            "Metrics": self._metrics(step["result"]),
            "EndpointConfiguration": self._endpoint_configuration(step),
            "ModelConfiguration": self._model_configuration(step),
            "InvocationStartTime": to_datetime(created + step["start"]),
            "InvocationEndTime": to_datetime(created + step["end"]),
        }

    def list_jobs(self, request: dict[str, Any]) -> dict[str, Any]:
        clauses: list[str] = ["1=1"]
        params: dict[str, Any] = {"now": self.clock()}
        filters = {
            "CreationTimeAfter": "created > :CreationTimeAfter",
            "CreationTimeBefore": "created < :CreationTimeBefore",
            "LastModifiedTimeAfter": f"({LAST_MODIFIED_SQL}) > :LastModifiedTimeAfter",
            "LastModifiedTimeBefore": f"({LAST_MODIFIED_SQL}) < :LastModifiedTimeBefore",
        }
        for member, clause in filters.items():
            if member in request:
                clauses.append(clause)
                params[member] = to_epoch(request[member])
        if "NameContains" in request:
            clauses.append("instr(lower(name), lower(:NameContains)) > 0")
            params["NameContains"] = request["NameContains"]
        if "StatusEquals" in request:
            clauses.append(f"({STATUS_SQL}) = :StatusEquals")
            params["StatusEquals"] = request["StatusEquals"]
        if "ModelNameEquals" in request:
            clauses.append("model_name = :ModelNameEquals")
            params["ModelNameEquals"] = request["ModelNameEquals"]
        if "ModelPackageVersionArnEquals" in request:
            clauses.append("model_package_arn = :ModelPackageVersionArnEquals")
            params["ModelPackageVersionArnEquals"] = request["ModelPackageVersionArnEquals"]
        sort_key = {"Name": "name", "CreationTime": "created", "Status": f"({STATUS_SQL})"}[
            request.get("SortBy", "CreationTime")
        ]
        order = "ASC" if request.get("SortOrder") == "Ascending" else "DESC"
        context = short_hash({k: v for k, v in request.items() if k not in ("NextToken", "MaxResults")}, length=12)
        if "NextToken" in request:
            # Keyset pagination: each page starts after the last row of the one before, so a page costs the
            # same however deep into the listing it is.
            params["after_key"], params["after_name"] = decode_keyset_token(request["NextToken"], context)
            beyond = ">" if order == "ASC" else "<"
            clauses.append(
                f"({sort_key} {beyond} :after_key OR ({sort_key} = :after_key AND name {beyond} :after_name))"
            )
        limit = request.get("MaxResults", 100)
        rows = (
            self.store.read()
            .execute(
                f"SELECT name, created, job_type, model_name, model_package_arn, ends_at, failed, stop_at,"
                f" CASE WHEN failed THEN json_extract(plan, '$.failure_reason') END AS failure_reason,"
                f" {sort_key} AS sort_key,"
                f" json_extract(request, '$.JobDescription') AS description,"
                f" json_extract(request, '$.RoleArn') AS role_arn,"
                f" json_extract(request, '$.JobName') AS job_name,"
                f" json_extract(request, '$.InputConfig.ContainerConfig.PayloadConfig.SamplePayloadUrl') AS payload,"
                f" {STATUS_SQL} AS status, {LAST_MODIFIED_SQL} AS last_modified FROM jobs"
                f" WHERE {' AND '.join(clauses)} ORDER BY {sort_key} {order}, name {order}"
                f" LIMIT {int(limit) + 1}",
                params,
            )
            .fetchall()
        )
        jobs = []
        for row in rows[:limit]:
            item: dict[str, Any] = {
                "JobName": row["job_name"],
                "JobDescription": row["description"] or "",
                "JobType": row["job_type"],
                "JobArn": self.arn("inference-recommendations-job", row["name"]),
                "Status": row["status"],
                "CreationTime": to_datetime(row["created"]),
                "RoleArn": row["role_arn"],
                "LastModifiedTime": to_datetime(row["last_modified"]),
            }
            if row["status"] in TERMINAL:
                item["CompletionTime"] = to_datetime(row["last_modified"])
            if row["status"] == "FAILED":
                item["FailureReason"] = row["failure_reason"]
            for key, column in (
                ("ModelName", "model_name"),
                ("ModelPackageVersionArn", "model_package_arn"),
                ("SamplePayloadUrl", "payload"),
            ):
                if row[column]:
                    item[key] = row[column]
            jobs.append(item)
        response: dict[str, Any] = {"InferenceRecommendationsJobs": jobs}
        if len(rows) > limit:
            last = rows[limit - 1]
            response["NextToken"] = encode_keyset_token(last["sort_key"], last["name"], context)
        return response

    def list_steps(self, request: dict[str, Any]) -> dict[str, Any]:
        row = self._require_job(request["JobName"])
        plan = json.loads(row["plan"])
        now = self.clock()
        created = row["created"]
        stop_at = row["stop_at"]
        job_end = created + plan["ends"]
        job_name = json.loads(row["request"])["JobName"]
        steps = []
        for step in plan["steps"]:
            status = self._step_status(step, created, now, stop_at, job_end, bool(row["failed"]))
            if "Status" in request and status != request["Status"]:
                continue
            if request.get("StepType", "BENCHMARK") != "BENCHMARK":
                continue
            benchmark: dict[str, Any] = {
                "EndpointConfiguration": self._endpoint_configuration(step),
                "ModelConfiguration": self._model_configuration(step),
            }
            if status in ("IN_PROGRESS", "COMPLETED", "FAILED", "STOPPED") and now >= created + step["start"]:
                benchmark["InvocationStartTime"] = to_datetime(created + step["start"])
            if status == "COMPLETED":
                benchmark["Metrics"] = self._metrics(step["result"])
                benchmark["EndpointMetrics"] = {
                    "MaxInvocations": step["result"]["max_invocations"],
                    "ModelLatency": step["result"]["model_latency_us"],
                }
                benchmark["InvocationEndTime"] = to_datetime(created + step["end"])
            if status == "FAILED":
                benchmark["FailureReason"] = step["result"]["failure"] or plan["failure_reason"]
            steps.append(
                {"StepType": "BENCHMARK", "JobName": job_name, "Status": status, "InferenceBenchmark": benchmark}
            )
        context = short_hash(request["JobName"], request.get("Status"), request.get("StepType"), length=12)
        offset = decode_token(request["NextToken"], context) if "NextToken" in request else 0
        limit = request.get("MaxResults", 100)
        response: dict[str, Any] = {"Steps": steps[offset : offset + limit]}
        if offset + limit < len(steps):
            response["NextToken"] = encode_token(offset + limit, context)
        return response

    @staticmethod
    def _step_status(
        step: dict[str, Any], created: float, now: float, stop_at: float | None, job_end: float, job_failed: bool
    ) -> str:
        start, end = created + step["start"], created + step["end"]
        halted = stop_at if stop_at is not None else (job_end if job_failed else None)
        if halted is not None and end > halted:
            if now < halted:
                return "PENDING" if now < start else "IN_PROGRESS"
            return "STOPPED" if stop_at is not None else "FAILED"
        if now < start:
            return "PENDING"
        if now < end:
            return "IN_PROGRESS"
        return "FAILED" if step["result"]["failure"] else "COMPLETED"

    def stop_job(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["JobName"]
        with self.store.write() as db:
            row = db.execute(
                f"SELECT {STATUS_SQL} AS status FROM jobs WHERE name = :name", {"now": self.clock(), "name": name}
            ).fetchone()
            if row is None:
                raise ResourceNotFound(f"Inference recommendations job {name} does not exist.")
            if row["status"] not in ("PENDING", "IN_PROGRESS"):
                raise ValidationException(
                    f"Inference recommendations job {name} is {row['status']} and cannot be stopped."
                )
            db.execute("UPDATE jobs SET stop_at = ? WHERE name = ?", (self.clock(), name))
        return {}

    # -- scaling recommendations ------------------------------------------------------------------

    def scaling_recommendation(self, request: dict[str, Any]) -> dict[str, Any]:
        job_name = request["InferenceRecommendationsJobName"]
        described = self.describe_job({"JobName": job_name})
        if described["Status"] != "COMPLETED":
            raise ValidationException(
                f"Inference recommendations job {job_name} is {described['Status']}; scaling recommendations "
                "need a COMPLETED job."
            )
        target_cpu = request.get("TargetCpuUtilizationPerCore", 50)
        if "RecommendationId" in request:
            match = [
                r
                for r in described.get("InferenceRecommendations", [])
                if r["RecommendationId"] == request["RecommendationId"]
            ]
            if not match:
                raise ResourceNotFound(f"Recommendation {request['RecommendationId']} is not part of job {job_name}.")
            recommendation = match[0]
            if "ServerlessConfig" in recommendation["EndpointConfiguration"]:
                raise ValidationException(
                    "Scaling recommendations are available for instance-based recommendations only; "
                    f"{request['RecommendationId']} is serverless."
                )
            count = recommendation["EndpointConfiguration"]["InitialInstanceCount"]
            total, latency = recommendation["Metrics"]["MaxInvocations"], recommendation["Metrics"]["ModelLatency"]
        else:
            match = [
                p
                for p in described.get("EndpointPerformances", [])
                if p["EndpointInfo"]["EndpointName"] == request["EndpointName"]
            ]
            if not match:
                raise ResourceNotFound(f"Endpoint {request['EndpointName']} was not benchmarked by job {job_name}.")
            endpoint = self._materialized_endpoint(request["EndpointName"])
            count = max(1, endpoint["variants"][0].get("instance_count") or 1)
            total, latency = match[0]["Metrics"]["MaxInvocations"], match[0]["Metrics"]["ModelLatency"]
        response: dict[str, Any] = {"InferenceRecommendationsJobName": job_name}
        for key in ("RecommendationId", "EndpointName", "ScalingPolicyObjective"):
            if key in request:
                response[key] = request[key]
        response["TargetCpuUtilizationPerCore"] = target_cpu
        response.update(scaling_configuration(total, count, latency, target_cpu, request.get("ScalingPolicyObjective")))
        return response

    # -- endpoint configurations and endpoints ----------------------------------------------------

    def create_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        for index, variant in enumerate(request["ProductionVariants"]):
            if "ServerlessConfig" not in variant and not (
                "InstanceType" in variant and "InitialInstanceCount" in variant
            ):
                raise ValidationException(
                    f"1 validation error detected: Value at 'productionVariants.{index + 1}.member' failed to satisfy "
                    "constraint: specify InstanceType and InitialInstanceCount, or ServerlessConfig"
                )
        names = [v["VariantName"] for v in request["ProductionVariants"]]
        if len(set(names)) != len(names):
            raise ValidationException("Variant names must be unique within an endpoint configuration.")
        now = self.clock()
        arn = self.arn("endpoint-config", name)
        body = dict(request, EndpointConfigArn=arn)
        body.pop("Tags", None)
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM endpoint_configs WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f'Cannot create already existing endpoint configuration "{arn}".')
            db.execute(
                "INSERT INTO endpoint_configs (name, created, body) VALUES (?,?,?)", (name, now, json.dumps(body))
            )
        return {"EndpointConfigArn": arn}

    def _config_row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM endpoint_configs WHERE name = ?", (name,)).fetchone()

    def describe_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        row = self._config_row(name)
        if row is None:
            raise ValidationException(f'Could not find endpoint configuration "{self.arn("endpoint-config", name)}".')
        body: dict[str, Any] = json.loads(row["body"])
        body["CreationTime"] = to_datetime(row["created"])
        return body

    def delete_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        with self.store.write() as db:
            if db.execute("DELETE FROM endpoint_configs WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(
                    f'Could not find endpoint configuration "{self.arn("endpoint-config", name)}".'
                )
        return {}

    def create_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        name, config_name = request["EndpointName"], request["EndpointConfigName"]
        config = self.describe_endpoint_config({"EndpointConfigName": config_name})
        now = self.clock()
        arn = self.arn("endpoint", name)
        variants = [
            {
                "VariantName": v["VariantName"],
                "weight": v.get("InitialVariantWeight", 1.0),
                "instance_type": v.get("InstanceType"),
                "instance_count": v.get("InitialInstanceCount"),
                "serverless": v.get("ServerlessConfig"),
                "shadow": shadow,
            }
            for shadow, member in ((False, "ProductionVariants"), (True, "ShadowProductionVariants"))
            for v in config.get(member, [])
        ]
        body = {
            "EndpointName": name,
            "EndpointArn": arn,
            "EndpointConfigName": config["EndpointConfigName"],
            "ready_at": now + REALTIME["endpoint_create"] * speed_factor(self.speed),
            "variants": variants,
            "pending": None,
            "last_modified": now,
        }
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM endpoints WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f'Cannot create already existing endpoint "{arn}".')
            db.execute("INSERT INTO endpoints (name, created, body) VALUES (?,?,?)", (name, now, json.dumps(body)))
        return {"EndpointArn": arn}

    def _endpoint_row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone()

    def _materialized_endpoint(self, name: str, row: Any = None) -> dict[str, Any]:
        """The endpoint as of now: a finished update is folded into the current variants."""
        row = row if row is not None else self._endpoint_row(name)
        if row is None:
            raise ValidationException(f'Could not find endpoint "{self.arn("endpoint", name)}".')
        body: dict[str, Any] = json.loads(row["body"])
        body["created"] = row["created"]
        now = self.clock()
        pending = body.get("pending")
        if now < body["ready_at"]:
            body["status"] = "Creating"
        elif pending and now < pending["ready_at"]:
            body["status"] = "Updating"
        else:
            body["status"] = "InService"
            if pending:
                body["variants"] = pending["variants"]
                body["last_modified"] = pending["ready_at"]
                body["pending"] = None
            elif body["last_modified"] < body["ready_at"]:
                body["last_modified"] = body["ready_at"]
        return body

    def describe_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        endpoint = self._materialized_endpoint(request["EndpointName"])
        status = endpoint["status"]
        pending = endpoint.get("pending")
        desired_by_name = {v["VariantName"]: v for v in (pending["variants"] if pending else endpoint["variants"])}
        summaries: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        for variant in endpoint["variants"]:
            desired = desired_by_name[variant["VariantName"]]
            summary: dict[str, Any] = {"VariantName": variant["VariantName"], "DesiredWeight": desired["weight"]}
            if status != "Creating":
                summary["CurrentWeight"] = variant["weight"]
            if variant.get("serverless"):
                if status != "Creating":
                    summary["CurrentServerlessConfig"] = variant["serverless"]
                summary["DesiredServerlessConfig"] = desired["serverless"]
            else:
                if status != "Creating":
                    summary["CurrentInstanceCount"] = variant["instance_count"]
                summary["DesiredInstanceCount"] = desired["instance_count"]
            summaries[bool(variant.get("shadow"))].append(summary)
        response: dict[str, Any] = {
            "EndpointName": endpoint["EndpointName"],
            "EndpointArn": endpoint["EndpointArn"],
            "EndpointConfigName": endpoint["EndpointConfigName"],
            "ProductionVariants": summaries[False],
            "EndpointStatus": status,
            "CreationTime": to_datetime(endpoint["created"]),
            "LastModifiedTime": to_datetime(endpoint["last_modified"]),
        }
        if summaries[True]:
            response["ShadowProductionVariants"] = summaries[True]
        if status in ("Creating", "Updating"):
            start = pending["started"] if pending else endpoint["created"]
            pending_variants: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
            for variant in pending["variants"] if pending else endpoint["variants"]:
                item: dict[str, Any] = {"VariantName": variant["VariantName"], "DesiredWeight": variant["weight"]}
                if variant.get("serverless"):
                    item["DesiredServerlessConfig"] = variant["serverless"]
                else:
                    item["DesiredInstanceCount"] = variant["instance_count"]
                    item["InstanceType"] = variant["instance_type"]
                pending_variants[bool(variant.get("shadow"))].append(item)
            response["PendingDeploymentSummary"] = {
                "EndpointConfigName": endpoint["EndpointConfigName"],
                "ProductionVariants": pending_variants[False],
                "StartTime": to_datetime(start),
            }
            if pending_variants[True]:
                response["PendingDeploymentSummary"]["ShadowProductionVariants"] = pending_variants[True]
        return response

    def update_capacity(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointName"]
        with self.store.write() as db:
            row = db.execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone()
            endpoint = self._materialized_endpoint(name, row)
            if endpoint["status"] != "InService":
                raise ValidationException(f'Cannot update in-progress endpoint "{endpoint["EndpointArn"]}".')
            variants = {v["VariantName"]: dict(v) for v in endpoint["variants"]}
            missing = [
                d["VariantName"] for d in request["DesiredWeightsAndCapacities"] if d["VariantName"] not in variants
            ]
            if missing:
                raise ValidationException(
                    f'The variant(s) "{missing}" is not present for the endpoint "{endpoint["EndpointArn"]}".'
                )
            for desired in request["DesiredWeightsAndCapacities"]:
                variant = variants[desired["VariantName"]]
                if "DesiredWeight" in desired:
                    variant["weight"] = desired["DesiredWeight"]
                if "DesiredInstanceCount" in desired:
                    if variant.get("serverless"):
                        raise ValidationException(
                            f"Variant {desired['VariantName']} is serverless; update it with ServerlessUpdateConfig."
                        )
                    variant["instance_count"] = desired["DesiredInstanceCount"]
                if "ServerlessUpdateConfig" in desired:
                    if not variant.get("serverless"):
                        raise ValidationException(
                            f"Variant {desired['VariantName']} is instance-based; ServerlessUpdateConfig applies to "
                            "serverless variants only."
                        )
                    merged = dict(variant["serverless"], **desired["ServerlessUpdateConfig"])
                    if merged.get("ProvisionedConcurrency", 0) > merged["MaxConcurrency"]:
                        raise ValidationException(
                            f"ProvisionedConcurrency ({merged['ProvisionedConcurrency']}) must be less than or equal "
                            f"to MaxConcurrency ({merged['MaxConcurrency']})."
                        )
                    variant["serverless"] = merged
            now = self.clock()
            body = {
                k: endpoint[k]
                for k in ("EndpointName", "EndpointArn", "EndpointConfigName", "ready_at", "variants", "last_modified")
            }
            body["pending"] = {
                "variants": list(variants.values()),
                "started": now,
                "ready_at": now + REALTIME["endpoint_update"] * speed_factor(self.speed),
            }
            body["last_modified"] = now
            db.execute("UPDATE endpoints SET body = ? WHERE name = ?", (json.dumps(body), name))
        return {"EndpointArn": endpoint["EndpointArn"]}

    def delete_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointName"]
        with self.store.write() as db:
            if db.execute("DELETE FROM endpoints WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(f'Could not find endpoint "{self.arn("endpoint", name)}".')
        return {}

    HANDLERS: ClassVar[dict[str, Callable[[Simulator, dict[str, Any]], dict[str, Any]]]] = {
        "CreateInferenceRecommendationsJob": create_job,
        "DescribeInferenceRecommendationsJob": describe_job,
        "ListInferenceRecommendationsJobs": list_jobs,
        "ListInferenceRecommendationsJobSteps": list_steps,
        "StopInferenceRecommendationsJob": stop_job,
        "GetScalingConfigurationRecommendation": scaling_recommendation,
        "CreateEndpointConfig": create_endpoint_config,
        "DescribeEndpointConfig": describe_endpoint_config,
        "DeleteEndpointConfig": delete_endpoint_config,
        "CreateEndpoint": create_endpoint,
        "DescribeEndpoint": describe_endpoint,
        "DeleteEndpoint": delete_endpoint,
        "UpdateEndpointWeightsAndCapacities": update_capacity,
    }


def _float_out(value: float) -> float | str:
    return "NaN" if math.isnan(value) else value


DEFAULT_COOLDOWN_SECONDS = 300  # SageMaker's default variant scaling cooldown


def scaling_configuration(
    total_invocations: int, instance_count: int, model_latency: int, target_cpu: int, objective: dict[str, Any] | None
) -> dict[str, Any]:
    """The simulator's scaling formula (the service's is not public; see the README):

    per-instance capacity = MaxInvocations / InitialInstanceCount; the target-tracking value on
    SageMakerVariantInvocationsPerInstance is that capacity x TargetCpuUtilizationPerCore / 100 (AWS's own
    analysis sample targets 45-55% of the benchmarked maximum); MinCapacity and MaxCapacity cover the
    objective's MinInvocationsPerMinute and MaxInvocationsPerMinute at that target (without an objective:
    1 and the count that serves the benchmarked maximum at the target); cooldowns are SageMaker's default.
    """
    per_instance = max(1, total_invocations // max(1, instance_count))
    target = max(1.0, round(per_instance * target_cpu / 100.0, 1))
    objective = objective or {}
    minimum = max(1, math.ceil(objective.get("MinInvocationsPerMinute", 0) / target))
    peak = objective.get("MaxInvocationsPerMinute", total_invocations)
    maximum = max(minimum, math.ceil(peak / target))
    return {
        "Metric": {"InvocationsPerInstance": per_instance, "ModelLatency": model_latency},
        "DynamicScalingConfiguration": {
            "MinCapacity": minimum,
            "MaxCapacity": maximum,
            "ScaleInCooldown": DEFAULT_COOLDOWN_SECONDS,
            "ScaleOutCooldown": DEFAULT_COOLDOWN_SECONDS,
            "ScalingPolicies": [
                {
                    "TargetTracking": {
                        "MetricSpecification": {
                            "Predefined": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
                        },
                        "TargetValue": target,
                    }
                }
            ],
        },
    }
