"""AI benchmark jobs: create (the target endpoint must exist and be InService), describe, list, stop,
delete. A job applies its workload to what the endpoint runs (its instance type and count, the model its
container serves, the tensor-parallel degree and optimisation its environment sets, or on an endpoint for
inference components the component's model, copies and GPUs; see `aiperf_results`; a component the target
names must be on the endpoint, ResourceNotFound else)
and, when it completes, its AIPerf result document appears at
`S3OutputLocation/JOB/profile_export_aiperf.json` (for a list of concurrency levels, one more per level at
`.../JOB/concurrency_N/profile_export_aiperf.json`) in the simulator's S3; its log is in CloudWatch Logs,
`/aws/sagemaker/AIBenchmarkJobs`, stream `JOB/aiperf`.

A tag `ircli:simulate` = `fail-job` makes the job fail, `limit-exceeded` refuses the create with
ResourceLimitExceeded, for pipelines' error paths.
"""

from __future__ import annotations

import json
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import ACCOUNT_ID, SIMULATE_TAG, speed_factor
from ircli.simulator.exceptions import ResourceInUse, ResourceNotFound, ValidationException
from ircli.simulator.objects import join_key, split_uri
from ircli.simulator.resource import handles
from ircli.simulator.sagemaker.ai_jobs import AIJobs, refuse_when_limited, resource_name

LOG_GROUP = "/aws/sagemaker/AIBenchmarkJobs"
LOG_STREAM_SUFFIX = "/aiperf"
STOPPING_SECONDS = 30.0
RESULT_FILE = "profile_export_aiperf.json"


def result_keys(prefix: str, job: str, levels: list[int]) -> list[tuple[int, str]]:
    """Where each concurrency level's document goes: the first level's at the job's own prefix, where AIPerf
    writes it, and with several levels each one's under `concurrency_N/` as well."""
    keys = [(levels[0], join_key(prefix, job, RESULT_FILE))] if levels else []
    if len(levels) > 1:
        keys += [(level, join_key(prefix, job, f"concurrency_{level}", RESULT_FILE)) for level in levels]
    return keys


class AIBenchmarks(AIJobs):
    TABLE = "ai_benchmark_jobs"
    KIND = "ai-benchmark-job"
    LABEL = "AI benchmark job"
    MEMBER = "AIBenchmarkJob"

    @handles(Service.SAGEMAKER, "CreateAIBenchmarkJob")
    def create_benchmark_job(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["AIBenchmarkJobName"]
        refuse_when_limited(request, "concurrent AI benchmark jobs")
        if self.row(name) is not None:
            raise ResourceInUse(f"{self.LABEL} with name {name} already exists.")
        workload_name, body = self.sim.ai_workloads.resolve(request["AIWorkloadConfigIdentifier"])
        endpoint = self._endpoint(request["BenchmarkTarget"])
        components = self._components(request["BenchmarkTarget"], endpoint)
        from ircli.simulator.sagemaker import aiperf_results

        workload = self.sim.ai_workloads.workload(body)
        now = self.clock()
        factor = speed_factor(self.speed)
        run = aiperf_results.run(self.sim, endpoint, workload, name, now, factor, components)
        simulate = {t["Key"]: t.get("Value", "") for t in request.get("Tags", [])}.get(SIMULATE_TAG)
        if simulate == "fail-job":
            run["failure_reason"] = f"The benchmark job failed (simulated by the {SIMULATE_TAG} tag)."
        ends = now + run["seconds"] * factor
        run["started"] = now
        with self.store.write() as db:
            db.execute(
                f"INSERT INTO {self.TABLE} (name, created, ends_at, failed, stopping_seconds, workload, request,"
                " result) VALUES (?,?,?,?,?,?,?,?)",
                (
                    name,
                    now,
                    ends,
                    int(run["failure_reason"] is not None),
                    STOPPING_SECONDS * factor,
                    workload_name,
                    documents.dumps(request, default=str),
                    documents.dumps(run),
                ),
            )
            self.sim.tags.put(db, self.job_arn(name), request.get("Tags", []))
            if run["failure_reason"] is None:
                self._write_results(db, request, name, run, ends)
        return {"AIBenchmarkJobArn": self.job_arn(name)}

    def _endpoint(self, target: dict[str, Any]) -> dict[str, Any]:
        identifier = target.get("Endpoint", {}).get("Identifier")
        if not identifier:
            raise ValidationException("BenchmarkTarget.Endpoint.Identifier is required.")
        name = resource_name(identifier, "endpoint")
        row = None if name is None else self.sim.endpoints.endpoint_row(name)
        if row is None:
            raise ResourceNotFound(f"Endpoint {identifier} does not exist.")
        endpoint = self.sim.endpoints.materialized_endpoint(str(row["name"]), row)
        if endpoint["status"] != "InService":
            raise ValidationException(
                f"Endpoint {endpoint['EndpointName']} is {endpoint['status']}: a benchmark needs an InService endpoint."
            )
        return endpoint

    def _components(self, target: dict[str, Any], endpoint: dict[str, Any]) -> list[str]:
        """The inference components the target names, each one the endpoint hosts (ResourceNotFound else);
        the benchmark measures the first."""
        names = []
        for entry in target.get("Endpoint", {}).get("InferenceComponents") or []:
            identifier = str(entry.get("Identifier", ""))
            name = resource_name(identifier, "inference-component")
            if name is None or not self.sim.inference_components.on_endpoint(endpoint["EndpointName"], name):
                raise ResourceNotFound(
                    f"Inference component {identifier} does not exist on endpoint {endpoint['EndpointName']}."
                )
            names.append(name)
        return names

    def _write_results(self, db: Any, request: dict[str, Any], name: str, run: dict[str, Any], ends: float) -> None:
        bucket, prefix = split_uri(request["OutputConfig"]["S3OutputLocation"])
        levels = [int(level) for level in run["documents"]]
        for level, key in result_keys(prefix, name, levels):
            document = run["documents"][str(level)]
            self.sim.objects.put(db, bucket, key, json.dumps(document, indent=2).encode(), available_at=ends)

    def stopped(self, db: Any, name: str, now: float) -> None:
        row = db.execute(f"SELECT request, result FROM {self.TABLE} WHERE name = ?", (name,)).fetchone()
        bucket, prefix = split_uri(documents.loads(row["request"])["OutputConfig"]["S3OutputLocation"])
        levels = [int(level) for level in documents.loads(row["result"]).get("documents", {})]
        for _, key in result_keys(prefix, name, levels):
            self.sim.objects.withdraw(db, bucket, key, after=now)

    def log_group_arn(self) -> str:
        return f"arn:aws:logs:{self.sim.region}:{ACCOUNT_ID}:log-group:{LOG_GROUP}"

    @handles(Service.SAGEMAKER, "DescribeAIBenchmarkJob")
    def describe_benchmark_job(self, request: dict[str, Any]) -> dict[str, Any]:
        row = self.require(request["AIBenchmarkJobName"])
        job = documents.loads(row["request"])
        run = documents.loads(row["result"])
        answer: dict[str, Any] = {
            "AIBenchmarkJobName": job["AIBenchmarkJobName"],
            "AIBenchmarkJobArn": self.job_arn(row["name"]),
            **self.timeline(row),
        }
        if row["status"] == "Failed":
            answer["FailureReason"] = str(run["failure_reason"])[:1024]
        answer["BenchmarkTarget"] = job["BenchmarkTarget"]
        output: dict[str, Any] = {"S3OutputLocation": job["OutputConfig"]["S3OutputLocation"]}
        output["CloudWatchLogs"] = [
            {"LogGroupArn": self.log_group_arn(), "LogStreamName": job["AIBenchmarkJobName"] + LOG_STREAM_SUFFIX}
        ]
        if "MlflowConfig" in job["OutputConfig"]:
            output["MlflowConfig"] = job["OutputConfig"]["MlflowConfig"]
        answer["OutputConfig"] = output
        answer["AIWorkloadConfigIdentifier"] = job["AIWorkloadConfigIdentifier"]
        answer["RoleArn"] = job["RoleArn"]
        if "NetworkConfig" in job:
            answer["NetworkConfig"] = job["NetworkConfig"]
        tags = self.sim.tags.list_tags({"ResourceArn": self.job_arn(row["name"])})["Tags"]
        if tags:
            answer["Tags"] = tags
        return answer

    def summary(self, row: Any) -> dict[str, Any]:
        item = super().summary(row)
        item["AIWorkloadConfigName"] = str(row["workload"])
        return item

    @handles(Service.SAGEMAKER, "ListAIBenchmarkJobs")
    def list_benchmark_jobs(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.listing(request, "AIBenchmarkJobs")

    @handles(Service.SAGEMAKER, "StopAIBenchmarkJob")
    def stop_benchmark_job(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.stop(request["AIBenchmarkJobName"])

    @handles(Service.SAGEMAKER, "DeleteAIBenchmarkJob")
    def delete_benchmark_job(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.delete(request["AIBenchmarkJobName"])
