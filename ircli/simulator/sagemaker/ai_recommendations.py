"""AI recommendation jobs: create (the plan made at once, see `ai_plans`), describe (the ranked
recommendations once Completed, as the service returns them), list, stop, delete.

Each recommendation names a model package the job registers in the simulator's model registry (in the
OutputConfig's ModelPackageGroupIdentifier, which must exist, or a group named after the job), whose
additional inference specification holds the recommended container, so that the documented deployment
(CreateModel from the package and specification, an endpoint configuration, CreateEndpoint) works. The
job also writes its recommendations, each with its curve over concurrency, to
`S3OutputLocation/JOB/recommendations.json` in the simulator's S3 when it completes.

A tag `ircli:simulate` = `fail-job` makes the job fail, `limit-exceeded` refuses the create with
ResourceLimitExceeded, for pipelines' error paths.
"""

from __future__ import annotations

import json
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import SIMULATE_TAG, speed_factor
from ircli.simulator.exceptions import ResourceInUse, ResourceNotFound, ValidationException
from ircli.simulator.objects import join_key, split_uri
from ircli.simulator.resource import handles
from ircli.simulator.sagemaker.ai_jobs import AIJobs, refuse_when_limited, resource_name

STOPPING_SECONDS = 60.0
IMAGES = {
    "LMI": "763104351884.dkr.ecr.{region}.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128",
    "VLLM": "763104351884.dkr.ecr.{region}.amazonaws.com/vllm:0.10.2-gpu-py312-cu128-ubuntu22.04-sagemaker",
}
DRAFT = {"draft_model": "eagle3", "num_speculative_tokens": "5"}
TUNING = {"attention_backend": "FLASHINFER", "cuda_graphs": "enabled"}
METRICS = (  # (Metric, Stat, the stored performance field, Unit)
    ("ttft-ms", "average", "ttft_ms", "ms"),
    ("ttft-ms", "p90", "ttft_p90_ms", "ms"),
    ("inter-token-latency-ms", "average", "itl_ms", "ms"),
    ("request-latency-ms", "average", "request_latency_ms", "ms"),
    ("request-latency-ms", "p90", "request_latency_p90_ms", "ms"),
    ("throughput", "average", "output_tokens_per_second", "tokens/second"),
    ("throughput-per-user", "average", "tokens_per_second_per_user", "tokens/second"),
    ("request-throughput", "average", "requests_per_second", "requests/second"),
    ("cost", "average", "cost_per_million_tokens", "USD/1M tokens"),
    ("cost-per-hour", "average", "price_per_hour", "USD/hour"),
)


def environment(stored: dict[str, Any], max_model_len: int) -> dict[str, str]:
    """The container's environment: the tensor-parallel degree, lengths and batch, the optimisation."""
    batch = str(max(1, stored["fit"]["max_batch"]))
    if stored["framework"] == "VLLM":
        env = {
            "SM_VLLM_TENSOR_PARALLEL_SIZE": str(stored["tensor_parallel"]),
            "SM_VLLM_MAX_MODEL_LEN": str(max_model_len),
            "SM_VLLM_MAX_NUM_SEQS": batch,
        }
        if stored["optimization"] == "SpeculativeDecoding":
            env["SM_VLLM_SPECULATIVE_CONFIG"] = json.dumps({"method": "eagle3", "num_speculative_tokens": 5})
        return env
    env = {
        "HF_MODEL_ID": "/opt/ml/model",
        "OPTION_ROLLING_BATCH": "vllm",
        "OPTION_TENSOR_PARALLEL_DEGREE": str(stored["tensor_parallel"]),
        "OPTION_MAX_MODEL_LEN": str(max_model_len),
        "OPTION_MAX_ROLLING_BATCH_SIZE": batch,
    }
    if stored["optimization"] == "SpeculativeDecoding":
        env.update(OPTION_SPECULATIVE_DRAFT_MODEL="eagle3", OPTION_SPECULATIVE_LENGTH="5")
    return env


class AIRecommendations(AIJobs):
    TABLE = "ai_recommendation_jobs"
    KIND = "ai-recommendation-job"
    LABEL = "AI recommendation job"
    MEMBER = "AIRecommendationJob"

    @handles(Service.SAGEMAKER, "CreateAIRecommendationJob")
    def create_recommendation_job(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["AIRecommendationJobName"]
        refuse_when_limited(request, "concurrent AI recommendation jobs")
        if self.row(name) is not None:
            raise ResourceInUse(f"{self.LABEL} with name {name} already exists.")
        workload_name, body = self.sim.ai_workloads.resolve(request["AIWorkloadConfigIdentifier"])
        uri = request["ModelSource"].get("S3", {}).get("S3Uri")
        output = request["OutputConfig"].get("S3OutputLocation")
        if not uri or not output:
            missing = "ModelSource.S3.S3Uri" if not uri else "OutputConfig.S3OutputLocation"
            raise ValidationException(f"{missing} is required: the model's HuggingFace checkpoint and where to write.")
        group = self._group(request, name)
        plan = self._plan(request, uri, body)
        if plan["failure_reason"] is None:
            self._register(plan, request, group, uri)
            plan["adapters"] = self._adapters(request.get("AdapterSource"), group)
        now = self.clock()
        ends = now + plan["seconds"] * speed_factor(self.speed)
        with self.store.write() as db:
            db.execute(
                f"INSERT INTO {self.TABLE} (name, created, ends_at, failed, stopping_seconds, workload, request,"
                " result) VALUES (?,?,?,?,?,?,?,?)",
                (
                    name,
                    now,
                    ends,
                    int(plan["failure_reason"] is not None),
                    STOPPING_SECONDS * speed_factor(self.speed),
                    workload_name,
                    documents.dumps(request, default=str),
                    documents.dumps(plan),
                ),
            )
            self.sim.tags.put(db, self.job_arn(name), request.get("Tags", []))
            if plan["failure_reason"] is None:
                bucket, prefix = split_uri(output)
                key = join_key(prefix, name, "recommendations.json")
                self.sim.objects.put(db, bucket, key, json.dumps(self._document(plan)).encode(), available_at=ends)
        return {"AIRecommendationJobArn": self.job_arn(name)}

    def _plan(self, request: dict[str, Any], uri: str, body: dict[str, Any]) -> dict[str, Any]:
        """The job's plan: the model as the simulator knows it, every configuration measured and ranked."""
        from ircli.simulator.sagemaker import ai_plans, llm_models

        model = llm_models.identify(uri, self._config_json(uri))
        workload = self.sim.ai_workloads.workload(body)
        constraints = request["PerformanceTarget"]["Constraints"]
        goal = constraints[0]["Metric"] if constraints else "cost"
        plan = ai_plans.make_plan(
            model,
            workload,
            list(request.get("ComputeSpec", {}).get("InstanceTypes", [])),
            request.get("InferenceSpecification", {}).get("Framework", "LMI"),
            goal,
            bool(request.get("OptimizeModel")),
        )
        simulate = {t["Key"]: t.get("Value", "") for t in request.get("Tags", [])}.get(SIMULATE_TAG)
        if simulate == "fail-job":
            plan["failure_reason"] = f"The recommendation job failed (simulated by the {SIMULATE_TAG} tag)."
        plan["model"] = {"name": model.name, "source": model.source, "params": model.params}
        plan["model"]["max_context"] = model.max_context
        plan["goal"], plan["workload"] = goal, workload.__dict__
        return plan

    def _config_json(self, uri: str) -> Any:
        try:
            return self.sim.objects.get_json(uri.rstrip("/") + "/config.json")
        except ValueError:
            return None

    def _group(self, request: dict[str, Any], job: str) -> str:
        identifier = request["OutputConfig"].get("ModelPackageGroupIdentifier")
        if identifier is None:
            return job
        group = resource_name(identifier, "model-package-group")
        exists = (
            group is not None
            and self.store.read().execute("SELECT 1 FROM model_package_groups WHERE name = ?", (group,)).fetchone()
        )
        if not exists:
            raise ResourceNotFound(f"Model package group {identifier} does not exist.")
        assert group is not None
        return group

    def _register(self, plan: dict[str, Any], request: dict[str, Any], group: str, uri: str) -> None:
        """A model package per recommendation, its container in an additional inference specification."""
        models = self.sim.models
        if (
            models.store.read().execute("SELECT 1 FROM model_package_groups WHERE name = ?", (group,)).fetchone()
            is None
        ):
            models.create_model_package_group(
                {"ModelPackageGroupName": group, "ModelPackageGroupDescription": "AI recommendation job output"}
            )
        job = request["AIRecommendationJobName"]
        for rank, stored in enumerate(plan["recommendations"], start=1):
            spec = f"{job[:40]}-r{rank}"
            max_len = min(
                plan["model"]["max_context"], 2 * (plan["workload"]["input_mean"] + plan["workload"]["output_mean"])
            )
            container = {
                "Image": IMAGES[stored["framework"]].format(region=self.sim.region),
                "ModelDataSource": {
                    "S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix", "CompressionType": "None"}
                },
                "Environment": environment(stored, max(max_len, 1024)),
            }
            answer = models.create_model_package(
                {
                    "ModelPackageGroupName": group,
                    "ModelPackageDescription": f"Recommendation {rank} of AI recommendation job {job}",
                    "ModelApprovalStatus": "Approved",
                    "InferenceSpecification": {
                        "Containers": [container],
                        "SupportedRealtimeInferenceInstanceTypes": [stored["instance_type"]],
                        "SupportedContentTypes": ["application/json"],
                        "SupportedResponseMIMETypes": ["application/json"],
                    },
                    "AdditionalInferenceSpecifications": [
                        {
                            "Name": spec,
                            "Containers": [container],
                            "SupportedRealtimeInferenceInstanceTypes": [stored["instance_type"]],
                        }
                    ],
                }
            )
            stored.update(package_arn=answer["ModelPackageArn"], specification=spec, image=container["Image"])
            stored.update(environment=container["Environment"], model_uri=uri)

    def _adapters(self, source: dict[str, Any] | None, group: str) -> dict[str, Any] | None:
        """The adapters as a recommendation details them, both by model package and by S3 location: an
        adapter given in S3 is registered as a package of the job's group; one given as a package is found
        in the registry (and left out when it is not there, or names no S3 location)."""
        if not source:
            return None
        models = self.sim.models
        by_package, by_s3 = [], []
        for adapter in source.get("S3Uris", []):
            registered = models.create_model_package(
                {
                    "ModelPackageGroupName": group,
                    "ModelPackageDescription": f"LoRA adapter {adapter['AdapterId']}",
                    "InferenceSpecification": {
                        "Containers": [{"Image": "lora-adapter", "ModelDataUrl": adapter["S3Uri"]}],
                        "SupportedContentTypes": ["application/json"],
                        "SupportedResponseMIMETypes": ["application/json"],
                    },
                }
            )
            by_package.append({"AdapterId": adapter["AdapterId"], "ModelPackageArn": registered["ModelPackageArn"]})
            by_s3.append(dict(adapter))
        for adapter in source.get("ModelPackageArns", []):
            try:
                package = models.describe_model_package({"ModelPackageName": adapter["ModelPackageArn"]})
            except ValidationException:
                continue
            container = (package.get("InferenceSpecification", {}).get("Containers") or [{}])[0]
            location = container.get("ModelDataUrl") or container.get("ModelDataSource", {}).get(
                "S3DataSource", {}
            ).get("S3Uri")
            if location:
                by_package.append(dict(adapter))
                by_s3.append({"AdapterId": adapter["AdapterId"], "S3Uri": location})
        return {"ModelPackageArns": by_package, "S3Uris": by_s3} if by_package else None

    def _document(self, plan: dict[str, Any]) -> dict[str, Any]:
        """What the job writes to its output location: the recommendations with their curves."""
        return {
            "model": plan["model"],
            "goal": plan["goal"],
            "workload": plan["workload"],
            "instance_types": plan["instance_types"],
            "recommendations": [
                {**self._recommendation(stored), "Curve": stored["curve"]} for stored in plan["recommendations"]
            ],
        }

    def _recommendation(self, stored: dict[str, Any], adapters: dict[str, Any] | None = None) -> dict[str, Any]:
        performance = stored["performance"]
        optimization = stored["optimization"]
        label = f"{stored['instance_type']} x{stored['instance_count']}, TP {stored['tensor_parallel']}"
        label += f", {stored['copies']} cop{'y' if stored['copies'] == 1 else 'ies'} per instance"
        recommendation: dict[str, Any] = {
            "RecommendationDescription": label + (f", {optimization}" if optimization else ""),
        }
        if optimization:
            config = DRAFT if optimization == "SpeculativeDecoding" else TUNING
            recommendation["OptimizationDetails"] = [
                {"OptimizationType": optimization, "OptimizationConfig": dict(config)}
            ]
        instance = {
            "InstanceType": stored["instance_type"],
            "InstanceCount": stored["instance_count"],
            "CopyCountPerInstance": stored["copies"],
        }
        recommendation["ModelDetails"] = {
            "ModelPackageArn": stored["package_arn"],
            "InferenceSpecificationName": stored["specification"],
            "InstanceDetails": [instance],
        }
        recommendation["DeploymentConfiguration"] = {
            "S3": [{"ChannelName": "model", "Uri": stored["model_uri"]}],
            "ImageUri": stored["image"],
            **instance,
            "EnvironmentVariables": stored["environment"],
            "MinCpuMemoryRequiredInMb": stored["min_cpu_memory_mb"],
        }
        recommendation["ExpectedPerformance"] = [
            {"Metric": metric, "Stat": stat, "Value": f"{float(performance[field]):.2f}", "Unit": unit}
            for metric, stat, field, unit in METRICS
            if field in performance
        ]
        if adapters:  # the LoRA adapters served with the model
            recommendation["AdapterDetails"] = adapters
        return recommendation

    @handles(Service.SAGEMAKER, "DescribeAIRecommendationJob")
    def describe_recommendation_job(self, request: dict[str, Any]) -> dict[str, Any]:
        row = self.require(request["AIRecommendationJobName"])
        job = documents.loads(row["request"])
        plan = documents.loads(row["result"])
        answer: dict[str, Any] = {
            "AIRecommendationJobName": job["AIRecommendationJobName"],
            "AIRecommendationJobArn": self.job_arn(row["name"]),
            **self.timeline(row),
        }
        if row["status"] == "Failed":
            answer["FailureReason"] = plan["failure_reason"][:1024]
        answer["ModelSource"] = job["ModelSource"]
        answer["OutputConfig"] = {k: v for k, v in job["OutputConfig"].items()}
        for member in ("InferenceSpecification", "OptimizeModel", "PerformanceTarget", "ComputeSpec", "AdapterSource"):
            if member in job:
                answer[member] = job[member]
        answer["AIWorkloadConfigIdentifier"] = job["AIWorkloadConfigIdentifier"]
        answer["RoleArn"] = job["RoleArn"]
        if row["status"] == "Completed":
            adapters = plan.get("adapters")
            answer["Recommendations"] = [self._recommendation(stored, adapters) for stored in plan["recommendations"]]
        tags = self.sim.tags.list_tags({"ResourceArn": self.job_arn(row["name"])})["Tags"]
        if tags:
            answer["Tags"] = tags
        return answer

    @handles(Service.SAGEMAKER, "ListAIRecommendationJobs")
    def list_recommendation_jobs(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.listing(request, "AIRecommendationJobs")

    @handles(Service.SAGEMAKER, "StopAIRecommendationJob")
    def stop_recommendation_job(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.stop(request["AIRecommendationJobName"])

    def stopped(self, db: Any, name: str, now: float) -> None:
        row = db.execute(f"SELECT request FROM {self.TABLE} WHERE name = ?", (name,)).fetchone()
        bucket, prefix = split_uri(documents.loads(row["request"])["OutputConfig"]["S3OutputLocation"])
        self.sim.objects.withdraw(db, bucket, join_key(prefix, name, "recommendations.json"), after=now)

    @handles(Service.SAGEMAKER, "DeleteAIRecommendationJob")
    def delete_recommendation_job(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.delete(request["AIRecommendationJobName"])
