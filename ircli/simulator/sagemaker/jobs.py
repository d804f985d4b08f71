"""Inference recommendation jobs: create, describe, list, list steps, stop. A job stores its plan (every
benchmark's schedule and result) when it is created; every read derives its status from the clock.

Deliberate failures, for testing pipelines' error paths: a tag `ircli:simulate` on create-job with the
value `fail-job` (the job FAILS after its first wave of benchmarks), `fail-step` (the first benchmark
FAILS, the rest complete) or `limit-exceeded` (the create is refused with ResourceLimitExceeded).
"""

from __future__ import annotations

import math
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import (
    MAX_RECOMMENDATIONS,
    REALTIME,
    SIMULATE_TAG,
    TERMINAL,
    decode_keyset_token,
    encode_keyset_token,
    epoch,
    page_of,
    short_hash,
    speed_factor,
    stored_latency_ms,
    to_datetime,
)
from ircli.simulator.exceptions import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ValidationException
from ircli.simulator.resource import Resource, handles
from ircli.simulator.store import LAST_MODIFIED_SQL, STATUS_SQL
from ircli.simulator.timeline import JobTimeline, backdated, step_offsets


class Jobs(Resource):
    def _require_endpoints(self, endpoints: list[dict[str, Any]]) -> None:
        """Refuse a job on an endpoint that is not named or does not exist."""
        for endpoint in endpoints:
            if "EndpointName" not in endpoint:
                # The model leaves EndpointName optional; the service cannot benchmark an endpoint it cannot name.
                raise ValidationException(
                    "1 validation error detected: Value null at 'inputConfig.endpoints.member.endpointName' "
                    "failed to satisfy constraint: Member must not be null"
                )
            if self.sim.endpoints.endpoint_row(endpoint["EndpointName"]) is None:
                raise ValidationException(
                    f'Could not find endpoint "{self.arn("endpoint", endpoint["EndpointName"])}".'
                )

    @handles(Service.SAGEMAKER, "CreateInferenceRecommendationsJob")
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
        # The texts of these two refusals are not published; they follow CreateEndpointConfig's.
        if "ModelName" in config:
            self.sim.models.require(config["ModelName"])
        if "ModelPackageVersionArn" in config:
            self.sim.models.require_package(config["ModelPackageVersionArn"])
        self._require_endpoints(config.get("Endpoints", []))
        now = self.clock()
        factor = speed_factor(self.speed)
        from ircli.simulator.sagemaker.plans import make_plan  # the performance model: only creating a job needs it

        planned = request
        if "ModelPackageVersionArn" in config:
            from ircli.simulator.sagemaker.packages import with_package

            # The package describes the model to benchmark, as a ContainerConfig would.
            package = self.sim.models.package_body(config["ModelPackageVersionArn"])
            planned = with_package(request, package or {})
        plan = make_plan(planned, simulate, factor, self.sim.endpoints.materialized_endpoint)
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM jobs WHERE name = ?", (name,)).fetchone():
                raise ResourceInUse(f"Inference recommendations job with name {name} already exists.")
            db.execute(
                "INSERT INTO jobs (name, created, pending_until, ends_at, failed, stopping_seconds, job_type,"
                " model_name, model_package_arn, request, plan, factor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    name,
                    backdated(now, plan["service"]["ends"], factor),  # the shown CreationTime (timeline)
                    now + plan["pending"],
                    now + plan["ends"],
                    int(plan["failure_reason"] is not None),
                    REALTIME["stopping"] * factor,
                    request["JobType"],
                    config.get("ModelName"),
                    config.get("ModelPackageVersionArn"),
                    documents.dumps(request, default=str),
                    documents.dumps(plan),
                    factor,
                ),
            )
            self.sim.tags.put(db, self.arn("inference-recommendations-job", name), request.get("Tags", []))
        return {"JobArn": self.arn("inference-recommendations-job", name)}

    def job_row(self, name: str) -> Any:
        return (
            self.store.read()
            .execute(
                f"SELECT *, {STATUS_SQL} AS status, {LAST_MODIFIED_SQL} AS last_modified FROM jobs WHERE name = :name",
                {"now": self.clock(), "name": name},
            )
            .fetchone()
        )

    def clock_of(self, name: str) -> float | None:
        """Now, as the job's timestamps count it; None for a job that does not exist."""
        row = self.job_row(name)
        return None if row is None else JobTimeline.of(row, documents.loads(row["plan"])).shown_at(self.clock())

    def _require_job(self, name: str) -> Any:
        row = self.job_row(name)
        if row is None:
            raise ResourceNotFound(f"Inference recommendations job {name} does not exist.")
        return row

    @handles(Service.SAGEMAKER, "DescribeInferenceRecommendationsJob")
    def describe_job(self, request: dict[str, Any]) -> dict[str, Any]:
        row = self._require_job(request["JobName"])
        job_request = documents.loads(row["request"])
        plan = documents.loads(row["plan"])
        status = row["status"]
        timeline = JobTimeline.of(row, plan)
        response: dict[str, Any] = {
            "JobName": job_request["JobName"],
            "JobType": row["job_type"],
            "JobArn": self.arn("inference-recommendations-job", row["name"]),
            "RoleArn": job_request["RoleArn"],
            "Status": status,
            "CreationTime": to_datetime(timeline.created),
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
                if timeline.wall(step_offsets(step)[2]) <= min(cutoff, self.clock()) and not step["result"]["failure"]
            ]
            if len(finished) > MAX_RECOMMENDATIONS:
                cheapest = sorted(finished, key=lambda s: (s["result"]["cost_per_inference"], s["index"]))
                keep = {s["index"] for s in cheapest[:MAX_RECOMMENDATIONS]}
                finished = [s for s in finished if s["index"] in keep]
            if finished:
                response["InferenceRecommendations"] = [self._recommendation(step, timeline) for step in finished]
            if status == "COMPLETED" and plan["endpoint_performances"]:
                response["EndpointPerformances"] = plan["endpoint_performances"]
        return response

    @staticmethod
    def _metrics(result: dict[str, Any]) -> dict[str, Any]:
        metrics: dict[str, Any] = {
            "CostPerHour": result["cost_per_hour"],
            "CostPerInference": result["cost_per_inference"],
            "MaxInvocations": result["max_invocations"],
            "ModelLatency": stored_latency_ms(result),
            # A float that is not a number (a failed benchmark's) stays one: the protocols spell it on the
            # wire, the store in its documents, ircli's service layer for its commands.
            "CpuUtilization": result["cpu_utilization"],
            "MemoryUtilization": result["memory_utilization"],
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
        # EnvironmentParameters is always there: the chosen values of a tuned run, else an empty list, as the
        # service's published output shows (`'EnvironmentParameters': []`).
        model: dict[str, Any] = {}
        if step.get("inference_specification"):
            model["InferenceSpecificationName"] = step["inference_specification"]
        model["EnvironmentParameters"] = [
            {"Key": key, "ValueType": "String", "Value": value} for key, value in step["env"].items()
        ]
        return model

    def _recommendation(self, step: dict[str, Any], timeline: JobTimeline) -> dict[str, Any]:
        _, invocations, end = step_offsets(step)
        return {
            "RecommendationId": step["recommendation_id"],
            "Metrics": self._metrics(step["result"]),
            "EndpointConfiguration": self._endpoint_configuration(step),
            "ModelConfiguration": self._model_configuration(step),
            "InvocationStartTime": to_datetime(timeline.shown(invocations)),
            "InvocationEndTime": to_datetime(timeline.shown(end)),
        }

    @handles(Service.SAGEMAKER, "ListInferenceRecommendationsJobs")
    def list_jobs(self, request: dict[str, Any]) -> dict[str, Any]:
        clauses, params = _list_filters(request)
        params["now"] = self.clock()
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
        response: dict[str, Any] = {"InferenceRecommendationsJobs": [self._summary(row) for row in rows[:limit]]}
        if len(rows) > limit:
            last = rows[limit - 1]
            response["NextToken"] = encode_keyset_token(last["sort_key"], last["name"], context)
        return response

    def _summary(self, row: Any) -> dict[str, Any]:
        """One job as ListInferenceRecommendationsJobs lists it."""
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
        return item

    @handles(Service.SAGEMAKER, "ListInferenceRecommendationsJobSteps")
    def list_steps(self, request: dict[str, Any]) -> dict[str, Any]:
        row = self._require_job(request["JobName"])
        plan = documents.loads(row["plan"])
        now = self.clock()
        timeline = JobTimeline.of(row, plan)
        stop_at = row["stop_at"]
        cut_at = timeline.halted(stop_at, bool(row["failed"]))
        job_name = documents.loads(row["request"])["JobName"]
        steps = []
        for step in plan["steps"]:
            start, invocations, end = (timeline.wall(offset) for offset in step_offsets(step))
            status = self._step_status(
                start, end, now, stop_at, timeline.wall_end, bool(row["failed"]), bool(step["result"]["failure"])
            )
            if "Status" in request and status != request["Status"]:
                continue
            if request.get("StepType", "BENCHMARK") != "BENCHMARK":
                continue
            benchmark: dict[str, Any] = {
                "EndpointConfiguration": self._endpoint_configuration(step),
                "ModelConfiguration": self._model_configuration(step),
            }
            began = now >= invocations and (cut_at is None or step_offsets(step)[1] < cut_at)
            if status in ("IN_PROGRESS", "COMPLETED", "FAILED", "STOPPED") and began:
                benchmark["InvocationStartTime"] = to_datetime(timeline.shown(step_offsets(step)[1]))
            if status == "COMPLETED":
                benchmark["Metrics"] = self._metrics(step["result"])
                benchmark["EndpointMetrics"] = {
                    "MaxInvocations": step["result"]["max_invocations"],
                    "ModelLatency": stored_latency_ms(step["result"]),
                }
                benchmark["InvocationEndTime"] = to_datetime(timeline.shown(step_offsets(step)[2]))
            if status == "FAILED":
                benchmark["FailureReason"] = step["result"]["failure"] or plan["failure_reason"]
            steps.append(
                {"StepType": "BENCHMARK", "JobName": job_name, "Status": status, "InferenceBenchmark": benchmark}
            )
        context = short_hash(request["JobName"], request.get("Status"), request.get("StepType"), length=12)
        return page_of(steps, request, result_key="Steps", context=context)

    @staticmethod
    def _step_status(
        start: float, end: float, now: float, stop_at: float | None, job_end: float, job_failed: bool, failed: bool
    ) -> str:
        """A benchmark's status from its wall-clock start and end."""
        halted = stop_at if stop_at is not None else (job_end if job_failed else None)
        # A failed job fails the benchmarks that had not finished before it, those ending with it included.
        if halted is not None and (end > halted or (end == halted and stop_at is None)):
            if now < halted:
                return "PENDING" if now < start else "IN_PROGRESS"
            return "STOPPED" if stop_at is not None else "FAILED"
        if now < start:
            return "PENDING"
        if now < end:
            return "IN_PROGRESS"
        return "FAILED" if failed else "COMPLETED"

    @handles(Service.SAGEMAKER, "StopInferenceRecommendationsJob")
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


# A list filter's member -> its SQL condition; each is bound to the member's value.
_TIME_FILTERS = {
    "CreationTimeAfter": "created > :CreationTimeAfter",
    "CreationTimeBefore": "created < :CreationTimeBefore",
    "LastModifiedTimeAfter": f"({LAST_MODIFIED_SQL}) > :LastModifiedTimeAfter",
    "LastModifiedTimeBefore": f"({LAST_MODIFIED_SQL}) < :LastModifiedTimeBefore",
}
_VALUE_FILTERS = {
    "NameContains": "instr(lower(name), lower(:NameContains)) > 0",
    "StatusEquals": f"({STATUS_SQL}) = :StatusEquals",
    "ModelNameEquals": "model_name = :ModelNameEquals",
    "ModelPackageVersionArnEquals": "model_package_arn = :ModelPackageVersionArnEquals",
}


def _list_filters(request: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """ListInferenceRecommendationsJobs' filters as SQL conditions and their parameters."""
    clauses: list[str] = ["1=1"]
    params: dict[str, Any] = {}
    for member, clause in _TIME_FILTERS.items():
        if member in request:
            clauses.append(clause)
            params[member] = epoch(request[member])
    for member, clause in _VALUE_FILTERS.items():
        if member in request:
            clauses.append(clause)
            params[member] = request[member]
    return clauses, params
